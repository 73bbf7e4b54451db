import time

from django.core.management.base import BaseCommand

from comptoir.catalog.services import search_reindex_all


class Command(BaseCommand):
    help = "Rebuild the catalogue full-text search index (SQLite FTS5 or PostgreSQL tsvector)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = search_reindex_all()
        self.stdout.write(f"Indexed {count} product texts in {time.perf_counter() - started:.1f} s")
