"""Payment writes: authorize, capture, refund, cancel, and applying provider webhooks.

The provider is never called inside a database transaction (``common.outside_transaction``
refuses it): an attempt is recorded and committed first, the provider asked, its answer written
after. Amounts are checked against the Payment (captured ≤ authorized, refunded ≤ captured —
backed by CHECK constraints); every call and webhook leaves a PaymentEvent; money that moved is
posted to the ledger. Card numbers never reach the database: brand and last 4 only. Payments
calls no higher app: see notifications.py for who tells orders.
"""
from .authorize import (  # noqa: F401
    payment_attempt_record,
    payment_authorize,
    payment_provider_authorize,
    payment_record_answer,
)
from .cards import card_brand, card_validate  # noqa: F401
from .notifications import (  # noqa: F401
    WebhookOutcome,
    payment_handle_webhook,
    payments_test_provider_settle,
    webhook_post,
)
from .operations import (  # noqa: F401
    payment_cancel,
    payment_cancel_begin,
    payment_cancel_finish,
    payment_capture,
    payment_refund,
)
