"""Test helpers for sellers: real registration through the service, with valid identities."""
from comptoir.markets.models import City
from comptoir.sellers.services import seller_register

VALID_FR = {"country": "FR", "vat_number": "FR40303265045", "company_id": "732829320", "iban": "FR1420041010050500013M02606"}
VALID_ES = {"country": "ES", "vat_number": "ESB58378431", "company_id": "B58378431", "iban": ""}


def make_city(*, name="Lyon", country="FR", geonames_id=2996944, lat=45.74906, lon=4.84789, postcode="69001") -> City:
    return City.objects.create(
        geonames_id=geonames_id, country=country, name=name, ascii_name=name, search_name=name.lower(),
        latitude=lat, longitude=lon, population=520774, postcode=postcode,
    )


def register(display_name="Atelier Lumière", **overrides):
    data = {"legal_name": "Atelier Lumière SAS", "display_name": display_name, "address": "1 rue de la Paix", **VALID_FR}
    data.update(overrides)
    return seller_register(**data)
