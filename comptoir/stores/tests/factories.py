"""Builders for stores tests: stores through the service, staff, a seller with stock to consign."""
from __future__ import annotations

import datetime as dt
import itertools

from comptoir.inventory.models import LocationStatus
from comptoir.orders.tests import factories as f
from comptoir.stores import services
from comptoir.stores.models import StaffRole, Store

_seq = itertools.count(1)
WEEK_HOURS = [(d, dt.time(10), dt.time(20)) for d in range(6)]  # Monday–Saturday 10:00–20:00


def store(name: str | None = None, *, city_name: str = "Madrid", status: str = LocationStatus.OPEN, partner=None) -> Store:
    city = f.city(city_name)
    market = f.market(city.country)
    n = next(_seq)
    created = services.store_create(
        market=market, name=name or f"Store {n}", city=city, address=f"Calle Mayor {n}", time_zone="Europe/Madrid",
        hours=WEEK_HOURS, partner=partner, status=LocationStatus.OPEN if status == LocationStatus.CLOSED else status,
    )
    return services.store_close(store=created) if status == LocationStatus.CLOSED else created


def staff(s: Store, *, role: str = StaffRole.CLERK, email: str | None = None):
    user = f.user(email)
    services.store_staff_add(store=s, user=user, role=role)
    return user


def seller_with_stock(name: str = "Atelier", *, stock: int = 10, city_name: str = "Lyon", offers: int = 2):
    """A seller (with a member user), its warehouse and `offers` offers with `stock` units each."""
    user = f.user()
    seller = f.seller(name, city_name=city_name, user=user)
    made = [f.offer(seller, net_price=1000 + 500 * i, stock=stock, title=f"{name} item {i + 1}") for i in range(offers)]
    return seller, user, seller.locations.get(), made
