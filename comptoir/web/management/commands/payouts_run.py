"""Run the weekly payouts to sellers and store partners: one journal entry per payee paid, one
pain.001 file.

    comptoir payouts_run                         # pay now, write the file to var/payouts/
    comptoir payouts_run --dry-run               # show what each seller would be paid
    comptoir payouts_run --output payouts.xml --execution-date 2026-12-07
"""
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comptoir.common.errors import DomainError
from comptoir.web.payouts import plan_now, run_now


def _euros(minor: int) -> str:
    return f"{minor / 100:,.2f}"


class Command(BaseCommand):
    help = "Pay sellers and store partners their available balance and write the SEPA credit-transfer file (pain.001)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print the plan, pay nothing")
        parser.add_argument("--output", help="where to write the pain.001 file (default var/payouts/run-<id>.xml)")
        parser.add_argument("--execution-date", type=dt.date.fromisoformat, help="requested execution date (YYYY-MM-DD)")

    def handle(self, *args, dry_run, output, execution_date, **options):
        if dry_run:
            for line in plan_now():
                who = f"[partner] {line.seller_name}" if line.is_partner else line.seller_name
                self.stdout.write(f"{who[:40]:40} balance {_euros(line.balance):>12} reserve {_euros(line.reserve):>12} "
                                  f"pay {_euros(line.amount):>12} {line.held_reason}")
            return
        try:
            run = run_now(execution_date=execution_date)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        path = Path(output) if output else Path(settings.VAR_DIR) / "payouts" / f"run-{run.pk}.xml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(run.sepa_xml, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(
            f"Payout run {run.pk}: {run.payout_count} payees, {_euros(run.total)} {run.currency}; file {path}"))
