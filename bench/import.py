"""Offers import benchmark: a seller's CSV of N offers (GTIN, price, currency, handling days,
units at two locations) imported by ``comptoir.inventory.imports`` (the path of the page's
background task and of ``comptoir import_offers``), against a baseline measured in the same
run: the raw insert of the same rows into the same tables (the CSV read with the csv module,
offers and stock levels written with one executemany per table on SQLite, COPY on PostgreSQL;
no checks, no lookups, no listing refresh).

    .venv/bin/python bench/import.py [--rows 100000] [--database-url postgres://postgres@127.0.0.1:5432/comptoir_bench_import]
                                     [--tracemalloc]

Each run starts from a fresh database (a temporary SQLite file; the PostgreSQL database named
in the URL is dropped and re-created), migrates it and seeds a market, a seller with two
warehouses and N products. Each measured step runs in its own process, so that its peak RSS is
its own: the import of a tenth of the file and of the whole file (memory must not grow with
the file), then the baseline. ``--tracemalloc`` adds the Python heap peak of both imports
(measured in extra runs: tracing slows Python down). Prints one JSON document.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_SECONDS = 60


def _setup(database_url: str, media: str) -> None:
    os.environ.update({"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "comptoir.settings.base",
                       "DEBUG": "0", "LOG_LEVEL": "ERROR", "MEDIA_ROOT": media})
    import django

    django.setup()


def _gtin(n: int) -> str:
    body = f"{3_000_000_000_000 + n:013d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def _fresh_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def phase_prepare(rows: int, work: Path) -> dict:
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0, interactive=False)
    from comptoir.catalog.models import Product
    from comptoir.catalog.tests.factories import make_category, make_city, make_location, make_market, make_seller

    make_market("FR")
    lyon = make_city("Lyon")
    seller = make_seller("Bench seller", city=lyon)
    make_location(seller, lyon, name="Lyon")
    make_location(seller, make_city("Paris", 48.8566, 2.3522), name="Paris")
    category = make_category("bench")
    with transaction.atomic():
        for start in range(0, rows, 10_000):
            Product.objects.bulk_create(
                [Product(gtin=_gtin(n), brand="Bench", category=category) for n in range(start, min(rows, start + 10_000))],
                batch_size=2000,
            )
    for name, count in (("small.csv", rows // 10), ("full.csv", rows)):
        with open(work / name, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["gtin", "price", "currency", "handling_days", "stock:Lyon", "stock:Paris"])
            for n in range(count):
                writer.writerow([_gtin(n), f"{5 + n % 500}.{n % 100:02d}", "EUR", 1 + n % 5, n % 7, (n * 3) % 11])
    return {"seller_id": seller.pk}


def _offers_clear() -> None:
    from django.db import connection

    from comptoir.inventory.models import Offer, OfferPoint, ProductListing, StockLevel

    with connection.cursor() as cursor:
        for model in (OfferPoint, ProductListing, StockLevel, Offer):
            cursor.execute(f'DELETE FROM "{model._meta.db_table}"')


def phase_import(name: str, seller_id: int, work: Path, trace: bool) -> dict:
    import tracemalloc

    from django.core.files import File

    from comptoir.inventory.imports import offers_import_create, offers_import_run
    from comptoir.sellers.models import Seller

    _offers_clear()
    seller = Seller.objects.get(pk=seller_id)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    with open(work / name, "rb") as f:
        offer_import = offers_import_create(seller=seller, upload=File(f), name=name)
    offer_import = offers_import_run(offer_import)
    seconds = time.perf_counter() - started
    result = {"rows": offer_import.rows_done, "applied": offer_import.applied, "rejected": offer_import.rejected,
              "seconds": round(seconds, 2), "rows_per_s": round(offer_import.rows_done / seconds),
              "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
              "rss_before_mb": round(rss_before / 1024, 1)}
    if trace:
        result = {"tracemalloc_peak_mb": round(tracemalloc.get_traced_memory()[1] / 2**20, 1), "traced_seconds": result["seconds"]}
    return result


def phase_baseline(seller_id: int, work: Path) -> dict:
    """The same rows written raw into the same tables (offers, stock levels), one transaction."""
    from django.db import connection, transaction
    from django.utils import timezone

    from comptoir.catalog.models import Product
    from comptoir.inventory.models import Offer, StockLevel, StockLocation

    _offers_clear()
    products = dict(Product.objects.values_list("gtin", "id"))
    locations = dict(StockLocation.objects.filter(seller_id=seller_id).values_list("name", "id"))
    started = time.perf_counter()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    offers, levels = [], []
    with open(work / "full.csv", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        stock_columns = [(i, locations[h.split(":", 1)[1]]) for i, h in enumerate(header) if h.startswith("stock:")]
        for pk, row in enumerate(reader, start=1):
            price = int(row[1].replace(".", ""))
            offers.append((pk, seller_id, products[row[0].zfill(14)], "new", price, row[2], int(row[3]), True, now))
            levels.extend((pk, loc, int(row[i]), 0) for i, loc in stock_columns)
    offer_cols = ("id", "seller_id", "product_id", "condition", "net_price", "currency", "handling_days", "is_active", "updated_at")
    level_cols = ("offer_id", "location_id", "on_hand", "held")
    with transaction.atomic(), connection.cursor() as cursor:
        for model, cols, rows in ((Offer, offer_cols, offers), (StockLevel, level_cols, levels)):
            table, quoted = model._meta.db_table, ", ".join(cols)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(cols))})', rows)
    seconds = time.perf_counter() - started
    return {"rows": len(offers), "stock_levels": len(levels), "seconds": round(seconds, 2),
            "rows_per_s": round(len(offers) / seconds)}


def _child(args, phase: str, **extra) -> dict:
    command = [sys.executable, __file__, "--phase", phase, "--database-url", args.database_url, "--work", str(args.work),
               "--rows", str(args.rows)]
    for key, value in extra.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--phase", default="", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--seller-id", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--file", default="", help=argparse.SUPPRESS)
    parser.add_argument("--trace", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _setup(args.database_url, str(args.work / "media"))
        if args.phase == "prepare":
            result = phase_prepare(args.rows, args.work)
        elif args.phase == "import":
            result = phase_import(args.file, args.seller_id, args.work, bool(args.trace))
        else:
            result = phase_baseline(args.seller_id, args.work)
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory(prefix="bench-import-") as work:
        args.work = Path(work)
        if not args.database_url:
            args.database_url = f"sqlite:///{args.work / 'bench.sqlite3'}"
        elif args.database_url.startswith("postgres"):
            _fresh_postgres(args.database_url)
        seller_id = _child(args, "prepare")["seller_id"]
        small = _child(args, "import", file="small.csv", seller_id=seller_id, trace=0)
        full = _child(args, "import", file="full.csv", seller_id=seller_id, trace=0)
        if args.tracemalloc:
            small |= _child(args, "import", file="small.csv", seller_id=seller_id, trace=1)
            full |= _child(args, "import", file="full.csv", seller_id=seller_id, trace=1)
        baseline = _child(args, "baseline", seller_id=seller_id)
    print(json.dumps({
        "database": "postgresql" if args.database_url.startswith("postgres") else "sqlite",
        "rows": args.rows, "import_tenth": small, "import": full, "baseline_raw_insert": baseline,
        "ratio_seconds_import_to_raw": round(full["seconds"] / baseline["seconds"], 2),
        "target_seconds": TARGET_SECONDS, "met": full["seconds"] <= TARGET_SECONDS,
        "peak_rss_growth_mb_tenth_to_full": round(full["peak_rss_mb"] - small["peak_rss_mb"], 1),
        "machine": {"cpus": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2)},
    }, indent=2))


if __name__ == "__main__":
    main()
