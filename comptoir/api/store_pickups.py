"""Store console API: click & collect pickups of a store, for its staff's bearer tokens (the
token of a store staff member, partner member or operator, from POST /api/v1/auth/token). A
store the caller does not work at answers 404 store_not_found; a clerk unlocking, 403."""
from __future__ import annotations

from datetime import datetime

from ninja import Field, Query, Router, Schema

from comptoir.orders.models import PickupState
from comptoir.orders.selectors import pickups_for_location
from comptoir.stores import selectors, services

from .auth import BuyerToken
from .orders import ErrorOut

router = Router(tags=["store console"], auth=BuyerToken())


class PickupsIn(Schema):
    state: PickupState | None = Field(None, description="only pickups in this state")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)


class PickupLineOut(Schema):
    title: str
    quantity: int
    line_gross: int


class PickupOut(Schema):
    number: str = Field(description="the seller order number")
    state: str
    method: str = Field(description="pickup_shelf or pickup_shipped")
    buyer_name: str
    seller_name: str
    currency: str
    total_gross: int
    wrong_codes: int
    locked: bool
    created_at: datetime
    ready_at: datetime | None
    collect_by: datetime | None
    handed_over_at: datetime | None
    lines: list[PickupLineOut]


class PickupsPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[PickupOut]


class HandOverIn(Schema):
    code: str = Field(min_length=1, max_length=16, description="the code the buyer shows")


def _out(p) -> dict:
    part = p.seller_order
    return {
        "number": part.number, "state": p.state, "method": part.delivery_method, "buyer_name": part.order.full_name,
        "seller_name": part.seller.display_name, "currency": part.order.currency, "total_gross": part.total_gross,
        "wrong_codes": p.wrong_codes, "locked": p.locked_at is not None, "created_at": p.created_at, "ready_at": p.ready_at,
        "collect_by": p.collect_by, "handed_over_at": p.handed_over_at,
        "lines": [{"title": ln.title, "quantity": ln.quantity, "line_gross": ln.line_gross} for ln in part.lines.all()],
    }


def _pickup_out(store, number: str) -> dict:
    found = pickups_for_location(location_id=store.location_id).filter(seller_order__number=number).prefetch_related("seller_order__lines").get()
    return _out(found)


@router.get("/{slug}/pickups", response={200: PickupsPage, 404: ErrorOut})
def pickups_list(request, slug: str, params: Query[PickupsIn]):
    """The store's click & collect pickups (oldest first), optionally in one state."""
    store = selectors.store_for_user(user=request.user, slug=slug[:60])
    rows = pickups_for_location(location_id=store.location_id, states=[params.state] if params.state else ())
    start = (params.page - 1) * params.page_size
    page = list(rows.prefetch_related("seller_order__lines")[start : start + params.page_size])
    return {"count": rows.count(), "page": params.page, "page_size": params.page_size, "items": [_out(p) for p in page]}


@router.post("/{slug}/pickups/{number}/ready", response={200: PickupOut, 404: ErrorOut, 409: ErrorOut})
def pickup_ready(request, slug: str, number: str):
    """The order is on the counter: a shelf order's payment is captured, the buyer emailed."""
    store = selectors.store_for_user(user=request.user, slug=slug[:60])
    services.store_pickup_ready(user=request.user, store=store, number=number[:24])
    return 200, _pickup_out(store, number[:24])


@router.post("/{slug}/pickups/{number}/hand-over", response={200: PickupOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 423: ErrorOut})
def pickup_hand_over(request, slug: str, number: str, payload: HandOverIn):
    """Hand the order over on its code: a wrong code answers 422 pickup_wrong_code (counted);
    the fifth wrong code, and any code after it, 423 pickup_locked."""
    store = selectors.store_for_user(user=request.user, slug=slug[:60])
    services.store_pickup_hand_over(user=request.user, store=store, number=number[:24], code=payload.code)
    return 200, _pickup_out(store, number[:24])


@router.post("/{slug}/pickups/{number}/unlock", response={200: PickupOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def pickup_unlock(request, slug: str, number: str):
    """A manager unlocks a pickup locked after 5 wrong codes."""
    store = selectors.store_for_user(user=request.user, slug=slug[:60])
    services.store_pickup_unlock(user=request.user, store=store, number=number[:24])
    return 200, _pickup_out(store, number[:24])


def install(api) -> None:
    api.add_router("/stores", router)
