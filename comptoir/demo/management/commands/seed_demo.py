"""`comptoir seed_demo --scale small|bench [--seed N] [--reset]`: see docs/demo.md."""
from django.core.management.base import BaseCommand, CommandError

from comptoir.demo.seed import SCALES, DemoError, demo_seed


class Command(BaseCommand):
    help = "Create demo markets, sellers, products, offers and users (idempotent; --reset to recreate)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--reset", action="store_true", help="delete the previous demo data first")
        parser.add_argument("--no-load-cities", action="store_true",
                            help="fail instead of loading missing cities (comptoir load_cities FR ES IT DE CN)")

    def handle(self, *args, scale, seed, reset, no_load_cities, **options):
        verbose = options["verbosity"] > 0
        try:
            report = demo_seed(scale=scale, seed=seed, reset=reset, load_cities=not no_load_cities,
                               progress=verbose, log=self.stdout.write if verbose else None)
        except DemoError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        if report.created:
            self.stdout.write(self.style.SUCCESS(
                f"Demo ({report.scale}, seed {report.seed}) created in {report.seconds} s: {report.categories} categories, "
                f"{report.sellers} sellers ({report.sellers_pending} pending), {report.locations} warehouses, "
                f"{report.products} products, {report.offers} offers, {report.stock_levels} stock levels, "
                f"{report.picture_files} picture files written, {report.search_documents} search documents, "
                f"{report.listings} listings, {report.stores} stores with {report.consigned_units} consigned units on their shelves, "
                f"{report.till_sessions} till sessions with {report.instore_sales} in-store sales, "
                f"{report.online_orders} online orders ({report.collect_orders} click & collect)"
            ))
        elif report.online_orders:
            self.stdout.write(
                f"Demo data already present; its online order history was missing: {report.online_orders} online orders "
                f"({report.collect_orders} click & collect) added in {report.seconds} s."
            )
        else:
            self.stdout.write(
                f"Demo data already present ({report.sellers} sellers, {report.products} products, {report.offers} offers): "
                "nothing written (use --reset to recreate)."
            )
        self.stdout.write("Demo users:")
        for user in report.users:
            seller = f"  [{user.seller}]" if user.seller else ""
            self.stdout.write(f"  {user.role:32} {user.username:28} password: {user.password}{seller}")
