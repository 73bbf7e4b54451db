"""Click & collect at the counter: the store's staff act on the pickups of their store through
the orders services (which own the code, its wrong tries and the money). Here: who may —
any staff member prepares and hands over, only a manager unlocks; another store's pickup is
not found."""
from __future__ import annotations

from comptoir.orders import services as orders
from comptoir.orders.models import Pickup
from comptoir.orders.selectors import pickup_for_location

from ..models import Store
from ..selectors import store_role_require


def store_pickup_ready(*, user, store: Store, number: str) -> Pickup:
    """Mark the pickup of seller order `number` ready (captures a shelf order's payment, emails the buyer)."""
    store_role_require(user=user, store=store)
    pickup = pickup_for_location(location_id=store.location_id, number=number)
    return orders.pickup_mark_ready(seller_order_id=pickup.seller_order_id, location_id=store.location_id)


def store_pickup_hand_over(*, user, store: Store, number: str, code: str) -> Pickup:
    """Hand the order over on its pickup code (PickupWrongCode, PickupLocked)."""
    store_role_require(user=user, store=store)
    pickup = pickup_for_location(location_id=store.location_id, number=number)
    return orders.pickup_hand_over(seller_order_id=pickup.seller_order_id, location_id=store.location_id, code=code, user=user)


def store_pickup_unlock(*, user, store: Store, number: str) -> Pickup:
    """A manager unlocks a pickup locked after too many wrong codes."""
    store_role_require(user=user, store=store, manager=True)
    pickup = pickup_for_location(location_id=store.location_id, number=number)
    return orders.pickup_unlock(seller_order_id=pickup.seller_order_id, location_id=store.location_id)
