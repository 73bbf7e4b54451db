from django.core.management.base import BaseCommand

from comptoir.markets.services import markets_seed


class Command(BaseCommand):
    help = "Create or update the markets (FR, ES, IT, DE, BE, PT, NL, LU, IE) and their VAT rates. Idempotent."

    def handle(self, *args, **options):
        result = markets_seed()
        self.stdout.write(
            f"markets: {result.markets_created} created; VAT rates: {result.vat_rates_created} created, "
            f"{result.vat_rates_updated} updated"
        )
