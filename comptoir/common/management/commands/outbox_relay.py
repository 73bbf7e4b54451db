"""Push the tasks whose outbox rows were committed but never pushed to the queue (a process died
between COMMIT and push, or the queue was down). Run it beside the task workers, or every
minute from the periodic jobs."""
import time

from django.core.management.base import BaseCommand

from comptoir.common.outbox import outbox_relay


class Command(BaseCommand):
    help = "Push committed-but-unsent outbox tasks to the task queue (once, or every N seconds with --every)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="repeat every this many seconds (0: run once)")
        parser.add_argument("--older-than", type=int, default=None,
                            help="seconds a row is left to the committing process (default OUTBOX_RELAY_AFTER_SECONDS)")

    def handle(self, *args, every: float, older_than: int | None, **options):
        while True:
            pushed = outbox_relay(older_than_seconds=older_than)
            if options["verbosity"] and (pushed or not every):
                self.stdout.write(f"outbox: {pushed} task(s) pushed")
            if not every:
                return
            time.sleep(every)
