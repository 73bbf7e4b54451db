"""Seller webhooks against a real local receiver (an HTTP server on 127.0.0.1): signatures verify,
a receiver that fails twice gets the event on the third try through the task worker, the log
keeps all three attempts; endpoint addresses are checked."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.db import transaction

from comptoir.common.signing import SIGNATURE_HEADER, parse_signature_header, signature_matches
from comptoir.orders.services import seller_order_cancel
from comptoir.orders.tests.helpers import place, shop
from comptoir.sellers.errors import WebhookInvalid
from comptoir.sellers.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from comptoir.sellers.webhooks import retry_delay, webhook_emit, webhook_endpoint_create, webhook_resend, webhook_url_check


class Receiver:
    """A webhook receiver on 127.0.0.1 answering the statuses of ``script`` in turn (then 200)."""

    def __init__(self, script=()):
        self.script, self.requests = list(script), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body, time.monotonic()))
                status = receiver.script.pop(0) if receiver.script else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"try again later")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/comptoir"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(script=()):
        made.append(Receiver(script))
        return made[-1]

    yield make
    for r in made:
        r.close()


def _verify(headers: dict, body: bytes, secret: str) -> bool:
    timestamp, candidates = parse_signature_header(headers[SIGNATURE_HEADER])
    return timestamp is not None and abs(time.time() - timestamp) < 300 and signature_matches(body, secret, timestamp, candidates)


@pytest.mark.django_db(transaction=True)
def test_failing_twice_then_delivered_on_the_third_try_by_the_worker(receiver, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SELLER_WEBHOOK_RETRY_BASE_SECONDS = 0.3
    _buyer, s1, _s2, _a, _b = shop()
    rx = receiver([500, 503])
    endpoint = webhook_endpoint_create(seller=s1, url=rx.url, events=["order.cancelled"])
    with transaction.atomic():
        [delivery] = webhook_emit(seller_id=s1.pk, event="order.cancelled", data={"seller_order": {"number": "X-1"}})
    for _ in range(40):  # the worker runs what is due; the retries become due after their backoff
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        delivery.refresh_from_db()
        if delivery.state != DeliveryState.PENDING:
            break
        time.sleep(0.1)
    assert delivery.state == DeliveryState.SUCCEEDED
    assert len(rx.requests) == 3
    attempts = list(delivery.attempt_log.order_by("number"))
    assert [(a.number, a.response_status, a.response_body) for a in attempts] == [
        (1, 500, "try again later"), (2, 503, "try again later"), (3, 200, "ok")]
    # exponential backoff: 0.3 s then 0.6 s between the attempts (at least)
    gaps = [rx.requests[i + 1][2] - rx.requests[i][2] for i in range(2)]
    assert gaps[0] >= 0.3 and gaps[1] >= 0.6
    for headers, body, _t in rx.requests:
        assert _verify(headers, body, endpoint.secret)
        assert headers["Comptoir-Event"] == "order.cancelled"
        assert json.loads(body)["data"] == {"seller_order": {"number": "X-1"}}
    assert len({body for _h, body, _t in rx.requests}) == 1  # the same bytes every time


@pytest.mark.django_db
def test_cancelling_an_order_sends_a_signed_event_with_the_order(receiver, django_capture_on_commit_callbacks):
    buyer, s1, _s2, a, _b = shop()
    rx = receiver()
    endpoint = webhook_endpoint_create(seller=s1, url=rx.url, events=["order.cancelled", "order.created"])
    with django_capture_on_commit_callbacks(execute=True):  # the confirmation task sends order.created
        part = place(buyer, [(a, 2)]).parts.get()
    with django_capture_on_commit_callbacks(execute=True):
        seller_order_cancel(seller_order_id=part.pk, buyer=buyer, reason="changed my mind")
    events = [json.loads(body) for _h, body, _t in rx.requests]
    assert [e["type"] for e in events] == ["order.created", "order.cancelled"]
    cancelled = events[1]["data"]["seller_order"]
    assert (cancelled["number"], cancelled["state"], cancelled["cancelled_by"], cancelled["cancel_reason"]) == (
        part.number, "cancelled", "buyer", "changed my mind")
    assert cancelled["lines"][0]["quantity"] == 2
    assert all(_verify(h, body, endpoint.secret) for h, body, _t in rx.requests)


@pytest.mark.django_db
def test_a_tampered_body_does_not_verify(receiver, django_capture_on_commit_callbacks):
    _buyer, s1, _s2, _a, _b = shop()
    rx = receiver()
    endpoint = webhook_endpoint_create(seller=s1, url=rx.url, events=["payout.paid"])
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(seller_id=s1.pk, event="payout.paid", data={"amount": 100})
    headers, body, _t = rx.requests[0]
    assert _verify(headers, body, endpoint.secret)
    assert not _verify(headers, body.replace(b"100", b"999"), endpoint.secret)
    assert not _verify(headers, body, "whsec_other")


@pytest.mark.django_db
def test_failed_delivery_is_logged_and_sent_again_by_hand(receiver, settings, django_capture_on_commit_callbacks):
    import comptoir.sellers.webhooks as webhooks

    _buyer, s1, s2, _a, _b = shop()
    rx = receiver([500] * webhooks.MAX_ATTEMPTS)
    webhook_endpoint_create(seller=s1, url=rx.url, events=["payout.paid"])
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_emit(seller_id=s1.pk, event="payout.paid", data={"amount": 100})
    for _ in range(webhooks.MAX_ATTEMPTS - 1):  # the immediate backend leaves retries to webhooks_retry
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
        call_command("webhooks_retry", verbosity=0)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", webhooks.MAX_ATTEMPTS)
    with pytest.raises(WebhookInvalid) as exc:
        webhook_resend(seller=s2, delivery_id=delivery.pk)  # another seller's delivery
    assert exc.value.code == "webhook_delivery_not_found"
    with django_capture_on_commit_callbacks(execute=True):
        webhook_resend(seller=s1, delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.attempt_log.count()) == ("succeeded", webhooks.MAX_ATTEMPTS + 1, webhooks.MAX_ATTEMPTS + 1)


def test_retry_delays_double():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


@pytest.mark.parametrize(("url", "code"), [
    ("http://8.8.8.8/hook", "webhook_url_not_https"),
    ("ftp://example.com/hook", "webhook_url_invalid"),
    ("not a url", "webhook_url_invalid"),
    ("https://10.1.2.3/hook", "webhook_url_private"),
    ("https://192.168.0.10/hook", "webhook_url_private"),
    ("https://169.254.169.254/latest/meta-data", "webhook_url_private"),
    ("https://[fd00::1]/hook", "webhook_url_private"),
    ("https://user:pw@8.8.8.8/hook", "webhook_url_invalid"),
])
def test_endpoint_addresses_are_checked(url, code):
    with pytest.raises(WebhookInvalid) as exc:
        webhook_url_check(url)
    assert exc.value.code == code


def test_loopback_only_under_the_test_setting(settings):
    assert webhook_url_check("http://127.0.0.1:9/x") == "http://127.0.0.1:9/x"
    settings.SELLER_WEBHOOKS_ALLOW_HTTP_LOOPBACK = False
    with pytest.raises(WebhookInvalid) as exc:
        webhook_url_check("http://127.0.0.1:9/x")
    assert exc.value.code == "webhook_url_not_https"
    with pytest.raises(WebhookInvalid) as exc:
        webhook_url_check("https://127.0.0.1:9/x")
    assert exc.value.code == "webhook_url_private"
    assert webhook_url_check("https://8.8.8.8/hook") == "https://8.8.8.8/hook"


@pytest.mark.django_db
def test_endpoint_needs_an_event_and_nothing_is_written_on_error():
    _buyer, s1, _s2, _a, _b = shop()
    with pytest.raises(WebhookInvalid) as exc:
        webhook_endpoint_create(seller=s1, url="https://8.8.8.8/hook", events=[])
    assert exc.value.code == "webhook_events_invalid"
    with pytest.raises(WebhookInvalid):
        webhook_endpoint_create(seller=s1, url="http://8.8.8.8/hook", events=["order.created"])
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.django_db
def test_an_address_refused_at_delivery_time_is_never_contacted(receiver, settings, django_capture_on_commit_callbacks):
    """The address is checked again before each attempt (the name may resolve elsewhere now)."""
    _buyer, s1, _s2, _a, _b = shop()
    rx = receiver()
    webhook_endpoint_create(seller=s1, url=rx.url.replace("127.0.0.1", "localhost"), events=["payout.paid"])
    settings.SELLER_WEBHOOKS_ALLOW_HTTP_LOOPBACK = False
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_emit(seller_id=s1.pk, event="payout.paid", data={})
    [attempt] = delivery.attempt_log.all()
    assert (attempt.response_status, attempt.error) == (None, "Webhook addresses must use HTTPS (https://…).")
    assert rx.requests == []
