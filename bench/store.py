"""Till benchmark: in-store sales per second and sale latency (p50/p95) at 1, 4 and 10 tills of
one store on PostgreSQL. Each till is a process with its own connection, its own open session
and clerk, selling one scanned unit per sale in cash: basket_add_gtin (a basket hold under the
stock row lock) then sale_pay (receipt, ledger entry, append to the till's own journal chain,
holds consumed under the stock row lock last). Two workloads:

* ``sale``: every till sells from the same shelf line (contended, the worst case: all tills
  queue on one stock row, twice per sale);
* ``sale_own_item``: each till sells a different item of the same store's shelf (the usual
  case: tills share the store, its journal and its ledger accounts, not a stock row).

Both run closed-loop: each till starts its next sale the moment the last one ends, so at 10
tills on 2 cores the figure is the machine's CPU divided among 10 busy processes, not a shop's
experience. A third workload, ``sale_paced``, is open-loop like a shop: each till starts a sale
(on the shared shelf line, the contended case) every ``--pace-ms`` (default 1000 ms: 10 sales/s
in a 10-till store, ten times a busy shop's peak), the tills' schedules staggered; each sale's
latency is counted from its scheduled start, so a sale that waited for the one before it counts
the wait (no coordinated omission).

Baselines measured in the same run by the same processes: a ``SELECT 1`` round trip and a plain
locked stock update (``UPDATE … SET on_hand = on_hand`` on the shared row in its own
transaction); ratios reported.

    .venv/bin/python bench/store.py [--postgres postgres://postgres@127.0.0.1:5432/comptoir_bench_store] [--sales 40] [--tills 1,4,10]

The database named in the URL is dropped and re-created. Prints one JSON document.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "comptoir.settings.base"
    os.environ["DEBUG"] = "0"
    os.environ["LOG_LEVEL"] = "ERROR"
    import django

    django.setup()


def _recreate(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _seed(tills: int, units: int) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from comptoir.inventory.models import StockLevel
    from comptoir.orders.tests import factories as f
    from comptoir.stores import services
    from comptoir.stores.tests import factories as sf

    f.market("FR")
    store = sf.store("Bench Store")
    seller = f.seller("Bench Seller", country="ES", city_name="Madrid")
    offer = f.offer(seller, net_price=1990, stock=0, title="Bench mug")
    level = StockLevel.objects.create(offer=offer, location=store.location, on_hand=units)
    own = []
    for i in range(tills):
        item = f.offer(seller, net_price=990 + i, stock=0, title=f"Bench item {i}")
        StockLevel.objects.create(offer=item, location=store.location, on_hand=units)
        own.append(item.product.gtin)
    sessions = []
    for i in range(tills):
        clerk = sf.staff(store, email=f"till{i}@example.com")
        sessions.append(services.till_open(store=store, user=clerk, opening_float=0, till=i + 1).pk)
    return {"gtin": offer.product.gtin, "level": level.pk, "sessions": sessions, "own_gtins": own}


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _worker(url, session_id, gtin, own_gtin, level_id, sales, barrier, out, index=0, tills=1, pace_ms=1000) -> None:
    _setup(url)
    from django.db import connection, transaction

    from comptoir.stores import services
    from comptoir.stores.models import TillSession

    session = TillSession.objects.select_related("store__market", "store__location", "store__partner", "opened_by").get(pk=session_id)
    clerk = session.opened_by

    def sale():
        services.basket_add_gtin(session=session, gtin=gtin)
        services.sale_pay(session=session, user=clerk, method="cash", cash_given=5000)

    def sale_own_item():
        services.basket_add_gtin(session=session, gtin=own_gtin)
        services.sale_pay(session=session, user=clerk, method="cash", cash_given=5000)

    def select1():
        with connection.cursor() as cur:
            cur.execute("SELECT 1")

    def locked_update():
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("UPDATE inventory_stocklevel SET on_hand = on_hand WHERE id = %s", [level_id])

    results = {}
    for name, fn in (("select1", select1), ("locked_update", locked_update), ("sale", sale), ("sale_own_item", sale_own_item)):
        fn()  # warm-up
        barrier.wait(timeout=120)
        times = []
        start = time.perf_counter()
        for _ in range(sales):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        results[name] = {"times": times, "wall": time.perf_counter() - start}
    # open loop: sale i of this till is due at start + offset + i × pace, whatever the last one did
    pace = pace_ms / 1000
    barrier.wait(timeout=120)
    times = []
    start = time.perf_counter() + index * pace / tills
    for i in range(sales):
        due = start + i * pace
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sale()
        times.append((time.perf_counter() - due) * 1000)
    results["sale_paced"] = {"times": times, "wall": time.perf_counter() - start}
    out.put(results)


def _round(url: str, tills: int, sales: int, pace_ms: int = 1000) -> dict:
    _recreate(url)
    ctx = mp.get_context("spawn")
    seeder = ctx.Process(target=_seed_proc, args=(url, tills, sales * tills * 3 + 100, out := ctx.Queue()))
    seeder.start()
    seeded = out.get(timeout=300)
    seeder.join()
    barrier, results = ctx.Barrier(tills), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(url, sid, seeded["gtin"], own, seeded["level"], sales, barrier, results, i, tills, pace_ms))
             for i, (sid, own) in enumerate(zip(seeded["sessions"], seeded["own_gtins"], strict=True))]
    for p in procs:
        p.start()
    got = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    figures = {}
    for name in ("select1", "locked_update", "sale", "sale_own_item", "sale_paced"):
        times = [t for g in got for t in g[name]["times"]]
        wall = max(g[name]["wall"] for g in got)
        figures[name] = {"per_s": round(len(times) / wall, 1), "p50_ms": round(statistics.median(times), 2),
                         "p95_ms": round(_pct(times, 95), 2)}
    figures["sale_p95_vs_select1"] = round(figures["sale"]["p95_ms"] / figures["select1"]["p95_ms"], 1)
    figures["sale_p95_vs_locked_update"] = round(figures["sale"]["p95_ms"] / figures["locked_update"]["p95_ms"], 1)
    figures["sale_own_item_p95_vs_select1"] = round(figures["sale_own_item"]["p95_ms"] / figures["select1"]["p95_ms"], 1)
    figures["target_p95_le_100ms"] = figures["sale"]["p95_ms"] <= 100 if tills == 10 else None
    figures["target_p95_le_100ms_own_item"] = figures["sale_own_item"]["p95_ms"] <= 100 if tills == 10 else None
    figures["sale_paced"]["pace_ms_per_till"] = pace_ms
    figures["sale_paced_p95_vs_select1"] = round(figures["sale_paced"]["p95_ms"] / figures["select1"]["p95_ms"], 1)
    figures["target_p95_le_100ms_paced"] = figures["sale_paced"]["p95_ms"] <= 100 if tills == 10 else None
    return figures


def _seed_proc(url, tills, units, out) -> None:
    _setup(url)
    out.put(_seed(tills, units))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/comptoir_bench_store")
    parser.add_argument("--sales", type=int, default=40, help="sales per till")
    parser.add_argument("--tills", default="1,4,10")
    parser.add_argument("--pace-ms", type=int, default=1000, help="sale_paced: one sale per till every PACE_MS")
    args = parser.parse_args()
    report = {"benchmark": "store", "database": "postgresql", "sales_per_till": args.sales, "cpus": os.cpu_count(), "tills": {}}
    for n in [int(x) for x in args.tills.split(",")]:
        report["tills"][str(n)] = _round(args.postgres, n, args.sales, args.pace_ms)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
