"""The built-in test provider: behaves like a real card gateway in test mode, with Stripe's
test card numbers. Its side of the state lives in the TestProviderCharge table, so it works
across processes (web server, task worker, management commands).

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

from django.db import connection, transaction
from django.utils import timezone
from stdnum import luhn

from ..errors import WebhookMalformed
from ..models import TestProviderCharge
from ..webhooks import DEFAULT_TOLERANCE_SECONDS, sign, verify_signature
from .base import CardDetails, ProviderResult, ResultStatus, WebhookEvent

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


class TestProvider:
    __test__ = False  # not a pytest test class
    name = "test"

    def __init__(self, *, webhook_secret: str, tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS):
        self.webhook_secret = webhook_secret
        self.tolerance_seconds = tolerance_seconds

    # --- the protocol -----------------------------------------------------------------------

    def authorize(
        self, *, amount: int, currency: str, card: CardDetails, idempotency_key: str, metadata: Mapping[str, str]
    ) -> ProviderResult:
        status, code, message = self._decide(card)
        reference = f"tp_ch_{secrets.token_hex(10)}"
        if not self._insert_unless_known(reference, idempotency_key, amount, currency, status, card.last4, code):
            # Same key, same charge: never charge twice.
            return self._result(TestProviderCharge.objects.get(idempotency_key=idempotency_key))
        return ProviderResult(status=status, reference=reference, decline_code=code, message=message)

    def capture(self, *, reference: str, amount: int, idempotency_key: str = "") -> ProviderResult:
        with transaction.atomic():
            charge = self._locked(reference)
            if charge is None:
                return ProviderResult(ResultStatus.FAILED, reference, "resource_missing", "No such charge.")
            if charge.status != ResultStatus.AUTHORIZED:
                return ProviderResult(ResultStatus.FAILED, reference, "charge_not_capturable", f"Charge is {charge.status}.")
            if amount <= 0 or charge.captured + amount > charge.amount:
                return ProviderResult(ResultStatus.FAILED, reference, "amount_too_large", "Capture exceeds the authorized amount.")
            charge.captured += amount
            charge.save(update_fields=["captured", "updated_at"])
        return ProviderResult(ResultStatus.SUCCEEDED, reference)

    def refund(self, *, reference: str, amount: int, idempotency_key: str = "") -> ProviderResult:
        with transaction.atomic():
            charge = self._locked(reference)
            if charge is None:
                return ProviderResult(ResultStatus.FAILED, reference, "resource_missing", "No such charge.")
            if amount <= 0 or charge.refunded + amount > charge.captured:
                return ProviderResult(ResultStatus.FAILED, reference, "amount_too_large", "Refund exceeds the captured amount.")
            charge.refunded += amount
            charge.save(update_fields=["refunded", "updated_at"])
        return ProviderResult(ResultStatus.SUCCEEDED, reference)

    def cancel(self, *, reference: str) -> ProviderResult:
        with transaction.atomic():
            charge = self._locked(reference)
            if charge is None:
                return ProviderResult(ResultStatus.FAILED, reference, "resource_missing", "No such charge.")
            if charge.captured:
                return ProviderResult(ResultStatus.FAILED, reference, "charge_already_captured", "Charge was captured; refund it.")
            if charge.status not in (ResultStatus.AUTHORIZED, ResultStatus.PENDING, "cancelled"):
                return ProviderResult(ResultStatus.FAILED, reference, "charge_not_cancellable", f"Charge is {charge.status}.")
            charge.status = "cancelled"
            charge.save(update_fields=["status", "updated_at"])
        return ProviderResult(ResultStatus.SUCCEEDED, reference)

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
        with transaction.atomic():
            charge = self._locked(reference)
            if charge is None:
                raise LookupError(f"No test charge {reference!r}")
            if charge.status == ResultStatus.PENDING:
                charge.status, charge.decline_code = outcome, code
                charge.save(update_fields=["status", "decline_code", "updated_at"])
        return self.build_webhook(event_type=event_type, charge=charge)

    def build_webhook(self, *, event_type: str, charge: TestProviderCharge, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
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
    def _insert_unless_known(reference, idempotency_key, amount, currency, status, last4, code) -> bool:
        """One statement for the usual case (a new key): INSERT … ON CONFLICT DO NOTHING (SQLite
        and PostgreSQL). False when the key was already used. A concurrent insert of the same
        key makes this wait for it, then do nothing if it committed."""
        table = TestProviderCharge._meta.db_table
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (reference, idempotency_key, amount, currency, status, captured, refunded,"
                " card_last4, decline_code, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, 0, 0, %s, %s, %s, %s)"
                " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
                [reference, idempotency_key, amount, currency, str(status), last4, code, now, now],
            )
            return cursor.fetchone() is not None

    @staticmethod
    def _locked(reference: str) -> TestProviderCharge | None:
        return TestProviderCharge.objects.select_for_update().filter(reference=reference).first()

    @staticmethod
    def _result(charge: TestProviderCharge) -> ProviderResult:
        status = ResultStatus(charge.status) if charge.status in ResultStatus.__members__.values() else ResultStatus.FAILED
        return ProviderResult(status=status, reference=charge.reference, decline_code=charge.decline_code)
