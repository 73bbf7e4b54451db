"""Builders for order tests (plain ORM, no mocks). Used by inventory, orders, api and web tests."""
from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.auth import get_user_model

from comptoir.catalog.models import Category, Product, ProductText
from comptoir.inventory.models import LocationKind, Offer, StockLevel, StockLocation
from comptoir.markets.models import City, Market, TaxClass, VatRate
from comptoir.sellers.models import Seller, SellerMember, SellerStatus

_seq = itertools.count(1)

CITIES = {
    # name: (country, lat, lon, postcode)
    "Lyon": ("FR", 45.7640, 4.8357, "69001"),
    "Paris": ("FR", 48.8566, 2.3522, "75001"),
    "Marseille": ("FR", 43.2965, 5.3698, "13001"),
    "Sevilla": ("ES", 37.3891, -5.9845, "41001"),
    "Madrid": ("ES", 40.4168, -3.7038, "28001"),
    "Bruxelles": ("BE", 50.8467, 4.3525, "1000"),
    "Shenzhen": ("CN", 22.5431, 114.0579, "518000"),
}


def gtin14() -> str:
    """A valid GTIN-14 (check digit computed)."""
    body = f"{400000000000 + next(_seq) * 7919:013d}"[-13:]
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def market(code: str = "FR") -> Market:
    names = {"FR": ("France", ["fr", "en"]), "ES": ("Spain", ["es", "en"]), "DE": ("Germany", ["de", "en"])}
    name, langs = names.get(code, (code, ["en"]))
    m, created = Market.objects.get_or_create(code=code, defaults={"name": name, "currency": "EUR", "languages": langs})
    if created:
        std, books = {"FR": (2000, 550), "ES": (2100, 400), "DE": (1900, 700)}.get(code, (2000, 1000))
        VatRate.objects.create(market=m, tax_class=TaxClass.STANDARD, rate_bp=std, valid_from=dt.date(2020, 1, 1))
        VatRate.objects.create(market=m, tax_class=TaxClass.BOOKS, rate_bp=books, valid_from=dt.date(2020, 1, 1))
    return m


def city(name: str = "Lyon") -> City:
    country, lat, lon, pc = CITIES[name]
    c, _ = City.objects.get_or_create(
        ascii_name=name,
        country=country,
        defaults={
            "geonames_id": 9_000_000 + next(_seq),
            "name": name,
            "search_name": name.lower(),
            "latitude": lat,
            "longitude": lon,
            "population": 100_000,
            "postcode": pc,
        },
    )
    return c


def seller(name: str | None = None, *, country: str = "FR", city_name: str = "Lyon", user=None) -> Seller:
    n = next(_seq)
    name = name or f"Seller {n}"
    s = Seller.objects.create(
        legal_name=f"{name} SAS",
        display_name=name,
        slug=f"seller-{n}",
        country=country,
        status=SellerStatus.APPROVED,
    )
    if user is not None:
        SellerMember.objects.create(user=user, seller=s)
    location(s, city_name=city_name)
    return s


def location(s: Seller | None, *, city_name: str = "Lyon", kind: str = LocationKind.WAREHOUSE, name: str = "") -> StockLocation:
    c = city(city_name)
    return StockLocation.objects.create(
        kind=kind, seller=s, name=name or f"{s.display_name if s else 'Store'} {city_name}", city=c,
        country=c.country, latitude=c.latitude, longitude=c.longitude,
    )


def category(tax_class: str = TaxClass.STANDARD) -> Category:
    n = next(_seq)
    return Category.objects.create(slug=f"cat-{n}", names={"en": f"Category {n}", "fr": f"Catégorie {n}"}, tax_class=tax_class)


def product(title: str = "Widget", *, tax_class: str = TaxClass.STANDARD) -> Product:
    p = Product.objects.create(gtin=gtin14(), brand="Acme", category=category(tax_class))
    ProductText.objects.create(product=p, language="en", title=title)
    ProductText.objects.create(product=p, language="fr", title=f"{title} (fr)")
    return p


def offer(s: Seller, *, net_price: int = 1000, stock: int = 10, title: str = "Widget", tax_class: str = TaxClass.STANDARD,
          location_obj: StockLocation | None = None, prod: Product | None = None) -> Offer:
    o = Offer.objects.create(seller=s, product=prod or product(title, tax_class=tax_class), net_price=net_price, currency="EUR")
    loc = location_obj or s.locations.order_by("pk").first()
    StockLevel.objects.create(offer=o, location=loc, on_hand=stock)
    return o


def user(email: str | None = None, *, password: str = "correct-horse-battery", **extra):
    email = email or f"user{next(_seq)}@example.com"
    return get_user_model().objects.create_user(username=email, email=email, password=password, **extra)


def level(o: Offer) -> StockLevel:
    return StockLevel.objects.filter(offer=o).order_by("pk").first()
