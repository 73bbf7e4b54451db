"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>" with a per-provider secret, sent as

    Comptoir-Signature: t=<unix seconds>,v1=<hex digest>

(the scheme Stripe uses). A signature is accepted only if it matches in constant time and its
timestamp is within the tolerance (default 300 s) of now, which stops replays of old events.
The HTTP view is comptoir.web.payments_webhook (web sits above orders, so it can tell orders).
"""
from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

from .errors import WebhookMalformed, WebhookSignatureInvalid, WebhookTimestampOutOfTolerance

SIGNATURE_HEADER = "Comptoir-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def compute_signature(body: bytes, secret: str, timestamp: int) -> str:
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Headers to send with ``body``: {"Comptoir-Signature": "t=...,v1=..."}."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return {SIGNATURE_HEADER: f"t={timestamp},v1={compute_signature(body, secret, timestamp)}"}


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """A header by name, case-insensitively, from request.headers, a dict or request.META."""
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered or key.upper() == "HTTP_" + name.upper().replace("-", "_"):
            return value
    return None


def verify_signature(
    body: bytes, headers: Mapping[str, str], secret: str, *, tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: int | None = None,
) -> int:
    """Return the signed timestamp, or raise WebhookSignatureInvalid / WebhookTimestampOutOfTolerance."""
    if not secret:
        raise WebhookSignatureInvalid("No webhook secret is configured for this provider")
    header = header_value(headers, SIGNATURE_HEADER)
    if not header:
        raise WebhookSignatureInvalid(f"Missing {SIGNATURE_HEADER} header")
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if sep:
            parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        raise WebhookMalformed(f"{SIGNATURE_HEADER} header has no valid timestamp") from None
    expected = compute_signature(body, secret, timestamp)
    if not any(hmac.compare_digest(expected, candidate) for candidate in parts.get("v1", [])):
        raise WebhookSignatureInvalid("Webhook signature does not match")
    now = int(time.time()) if now is None else now
    if abs(now - timestamp) > tolerance:
        raise WebhookTimestampOutOfTolerance(
            f"Webhook timestamp is {abs(now - timestamp)} s away from now (tolerance {tolerance} s)"
        )
    return timestamp
