"""Offers imports whose process died (no progress for OFFERS_IMPORT_STALE_MINUTES) or whose task
was lost (still queued after as long): failed with the reason, so that their seller sees it and
imports the file again
(`inventory.imports.offers_imports_fail_stale`).

    comptoir offers_imports_fail_stale

Run it periodically (cron, systemd timer; `make run` runs it with `comptoir run_periodic`).
"""
from django.core.management.base import BaseCommand

from comptoir.inventory.imports import offers_imports_fail_stale


class Command(BaseCommand):
    help = "Fail the offers imports that stopped making progress (their process died) or never started (their task was lost)."

    def handle(self, *args, **options):
        failed = offers_imports_fail_stale()
        self.stdout.write(f"{len(failed)} stalled offers imports failed{': ' + ', '.join(f'#{pk}' for pk in failed) if failed else ''}.")
