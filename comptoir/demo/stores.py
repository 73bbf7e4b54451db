"""Demo stores as the marketplace in our story has them: two open stores in Spain (Madrid, run
by the operator; Sevilla, run by a partner) and one planned in Paris, their staff, and
consignments from several sellers — foreign ones included — received on their shelves (one
line counted short, as happens). Everything goes through comptoir.stores' services."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import F, Q

from comptoir.inventory.models import LocationKind, LocationStatus, StockLevel, StockLocation
from comptoir.markets.models import City, Market
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.stores.models import Consignment, Partner, StaffRole, Store
from comptoir.stores.services import (
    LineCount,
    UnitsLine,
    consignment_accept,
    consignment_propose,
    consignment_receive,
    consignment_ship,
    partner_create,
    partner_member_add,
    store_create,
    store_staff_add,
)

from .identity import identity_generate

STORE_PASSWORD = "comptoir-store"
T = dt.time
SPANISH_HOURS = [(d, T(10), T(14)) for d in range(6)] + [(d, T(17), T(21)) for d in range(6)]
FRENCH_HOURS = [(d, T(10), T(19, 30)) for d in range(6)]


@dataclass(frozen=True)
class StorePlan:
    market: str
    city: str
    name: str
    slug: str
    address: str
    postcode: str
    status: str
    partner: bool
    hours: list
    time_zone: str


STORES = (
    StorePlan("ES", "Madrid", "Comptoir Madrid Malasaña", "madrid-malasana", "Calle de Fuencarral 45", "28004",
              LocationStatus.OPEN, False, SPANISH_HOURS, "Europe/Madrid"),
    StorePlan("ES", "Sevilla", "Comptoir Sevilla Centro", "sevilla-centro", "Calle Sierpes 12", "41004",
              LocationStatus.OPEN, True, SPANISH_HOURS, "Europe/Madrid"),
    StorePlan("FR", "Paris", "Comptoir Paris Marais", "paris-marais", "12 rue des Francs-Bourgeois", "75003",
              LocationStatus.PLANNED, False, FRENCH_HOURS, "Europe/Paris"),
)
# (username, role, store slug or "partner"); the partner member runs the Sevilla store
STAFF = (
    ("manager-madrid@example.com", StaffRole.MANAGER, "madrid-malasana"),
    ("clerk-madrid@example.com", StaffRole.CLERK, "madrid-malasana"),
    ("clerk-sevilla@example.com", StaffRole.CLERK, "sevilla-centro"),
    ("partner-sevilla@example.com", None, "partner"),
)
# sellers consigning to each open store, by country (foreign sellers included)
CONSIGNORS = {"madrid-malasana": ("ES", "ES", "FR", "IT", "CN"), "sevilla-centro": ("ES", "ES", "DE", "CN")}
LINES_PER_CONSIGNMENT = 6


def _city(country: str, name: str) -> City:
    return (
        City.objects.filter(Q(name__iexact=name) | Q(local_name__iexact=name), country=country)
        .order_by("-population", "pk").first()
    )


def _users():
    User = get_user_model()
    users = {}
    for username, _role, _where in STAFF:
        user, created = User.objects.get_or_create(username=username, defaults={"email": username})
        if created or not user.check_password(STORE_PASSWORD):
            user.set_password(STORE_PASSWORD)
            user.save()
        users[username] = user
    return users


def demo_stores_seed(rng: random.Random) -> dict[str, int]:
    """The stores, their staff and received consignments; returns counts for the report."""
    identity = identity_generate("ES", rng)
    partner = partner_create(
        legal_name="Tiendas Giralda S.L. (demo)", country="ES", vat_number=identity.vat_number,
        company_id=identity.company_id, iban=identity.iban, share_bp=4000,
    )
    stores: dict[str, Store] = {}
    for plan in STORES:
        city = _city(plan.market, plan.city)
        if city is None:
            continue
        stores[plan.slug] = store_create(
            market=Market.objects.get(code=plan.market), name=plan.name, city=city, address=plan.address,
            postcode=plan.postcode, time_zone=plan.time_zone, hours=plan.hours, partner=partner if plan.partner else None,
            slug=plan.slug, status=plan.status,
        )
    users = _users()
    for username, role, where in STAFF:
        if where == "partner":
            partner_member_add(partner=partner, user=users[username])
        elif where in stores:
            store_staff_add(store=stores[where], user=users[username], role=role)
    units = 0
    for slug, countries in CONSIGNORS.items():
        if slug in stores:
            units += _consign(rng, stores[slug], countries, short_line=slug == "madrid-malasana")
    return {"stores": len(stores), "consigned_units": units}


def _consign(rng: random.Random, store: Store, countries: tuple[str, ...], *, short_line: bool) -> int:
    """One received consignment per seller (each a different seller of the given country)."""
    used: set[int] = {c.seller_id for c in Consignment.objects.filter(store=store)}
    received = 0
    for country in countries:
        seller = (
            Seller.objects.filter(country=country, status=SellerStatus.APPROVED, legal_name__endswith="(demo)")
            .exclude(pk__in=used).order_by("pk").first()
        )
        if seller is None:
            continue
        used.add(seller.pk)
        warehouse = StockLocation.objects.filter(seller=seller, kind=LocationKind.WAREHOUSE).order_by("pk").first()
        levels = list(
            StockLevel.objects.filter(location=warehouse, offer__is_active=True, offer__currency=store.market.currency)
            .filter(on_hand__gte=F("held") + 3).order_by("offer_id")[:40]
        )
        if not levels:
            continue
        chosen = rng.sample(levels, min(LINES_PER_CONSIGNMENT, len(levels)))
        lines = [UnitsLine(offer_id=lv.offer_id, quantity=min(rng.randint(2, 4), lv.on_hand - lv.held)) for lv in chosen]
        consignment = consignment_propose(seller=seller, store=store, warehouse=warehouse, lines=lines, user=None,
                                          note="Demo consignment")
        consignment_accept(consignment=consignment, user=None)
        consignment_ship(consignment=consignment, user=None)
        counts = []
        for index, line in enumerate(consignment.lines.order_by("pk")):
            short = short_line and index == 0 and received == 0
            counts.append(LineCount(line_id=line.pk, counted=line.quantity - 1 if short else line.quantity,
                                    reason="One unit damaged in transit" if short else ""))
            received += counts[-1].counted
        consignment_receive(consignment=consignment, user=None, counts=counts)
    return received


def demo_stores_present() -> bool:
    return Store.objects.filter(slug__in=[s.slug for s in STORES]).exists()


def demo_stores_reset() -> None:
    """Delete the demo stores with their consignments, corrections and stock, the partner and
    the staff users (before the demo sellers, whose offers the shelves hold)."""
    from comptoir.stores.models import ConsignmentLine, StockCorrection

    from .instore import demo_instore_reset

    stores = Store.objects.filter(slug__in=[s.slug for s in STORES])
    locations = list(stores.values_list("location_id", flat=True))
    demo_instore_reset(stores)
    StockCorrection.objects.filter(store__in=stores).delete()
    ConsignmentLine.objects.filter(consignment__store__in=stores).delete()
    Consignment.objects.filter(store__in=stores).delete()
    StockLevel.objects.filter(location_id__in=locations).delete()
    partners = list(stores.exclude(partner=None).values_list("partner_id", flat=True))
    stores.delete()
    StockLocation.objects.filter(pk__in=locations).delete()
    Partner.objects.filter(Q(pk__in=partners) | Q(legal_name__endswith="(demo)")).delete()
    get_user_model().objects.filter(username__in=[s[0] for s in STAFF]).delete()
