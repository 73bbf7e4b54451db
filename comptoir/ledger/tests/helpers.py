"""Helpers other apps' tests can reuse: ``from comptoir.ledger.tests.helpers import assert_ledger_balanced``."""
from comptoir.ledger.models import JournalEntry
from comptoir.ledger.selectors import trial_balance


def assert_ledger_balanced() -> None:
    """Fail unless Σ lines = 0 per currency over the whole journal AND within every entry."""
    totals = trial_balance()
    assert all(v == 0 for v in totals.values()), f"trial balance is not zero: {totals}"
    for entry in JournalEntry.objects.prefetch_related("lines"):
        per_currency: dict[str, int] = {}
        for line in entry.lines.all():
            per_currency[line.currency] = per_currency.get(line.currency, 0) + line.amount
        assert all(v == 0 for v in per_currency.values()), f"entry {entry} does not balance: {per_currency}"
        assert per_currency, f"entry {entry} has no lines"
