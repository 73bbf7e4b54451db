"""Storefront benchmark: server time of the category, search and product pages on a
bench-scale catalogue, and requests/s of the category page against /healthz (same server,
same run). Prints one JSON document. See bench/README.md.

    .venv/bin/python bench/storefront.py [--database-url URL] [--requests N] [--scale bench|small]
        [--warmup 10] [--rounds 6] [--seconds 3] [--connections 8] [--redis-url URL]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
TARGETS = {"category_p95_ms": 50, "search_p95_ms": 50, "product_p95_ms": 30, "rps_ratio": 0.4}
MIN_PRODUCTS = {"bench": 100_000, "small": 300}


def run(args: list[str], env: dict) -> None:
    subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=sys.stderr)  # stdout is for the JSON


def prepare(env: dict, scale: str) -> None:
    """Migrate, then seed the demo at `scale` unless enough products are there already."""
    run([str(BIN / "comptoir"), "migrate", "--noinput", "-v0"], env)
    run([str(BIN / "comptoir"), "collectstatic", "--noinput", "-v0"], env)
    run([str(BIN / "comptoir"), "seed_demo", "--scale", scale, "-v0"], env)  # no-op when present
    if env.get("REDIS_URL"):  # a shared cache must start empty, or the pages are warm from the last run
        run([str(BIN / "comptoir"), "shell", "-c", "from django.core.cache import cache; cache.clear()"], env)
    run([str(BIN / "comptoir"), "dbshell", "--", "-c", "ANALYZE"] if env["DATABASE_URL"].startswith("postgres")
        else [str(BIN / "comptoir"), "shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')"], env)


def sample_urls(env: dict, n: int, seed: int = 1) -> tuple[dict, dict]:
    """Distinct category / search / product URLs, read from the database itself."""
    os.environ.update(env)
    import django

    django.setup()
    from comptoir.catalog.models import Category, Product, ProductText
    from comptoir.inventory.models import Offer

    rng = random.Random(seed)
    slugs = list(Category.objects.values_list("slug", flat=True))
    # Categories are few (15): vary them with page numbers and sort orders.
    category = [f"/c/{rng.choice(slugs)}/" + rng.choice(["", "?page=2", "?page=3", "?sort=price", "?sort=-price"]) for _ in range(n)]
    titles = list(ProductText.objects.order_by("?").values_list("language", "title")[: n * 2])
    words = [(lang, w) for lang, t in titles for w in re.findall(r"[^\W\d_]{4,}", t)]
    search = [f"/search?q={quote(' '.join(w for _l, w in rng.sample(words, rng.randint(1, 2))))}" for _ in range(n)]
    ids = list(Product.objects.order_by("?").values_list("id", flat=True)[:n])
    product = [f"/p/{pid}/" for pid in ids]
    counts = {"products": Product.objects.count(), "offers": Offer.objects.count()}
    return {"category": category, "search": search, "product": product}, counts


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(port: int, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode} (port {port} in use?)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz")


def timed_get(conn: http.client.HTTPConnection, url: str) -> tuple[float, int]:
    start = time.perf_counter()
    conn.request("GET", url, headers={"Accept-Language": "fr"})
    response = conn.getresponse()
    response.read()
    return (time.perf_counter() - start) * 1000, response.status


WARM_URLS = 10


def measure(port: int, urls: list[str]) -> dict:
    """Sequential timed requests on one keep-alive connection; the first WARM_URLS of `urls`
    only load the templates and open the database connection and are not timed (nor repeated:
    a timed search is a first visit)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for url in urls[:WARM_URLS]:
        timed_get(conn, url)
    times, statuses = [], {}
    for url in urls[WARM_URLS:]:
        ms, status = timed_get(conn, url)
        times.append(ms)
        statuses[status] = statuses.get(status, 0) + 1
    q = statistics.quantiles(times, n=100, method="inclusive")
    return {"p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "requests": len(times), "statuses": statuses}


def wrk_rps(port: int, urls: list[str], seconds: int, connections: int) -> float:
    script = ROOT / "var" / "bench-wrk.lua"
    script.parent.mkdir(exist_ok=True)
    paths = ", ".join(json.dumps(u) for u in urls)
    script.write_text(
        f"local paths = {{{paths}}}\nlocal i = 0\n"
        "wrk.headers['Accept-Language'] = 'fr'\n"  # the same buyer as the timed requests (measure())
        "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
    )
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    ).stdout
    if "Non-2xx" in out:
        print(out, file=sys.stderr)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def python_rps(port: int, urls: list[str], seconds: int, connections: int) -> float:
    """Fallback when wrk is missing: `connections` threads with keep-alive connections."""
    deadline = time.monotonic() + seconds

    def worker(offset: int) -> int:
        conn, done, i = http.client.HTTPConnection("127.0.0.1", port, timeout=30), 0, offset
        while time.monotonic() < deadline:
            timed_get(conn, urls[i % len(urls)])
            done, i = done + 1, i + 1
        return done

    with ThreadPoolExecutor(connections) as pool:
        total = sum(pool.map(worker, range(connections)))
    return total / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"))
    parser.add_argument("--requests", type=int, default=300, help="sequential requests per page type")
    parser.add_argument("--scale", choices=sorted(MIN_PRODUCTS), default="bench")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--seconds", type=int, default=3, help="duration of each load run")
    parser.add_argument("--rounds", type=int, default=6,
                        help="measured load rounds, each a category run then a /healthz run (interleaved, so that a "
                             "change of machine load between runs weighs on both sides)")
    parser.add_argument("--warmup", type=int, default=10,
                        help="seconds of load on the category URLs before the measured rounds (reported apart)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--redis-url", default="",
                        help="Django cache in Redis (shared by the workers), e.g. redis://127.0.0.1:6379/9; "
                             "that Redis database is FLUSHED first. Default: per-process locmem cache")
    args = parser.parse_args()

    env = dict(os.environ)
    env.update({
        "DATABASE_URL": args.database_url, "DJANGO_SETTINGS_MODULE": "comptoir.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost", "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0", "CONN_MAX_AGE": "600", "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        # the storefront takes no payment: the test provider, explicitly allowed, with its own secret
        "PAYMENT_PROVIDER": "test", "COMPTOIR_ALLOW_TEST_PAYMENTS": "true",
        "PAYMENT_TEST_WEBHOOK_SECRET": secrets.token_urlsafe(32),
    })
    env.pop("REDIS_URL", None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    args.port = args.port or free_port()
    prepare(env, args.scale)
    urls, counts = sample_urls(env, args.requests + WARM_URLS)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "comptoir.wsgi:application", "--workers", "2", "--bind", f"127.0.0.1:{args.port}",
         "--timeout", "120", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )
    load = {"start": round(os.getloadavg()[0], 2)}
    try:
        wait_ready(args.port, server)
        pages = {kind: measure(args.port, kind_urls) for kind, kind_urls in urls.items()}
        load["after_pages"] = round(os.getloadavg()[0], 2)
        loader = "wrk" if shutil.which("wrk") else "python-threads (wrk not installed)"
        rps_fn = wrk_rps if shutil.which("wrk") else python_rps
        # Warm-up: with the default per-process cache each worker renders each category page once
        # (the timed requests above went to one worker only); measured apart, not in the ratio.
        warmup_rps = rps_fn(args.port, urls["category"], args.warmup, args.connections) if args.warmup > 0 else None
        rounds = []
        for _ in range(args.rounds):
            category = rps_fn(args.port, urls["category"], args.seconds, args.connections)
            hello = rps_fn(args.port, ["/healthz"], args.seconds, args.connections)
            rounds.append({"category": round(category, 1), "hello": round(hello, 1),
                           "ratio": round(category / hello, 3) if hello else 0.0})
        load["end"] = round(os.getloadavg()[0], 2)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    category_rps = statistics.fmean(r["category"] for r in rounds)
    hello_rps = statistics.fmean(r["hello"] for r in rounds)
    ratio = category_rps / hello_rps if hello_rps else 0.0
    vendor = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    result = {
        "database": vendor, "cache": "redis" if args.redis_url else "locmem (per worker)", "scale": args.scale,
        **counts, "pages": pages,
        "rps": {"category": round(category_rps, 1), "hello": round(hello_rps, 1), "ratio": round(ratio, 3),
                "ratio_median_of_rounds": round(statistics.median(r["ratio"] for r in rounds), 3),
                "rounds": rounds, "warmup_category": round(warmup_rps, 1) if warmup_rps is not None else None,
                "load_tool": loader, "connections": args.connections, "seconds": args.seconds, "warmup_seconds": args.warmup},
        "targets": TARGETS,
        "met": {
            "category_p95_ms": pages["category"]["p95_ms"] <= TARGETS["category_p95_ms"],
            "search_p95_ms": pages["search"]["p95_ms"] <= TARGETS["search_p95_ms"],
            "product_p95_ms": pages["product"]["p95_ms"] <= TARGETS["product_p95_ms"],
            "rps_ratio": ratio >= TARGETS["rps_ratio"],
        },
        "machine": {"cpus": os.cpu_count(), "load_avg_1m": load},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
