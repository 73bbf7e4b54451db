"""Payment errors, each with a stable code."""
from comptoir.common.errors import DomainError, NotFound


class PaymentError(DomainError):
    code = "payment_error"


class InvalidCard(PaymentError):
    """Card number failing Luhn, bad expiry or CVC format."""

    code = "invalid_card"


class CardExpired(PaymentError):
    code = "expired_card"


class InvalidAmount(PaymentError):
    code = "payment_invalid_amount"


class IdempotencyKeyReused(PaymentError):
    """The key was used for another order, amount or currency."""

    code = "idempotency_key_reused"
    status = 409


class InvalidPaymentState(PaymentError):
    code = "payment_invalid_state"
    status = 409


class CaptureExceedsAuthorized(PaymentError):
    code = "capture_exceeds_authorized"


class RefundExceedsCaptured(PaymentError):
    code = "refund_exceeds_captured"


class ProviderRefused(PaymentError):
    """The provider refused an operation (capture, refund, cancel)."""

    code = "provider_refused"
    status = 402


class PaymentAbandoned(PaymentError):
    """The attempt was cancelled (reconciliation, a failed duplicate) before it could be used."""

    code = "payment_abandoned"
    status = 409


class ProviderUnavailable(PaymentError):
    code = "provider_unavailable"
    status = 503


class UnknownProvider(NotFound):
    code = "unknown_provider"


class PaymentNotFound(NotFound):
    code = "payment_not_found"


class WebhookError(PaymentError):
    code = "webhook_invalid"


class WebhookSignatureInvalid(WebhookError):
    code = "webhook_bad_signature"


class WebhookTimestampOutOfTolerance(WebhookError):
    code = "webhook_timestamp_out_of_tolerance"


class WebhookMalformed(WebhookError):
    code = "webhook_malformed"
