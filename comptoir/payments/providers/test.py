"""The built-in test provider: behaves like a real card gateway in test mode, with Stripe's
test card numbers. Its side of the state lives outside our database, as a remote gateway's does
(``test_gateway.GatewayStore``: its own SQLite file, its own committed transactions), so an
authorization survives our rollback and our process's death, and every process sees it.

| card number        | result                                                        |
|--------------------|---------------------------------------------------------------|
| 4242424242424242   | authorized                                                    |
| 5555555555554444   | authorized (Mastercard)                                       |
| 4000000000000002   | declined: card_declined                                       |
| 4000000000009995   | declined: insufficient_funds                                  |
| 4000000000000069   | declined: expired_card                                        |
| 4000000000000127   | declined: incorrect_cvc                                       |
| 4000000000000119   | failed: processing_error                                      |
| 4000000000003220   | pending; settle it with payments_test_provider_settle(...)    |
| any other valid    | authorized                                                    |

A number failing Luhn is declined ``incorrect_number`` and a past expiry ``expired_card``
(payments.services refuses both before calling any provider).
"""
from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from datetime import date

from stdnum import luhn

from ..errors import WebhookMalformed
from ..webhooks import DEFAULT_TOLERANCE_SECONDS, sign, verify_signature
from .base import CardDetails, ProviderResult, ResultStatus, WebhookEvent
from .test_gateway import Charge, GatewayStore

SUCCESS = "4242424242424242"
DECLINE = "4000000000000002"
INSUFFICIENT_FUNDS = "4000000000009995"
EXPIRED = "4000000000000069"
INCORRECT_CVC = "4000000000000127"
PROCESSING_ERROR = "4000000000000119"
ASYNC_PENDING = "4000000000003220"

_OUTCOMES = {
    DECLINE: (ResultStatus.DECLINED, "card_declined", "Your card was declined."),
    INSUFFICIENT_FUNDS: (ResultStatus.DECLINED, "insufficient_funds", "Your card has insufficient funds."),
    EXPIRED: (ResultStatus.DECLINED, "expired_card", "Your card has expired."),
    INCORRECT_CVC: (ResultStatus.DECLINED, "incorrect_cvc", "Your card's security code is incorrect."),
    PROCESSING_ERROR: (ResultStatus.FAILED, "processing_error", "An error occurred while processing your card."),
    ASYNC_PENDING: (ResultStatus.PENDING, "", "Awaiting confirmation from the card issuer."),
}

SETTLE_OUTCOMES = {
    "authorized": ("charge.authorized", ""),
    "declined": ("charge.declined", "card_declined"),
    "failed": ("charge.failed", "processing_error"),
}
CANCELLED = "cancelled"


class TestProvider:
    __test__ = False  # not a pytest test class
    name = "test"

    def __init__(self, *, webhook_secret: str, tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS, state_path: str):
        self.webhook_secret = webhook_secret
        self.tolerance_seconds = tolerance_seconds
        self.store = GatewayStore(state_path)

    # --- the protocol -----------------------------------------------------------------------

    def authorize(
        self, *, amount: int, currency: str, card: CardDetails, idempotency_key: str, metadata: Mapping[str, str]
    ) -> ProviderResult:
        status, code, message = self._decide(card)
        charge = self.store.insert_unless_known(
            reference=f"tp_ch_{secrets.token_hex(10)}", idempotency_key=idempotency_key, amount=amount,
            currency=currency, status=str(status), card_last4=card.last4, decline_code=code,
        )
        if charge.amount != amount or charge.currency != currency:
            return ProviderResult(ResultStatus.FAILED, charge.reference, "idempotency_key_in_use", "Key used for another amount.")
        return ProviderResult(self._status(charge), charge.reference, charge.decline_code, message if charge.status == status else "")

    def find(self, *, idempotency_key: str) -> ProviderResult | None:
        charge = self.store.by_key(idempotency_key)
        return None if charge is None else ProviderResult(self._status(charge), charge.reference, charge.decline_code)

    def capture(self, *, reference: str, amount: int, idempotency_key: str = "") -> ProviderResult:
        def change(charge: Charge):
            if charge.status != ResultStatus.AUTHORIZED:
                return None, "charge_not_capturable"
            if amount <= 0 or charge.captured + amount > charge.amount:
                return None, "amount_too_large"
            return {"captured": charge.captured + amount}, ""

        return self._operate(reference, f"capture:{idempotency_key}" if idempotency_key else "", change)

    def refund(self, *, reference: str, amount: int, idempotency_key: str = "") -> ProviderResult:
        def change(charge: Charge):
            if amount <= 0 or charge.refunded + amount > charge.captured:
                return None, "amount_too_large"
            return {"refunded": charge.refunded + amount}, ""

        return self._operate(reference, f"refund:{idempotency_key}" if idempotency_key else "", change)

    def cancel(self, *, reference: str) -> ProviderResult:
        def change(charge: Charge):
            if charge.captured:
                return None, "charge_already_captured"
            if charge.status == CANCELLED:
                return None, ""
            if charge.status not in (ResultStatus.AUTHORIZED, ResultStatus.PENDING):
                return None, "charge_not_cancellable"
            return {"status": CANCELLED}, ""

        return self._operate(reference, "", change)

    def verify_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        verify_signature(body, headers, self.webhook_secret, tolerance=self.tolerance_seconds)
        try:
            data = json.loads(body)
            return WebhookEvent(
                id=str(data["id"]), type=str(data["type"]), reference=str(data["data"]["reference"]),
                created=int(data["created"]), decline_code=str(data["data"].get("decline_code", "")), data=data["data"],
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookMalformed(f"Webhook body is not a valid event: {exc}") from None

    # --- the provider's own side, for tests and demos ----------------------------------------

    def settle(self, *, reference: str, outcome: str) -> tuple[bytes, dict[str, str]]:
        """Decide a pending charge on the provider's side (as the card issuer would) and return
        the signed webhook (body, headers) the provider sends us. outcome: authorized/declined/failed."""
        if outcome not in SETTLE_OUTCOMES:
            raise ValueError(f"outcome must be one of {sorted(SETTLE_OUTCOMES)}")
        event_type, code = SETTLE_OUTCOMES[outcome]
        charge, error = self.store.apply(
            reference=reference, operation_key="",
            change=lambda c: ({"status": outcome, "decline_code": code} if c.status == ResultStatus.PENDING else None, ""),
        )
        if error == "resource_missing":
            raise LookupError(f"No test charge {reference!r}")
        return self.build_webhook(event_type=event_type, charge=charge)

    def pending_references(self) -> list[str]:
        """Charges awaiting their asynchronous confirmation, oldest first."""
        return [charge.reference for charge in self.store.charges(status=ResultStatus.PENDING)]

    def build_webhook(self, *, event_type: str, charge: Charge, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
        timestamp = int(time.time()) if timestamp is None else timestamp
        event = {
            "id": f"evt_{secrets.token_hex(10)}",
            "type": event_type,
            "created": timestamp,
            "data": {
                "reference": charge.reference, "amount": charge.amount, "currency": charge.currency,
                "status": charge.status, "decline_code": charge.decline_code,
            },
        }
        body = json.dumps(event, sort_keys=True).encode()
        return body, sign(body, self.webhook_secret, timestamp)

    # --- internals -----------------------------------------------------------------------------

    def _operate(self, reference: str, operation_key: str, change) -> ProviderResult:
        charge, error = self.store.apply(reference=reference, operation_key=operation_key, change=change)
        if error:
            return ProviderResult(ResultStatus.FAILED, reference, error, f"Charge {reference}: {error}.")
        return ProviderResult(ResultStatus.SUCCEEDED, reference)

    @staticmethod
    def _decide(card: CardDetails) -> tuple[ResultStatus, str, str]:
        number = card.number
        if not number.isdigit() or not luhn.is_valid(number):
            return ResultStatus.DECLINED, "incorrect_number", "Your card number is incorrect."
        today = date.today()
        if (card.exp_year, card.exp_month) < (today.year, today.month):
            return ResultStatus.DECLINED, "expired_card", "Your card has expired."
        return _OUTCOMES.get(number, (ResultStatus.AUTHORIZED, "", ""))

    @staticmethod
    def _status(charge: Charge) -> ResultStatus:
        """A charge's status in the protocol's words (a cancelled charge is no longer authorized)."""
        statuses = {s.value: s for s in (ResultStatus.AUTHORIZED, ResultStatus.PENDING, ResultStatus.DECLINED)}
        return statuses.get(charge.status, ResultStatus.FAILED if charge.status == "failed" else ResultStatus.DECLINED)
