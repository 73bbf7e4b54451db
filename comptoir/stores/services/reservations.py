"""Reserve to try: a signed-in buyer holds one unit on a store's shelf for 48 hours, free, at
most three at a time. The unit is a hold of kind "try" on the offer's stock level at the store
(taken under the row lock like every order); its expiry frees it for the next taker even when
no worker ran (inventory's holds_take releases expired try holds first), and
``reservations_expire`` tidies up the rows."""
from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.models import Hold, HoldKind, HoldState, LocationStatus, Offer, StockLevel
from comptoir.inventory.services import HoldRequest, holds_release, holds_release_expired, holds_take

from ..errors import (
    NotOnThisShelf,
    ReservationLimitReached,
    ReservationNotFound,
    ReservationStateInvalid,
    ReservationUnitHeld,
    StoreClosed,
)
from ..models import MAX_ACTIVE_RESERVATIONS, TRY_HOURS, ReservationState, Store, TryReservation

S = ReservationState


def reservation_create(*, buyer, store: Store, offer_id: int, now=None) -> TryReservation:
    """Hold one unit of the offer on the store's shelf for the buyer for 48 hours."""
    now = now or timezone.now()
    if store.location.status != LocationStatus.OPEN:
        raise StoreClosed(_("This store is not open: nothing can be reserved there."), field="store")
    level = StockLevel.objects.filter(offer_id=offer_id, location_id=store.location_id).first()
    offer = Offer.objects.filter(pk=offer_id, is_active=True).first()
    if level is None or offer is None or level.on_hand < 1:
        raise NotOnThisShelf(_("This item is not on the shelf of %(store)s.") % {"store": store.name}, field="offer")
    with transaction.atomic():
        # The buyer's row serialises their reservations: two tabs cannot make a fourth.
        get_user_model().objects.select_for_update().filter(pk=buyer.pk).values_list("pk", flat=True).first()
        live = TryReservation.objects.filter(buyer=buyer, state=S.ACTIVE, created_at__lte=now, expires_at__gt=now).count()
        if live >= MAX_ACTIVE_RESERVATIONS:
            raise ReservationLimitReached(
                _("You already have %(n)d reservations to try: cancel one or wait until one ends.") % {"n": live},
                field="offer",
            )
        expires = now + timedelta(hours=TRY_HOURS)
        try:
            with transaction.atomic():
                hold = holds_take(
                    requests=[HoldRequest(offer_id=offer_id, quantity=1, location_id=store.location_id, stock_level_id=level.pk)],
                    reference=f"try:{buyer.pk}", kind=HoldKind.TRY, expires_at=expires,
                )[0]
        except OutOfStock:
            raise ReservationUnitHeld(
                _("The last unit of this item at %(store)s is already held: it cannot be reserved now.") % {"store": store.name},
                field="offer",
            ) from None
        return TryReservation.objects.create(
            buyer=buyer, store=store, offer_id=offer_id, stock_level=level, hold=hold, expires_at=expires, created_at=now,
        )


def _own(reservation_id: int, *, buyer=None, store: Store | None = None) -> TryReservation:
    rows = TryReservation.objects.select_for_update()
    if buyer is not None:
        rows = rows.filter(buyer=buyer)
    if store is not None:
        rows = rows.filter(store=store)
    found = rows.filter(pk=reservation_id).first()
    if found is None:
        raise ReservationNotFound(_("No such reservation."), field="reservation")
    return found


def _close(reservation: TryReservation, state: str, now) -> TryReservation:
    holds_release(hold_ids=[reservation.hold_id])
    reservation.state, reservation.closed_at = state, now
    reservation.save(update_fields=["state", "closed_at"])
    return reservation


@transaction.atomic
def reservation_cancel(*, buyer, reservation_id: int) -> TryReservation:
    """The buyer gives the unit back."""
    now = timezone.now()
    reservation = _own(reservation_id, buyer=buyer)
    if not reservation.is_live(now):
        raise ReservationStateInvalid(_("This reservation is no longer active."), field="reservation")
    return _close(reservation, S.CANCELLED, now)


@transaction.atomic
def reservation_release(*, store: Store, reservation_id: int) -> TryReservation:
    """The store releases a reservation (the buyer did not come, or did not want it)."""
    now = timezone.now()
    reservation = _own(reservation_id, store=store)
    if reservation.state != S.ACTIVE:
        raise ReservationStateInvalid(_("This reservation is no longer active."), field="reservation")
    return _close(reservation, S.RELEASED if reservation.expires_at > now else S.EXPIRED, now)


def reservations_expire(*, now=None) -> int:
    """Mark reservations past their 48 hours expired and release their units (and any other
    expired try or basket holds). Returns how many reservations were marked."""
    now = now or timezone.now()
    holds_release_expired()
    count = 0
    ids = list(TryReservation.objects.filter(state=S.ACTIVE, expires_at__lte=now).values_list("pk", flat=True)[:5000])
    for pk in ids:
        with transaction.atomic():
            reservation = TryReservation.objects.select_for_update().filter(pk=pk, state=S.ACTIVE).first()
            if reservation is None:
                continue
            if Hold.objects.filter(pk=reservation.hold_id, state=HoldState.ACTIVE).exists():
                holds_release(hold_ids=[reservation.hold_id])
            reservation.state, reservation.closed_at = S.EXPIRED, now
            reservation.save(update_fields=["state", "closed_at"])
            count += 1
    return count
