"""Storefront CPU cost: CPU time and SQL queries per request of the category, search and product
pages, in-process (the WSGI application called directly, no server, no network), with the CPU
time of /healthz (the hello-world view) measured in the same run as the baseline. Unlike the
wall-clock figures of storefront.py, CPU time of this process hardly moves with the load of a
shared machine (the database is SQLite, in this process: its time is counted too).
Prints one JSON document. See bench/README.md.

    .venv/bin/python bench/storefront_cpu.py [--database-url URL] [--requests N] [--seed S]
        [--profile category|category_warm|search|product|hello] [--profile-lines 40]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent


def setup(database_url: str) -> None:
    """The environment of storefront.py's gunicorn: production settings, per-process locmem cache."""
    os.environ.update({
        "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "comptoir.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost", "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0", "CONN_MAX_AGE": "600", "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        "PAYMENT_PROVIDER": "test", "COMPTOIR_ALLOW_TEST_PAYMENTS": "true",
        "PAYMENT_TEST_WEBHOOK_SECRET": secrets.token_urlsafe(32),
    })
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def sample_urls(n: int, seed: int) -> dict[str, list[str]]:
    """URLs like storefront.py's, but drawn with a seeded generator from the rows themselves (not
    ORDER BY RANDOM()), so two code versions on the same database get the same URLs."""
    from comptoir.catalog.models import Category, Product, ProductText

    rng = random.Random(seed)
    slugs = sorted(Category.objects.values_list("slug", flat=True))
    category = sorted({f"/c/{s}/{v}" for s in slugs for v in ("", "?page=2", "?page=3", "?sort=price", "?sort=-price")})
    ids = sorted(Product.objects.values_list("id", flat=True))
    picked = rng.sample(ids, min(len(ids), n * 2))
    texts = dict.fromkeys(picked)
    for pid, lang, title in ProductText.objects.filter(product_id__in=picked).order_by("product_id", "language").values_list(
        "product_id", "language", "title"
    ):
        texts[pid] = texts[pid] or []
        texts[pid].append((lang, title))
    words = [w for pid in picked for _lang, t in (texts[pid] or []) for w in re.findall(r"[^\W\d_]{4,}", t)]
    search = [f"/search?q={quote(' '.join(rng.sample(words, rng.randint(1, 2))))}" for _ in range(n)]
    product = [f"/p/{pid}/" for pid in picked[:n]]
    return {"category": category, "search": search, "product": product, "hello": ["/healthz"] * n}


class Caller:
    """Calls the WSGI application as gunicorn would for one request; counts SQL queries."""

    def __init__(self):
        from django.core.wsgi import get_wsgi_application
        from django.db import connection

        self.app = get_wsgi_application()
        self.connection = connection
        self.queries = 0

    def _count(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)

    def __call__(self, url: str) -> tuple[float, float, int, int]:
        """(CPU ms, wall ms, SQL queries, status)."""
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1", "HTTP_ACCEPT_LANGUAGE": "fr", "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }
        status = []
        self.queries = 0
        wall, cpu = time.perf_counter(), time.process_time()
        with self.connection.execute_wrapper(self._count):
            result = self.app(environ, lambda s, headers, exc_info=None: status.append(s))
            try:
                for _chunk in result:
                    pass
            finally:
                result.close()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        return cpu * 1000, wall * 1000, self.queries, int(status[0].split()[0])


def summary(samples: list[tuple[float, float, int, int]]) -> dict:
    cpu = [s[0] for s in samples]
    wall = [s[1] for s in samples]
    queries = [s[2] for s in samples]
    statuses: dict[int, int] = {}
    for s in samples:
        statuses[s[3]] = statuses.get(s[3], 0) + 1
    q = statistics.quantiles(cpu, n=100, method="inclusive") if len(cpu) > 1 else [cpu[0]] * 99
    return {
        "cpu_ms_mean": round(statistics.fmean(cpu), 2), "cpu_ms_p50": round(q[49], 2), "cpu_ms_p95": round(q[94], 2),
        "wall_ms_p50": round(statistics.median(wall), 2), "queries_mean": round(statistics.fmean(queries), 2),
        "queries_max": max(queries), "requests": len(samples), "statuses": statuses,
    }


WARM_URLS = 10  # like storefront.py: load templates, open the connection; never timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"))
    parser.add_argument("--requests", type=int, default=200, help="first visits per page type (search, product, hello)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", choices=["category", "category_warm", "search", "product", "hello"],
                        help="cProfile that page type; the top functions go to stderr")
    parser.add_argument("--profile-lines", type=int, default=40)
    args = parser.parse_args()
    setup(args.database_url)
    from django.core.cache import cache
    from django.db import connection

    connection.cursor().execute("ANALYZE")
    load_start = os.getloadavg()[0]
    urls = sample_urls(args.requests + WARM_URLS, args.seed)
    call = Caller()
    for kind in ("hello", "product", "search"):  # templates, translations, connection, category tree
        for url in urls[kind][:WARM_URLS]:
            call(url)
    results: dict[str, dict] = {}
    runs = {
        # category: each of the distinct pages once from an empty cache (first visits), then
        # each again (the whole page from the page cache: what most bench requests get)
        "category": urls["category"], "category_warm": urls["category"],
        "search": urls["search"][WARM_URLS:], "product": urls["product"][WARM_URLS:], "hello": urls["hello"][WARM_URLS:],
    }
    profiler = None
    for kind, kind_urls in runs.items():
        if kind == "category":
            cache.clear()
            for url in urls["hello"][:3]:  # market, city, category tree back in the cache
                call(url)
        if args.profile == kind:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        results[kind] = summary([call(u) for u in kind_urls])
        if profiler is not None and args.profile == kind:
            profiler.disable()
    hello = results["hello"]["cpu_ms_mean"]
    out = {
        "database": connection.vendor, "pages": results,
        "cpu_ratio_to_hello": {k: round(v["cpu_ms_mean"] / hello, 1) for k, v in results.items() if k != "hello"},
        "machine": {"cpus": os.cpu_count(), "load_avg_1m": {"start": round(load_start, 2), "end": round(os.getloadavg()[0], 2)}},
    }
    print(json.dumps(out, indent=2))
    if profiler is not None:
        import pstats

        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(args.profile_lines)
        pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(args.profile_lines)
        print(stream.getvalue(), file=sys.stderr)


if __name__ == "__main__":
    main()
