"""Webhook signatures shared by every webhook Comptoir sends or receives (payment providers'
callbacks, sellers' endpoints): HMAC-SHA256 over "<timestamp>.<body>" with a shared secret, sent as

    Comptoir-Signature: t=<unix seconds>,v1=<hex digest>

(the scheme Stripe uses). A receiver accepts a signature only if one ``v1`` matches in constant
time and its timestamp is within a tolerance of now, which stops replays of old events.
"""
from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Comptoir-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def compute_signature(body: bytes, secret: str, timestamp: int) -> str:
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header_value(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """"t=<timestamp>,v1=<signature>" for ``body`` (timestamp: now unless given)."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={timestamp},v1={compute_signature(body, secret, timestamp)}"


def parse_signature_header(value: str) -> tuple[int | None, list[str]]:
    """(timestamp or None when absent or not a number, every v1 signature) of a header value."""
    parts: dict[str, list[str]] = {}
    for item in (value or "").split(","):
        key, sep, val = item.strip().partition("=")
        if sep:
            parts.setdefault(key, []).append(val)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        timestamp = None
    return timestamp, parts.get("v1", [])


def signature_matches(body: bytes, secret: str, timestamp: int, candidates: list[str]) -> bool:
    expected = compute_signature(body, secret, timestamp)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
