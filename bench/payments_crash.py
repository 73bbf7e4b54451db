"""Crash test of checkout and payments: gunicorn workers are killed (SIGKILL) again and again
while buyers place orders through the API and retry every cut request with the same
Idempotency-Key until it is answered. Then reconciliation runs, and the invariants are checked:

* no partial order: every order has its parts, every part its lines, every line an active hold,
  and every stock level holds exactly the units of its active holds;
* no answered order lost: every order a buyer was answered (201) exists, under the buyer's key;
* no double charge: one order per (buyer, key), one charge at the gateway per payment attempt,
  and the gateway's live authorizations are exactly the orders' payments, for their totals;
* after reconciliation, no authorization without an order.

    .venv/bin/python bench/payments_crash.py                       # SQLite (temporary file), 100 kills
    .venv/bin/python bench/payments_crash.py --database-url postgres://postgres@127.0.0.1:5432/comptoir_crash
    options: --kills N (100) --buyers B (6) --workers W (3) --interval-ms LOW,HIGH (between kills, 100,600)
             --abandon P (share of cut requests given up instead of retried, 0: their authorizations
             are what reconciliation must void)

The PostgreSQL database named is dropped and re-created. Prints one JSON document; exit code 1
when an invariant is broken. comptoir/orders/tests/test_crash.py runs it with a few kills.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _environment(database_url: str, gateway_path: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "comptoir.settings.base", "DEBUG": "0", "LOG_LEVEL": "CRITICAL",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend", "PAYMENT_PROVIDER": "test", "PAYMENT_TEST_STATE_PATH": gateway_path,
        "CONN_MAX_AGE": "600", "PYTHONPATH": str(ROOT),
    }


def _recreate_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _seed(buyers: int) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from comptoir.api.auth import token_create
    from comptoir.orders.tests import factories as f

    f.market("FR")
    sellers = [f.seller("Crash Lyon", city_name="Lyon"), f.seller("Crash Paris", city_name="Paris")]
    offers = [f.offer(sellers[i % 2], net_price=1000 + 10 * i, stock=100_000, title=f"Crash {i}").pk for i in range(4)]
    users = [f.user(f"crash{i}-{uuid.uuid4().hex[:6]}@example.com") for i in range(buyers)]
    return {"offers": offers, "buyers": [(u.pk, token_create(user=u)) for u in users]}


def _start_gunicorn(env: dict[str, str], workers: int) -> tuple[subprocess.Popen, int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "payments_crash_wsgi:application", "--pythonpath", str(ROOT / "bench"),
         "--workers", str(workers), "--preload",
         "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "critical", "--graceful-timeout", "5"],
        env={**os.environ, **env}, cwd=ROOT,
    )
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz")


def _workers(master_pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


class Buyer(threading.Thread):
    """Places orders back to back; a request cut by a dead worker is sent again, same key and
    body, until the server answers it."""

    def __init__(self, port: int, user_id: int, token: str, offers: list[int], stop: threading.Event, rng: random.Random,
                 abandon: float = 0.0):
        super().__init__(daemon=True)
        self.user_id, self.abandon = user_id, abandon
        self.abandoned = 0  # cut requests given up (a buyer who closed the tab)
        self.port, self.token, self.offers, self.stop, self.rng = port, token, offers, stop, rng
        self.answered: dict[str, str] = {}  # key → order reference
        self.last_cut: dict[str, float] = {}  # key → when its last request was cut (time.time())
        self.refused: Counter = Counter()  # key's final 4xx code
        self.sent = self.cut = 0

    def run(self) -> None:
        while not self.stop.is_set():
            key = uuid.uuid4().hex
            lines = [{"offer_id": offer, "quantity": self.rng.randint(1, 3)} for offer in self.rng.sample(self.offers, self.rng.randint(1, 2))]
            body = json.dumps({
                "lines": lines,
                "address": {"full_name": "Ana Ruiz", "line1": "1 rue de la République", "postcode": "69001", "city": "Lyon",
                            "country": "FR", "phone": "+33472103030"},
                "card": {"number": "4242424242424242", "expiry": "12/34", "cvc": "123"},
            })
            while True:  # until answered, even after stop: a cut request is always retried
                status, answer = self._post(body, key)
                if status is None:
                    self.cut += 1
                    self.last_cut[key] = time.time()
                    if self.rng.random() < self.abandon:
                        self.abandoned += 1
                        break
                    time.sleep(0.05)
                    continue
                if status in (200, 201):
                    self.answered[key] = answer["reference"]
                elif status >= 500:
                    time.sleep(0.05)
                    continue
                else:
                    self.refused[answer.get("code", str(status))] += 1
                break

    def _post(self, body: str, key: str):
        self.sent += 1
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", "/api/v1/orders", body=body, headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {self.token}", "Idempotency-Key": key,
            })
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        except (OSError, http.client.HTTPException):
            return None, None
        finally:
            conn.close()


def _kill(master_pid: int, kills: int, interval_ms: tuple[int, int], rng: random.Random) -> int:
    done = 0
    while done < kills:
        time.sleep(rng.uniform(*interval_ms) / 1000)
        workers = _workers(master_pid)
        if not workers:
            continue
        try:
            os.kill(rng.choice(workers), signal.SIGKILL)
            done += 1
        except ProcessLookupError:
            pass
    return done


def _check(buyers: list[Buyer], seed: dict) -> dict:
    """The invariants, read from the database and the gateway after reconciliation."""
    from django.db.models import Count, Sum

    from comptoir.inventory.models import Hold, StockLevel
    from comptoir.orders.models import Order, OrderLine, SellerOrder
    from comptoir.payments.models import Payment
    from comptoir.payments.services.notifications import test_provider

    orders = {o.reference: o for o in Order.objects.all()}
    payments = {p.pk: p for p in Payment.objects.all()}
    charges = test_provider().store.charges()
    charge_by_key = {c.idempotency_key: c for c in charges}
    answered = {ref for b in buyers for ref in b.answered.values()}
    parts_per_order = dict(SellerOrder.objects.values_list("order_id").annotate(n=Count("id")))
    lines_per_part = dict(OrderLine.objects.values_list("seller_order_id").annotate(n=Count("id")))
    live_holds = Hold.objects.filter(state="active")
    held_by_level = dict(live_holds.values_list("stock_level_id").annotate(n=Sum("quantity")))
    violations = {
        "partial_orders": sorted(r for r, o in orders.items() if parts_per_order.get(o.pk, 0) == 0)
        + sorted(str(p) for p in SellerOrder.objects.values_list("pk", flat=True) if lines_per_part.get(p, 0) == 0),
        "lines_without_an_active_hold": OrderLine.objects.exclude(hold__state="active").count(),
        "stock_levels_not_matching_their_holds": [
            level.pk for level in StockLevel.objects.all() if level.held != held_by_level.get(level.pk, 0)
        ],
        "answered_orders_lost": sorted(answered - set(orders)),
        "orders_per_key_above_one": [k for k, n in Counter((o.buyer_id, o.idempotency_key) for o in orders.values()).items() if n > 1],
        "charges_per_payment_above_one": [k for k, n in Counter(c.idempotency_key for c in charges).items() if n > 1],
        "orders_whose_charge_is_not_authorized_for_their_total": sorted(
            o.reference for o in orders.values()
            if (c := charge_by_key.get(payments[o.payment_id].provider_key)) is None or c.status != "authorized" or c.amount != o.total_gross
        ),
    }
    violations["authorizations_without_an_order_after_reconciliation"] = _orphans()
    statuses = Counter(c.status for c in charges)
    return {
        "answered_orders_whose_request_was_cut": _cut_windows(buyers, orders, payments, charge_by_key),
        "orders": len(orders), "orders_answered": len(answered), "payments": len(payments),
        "payment_statuses": dict(Counter(p.status for p in payments.values())), "gateway_charges": dict(statuses),
        "violations": violations, "ok": not any(violations.values()),
    }


def _orphans() -> list[int]:
    """Payments whose charge is authorized (or pending) at the gateway and that no order holds."""
    from comptoir.orders.models import Order
    from comptoir.payments.models import Payment
    from comptoir.payments.services.notifications import test_provider

    live = {c.idempotency_key for c in test_provider().store.charges() if c.status in ("authorized", "pending")}
    ordered = set(Order.objects.values_list("payment_id", flat=True))
    return sorted(p.pk for p in Payment.objects.all() if p.provider_key in live and p.pk not in ordered)


def _cut_windows(buyers: list[Buyer], orders: dict, payments: dict, charge_by_key: dict) -> dict:
    """Where the last kill cut each answered order's request, from the timestamps each step left:
    the attempt's row, the gateway's charge, the order's row (one clock: the same machine)."""
    by_key = {(o.buyer_id, o.idempotency_key): o for o in orders.values()}
    windows: Counter = Counter()
    for buyer in buyers:
        for key, cut in buyer.last_cut.items():
            if key not in buyer.answered:
                continue
            order = by_key[(buyer.user_id, key)]
            payment = payments[order.payment_id]
            charge = charge_by_key[payment.provider_key]
            if cut < payment.created_at.timestamp():
                windows["before_the_payment_attempt"] += 1
            elif cut < charge.created_at:
                windows["after_the_attempt_before_the_provider_answered"] += 1
            elif cut < order.created_at.timestamp():
                windows["after_the_provider_answered_before_the_order_committed"] += 1
            else:
                windows["after_the_order_committed_answer_lost"] += 1
    return dict(windows)


def run(database_url: str, kills: int, buyers_count: int, workers: int, interval_ms: tuple[int, int], seed_value: int,
        abandon: float = 0.0) -> dict:
    if database_url.startswith("postgres"):
        _recreate_postgres(database_url)
    gateway = tempfile.NamedTemporaryFile(prefix="comptoir-crash-gateway-", suffix=".sqlite3", delete=False).name
    env = _environment(database_url, gateway)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connections

    from comptoir.orders.services import payments_reconcile

    seed = _seed(buyers_count)
    connections.close_all()
    server, port = _start_gunicorn(env, workers)
    rng = random.Random(seed_value)
    stop = threading.Event()
    buyers = [Buyer(port, pk, token, seed["offers"], stop, random.Random(rng.random()), abandon) for pk, token in seed["buyers"]]
    started = time.perf_counter()
    for buyer in buyers:
        buyer.start()
    try:
        killed = _kill(server.pid, kills, interval_ms, rng)
        stop.set()
        for buyer in buyers:
            buyer.join(timeout=120)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    elapsed = time.perf_counter() - started
    before = len(_orphans())
    report = payments_reconcile(older_than=__import__("datetime").timedelta(0))
    checked = _check(buyers, seed)
    os.unlink(gateway)
    return {
        "benchmark": "payments_crash", "database": "postgresql" if database_url.startswith("postgres") else "sqlite",
        "kills": killed, "seconds": round(elapsed, 1), "buyers": buyers_count, "server_workers": workers,
        "requests_sent": sum(b.sent for b in buyers), "requests_cut": sum(b.cut for b in buyers),
        "cut_requests_abandoned": sum(b.abandoned for b in buyers),
        "refused": dict(sum((b.refused for b in buyers), Counter())),
        "authorizations_without_an_order_before_reconciliation": before,
        "reconciliation": {"examined": report.examined, "held_by_an_order": report.kept, "voided": len(report.voided), "failed": len(report.failed)},
        **checked,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database-url", default="")
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--buyers", type=int, default=6)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--interval-ms", default="100,600")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--abandon", type=float, default=0.0, help="share of cut requests a buyer gives up instead of retrying")
    args = ap.parse_args()
    low, high = (int(v) for v in args.interval_ms.split(","))
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='comptoir-crash-')}/crash.sqlite3"
    result = run(url, args.kills, args.buyers, args.workers, (low, high), args.seed, args.abandon)
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
