"""Stripe, through its official library: PaymentIntents with manual capture, refunds,
cancellations, and webhooks checked with the library's own signature verification.

| our call      | Stripe API                                                              |
|---------------|-------------------------------------------------------------------------|
| authorize     | POST /v1/payment_intents (confirm, capture_method=manual), our key as Idempotency-Key |
| find          | GET /v1/payment_intents/search?query=metadata['comptoir_key']:'…'      |
| capture       | POST /v1/payment_intents/{id}/capture (amount_to_capture)               |
| refund        | POST /v1/refunds (payment_intent, amount)                               |
| cancel        | POST /v1/payment_intents/{id}/cancel                                    |
| verify_webhook| stripe.Webhook signature (Stripe-Signature header, tolerance)           |

PaymentIntent status → ours: requires_capture → authorized; processing / requires_action /
requires_confirmation → pending (the webhook settles it); requires_payment_method → declined
(its last error's decline code); canceled → cancelled. Webhooks:
``payment_intent.amount_capturable_updated`` → charge.authorized,
``payment_intent.payment_failed`` → charge.declined; others are recorded only.

The card: ``CardDetails.token`` (a PaymentMethod id from Stripe.js / Elements, e.g. pm_…) when
there is one; otherwise the card fields as ``payment_method_data`` (Stripe accepts raw card
numbers only from accounts allowed to send them). Network errors propagate (payments turns
them into ProviderUnavailable; the idempotency key makes the retry safe).
"""
from __future__ import annotations

from collections.abc import Mapping

import stripe

from ..errors import WebhookMalformed, WebhookSignatureInvalid, WebhookTimestampOutOfTolerance
from ..webhooks import DEFAULT_TOLERANCE_SECONDS, header_value
from .base import CardDetails, ProviderResult, ResultStatus, WebhookEvent

SIGNATURE_HEADER = "Stripe-Signature"
KEY_METADATA = "comptoir_key"
_INTENT_STATUS = {
    "requires_capture": ResultStatus.AUTHORIZED,
    "processing": ResultStatus.PENDING,
    "requires_action": ResultStatus.PENDING,
    "requires_confirmation": ResultStatus.PENDING,
    "requires_payment_method": ResultStatus.DECLINED,
    "canceled": ResultStatus.CANCELLED,
    "succeeded": ResultStatus.AUTHORIZED,  # captured already: still ours to account for
}
_WEBHOOK_TYPES = {
    "payment_intent.amount_capturable_updated": "charge.authorized",
    "payment_intent.payment_failed": "charge.declined",
    "payment_intent.canceled": "charge.cancelled",
}


class StripeProvider:
    name = "stripe"

    def __init__(
        self, *, api_key: str, webhook_secret: str, tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
        api_base: str = "", timeout_seconds: float = 20, max_network_retries: int = 2,
    ):
        self.webhook_secret = webhook_secret
        self.tolerance_seconds = tolerance_seconds
        self.client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=max_network_retries,
            http_client=stripe.new_default_http_client(timeout=timeout_seconds),
        )

    # --- the protocol -----------------------------------------------------------------------

    def authorize(
        self, *, amount: int, currency: str, card: CardDetails, idempotency_key: str, metadata: Mapping[str, str]
    ) -> ProviderResult:
        params: dict = {
            "amount": amount, "currency": currency.lower(), "capture_method": "manual", "confirm": True,
            "payment_method_types": ["card"], "metadata": {**metadata, KEY_METADATA: idempotency_key},
        }
        if card.token:
            params["payment_method"] = card.token
        else:
            params["payment_method_data"] = {
                "type": "card", "card": {"number": card.number, "exp_month": card.exp_month, "exp_year": card.exp_year, "cvc": card.cvc},
            }
        try:
            intent = self.client.v1.payment_intents.create(params, {"idempotency_key": idempotency_key})
        except stripe.CardError as exc:
            error = (exc.json_body or {}).get("error", {})
            reference = (error.get("payment_intent") or {}).get("id", "")
            code = error.get("decline_code") or error.get("code") or "card_declined"
            return ProviderResult(ResultStatus.DECLINED, reference, code, error.get("message", ""))
        return self._intent_result(intent)

    def find(self, *, idempotency_key: str) -> ProviderResult | None:
        """Search is eventually consistent (under a minute, says Stripe): reconciliation waits
        PAYMENT_RECONCILE_AFTER_SECONDS (15 minutes) before asking."""
        found = self.client.v1.payment_intents.search({"query": f"metadata['{KEY_METADATA}']:'{idempotency_key}'", "limit": 1})
        return self._intent_result(found.data[0]) if found.data else None

    def capture(self, *, reference: str, amount: int, idempotency_key: str = "") -> ProviderResult:
        return self._operation(
            lambda: self.client.v1.payment_intents.capture(reference, {"amount_to_capture": amount}, self._options(idempotency_key)),
            reference,
        )

    def refund(self, *, reference: str, amount: int, idempotency_key: str = "") -> ProviderResult:
        def call():
            refund = self.client.v1.refunds.create({"payment_intent": reference, "amount": amount}, self._options(idempotency_key)).to_dict()
            if refund["status"] in ("failed", "canceled"):
                return ProviderResult(ResultStatus.FAILED, reference, refund.get("failure_reason") or "refund_failed", "")
            return refund

        return self._operation(call, reference)

    def cancel(self, *, reference: str) -> ProviderResult:
        try:
            self.client.v1.payment_intents.cancel(reference)
        except stripe.InvalidRequestError as exc:
            if self.client.v1.payment_intents.retrieve(reference).status == "canceled":  # cancelled already
                return ProviderResult(ResultStatus.SUCCEEDED, reference)
            return self._refusal(exc, reference)
        return ProviderResult(ResultStatus.SUCCEEDED, reference)

    def verify_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        signature = header_value(headers, SIGNATURE_HEADER)
        try:
            event = self.client.construct_event(body, signature, self.webhook_secret, self.tolerance_seconds)
        except stripe.SignatureVerificationError as exc:
            if "Timestamp outside the tolerance zone" in str(exc):
                raise WebhookTimestampOutOfTolerance(f"Webhook timestamp is outside {self.tolerance_seconds} s") from None
            raise WebhookSignatureInvalid(f"Stripe signature check failed: {exc.user_message or exc}") from None
        except ValueError as exc:
            raise WebhookMalformed(f"Webhook body is not a valid event: {exc}") from None
        intent = event.data.object.to_dict()
        error = intent.get("last_payment_error") or {}
        return WebhookEvent(
            id=event.id, type=_WEBHOOK_TYPES.get(event.type, event.type), reference=intent.get("id", ""),
            created=int(event.created), decline_code=error.get("decline_code") or error.get("code") or "",
            data={"stripe_type": event.type, "status": intent.get("status", ""), "amount": intent.get("amount")},
        )

    # --- internals -----------------------------------------------------------------------------

    @staticmethod
    def _options(idempotency_key: str) -> dict:
        return {"idempotency_key": idempotency_key} if idempotency_key else {}

    @staticmethod
    def _intent_result(intent: stripe.PaymentIntent) -> ProviderResult:
        data = intent.to_dict()
        status = _INTENT_STATUS.get(data["status"], ResultStatus.FAILED)
        error = data.get("last_payment_error") or {}
        code = (error.get("decline_code") or error.get("code") or "card_declined") if status == ResultStatus.DECLINED else ""
        return ProviderResult(status, data["id"], code, error.get("message", "") if code else "")

    def _operation(self, call, reference: str) -> ProviderResult:
        try:
            answer = call()
        except stripe.InvalidRequestError as exc:
            return self._refusal(exc, reference)
        return answer if isinstance(answer, ProviderResult) else ProviderResult(ResultStatus.SUCCEEDED, reference)

    @staticmethod
    def _refusal(exc: stripe.StripeError, reference: str) -> ProviderResult:
        error = (exc.json_body or {}).get("error", {})
        return ProviderResult(ResultStatus.FAILED, reference, error.get("code") or "provider_refused", error.get("message", ""))
