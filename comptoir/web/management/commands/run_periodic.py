"""The periodic jobs on a timer, for `make run` (one machine, development): each job runs every
`--every` seconds, one after the other; a failing job is reported and tried again next round.
In production run each command from cron or a systemd timer instead (docs/deploy.md).

    comptoir run_periodic                          # every 60 s until stopped (SIGTERM, Ctrl-C)
    comptoir run_periodic --once                   # one round
    comptoir run_periodic --with-test-gateway      # also settle the test gateway's pending charges
"""
import signal
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

JOBS = ("pickups_expire", "reservations_expire", "payments_reconcile", "webhooks_retry", "offers_imports_fail_stale")
TEST_GATEWAY_JOBS = ("payments_settle_pending",)


class Command(BaseCommand):
    help = "Run the periodic jobs (pickups_expire, reservations_expire, payments_reconcile, webhooks_retry, offers_imports_fail_stale) on a timer."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=60, metavar="SECONDS")
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--with-test-gateway", action="store_true",
                            help="also payments_settle_pending (the test gateway's card issuer)")

    def handle(self, *args, every, once, with_test_gateway, **options):
        jobs = JOBS + (TEST_GATEWAY_JOBS if with_test_gateway else ())
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.is_set():
            for job in jobs:
                try:
                    call_command(job, stdout=self.stdout, stderr=self.stderr)
                except CommandError as exc:  # e.g. the provider unreachable: next round
                    self.stderr.write(f"{job}: {exc}")
            self.stdout.flush()  # the log file shows each round as it ends
            if once:
                break
            stop.wait(max(1, every))
