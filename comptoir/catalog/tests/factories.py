"""Plain factory functions for catalogue, market, seller and inventory rows (reusable by
every app's tests). Each takes keyword overrides and returns the saved row.

    fr = make_market("FR")                       # EUR, ["fr", "en"], VAT 20 % / 5.5 % / 2.1 % / 0
    lyon = make_city("Lyon", 45.7578, 4.8320)
    shoes = make_category("shoes", names={"fr": "Chaussures", "es": "Zapatos", "en": "Shoes"})
    p = make_product(category=shoes, texts={"es": ("Zapatillas rojas", "")})
    s = make_seller("Atelier", country="FR", city=lyon)
    loc = make_location(s, lyon)
    o = make_offer(s, p, loc, net_price=1000, stock=3)
"""
from __future__ import annotations

import itertools
from datetime import date

from django.utils.text import slugify

from comptoir.catalog.models import Category, Product, ProductText
from comptoir.catalog.services import search_index_product
from comptoir.inventory.models import Offer, StockLevel, StockLocation
from comptoir.markets.models import City, Market, TaxClass, VatRate
from comptoir.sellers.models import Seller, SellerStatus

_seq = itertools.count(1)

MARKET_DEFAULTS = {
    "FR": ("France", "EUR", ["fr", "en"], {"standard": 2000, "food": 550, "books": 550, "press": 210}),
    "ES": ("Spain", "EUR", ["es", "en"], {"standard": 2100, "food": 1000, "books": 400, "press": 400}),
    "DE": ("Germany", "EUR", ["en"], {"standard": 1900, "food": 700, "books": 700, "press": 700}),
}


def make_market(code: str = "FR", *, vat: dict[str, int] | None = None, valid_from: date = date(2020, 1, 1), **kw) -> Market:
    name, currency, languages, rates = MARKET_DEFAULTS.get(code, (code, "EUR", ["en"], {"standard": 2000}))
    market, _ = Market.objects.get_or_create(
        code=code, defaults={"name": name, "currency": currency, "languages": languages, **kw}
    )
    for tax_class, rate in (vat or rates).items():
        VatRate.objects.get_or_create(market=market, tax_class=tax_class, valid_from=valid_from, defaults={"rate_bp": rate})
    return market


def make_city(name: str = "Lyon", latitude: float = 45.7578, longitude: float = 4.8320, *, country: str = "FR", **kw) -> City:
    n = next(_seq)
    return City.objects.create(
        geonames_id=kw.pop("geonames_id", 9_000_000 + n), country=country, name=name, ascii_name=name,
        search_name=name.lower(), latitude=latitude, longitude=longitude, population=kw.pop("population", 1000), **kw,
    )


def make_category(slug: str | None = None, *, names: dict | None = None, parent: Category | None = None,
                  tax_class: str = TaxClass.STANDARD, **kw) -> Category:
    slug = slug or f"cat-{next(_seq)}"
    return Category.objects.create(slug=slug, names=names or {"en": slug}, parent=parent, tax_class=tax_class, **kw)


# A valid GTIN-14 per call: 13 digits of sequence + the GS1 check digit.
def next_gtin() -> str:
    body = f"{next(_seq) + 2_000_000_000_000:013d}"[-13:]
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def make_product(*, category: Category | None = None, brand: str = "Acme", texts: dict | None = None,
                 gtin: str | None = None, index: bool = True, **kw) -> Product:
    product = Product.objects.create(gtin=gtin or next_gtin(), brand=brand, category=category or make_category(), **kw)
    for language, (title, description) in (texts or {"en": (f"Product {product.pk}", "")}).items():
        ProductText.objects.create(product=product, language=language, title=title, description=description)
    if index:
        search_index_product(product)
    return product


def make_seller(display_name: str = "Shop", *, country: str = "FR", city: City | None = None,
                status: str = SellerStatus.APPROVED, **kw) -> Seller:
    n = next(_seq)
    return Seller.objects.create(
        legal_name=kw.pop("legal_name", f"{display_name} SAS"), display_name=display_name,
        slug=kw.pop("slug", f"{slugify(display_name)}-{n}"), country=country, city=city, status=status, **kw,
    )


def make_location(seller: Seller | None, city: City, *, name: str | None = None, kind: str = "warehouse", **kw) -> StockLocation:
    return StockLocation.objects.create(
        kind=kind, seller=seller, name=name or f"{city.name} warehouse", city=city,
        country=kw.pop("country", city.country), latitude=kw.pop("latitude", city.latitude),
        longitude=kw.pop("longitude", city.longitude), **kw,
    )


def make_offer(seller: Seller, product: Product, location: StockLocation | None = None, net_price: int = 1000,
               stock: int = 5, *, held: int = 0, handling_days: int = 1, condition: str = "new",
               currency: str = "EUR", **kw) -> Offer:
    offer = Offer.objects.create(seller=seller, product=product, net_price=net_price, handling_days=handling_days,
                                 condition=condition, currency=currency, **kw)
    if location is not None:
        StockLevel.objects.create(offer=offer, location=location, on_hand=stock, held=held)
    return offer
