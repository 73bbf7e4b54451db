"""Void the authorizations whose order never committed (a process died between the provider's
answer and the order's COMMIT, a placement that rolled back and could not reach the provider);
finish the cancellations and the cancellation refunds that a crash or an unreachable provider
interrupted.

    comptoir payments_reconcile                    # payments older than PAYMENT_RECONCILE_AFTER_SECONDS (900)
    comptoir payments_reconcile --older-than 0     # everything now (tests, after an incident)

Run it periodically (cron, systemd timer). Exit code 1 when some could not be voided (the
provider refused or was unreachable); they are tried again on the next run.
"""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from comptoir.orders.services import payments_reconcile


class Command(BaseCommand):
    help = "Void payment authorizations that no order holds."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=None, metavar="SECONDS",
                            help="only payments recorded this long ago (default: PAYMENT_RECONCILE_AFTER_SECONDS)")

    def handle(self, *args, older_than, **options):
        report = payments_reconcile(older_than=None if older_than is None else dt.timedelta(seconds=older_than))
        self.stdout.write(
            f"{report.examined} payments examined: {report.kept} held by an order, {len(report.voided)} voided"
            f"{' (' + ', '.join(f'#{pk}' for pk in report.voided) + ')' if report.voided else ''},"
            f" {len(report.failed)} left for the next run."
        )
        self.stdout.write(f"{report.refunds_checked} cancelled seller orders' refunds checked, {len(report.refunds_failed)} failed.")
        if report.failed or report.refunds_failed:
            raise CommandError(
                f"could not void payments {', '.join(f'#{pk}' for pk in report.failed) or '-'};"
                f" could not refund seller orders {', '.join(f'#{pk}' for pk in report.refunds_failed) or '-'}"
            )
