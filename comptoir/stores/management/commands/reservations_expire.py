"""Periodic: mark reservations to try past their 48 hours expired and release their units (and
any expired till-basket holds). Safe to run at any interval: units are freed anyway for the next
taker under the stock lock."""
from django.core.management.base import BaseCommand

from comptoir.stores.services import reservations_expire


class Command(BaseCommand):
    help = "Expire reservations to try past their 48 hours and release their units."

    def handle(self, *args, **options):
        count = reservations_expire()
        self.stdout.write(f"{count} reservation(s) expired")
