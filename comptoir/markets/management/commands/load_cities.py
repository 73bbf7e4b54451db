import time

from django.core.management.base import BaseCommand, CommandError

from comptoir.markets.errors import UnknownCountry
from comptoir.markets.services import cities_load


class Command(BaseCommand):
    help = (
        "Load GeoNames places (population ≥ --min-population) for the given countries, with their local and "
        "names in the UI languages and the other names they are searched by. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("countries", nargs="+", metavar="CC", help="ISO 3166-1 alpha-2 codes, e.g. FR ES")
        parser.add_argument("--min-population", type=int, default=500)

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            result = cities_load(
                countries=options["countries"],
                min_population=options["min_population"],
                progress=lambda line: self.stdout.write(line),
            )
        except UnknownCountry as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(f"{result.total} places in {time.perf_counter() - started:.1f}s")
