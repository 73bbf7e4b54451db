"""Check each store's sales journal hash chain; exit status 1 when an entry was tampered with. The
reason is printed in the active language (Django's ``LANGUAGE_CODE``) with its stable code."""
from django.core.management.base import BaseCommand, CommandError

from comptoir.stores.models import Store
from comptoir.stores.services import journal_verify


class Command(BaseCommand):
    help = "Verify the sales journal's SHA-256 chains (one per till) of every store (or --store <slug>)."

    def add_arguments(self, parser):
        parser.add_argument("--store", help="a store's slug")

    def handle(self, *args, **options):
        stores = Store.objects.order_by("slug")
        if options["store"]:
            stores = stores.filter(slug=options["store"])
        broken = []
        for store in stores:
            check = journal_verify(store=store)
            if check.intact:
                self.stdout.write(f"{store.slug}: {check.entries} entries in {check.chains} till chains, intact")
            else:
                broken.append(store.slug)
                self.stdout.write(f"{store.slug}: BROKEN at till {check.broken_till} entry {check.first_broken}: "
                                  f"{check.reason_message} ({check.reason})")
        if broken:
            raise CommandError(f"tampered journal: {', '.join(broken)}")
