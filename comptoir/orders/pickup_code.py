"""The pickup code as a QR code (segno): PNG for emails, inline SVG for the buyer's order page."""
from __future__ import annotations

import io

import segno


def pickup_qr_png(code: str) -> bytes:
    out = io.BytesIO()
    segno.make(code, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def pickup_qr_svg(code: str) -> str:
    """An <svg> element (no XML declaration) to put in a page."""
    return segno.make(code, error="m").svg_inline(scale=6, border=2, title=code)
