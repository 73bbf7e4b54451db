"""The test payment gateway's side, as tests read it (its charges live outside our database)."""
from comptoir.payments.providers.test_gateway import Charge
from comptoir.payments.services.notifications import test_provider


def charges(status: str | None = None) -> list[Charge]:
    return test_provider().store.charges(status=status)
