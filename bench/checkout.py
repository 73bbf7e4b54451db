"""Checkout benchmark: orders placed per second and placement latency (p50/p95) through
comptoir.orders.services.order_place, with 1, 8 and 20 concurrent buyers (separate processes,
each with its own database connection), contended (every buyer buys the same offer) and
uncontended (each buyer its own offer), on SQLite and PostgreSQL. The baseline, measured in the
same run by the same processes, is a trivial `SELECT 1` round trip; ratios are reported.

    .venv/bin/python bench/checkout.py [--postgres postgres://postgres@127.0.0.1:5432/comptoir_bench_checkout]
                                       [--no-sqlite] [--orders 25] [--concurrency 1,8,20]

Each run creates a fresh database (a temporary SQLite file; the PostgreSQL database named in the
URL is dropped and re-created), migrates it and seeds a market, sellers, offers and buyers.
Prints one JSON document.

Two ways to drive it (``--via``):

* ``service`` (default): each buyer is a process calling order_place directly (20 buyers = 20
  Python processes and 20 PostgreSQL backends on the machine's CPUs);
* ``http``: each buyer is a client thread posting ``POST /api/v1/orders`` (bearer token,
  Idempotency-Key) to gunicorn serving the real API with ``--server-workers`` sync workers
  (default 2 × CPUs + 1, gunicorn's recommendation); the latency is what a buyer's client sees,
  queueing at the server included. The baseline is ``GET /healthz`` on the same server.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return 0.0
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


TASKS_BACKEND = "django_tasks_db.DatabaseBackend"


def _setup_django(database_url: str) -> None:
    # Production-like settings: the real database task backend, so that the confirmation
    # emails are enqueued (one INSERT after commit) and not rendered and sent inline.
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "comptoir.settings.base"
    os.environ["TASKS_BACKEND"] = TASKS_BACKEND
    os.environ["DEBUG"] = "0"
    os.environ["LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.conf import settings

    backend = settings.TASKS["default"]["BACKEND"]
    if backend != TASKS_BACKEND:
        raise SystemExit(f"bench/checkout.py needs the database task backend, settings give {backend}")


def _count_queries(seed: dict) -> dict:
    """Queries of one placement (after a warm-up one): in all, and those issued while the stock
    rows are locked (from the SELECT … FOR UPDATE to the last statement before COMMIT; COMMIT not
    counted; PostgreSQL only)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comptoir.orders.quote import LineRequest
    from comptoir.orders.services import order_place
    from comptoir.orders.tests.helpers import LYON, OK_CARD

    buyer = get_user_model().objects.get(pk=seed["users"][0])
    line = [LineRequest(seed["own"][0], 1)]
    order_place(buyer=buyer, lines=line, address=LYON, card=OK_CARD, idempotency_key=uuid.uuid4().hex)
    with CaptureQueriesContext(connection) as ctx:
        order_place(buyer=buyer, lines=line, address=LYON, card=OK_CARD, idempotency_key=uuid.uuid4().hex)
    sqls = [q["sql"] for q in ctx.captured_queries]
    locked = None
    if connection.vendor == "postgresql":
        # From the stock lock (SELECT … FOR UPDATE on the stock levels) to the last statement
        # before COMMIT.
        first = next((i for i, q in enumerate(sqls) if "FOR UPDATE" in q and "inventory_stocklevel" in q), None)
        last = max((i for i, q in enumerate(sqls) if q.strip().upper() != "COMMIT"), default=None)
        locked = last - first + 1 if first is not None and last is not None else None
    return {"queries_per_placement": len(sqls), "queries_under_stock_lock": locked, **_cpu_per_placement(buyer, line)}


def _backend_cpu_seconds(connection) -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend (same machine only)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _cpu_per_placement(buyer, line, n: int = 40) -> dict:
    """CPU milliseconds per placement, one buyer, no contention: this process (Python, and the
    SQLite engine) and the PostgreSQL backend serving it. cpus × 1000 / total is the throughput
    ceiling of the machine whatever the concurrency; Little's law then gives the latency floor."""
    from django.db import connection

    from comptoir.orders.services import order_place
    from comptoir.orders.tests.helpers import LYON, OK_CARD

    server0, client0, wall0 = _backend_cpu_seconds(connection), time.process_time(), time.perf_counter()
    for _ in range(n):
        order_place(buyer=buyer, lines=line, address=LYON, card=OK_CARD, idempotency_key=uuid.uuid4().hex)
    client = (time.process_time() - client0) / n * 1000
    wall = (time.perf_counter() - wall0) / n * 1000
    server1 = _backend_cpu_seconds(connection)
    server = (server1 - server0) / n * 1000 if server0 is not None and server1 is not None else None
    total = client + (server or 0.0)
    return {
        "cpu_ms_per_placement": {"client": round(client, 2), "db_server": None if server is None else round(server, 2),
                                 "wall_ms_one_buyer": round(wall, 2)},
        "throughput_ceiling_orders_per_s": round((os.cpu_count() or 1) * 1000 / total, 1) if total else None,
    }


def _recreate_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _seed(buyers: int, orders_per_buyer: int) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from comptoir.orders.tests import factories as f

    f.market("FR")
    seller = f.seller("Bench Seller", city_name="Lyon")
    total = buyers * orders_per_buyer * 3  # generous: warm-up and every round fit
    contended = f.offer(seller, net_price=1990, stock=10 * total, title="Contended")
    own = [f.offer(seller, net_price=1000 + i, stock=10 * total, title=f"Own {i}").pk for i in range(buyers)]
    users = [f.user(f"bench{i}-{uuid.uuid4().hex[:6]}@example.com").pk for i in range(buyers)]
    return {"contended": contended.pk, "own": own, "users": users}


def _worker(barrier, queue, user_id: int, offer_id: int, n: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, connections

    from comptoir.orders.quote import LineRequest
    from comptoir.orders.services import order_place
    from comptoir.orders.tests.helpers import LYON, OK_CARD

    connections.close_all()
    buyer = get_user_model().objects.get(pk=user_id)
    baseline = []
    for _ in range(n):
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        baseline.append(time.perf_counter() - t)
    # one warm-up order (imports, prepared connection) outside the measurement
    order_place(buyer=buyer, lines=[LineRequest(offer_id, 1)], address=LYON, card=OK_CARD, idempotency_key=uuid.uuid4().hex)
    barrier.wait(timeout=120)
    latencies, errors = [], 0
    cpu0, server0 = time.process_time(), _backend_cpu_seconds(connection)
    start = time.perf_counter()
    for _ in range(n):
        t = time.perf_counter()
        try:
            order_place(buyer=buyer, lines=[LineRequest(offer_id, 1)], address=LYON, card=OK_CARD, idempotency_key=uuid.uuid4().hex)
            latencies.append(time.perf_counter() - t)
        except Exception:  # noqa: BLE001 - counted and reported
            errors += 1
    end = time.perf_counter()
    server1 = _backend_cpu_seconds(connection)
    queue.put({
        "latencies": latencies, "baseline": baseline, "errors": errors, "start": start, "end": end,
        "client_cpu": time.process_time() - cpu0,
        "server_cpu": (server1 - server0) if server0 is not None and server1 is not None else None,
    })
    connections.close_all()


def _round(seed: dict, concurrency: int, contended: bool, n: int) -> dict:
    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    barrier, queue = ctx.Barrier(concurrency), ctx.Queue()
    procs = []
    for i in range(concurrency):
        offer = seed["contended"] if contended else seed["own"][i]
        procs.append(ctx.Process(target=_worker, args=(barrier, queue, seed["users"][i], offer, n)))
    for p in procs:
        p.start()
    results = [queue.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    return _summary(results, concurrency, contended)


def _start_gunicorn(url: str, workers: int) -> tuple[subprocess.Popen, int]:
    import http.client
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "comptoir.settings.base", "DEBUG": "0",
           "TASKS_BACKEND": TASKS_BACKEND, "LOG_LEVEL": "ERROR", "PYTHONPATH": str(ROOT),
           "CONN_MAX_AGE": "600"}  # persistent connections, as comptoir.settings.production has them
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "comptoir.wsgi:application", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning", "--backlog", "256"],
        env=env, cwd=ROOT,
    )
    for _ in range(200):
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


def _http_order(port: int, token: str, offer_id: int) -> int:
    import http.client

    from comptoir.orders.tests.helpers import LYON, OK_CARD

    body = json.dumps({
        "lines": [{"offer_id": offer_id, "quantity": 1}],
        "address": {"full_name": LYON.full_name, "line1": LYON.line1, "postcode": LYON.postcode, "city": LYON.city,
                    "country": LYON.country, "phone": LYON.phone},
        "card": {"number": OK_CARD.number, "expiry": OK_CARD.expiry, "cvc": OK_CARD.cvc},
    })
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("POST", "/api/v1/orders", body=body, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex,
        })
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _http_get(port: int, path: str) -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


_WRK_SCRIPT = """
local tokens = {%(tokens)s}
local offers = {%(offers)s}
local body_head = '{"lines": [{"offer_id": '
local body_tail = %(body_tail)s
local run = "%(run)s"
local n = 0
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function request()
  n = n + 1
  local i = (n * 7 + tid) %% #tokens + 1
  return wrk.format("POST", "/api/v1/orders", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[i],
    ["Idempotency-Key"] = run .. "-" .. tid .. "-" .. n,
  }, body_head .. offers[i] .. body_tail)
end
function done(summary, latency, requests)
  io.write(string.format('{"requests": %%d, "non_2xx": %%d, "socket_errors": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "mean_us": %%f}\\n',
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50), latency:percentile(95), latency.mean))
end
"""


def _wrk(port: int, script: Path, connections: int, seconds: int, path: str = "/") -> dict:
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", str(script), f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _wrk_round(seed: dict, port: int, concurrency: int, contended: bool, seconds: int, server_workers: int) -> dict:
    """The buyers as wrk connections (a C load generator: the client costs next to no CPU)."""
    from comptoir.orders.tests.helpers import LYON, OK_CARD

    buyers = range(concurrency)
    address = json.dumps({"full_name": LYON.full_name, "line1": LYON.line1, "postcode": LYON.postcode, "city": LYON.city,
                          "country": LYON.country, "phone": LYON.phone})
    card = json.dumps({"number": OK_CARD.number, "expiry": OK_CARD.expiry, "cvc": OK_CARD.cvc})
    def lua(value: str) -> str:  # a Lua string literal, single-quoted
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    script = Path(tempfile.mkdtemp(prefix="bench-checkout-")) / "orders.lua"
    script.write_text(_WRK_SCRIPT % {
        "tokens": ", ".join(lua(seed["tokens"][i]) for i in buyers),
        "offers": ", ".join(str(seed["contended"] if contended else seed["own"][i]) for i in buyers),
        "body_tail": lua(f', "quantity": 1}}], "address": {address}, "card": {card}}}'),
        "run": uuid.uuid4().hex[:12],
    })
    # Warm-up, with at least two connections per server worker so that every worker has opened
    # its database connection and prepared its statements before the timed run.
    _wrk(port, script, max(concurrency, 2 * server_workers), 3)
    result = _wrk(port, script, concurrency, seconds)
    baseline_script = script.with_name("hello.lua")
    baseline_script.write_text(
        'function done(summary, latency, requests)\n  io.write(string.format(\'{"requests": %d, "non_2xx": %d, "socket_errors": 0, '
        '"duration_us": %d, "p50_us": %d, "p95_us": %d, "mean_us": %f}\\n\', summary.requests, summary.errors.status, '
        'summary.duration, latency:percentile(50), latency:percentile(95), latency.mean))\nend\n'
    )
    baseline = _wrk(port, baseline_script, concurrency, 3, "/healthz")
    ok = result["requests"] - result["non_2xx"]
    p95 = result["p95_us"] / 1000
    return {
        "concurrency": concurrency,
        "mode": "contended" if contended else "uncontended",
        "load_generator": f"wrk -t{min(2, concurrency)} -c{concurrency} -d{seconds}s",
        "orders": ok,
        "errors": result["non_2xx"] + result["socket_errors"],
        "orders_per_second": round(ok / (result["duration_us"] / 1e6), 1),
        "p50_ms": round(result["p50_us"] / 1000, 2),
        "p95_ms": round(p95, 2),
        "mean_ms": round(result["mean_us"] / 1000, 2),
        "baseline_p95_ms": round(baseline["p95_us"] / 1000, 3),
        "p95_over_baseline": round(p95 / (baseline["p95_us"] / 1000), 1) if baseline["p95_us"] else None,
    }


def _http_round(seed: dict, port: int, concurrency: int, contended: bool, n: int) -> dict:
    import threading

    barrier = threading.Barrier(concurrency)
    results: list[dict] = []
    lock = threading.Lock()

    def buyer(i: int) -> None:
        token, offer = seed["tokens"][i], seed["contended"] if contended else seed["own"][i]
        baseline = []
        for _ in range(n):
            t = time.perf_counter()
            _http_get(port, "/healthz")
            baseline.append(time.perf_counter() - t)
        _http_order(port, token, offer)  # warm-up
        barrier.wait(timeout=120)
        latencies, errors, start = [], 0, time.perf_counter()
        for _ in range(n):
            t = time.perf_counter()
            status = _http_order(port, token, offer)
            if status == 201:
                latencies.append(time.perf_counter() - t)
            else:
                errors += 1
        with lock:
            results.append({"latencies": latencies, "baseline": baseline, "errors": errors, "start": start, "end": time.perf_counter()})

    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return _summary(results, concurrency, contended)


def _summary(results: list[dict], concurrency: int, contended: bool) -> dict:
    lat = [x for r in results for x in r["latencies"]]
    base = [x for r in results for x in r["baseline"]]
    wall = max(r["end"] for r in results) - min(r["start"] for r in results)
    p95, base_p95 = _pct(lat, 95) * 1000, _pct(base, 95) * 1000
    out = {
        "concurrency": concurrency,
        "mode": "contended" if contended else "uncontended",
        "orders": len(lat),
        "errors": sum(r["errors"] for r in results),
        "orders_per_second": round(len(lat) / wall, 1) if wall else None,
        "p50_ms": round(_pct(lat, 50) * 1000, 2),
        "p95_ms": round(p95, 2),
        "mean_ms": round(statistics.fmean(lat) * 1000, 2) if lat else None,
        "baseline_p95_ms": round(base_p95, 3),
        "p95_over_baseline": round(p95 / base_p95, 1) if base_p95 else None,
    }
    if all("client_cpu" in r for r in results) and lat:
        server_cpu = [r["server_cpu"] for r in results]
        out["cpu_ms_per_order"] = {
            "client": round(sum(r["client_cpu"] for r in results) / len(lat) * 1000, 2),
            "db_server": round(sum(server_cpu) / len(lat) * 1000, 2) if None not in server_cpu else None,
        }
    return out


def run_backend(label: str, url: str, orders: int, levels: list[int], via: str = "service", server_workers: int = 0,
                seconds: int = 10) -> dict:
    _setup_django(url)
    seed = _seed(max(levels), orders)
    queries = _count_queries(seed)
    if label == "postgresql":
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    if via == "http":
        from django.contrib.auth import get_user_model

        from comptoir.api.auth import token_create

        users = get_user_model().objects.in_bulk(seed["users"])
        seed["tokens"] = [token_create(user=users[pk]) for pk in seed["users"]]
        from django.db import connections

        connections.close_all()
        server, port = _start_gunicorn(url, server_workers)
        try:
            if shutil.which("wrk"):
                rounds = [_wrk_round(seed, port, c, contended, seconds, server_workers) for c in levels for contended in (False, True)]
            else:  # Python client threads: they cost CPU on this machine too, which wrk does not
                rounds = [_http_round(seed, port, c, contended, orders) for c in levels for contended in (False, True)]
        finally:
            server.terminate()
            server.wait(timeout=30)
    else:
        rounds = [_round(seed, c, contended, orders) for c in levels for contended in (False, True)]
    from django.conf import settings

    from comptoir.inventory.models import StockLevel

    never_negative = all(lv.on_hand - lv.held >= 0 for lv in StockLevel.objects.all())
    driver = {"via": via, **({"server": f"gunicorn, {server_workers} sync workers", "baseline": "GET /healthz"}
                             if via == "http" else {"baseline": "SELECT 1 round trip"})}
    return {"database": label, **driver, **queries, "tasks_backend": settings.TASKS["default"]["BACKEND"], "rounds": rounds,
            "stock_never_negative": never_negative}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/comptoir_bench_checkout"))
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--orders", type=int, default=25, help="orders per buyer per round")
    ap.add_argument("--concurrency", default="1,8,20")
    ap.add_argument("--via", choices=["service", "http"], default="service",
                    help="buyers call order_place in their own processes (service) or POST to the API under gunicorn (http)")
    ap.add_argument("--seconds", type=int, default=10, help="length of each round with --via http and wrk")
    ap.add_argument("--server-workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers with --via http")
    args = ap.parse_args()
    levels = [int(x) for x in args.concurrency.split(",")]
    out = {"benchmark": "checkout", "orders_per_buyer": args.orders, "target": "p95 ≤ 150 ms at 20 buyers on PostgreSQL",
           "machine": {"cpus": os.cpu_count(), "load_avg_1m_at_start": round(os.getloadavg()[0], 2)}, "results": []}
    # Each backend in its own child process: Django is set up once per process.
    jobs = []
    if not args.no_sqlite:
        tmp = tempfile.mkdtemp(prefix="bench-checkout-")
        jobs.append(("sqlite", f"sqlite:///{tmp}/bench.sqlite3"))
    if not args.no_postgres:
        _recreate_postgres(args.postgres)
        jobs.append(("postgresql", args.postgres))
    ctx = mp.get_context("spawn")
    for label, url in jobs:
        q = ctx.Queue()
        p = ctx.Process(target=_child, args=(q, label, url, args.orders, levels, args.via, args.server_workers, args.seconds))
        p.start()
        out["results"].append(q.get(timeout=3600))
        p.join()
    for r in out["results"]:
        if r["database"] == "postgresql":
            at20 = [x["p95_ms"] for x in r["rounds"] if x["concurrency"] == max(levels)]
            out["postgres_p95_at_max_ms"] = max(at20) if at20 else None
            out["target_met"] = bool(at20) and max(at20) <= 150
    out["machine"]["load_avg_1m_at_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out, indent=2))


def _child(q, label, url, orders, levels, via, server_workers, seconds):
    q.put(run_backend(label, url, orders, levels, via, server_workers, seconds))


if __name__ == "__main__":
    main()
