"""Delivery address validation per country: postcode format and a real phone number."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

import phonenumbers
from django.utils.translation import gettext as _

from .errors import InvalidAddress

# Postcode formats of the countries we deliver to (Universal Postal Union formats).
POSTCODE_PATTERNS: dict[str, str] = {
    "FR": r"^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$",
    "ES": r"^(?:0[1-9]|[1-4]\d|5[0-2])\d{3}$",
    "IT": r"^\d{5}$",
    "DE": r"^(?!00)\d{5}$",
    "BE": r"^[1-9]\d{3}$",
    "PT": r"^[1-9]\d{3}-\d{3}$",
    "NL": r"^[1-9]\d{3} ?[A-Z]{2}$",
    "LU": r"^(?:L-)?\d{4}$",
    "AT": r"^[1-9]\d{3}$",
}


@dataclass(frozen=True, slots=True)
class Address:
    full_name: str
    line1: str
    postcode: str
    city: str
    country: str
    phone: str
    line2: str = ""


def address_validate(address: Address) -> Address:
    """Return the address normalised (postcode upper-cased, phone in E.164) or raise InvalidAddress."""
    country = (address.country or "").strip().upper()
    if country not in POSTCODE_PATTERNS:
        raise InvalidAddress(_("We do not deliver to this country."), code="invalid_country", field="country")
    for name in ("full_name", "line1", "city"):
        if not getattr(address, name).strip():
            raise InvalidAddress(_("This field is required."), code="required", field=name)
    postcode = re.sub(r"\s+", " ", address.postcode.strip().upper())
    if not re.match(POSTCODE_PATTERNS[country], postcode):
        raise InvalidAddress(_("This postcode is not valid for the country."), code="invalid_postcode", field="postcode")
    try:
        number = phonenumbers.parse(address.phone, country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidAddress(_("Enter a valid phone number."), code="invalid_phone", field="phone")
    return replace(
        address,
        full_name=address.full_name.strip(),
        line1=address.line1.strip(),
        line2=address.line2.strip(),
        city=address.city.strip(),
        country=country,
        postcode=postcode,
        phone=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
    )
