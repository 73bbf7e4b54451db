"""Click & collect orders not collected within 7 days of being ready: units back to stock,
the buyer refunded (`orders.services.pickups_expire`).

    comptoir pickups_expire

Run it periodically (cron, systemd timer; `make run` runs it with `comptoir run_periodic`).
Exit code 1 when a refund could not reach the provider: the part is cancelled and records the
refund, and `comptoir payments_reconcile` refunds it on its next run.
"""
from django.core.management.base import BaseCommand, CommandError

from comptoir.orders.services import pickups_expire


class Command(BaseCommand):
    help = "Return uncollected click & collect orders to stock and refund them."

    def handle(self, *args, **options):
        report = pickups_expire()
        self.stdout.write(f"{len(report.expired)} uncollected pickups returned to stock and refunded, {len(report.failed)} left for payments_reconcile.")
        if report.failed:
            raise CommandError(f"could not refund seller orders {', '.join(f'#{pk}' for pk in report.failed)} now")
