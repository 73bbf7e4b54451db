"""Stripe faked at the HTTP boundary: a server on 127.0.0.1 that the real ``stripe`` library
talks to (``api_base``), answering with recorded Stripe responses (stripe_recordings/*.json)
filled in with the state a real account would have. Like Stripe it replays a request sent
again with the same Idempotency-Key, keeps PaymentIntents between calls, refuses a capture of a
cancelled intent, and declines Stripe's test card 4000 0000 0000 9995 (insufficient funds).
"""
from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

RECORDINGS = Path(__file__).parent / "stripe_recordings"
DECLINED_NUMBER = "4000000000009995"
PENDING_NUMBER = "4000002500003155"  # 3-D Secure required: the intent waits for the buyer


def recording(name: str) -> dict:
    return json.loads((RECORDINGS / f"{name}.json").read_text())


class FakeStripe:
    def __init__(self):
        self.intents: dict[str, dict] = {}
        self.replies: dict[str, tuple[int, dict]] = {}  # Idempotency-Key → the first answer
        self.requests: list[tuple[str, str, dict, str]] = []  # method, path, form, idempotency key
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- Stripe's behaviour -----------------------------------------------------------------

    def answer(self, method: str, path: str, form: dict, key: str) -> tuple[int, dict]:
        self.requests.append((method, path, form, key))
        if key and key in self.replies:
            return self.replies[key]
        reply = self._route(method, path, form)
        if key and method == "POST":
            self.replies[key] = reply
        return reply

    def _route(self, method: str, path: str, form: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if method == "POST" and parts == ["v1", "payment_intents"]:
            return self._create(form)
        if method == "GET" and parts == ["v1", "payment_intents", "search"]:
            key = form["query"].split(":'")[1].rstrip("'")
            found = [i for i in self.intents.values() if i["metadata"].get("comptoir_key") == key]
            return 200, {"object": "search_result", "data": found, "has_more": False, "next_page": None, "url": "/v1/payment_intents/search"}
        if parts[:2] == ["v1", "payment_intents"] and len(parts) >= 3:
            intent = self.intents.get(parts[2])
            if intent is None:
                return 404, {"error": {"code": "resource_missing", "message": f"No such payment_intent: '{parts[2]}'", "type": "invalid_request_error"}}
            action = parts[3] if len(parts) == 4 else "retrieve"
            return getattr(self, f"_{action}")(intent, form)
        if method == "POST" and parts == ["v1", "refunds"]:
            return self._refund(form)
        return 404, {"error": {"message": f"Unrecognized request URL ({method}: {path})", "type": "invalid_request_error"}}

    def _create(self, form: dict) -> tuple[int, dict]:
        number = form.get("payment_method_data[card][number]", "")
        if number == DECLINED_NUMBER or form.get("payment_method") == "pm_card_visa_chargeDeclinedInsufficientFunds":
            return 402, recording("card_declined")
        intent = recording("payment_intent")
        amount = int(form["amount"])
        intent.update(
            id=f"pi_fake{next(self._ids):06d}", amount=amount, amount_capturable=amount, currency=form["currency"],
            metadata={k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}, created=int(time.time()),
        )
        if number == PENDING_NUMBER:
            intent.update(status="requires_action", amount_capturable=0, next_action={"type": "use_stripe_sdk"})
        self.intents[intent["id"]] = intent
        return 200, copy.deepcopy(intent)

    def _retrieve(self, intent: dict, form: dict) -> tuple[int, dict]:
        return 200, copy.deepcopy(intent)

    def _capture(self, intent: dict, form: dict) -> tuple[int, dict]:
        if intent["status"] != "requires_capture":
            return 400, self._unexpected(intent, "captured")
        amount = int(form.get("amount_to_capture", intent["amount"]))
        if amount > intent["amount_capturable"]:
            return 400, {"error": {"code": "amount_too_large", "message": "The amount to capture exceeds the capturable amount.", "type": "invalid_request_error"}}
        intent.update(status="succeeded", amount_received=amount, amount_capturable=0)  # the rest is released
        return 200, copy.deepcopy(intent)

    def _cancel(self, intent: dict, form: dict) -> tuple[int, dict]:
        if intent["status"] not in ("requires_capture", "requires_action", "requires_payment_method", "requires_confirmation"):
            return 400, self._unexpected(intent, "canceled")
        intent.update(status="canceled", amount_capturable=0, canceled_at=int(time.time()), cancellation_reason="requested_by_customer")
        return 200, copy.deepcopy(intent)

    def _refund(self, form: dict) -> tuple[int, dict]:
        intent = self.intents[form["payment_intent"]]
        refunded = sum(r for r in intent.setdefault("_refunds", []))
        amount = int(form.get("amount", intent["amount_received"] - refunded))
        if amount > intent["amount_received"] - refunded:
            return 400, {"error": {"code": "charge_already_refunded", "message": "Refund amount is greater than unrefunded amount on charge.", "type": "invalid_request_error"}}
        intent["_refunds"].append(amount)
        refund = recording("refund")
        refund.update(id=f"re_fake{next(self._ids):06d}", amount=amount, payment_intent=intent["id"], currency=intent["currency"])
        return 200, refund

    @staticmethod
    def _unexpected(intent: dict, verb: str) -> dict:
        body = recording("unexpected_state")
        body["error"]["message"] = f"This PaymentIntent could not be {verb} because it has a status of {intent['status']}."
        body["error"]["payment_intent"] = copy.deepcopy(intent)
        return body

    # --- what Stripe sends us ---------------------------------------------------------------

    def webhook(self, *, intent_id: str, event_type: str, secret: str, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
        """A signed event about an intent, as Stripe posts it (Stripe-Signature: t=…,v1=HMAC-SHA256)."""
        event = recording("event")
        event.update(id=f"evt_fake{next(self._ids):06d}", type=event_type, created=int(time.time()))
        event["data"]["object"] = copy.deepcopy(self.intents[intent_id])
        body = json.dumps(event).encode()
        timestamp = int(time.time()) if timestamp is None else timestamp
        signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        return body, {"Stripe-Signature": f"t={timestamp},v1={signature}"}

    def settle(self, intent_id: str, status: str) -> None:
        """The buyer completed (or failed) 3-D Secure: the intent moves on at Stripe."""
        intent = self.intents[intent_id]
        intent["status"] = status
        if status == "requires_capture":
            intent["amount_capturable"] = intent["amount"]
        else:
            intent["last_payment_error"] = {"code": "card_declined", "decline_code": "generic_decline", "message": "Your card was declined."}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode() if length else url.query, keep_blank_values=True))
                status, body = fake.answer(self.command, url.path, form, self.headers.get("Idempotency-Key", ""))
                payload = json.dumps({k: v for k, v in body.items() if not k.startswith("_")}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Request-Id", f"req_fake{len(fake.requests)}")
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = _serve

            def log_message(self, *args):
                pass

        return Handler
