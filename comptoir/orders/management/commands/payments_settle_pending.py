"""Settle the test provider's pending (asynchronous) charges, as the card issuer would, and
deliver each signed webhook: in-process (payments applies it, then orders follows) or over
HTTP to the webhook view.

    comptoir payments_settle_pending                       # all pending → authorized, in-process
    comptoir payments_settle_pending --outcome declined
    comptoir payments_settle_pending --reference tp_ch_...
    comptoir payments_settle_pending --url http://127.0.0.1:8000/payments/webhooks/test/
"""
from django.core.management.base import BaseCommand, CommandError

from comptoir.common.errors import DomainError
from comptoir.orders.services import order_test_payment_settle
from comptoir.payments.providers.test import SETTLE_OUTCOMES
from comptoir.payments.services.notifications import test_provider


class Command(BaseCommand):
    help = "Settle pending test-provider charges and deliver their signed webhooks."

    def add_arguments(self, parser):
        parser.add_argument("--outcome", choices=sorted(SETTLE_OUTCOMES), default="authorized")
        parser.add_argument("--reference", help="settle only this charge (tp_ch_...)")
        parser.add_argument("--url", help="POST the webhooks to this URL instead of handling them in-process")

    def handle(self, *args, outcome, reference, url, **options):
        references = [reference] if reference else test_provider().pending_references()
        if not references:
            self.stdout.write("No pending test charges.")
            return
        for ref in references:
            try:
                result = order_test_payment_settle(reference=ref, outcome=outcome, post_url=url)
            except DomainError as exc:
                raise CommandError(f"{ref}: {exc.code}: {exc.message}") from None
            if url:
                self.stdout.write(f"{ref}: {outcome}, webhook POST answered HTTP {result}")
                if result != 200:
                    raise CommandError(f"{ref}: webhook refused with HTTP {result}")
            else:
                self.stdout.write(f"{ref}: {outcome}, payment #{result.pk} is {result.status}")
