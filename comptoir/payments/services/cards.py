"""What the buyer typed: card number (Luhn), expiry and security code."""
from __future__ import annotations

import re
from datetime import date

from stdnum import luhn

from .. import errors
from ..providers import CardDetails


def card_brand(number: str) -> str:
    if number.startswith("4"):
        return "visa"
    if number[:2] in {"34", "37"}:
        return "amex"
    if 51 <= int(number[:2]) <= 55 or 2221 <= int(number[:4]) <= 2720:
        return "mastercard"
    return "card"


def card_validate(*, number: str, expiry: str, cvc: str, today: date | None = None) -> CardDetails:
    """Parse and check what the buyer typed. Raises InvalidCard (field: number, expiry, cvc)
    or CardExpired. Expiry is MM/YY or MM/YYYY; the card is valid to the end of that month."""
    digits = re.sub(r"[\s-]", "", number or "")
    if not digits.isdigit() or not 12 <= len(digits) <= 19 or not luhn.is_valid(digits):
        raise errors.InvalidCard("The card number is not valid.", field="number")
    match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", expiry or "")
    if not match or not 1 <= int(match.group(1)) <= 12:
        raise errors.InvalidCard("The expiry date must be MM/YY.", code="invalid_expiry", field="expiry")
    month, year = int(match.group(1)), int(match.group(2))
    year = 2000 + year if year < 100 else year
    today = today or date.today()
    if (year, month) < (today.year, today.month):
        raise errors.CardExpired("The card has expired.", field="expiry")
    cvc = (cvc or "").strip()
    if not re.fullmatch(r"\d{3,4}", cvc):
        raise errors.InvalidCard("The security code must be 3 or 4 digits.", code="invalid_cvc", field="cvc")
    return CardDetails(number=digits, exp_month=month, exp_year=year, cvc=cvc)
