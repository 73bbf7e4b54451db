"""The payment provider protocol. A provider is one module implementing ``PaymentProvider``
and one line in ``comptoir.payments.providers.PROVIDERS`` (see docs/payments.md)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable


class ResultStatus(StrEnum):
    AUTHORIZED = "authorized"
    DECLINED = "declined"
    PENDING = "pending"  # an asynchronous confirmation (3-D Secure, bank transfer) comes by webhook
    FAILED = "failed"  # the provider could not process it (not a decision about the card)
    SUCCEEDED = "succeeded"  # capture / refund / cancel done
    CANCELLED = "cancelled"  # an authorization released (what ``find`` reports of a cancelled one)


@dataclass(frozen=True, slots=True)
class CardDetails:
    """What the buyer typed, already checked by payments.services (Luhn, expiry, CVC).
    Real providers receive a token instead; ``token`` carries it when there is one."""

    number: str = ""
    exp_month: int = 0
    exp_year: int = 0
    cvc: str = ""
    token: str = ""

    @property
    def last4(self) -> str:
        return self.number[-4:]

    def __repr__(self) -> str:  # never print a card number
        return f"CardDetails(last4={self.last4!r}, exp={self.exp_month:02d}/{self.exp_year})"


@dataclass(frozen=True, slots=True)
class ProviderResult:
    status: ResultStatus
    reference: str = ""
    decline_code: str = ""
    message: str = ""


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A verified provider notification, in our vocabulary.

    type: "charge.authorized" | "charge.declined" | "charge.failed" (others are recorded only)."""

    id: str
    type: str
    reference: str
    created: int
    decline_code: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class PaymentProvider(Protocol):
    name: str

    def authorize(
        self, *, amount: int, currency: str, card: CardDetails, idempotency_key: str, metadata: Mapping[str, str]
    ) -> ProviderResult: ...

    def find(self, *, idempotency_key: str) -> ProviderResult | None:
        """The charge made with our idempotency key, or None: how reconciliation finds an
        authorization whose answer we never recorded (our process died meanwhile)."""
        ...

    def capture(self, *, reference: str, amount: int, idempotency_key: str = "") -> ProviderResult: ...

    def refund(self, *, reference: str, amount: int, idempotency_key: str = "") -> ProviderResult: ...

    def cancel(self, *, reference: str) -> ProviderResult: ...

    def verify_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Check the signature and timestamp and parse the event; raise a WebhookError subclass
        (WebhookSignatureInvalid, WebhookTimestampOutOfTolerance, WebhookMalformed) otherwise."""
        ...
