"""Attempt every pending seller-webhook delivery that is due (its next attempt time passed).

The task worker does this by itself (each failed attempt enqueues the next with its backoff);
this command is the safety net after a worker outage, and the way with the immediate backend.

    comptoir webhooks_retry
"""
from django.core.management.base import BaseCommand

from comptoir.sellers.selectors import webhook_deliveries_due
from comptoir.sellers.webhooks import webhook_attempt


class Command(BaseCommand):
    help = "Attempt the seller-webhook deliveries that are due."

    def handle(self, *args, **options):
        ids = list(webhook_deliveries_due().values_list("pk", flat=True))
        for delivery_id in ids:
            webhook_attempt(delivery_id=delivery_id)
        self.stdout.write(f"{len(ids)} deliveries attempted.")
