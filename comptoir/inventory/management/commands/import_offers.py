"""`comptoir import_offers FILE --seller ID [--report PATH]`: import a seller's offers file
(CSV or XLSX, see docs/offers-import.md) now, with a progress bar; the rejected rows are
written to the report (default: beside the file, ``<name>.report.csv``)."""
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from comptoir.inventory.imports import FileProblem, offers_import_create, offers_import_run
from comptoir.sellers.models import Seller


class Command(BaseCommand):
    help = "Import a seller's offers from a CSV or XLSX file (docs/offers-import.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--seller", type=int, required=True, help="the seller's id")
        parser.add_argument("--report", type=Path, help="where to write the rejected rows (CSV)")
        parser.add_argument("--language", default="en", help="language of the report's reasons (fr, es, en)")

    def handle(self, *args, file: Path, seller: int, report: Path | None, language: str, **options):
        shop = Seller.objects.filter(pk=seller).first()
        if shop is None:
            raise CommandError(f"No seller with id {seller}.")
        if not file.is_file():
            raise CommandError(f"No file at {file}.")
        try:
            with file.open("rb") as f:
                offer_import = offers_import_create(seller=shop, upload=File(f), name=file.name, language=language)
        except FileProblem as problem:
            raise CommandError(problem.message) from problem
        with tqdm(total=0, unit="rows", disable=options["verbosity"] == 0, file=self.stderr._out) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            offer_import = offers_import_run(offer_import, on_progress=progress)
        target = report or file.with_name(f"{file.stem}.report.csv")
        with offer_import.report.open("rb") as source:
            target.write_bytes(source.read())
        if offer_import.status == "failed":
            raise CommandError(f"{offer_import.error} (report: {target})")
        self.stdout.write(self.style.SUCCESS(
            f"{offer_import.rows_done} rows: {offer_import.applied} applied, {offer_import.rejected} rejected, "
            f"{offer_import.proposed} kept on product proposals. Report: {target}"
        ))
