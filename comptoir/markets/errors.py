"""Errors of the markets app (stable codes; the API and pages map them to one shape)."""
from comptoir.common.errors import DomainError, NotFound


class MarketNotFound(NotFound):
    code = "market_not_found"


class CityNotFound(NotFound):
    code = "city_not_found"


class VatRateMissing(DomainError):
    """No VAT rate is configured for a market × tax class on a date: a setup error, never 0."""

    code = "vat_rate_missing"
    status = 422


class UnknownCountry(DomainError):
    code = "unknown_country"
