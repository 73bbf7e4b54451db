"""Stores: creation on a stock location of kind store, the status lifecycle, opening hours and
staff memberships."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.inventory.models import ClosedDay, LocationKind, LocationStatus, OpeningHours, StockLevel, StockLocation
from comptoir.markets.models import City, Market

from ..errors import StaffRoleInvalid, StoreInvalid, StoreTransitionRefused
from ..models import Partner, StaffRole, Store, StoreStaff

# planned → open → closed → open; a planned store may also be dropped (closed).
STORE_TRANSITIONS: dict[str, frozenset[str]] = {
    LocationStatus.PLANNED: frozenset({LocationStatus.OPEN, LocationStatus.CLOSED}),
    LocationStatus.OPEN: frozenset({LocationStatus.CLOSED}),
    LocationStatus.CLOSED: frozenset({LocationStatus.OPEN}),
}

RESERVED_SLUGS = frozenset({"partners"})  # /store/partners/ is the partner view, not a store

Hours = Sequence[tuple[int, dt.time, dt.time]]  # (weekday 0 = Monday, opens, closes), local time


def _slug_for(name: str, slug: str) -> str:
    if slug:
        slug = slugify(slug)[:50]
        if not slug:
            raise StoreInvalid(_("The store's address on the site (slug) needs letters or digits."), field="slug")
        if slug in RESERVED_SLUGS or Store.objects.filter(slug=slug).exists():
            raise StoreInvalid(_("Another store already uses the slug %(slug)s.") % {"slug": slug}, field="slug")
        return slug
    base = (slugify(name) or "store")[:44]
    candidate, n = base, 2
    while candidate in RESERVED_SLUGS or Store.objects.filter(slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _hours_check(hours: Hours) -> list[tuple[int, dt.time, dt.time]]:
    checked = []
    for weekday, opens, closes in hours:
        if not (isinstance(weekday, int) and 0 <= weekday <= 6):
            raise StoreInvalid(_("A weekday is a number from 0 (Monday) to 6 (Sunday)."), field="hours")
        if not opens < closes:
            raise StoreInvalid(_("A store must open before it closes (%(opens)s–%(closes)s).") % {"opens": opens, "closes": closes}, field="hours")
        checked.append((weekday, opens, closes))
    by_day = sorted(checked)
    for (d1, _o1, c1), (d2, o2, _c2) in zip(by_day, by_day[1:]):
        if d1 == d2 and o2 < c1:
            raise StoreInvalid(_("Opening intervals of one day must not overlap."), field="hours")
    return checked


def _time_zone_check(time_zone: str) -> str:
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise StoreInvalid(_("Unknown time zone %(tz)s (e.g. Europe/Madrid).") % {"tz": time_zone}, field="time_zone") from None
    return time_zone


@transaction.atomic
def store_create(
    *,
    market: Market,
    name: str,
    city: City,
    address: str,
    postcode: str = "",
    time_zone: str,
    hours: Hours = (),
    partner: Partner | None = None,
    slug: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    phone: str = "",
    email: str = "",
    status: str = LocationStatus.PLANNED,
) -> Store:
    """A store: its stock location (kind store; coordinates default to the city's), its weekly
    opening hours and the Store row. New stores are planned unless `status` says open."""
    name, address = (name or "").strip(), (address or "").strip()
    if not name:
        raise StoreInvalid(_("A store needs a name."), field="name")
    if not address:
        raise StoreInvalid(_("A store needs a street address."), field="address")
    if city.country != market.code:
        raise StoreInvalid(_("%(city)s is not in the store's market (%(market)s).") % {"city": city.name, "market": market.code}, field="city")
    if status not in (LocationStatus.PLANNED, LocationStatus.OPEN):
        raise StoreInvalid(_("A new store is planned or open."), field="status")
    checked_hours = _hours_check(hours)
    location = StockLocation.objects.create(
        kind=LocationKind.STORE,
        seller=None,
        name=name[:120],
        address=address[:200],
        postcode=(postcode or city.postcode or "")[:16],
        city=city,
        country=city.country,
        latitude=city.latitude if latitude is None else latitude,
        longitude=city.longitude if longitude is None else longitude,
        status=status,
        time_zone=_time_zone_check(time_zone),
    )
    OpeningHours.objects.bulk_create(OpeningHours(location=location, weekday=d, opens=o, closes=c) for d, o, c in checked_hours)
    return Store.objects.create(
        location=location, market=market, partner=partner, slug=_slug_for(name, slug), phone=phone[:32], email=email
    )


def _status_move(store: Store, target: str) -> Store:
    with transaction.atomic():
        location = StockLocation.objects.select_for_update().get(pk=store.location_id)
        if target not in STORE_TRANSITIONS.get(location.status, frozenset()):
            raise StoreTransitionRefused(
                _("A store cannot go from %(from)s to %(to)s.")
                % {"from": LocationStatus(location.status).label, "to": LocationStatus(target).label},
                field="status",
            )
        StockLocation.objects.filter(pk=location.pk).update(status=target)
        # Whether shelf units are listed depends on the store's status: refresh its products.
        product_ids = StockLevel.objects.filter(location_id=location.pk).values_list("offer__product_id", flat=True).distinct()
        listing_refresh(sorted(product_ids))
    store.location.status = target
    return store


def store_open(*, store: Store) -> Store:
    """planned or closed → open: shelf units are listed for buyers."""
    return _status_move(store, LocationStatus.OPEN)


def store_close(*, store: Store) -> Store:
    """open or planned → closed: the shelf units are no longer listed; consignments to it are refused."""
    return _status_move(store, LocationStatus.CLOSED)


@transaction.atomic
def store_hours_set(*, store: Store, hours: Hours) -> Store:
    """Replace the store's weekly opening hours."""
    checked = _hours_check(hours)
    OpeningHours.objects.filter(location_id=store.location_id).delete()
    OpeningHours.objects.bulk_create(OpeningHours(location_id=store.location_id, weekday=d, opens=o, closes=c) for d, o, c in checked)
    return store


def store_closed_day_add(*, store: Store, date: dt.date, reason: str = "") -> ClosedDay:
    day, _created = ClosedDay.objects.update_or_create(location_id=store.location_id, date=date, defaults={"reason": reason[:120]})
    return day


def store_staff_add(*, store: Store, user, role: str = StaffRole.CLERK) -> StoreStaff:
    """The user works at the store with the role (manager or clerk); an existing membership
    takes the new role."""
    if role not in StaffRole.values:
        raise StaffRoleInvalid(_("Unknown staff role %(role)s (manager or clerk).") % {"role": role}, field="role")
    with transaction.atomic():
        staff, _created = StoreStaff.objects.update_or_create(store=store, user=user, defaults={"role": role})
    return staff


def store_staff_remove(*, store: Store, user, by=None) -> int:
    """The user no longer works at the store. Returns the memberships removed (0 or 1). A
    manager (`by`) cannot remove themselves: a store is not left without the one who acts."""
    if by is not None and by.pk == user.pk:
        raise StaffRoleInvalid(_("You cannot remove yourself from the store's staff."), field="user")
    deleted, _detail = StoreStaff.objects.filter(store=store, user=user).delete()
    return deleted
