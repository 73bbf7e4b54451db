"""Order errors with stable codes; the API maps them to {"code", "message", "field"} and pages to notices."""
from comptoir.common.errors import DomainError, NotFound, PermissionDenied  # noqa: F401


class InvalidAddress(DomainError):
    code = "invalid_address"
    status = 422


class EmptyCart(DomainError):
    code = "empty_cart"
    status = 422


class InvalidQuantity(DomainError):
    code = "invalid_quantity"
    status = 422


class OfferUnavailable(DomainError):
    """The offer was withdrawn, its product deactivated or its seller suspended."""

    code = "offer_unavailable"
    status = 409


class PriceChanged(DomainError):
    """The total the buyer confirmed is not the total now: review and confirm again."""

    code = "price_changed"
    status = 409


class InvalidDeliveryChoice(DomainError):
    code = "invalid_delivery_choice"
    status = 422


class MarketNotServed(DomainError):
    code = "market_not_served"
    status = 422


class IdempotencyKeyReused(DomainError):
    """The same idempotency key was sent with a different order content."""

    code = "idempotency_key_reused"
    status = 409


class PaymentDeclined(DomainError):
    code = "payment_declined"
    status = 402


class InvalidTransition(DomainError):
    code = "invalid_state"
    status = 409


class ReturnWindowClosed(DomainError):
    code = "return_window_closed"
    status = 409


class PickupWrongCode(DomainError):
    """The code given at the counter is not this order's pickup code (counted)."""

    code = "pickup_wrong_code"
    status = 422


class PickupLocked(DomainError):
    """Too many wrong codes: a manager must unlock the pickup."""

    code = "pickup_locked"
    status = 423


class RefundInvalid(DomainError):
    """An operator refund that cannot be made as asked: nothing chosen, more units than remain,
    a line or delivery already refunded, more than was paid, a part not paid or not refundable.
    ``field`` names the form field at fault when there is one."""

    code = "refund_invalid"
    status = 422


class ReasonRequired(DomainError):
    code = "reason_required"
    status = 422
