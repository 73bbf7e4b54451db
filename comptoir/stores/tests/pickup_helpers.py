"""A click & collect scene for tests: a Spanish market, a Madrid store with units of a seller on
its shelf, the seller's warehouse in Sevilla, a buyer in Madrid, and helpers to place orders."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from comptoir.inventory.models import StockLevel
from comptoir.orders.address import Address
from comptoir.orders.quote import LineRequest
from comptoir.orders.services import order_place
from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import OK_CARD
from comptoir.stores.models import StaffRole

from . import factories as sf

MADRID = Address(full_name="Lucía Gómez", line1="Calle de Fuencarral 45", postcode="28004", city="Madrid", country="ES",
                 phone="+34911234567")


@dataclass
class Scene:
    store: object
    other_store: object
    clerk: object
    manager: object
    other_clerk: object
    seller: object
    seller_user: object
    offer: object
    shelf: StockLevel
    warehouse_level: StockLevel
    buyer: object


def scene(*, shelf_units: int = 2, warehouse_units: int = 5, net_price: int = 1000) -> Scene:
    f.market("FR"), f.market("ES")
    store = sf.store("Comptoir Malasaña", city_name="Madrid")
    other = sf.store("Comptoir Sevilla", city_name="Sevilla")
    seller_user = f.user()
    seller = f.seller("Cerámica Triana", country="ES", city_name="Sevilla", user=seller_user)
    offer = f.offer(seller, net_price=net_price, stock=warehouse_units, title="Jarra azul")
    shelf = StockLevel.objects.create(offer=offer, location=store.location, on_hand=shelf_units)
    return Scene(
        store=store, other_store=other, clerk=sf.staff(store), manager=sf.staff(store, role=StaffRole.MANAGER),
        other_clerk=sf.staff(other), seller=seller, seller_user=seller_user, offer=offer, shelf=shelf,
        warehouse_level=f.level(offer), buyer=f.user(),
    )


def group_key(s: Scene) -> str:
    """The quote's group key of the offer's shipment for a buyer in Madrid (planned on the nearest stock: the shelf)."""
    return f"{s.seller.pk}-{s.store.location_id}"


def place_collect(s: Scene, quantity: int = 1, *, method: str = "pickup_shelf", buyer=None, key: str | None = None, group: str | None = None):
    return order_place(
        buyer=buyer or s.buyer, lines=[LineRequest(s.offer.pk, quantity)], address=MADRID, card=OK_CARD,
        idempotency_key=key or uuid.uuid4().hex,
        delivery_choices={group or group_key(s): f"{method}@{s.store.location_id}"},
    )
