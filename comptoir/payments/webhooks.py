"""Payment providers' webhook signatures: the shared scheme of ``comptoir.common.signing``
(HMAC-SHA256 over "<timestamp>.<body>", header ``Comptoir-Signature: t=…,v1=…``) with a
per-provider secret, a tolerance of 300 s by default, and this app's errors.
The HTTP view is comptoir.web.payments_webhook (web sits above orders, so it can tell orders).
"""
from __future__ import annotations

import time
from collections.abc import Mapping

from comptoir.common.signing import (  # noqa: F401  (compute_signature is part of this module's API)
    DEFAULT_TOLERANCE_SECONDS,
    SIGNATURE_HEADER,
    compute_signature,
    parse_signature_header,
    signature_header_value,
    signature_matches,
)

from .errors import WebhookMalformed, WebhookSignatureInvalid, WebhookTimestampOutOfTolerance


def sign(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Headers to send with ``body``: {"Comptoir-Signature": "t=...,v1=..."}."""
    return {SIGNATURE_HEADER: signature_header_value(body, secret, timestamp)}


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
    timestamp, candidates = parse_signature_header(header)
    if timestamp is None:
        raise WebhookMalformed(f"{SIGNATURE_HEADER} header has no valid timestamp")
    if not signature_matches(body, secret, timestamp, candidates):
        raise WebhookSignatureInvalid("Webhook signature does not match")
    now = int(time.time()) if now is None else now
    if abs(now - timestamp) > tolerance:
        raise WebhookTimestampOutOfTolerance(
            f"Webhook timestamp is {abs(now - timestamp)} s away from now (tolerance {tolerance} s)"
        )
    return timestamp
