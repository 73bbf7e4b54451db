"""Seller webhooks: endpoints (HTTPS, never to private networks), events emitted by explicit
calls from the apps where they happen (orders, ledger payouts), signed deliveries retried with
exponential backoff by the task worker, and a log of every attempt with its response.

Signing is ``comptoir.common.signing`` (the scheme the payment webhooks use): each POST carries
``Comptoir-Signature: t=<unix seconds>,v1=<HMAC-SHA256(secret, "<t>.<body>")>``, plus
``Comptoir-Event`` and ``Comptoir-Delivery`` headers. Retries: attempt n+1 runs
``SELLER_WEBHOOK_RETRY_BASE_SECONDS × 2^(n-1)`` after attempt n fails (60 s, 2 min, 4 min, … by
default), at most ``MAX_ATTEMPTS`` automatic attempts; a failed delivery can be sent again by
hand. Redirects are not followed (a 3xx is a failure).
"""
from __future__ import annotations

import http.client
import ipaddress
import json
import secrets
import socket
import ssl
import time
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.common.outbox import task_enqueue
from comptoir.common.signing import SIGNATURE_HEADER, signature_header_value

from .errors import WebhookInvalid
from .models import DeliveryState, Seller, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10
MAX_ENDPOINTS = 10
USER_AGENT = "Comptoir-Webhooks/1"


# --- endpoints ------------------------------------------------------------------------------

def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise WebhookInvalid(_("%(host)s does not resolve to an address.") % {"host": host}, code="webhook_url_unresolvable", field="url") from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def webhook_url_check(url: str) -> str:
    """The URL, stripped, or ``WebhookInvalid``: it must be https (plain http only to loopback
    when ``SELLER_WEBHOOKS_ALLOW_HTTP_LOOPBACK`` is on, for tests), and every address its host
    resolves to must be public (no private, loopback, link-local, reserved or multicast network)."""
    return _checked_target(url)[0]


def _checked_target(url: str) -> tuple[str, list]:
    """(url, the addresses its host resolves to, all checked) or ``WebhookInvalid``."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or len(url) > 500 or parts.username or parts.password:
        raise WebhookInvalid(_("%(url)s is not a web address (https://…).") % {"url": url[:80] or "—"}, code="webhook_url_invalid", field="url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise WebhookInvalid(_("%(url)s has an invalid port.") % {"url": url[:80]}, code="webhook_url_invalid", field="url") from None
    not_https = WebhookInvalid(_("Webhook addresses must use HTTPS (https://…)."), code="webhook_url_not_https", field="url")
    if parts.scheme != "https" and not settings.SELLER_WEBHOOKS_ALLOW_HTTP_LOOPBACK:
        raise not_https
    addresses = _addresses(parts.hostname, port)
    loopback_allowed = settings.SELLER_WEBHOOKS_ALLOW_HTTP_LOOPBACK and all(a.is_loopback for a in addresses)
    if parts.scheme != "https" and not loopback_allowed:
        raise not_https
    if not loopback_allowed and any(not a.is_global or a.is_multicast for a in addresses):
        raise WebhookInvalid(
            _("%(host)s resolves to a private or local network address; webhooks go to public addresses only.") % {"host": parts.hostname},
            code="webhook_url_private", field="url",
        )
    return url, addresses


def webhook_endpoint_create(*, seller: Seller, url: str, events: list[str]) -> WebhookEndpoint:
    """A new endpoint for ``events`` (at least one of ``WebhookEvent``); the URL is checked first."""
    events = sorted(set(events or []))
    unknown = [e for e in events if e not in WebhookEvent.values]
    if not events or unknown:
        raise WebhookInvalid(_("Choose at least one event."), code="webhook_events_invalid", field="events")
    url = webhook_url_check(url)
    if WebhookEndpoint.objects.filter(seller=seller, disabled_at__isnull=True).count() >= MAX_ENDPOINTS:
        raise WebhookInvalid(_("At most %(n)d webhook endpoints.") % {"n": MAX_ENDPOINTS}, code="webhook_too_many", field="url")
    return WebhookEndpoint.objects.create(seller=seller, url=url, events=events, secret="whsec_" + secrets.token_urlsafe(32))


def webhook_endpoint_disable(*, seller: Seller, endpoint_id: int) -> None:
    WebhookEndpoint.objects.filter(seller=seller, pk=endpoint_id, disabled_at__isnull=True).update(disabled_at=timezone.now())


# --- events ---------------------------------------------------------------------------------

def _enqueue(delivery_ids: list[int]) -> None:
    from .tasks import deliver_webhook

    for delivery_id in delivery_ids:
        task_enqueue(deliver_webhook, delivery_id)


def webhook_emit(*, seller_id: int, event: str, data: dict) -> list[WebhookDelivery]:
    """Record ``event`` for each of the seller's active endpoints that subscribed to it, in the
    caller's transaction; the deliveries start once it commits. Returns the deliveries (none
    when the seller has no such endpoint: one query)."""
    if event not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event {event!r}")
    endpoints = [e for e in WebhookEndpoint.objects.filter(seller_id=seller_id, disabled_at__isnull=True) if event in e.events]
    if not endpoints:
        return []
    event_id = "evt_" + uuid.uuid4().hex
    body = json.dumps({"id": event_id, "type": event, "created": int(time.time()), "data": data},
                      cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True)
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=e, event_id=event_id, event=event, body=body, next_attempt_at=timezone.now()) for e in endpoints]
    )
    _enqueue([d.pk for d in deliveries])
    return deliveries


# --- deliveries -----------------------------------------------------------------------------

def retry_delay(attempt: int) -> timedelta:
    """How long after failed attempt number ``attempt`` (1-based) the next one runs."""
    return timedelta(seconds=settings.SELLER_WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempt - 1))


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, not to whatever the name resolves to next
    (a DNS answer changed between the check and the connection must not reach a private host)."""

    def __init__(self, host: str, port: int | None, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.pinned_address = address

    def connect(self):
        self.sock = socket.create_connection((self.pinned_address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, the certificate verified for the URL's host name."""

    def __init__(self, host: str, port: int | None, *, address: str, timeout: float):
        self.tls_context = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls_context)
        self.pinned_address = address

    def connect(self):
        sock = socket.create_connection((self.pinned_address, self.port), self.timeout)
        self.sock = self.tls_context.wrap_socket(sock, server_hostname=self.host)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str, str]:
    """(status, first 1,000 characters of the response, error) of one POST; no redirects."""
    parts = urlsplit(url)
    try:
        _url, addresses = _checked_target(url)  # again at each attempt: the name may now resolve elsewhere
    except WebhookInvalid as exc:
        return None, "", str(exc.message)[:300]
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    conn = connection_class(parts.hostname, parts.port, address=str(addresses[0]), timeout=TIMEOUT_SECONDS)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read(4000).decode("utf-8", "replace")[:1000]
        return response.status, text, ""
    except (OSError, http.client.HTTPException) as exc:
        return None, "", f"{type(exc).__name__}: {exc}"[:300]
    finally:
        conn.close()


def webhook_attempt(*, delivery_id: int, now: datetime | None = None) -> datetime | None:
    """Send a pending delivery once and log the attempt. Returns when to try again, or None
    (delivered, out of attempts, or nothing to do)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id, state=DeliveryState.PENDING).first()
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json", "User-Agent": USER_AGENT, "Comptoir-Event": delivery.event,
        "Comptoir-Delivery": str(delivery.pk), SIGNATURE_HEADER: signature_header_value(body, endpoint.secret),
    }
    started = time.monotonic()
    status, text, error = _post(endpoint.url, body, headers)
    now = now or timezone.now()
    number = delivery.attempts + 1
    ok = status is not None and 200 <= status < 300
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery, number=number, attempted_at=now, response_status=status, response_body=text,
            error=error, duration_ms=int((time.monotonic() - started) * 1000),
        )
        delivery.attempts = number
        if ok:
            delivery.state, delivery.next_attempt_at = DeliveryState.SUCCEEDED, None
        elif number >= MAX_ATTEMPTS or endpoint.disabled_at is not None:
            delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
        else:
            delivery.next_attempt_at = now + retry_delay(number)
        delivery.save(update_fields=["attempts", "state", "next_attempt_at"])
    return delivery.next_attempt_at


def webhook_resend(*, seller: Seller, delivery_id: int) -> WebhookDelivery:
    """Send a failed delivery again (same event, same body), by hand from the seller centre."""
    delivery = WebhookDelivery.objects.filter(pk=delivery_id, endpoint__seller=seller).first()
    if delivery is None:
        raise WebhookInvalid(_("No such delivery."), code="webhook_delivery_not_found", field="delivery")
    if delivery.state != DeliveryState.FAILED:
        raise WebhookInvalid(_("Only a failed delivery can be sent again."), code="webhook_delivery_not_failed", field="delivery")
    delivery.state, delivery.next_attempt_at = DeliveryState.PENDING, timezone.now()
    delivery.save(update_fields=["state", "next_attempt_at"])
    _enqueue([delivery.pk])
    return delivery
