"""Demo history of the open stores' tills: 12 weeks of till sessions (a float in, sales in cash
and by card, a counted cash-up, sometimes a few cents off), reservations to try (some sold at
the till, some expired, a few still active), all back-dated and written through the services
of comptoir.stores, so the ledger, the sales journal and the analytics hold real figures."""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from comptoir.inventory.models import HoldKind, StockLevel
from comptoir.inventory.services import stock_restock
from comptoir.payments.terminals import TestTerminal
from comptoir.stores.models import (
    PosSale,
    PosSaleLine,
    SalesJournalEntry,
    Store,
    TillSession,
    TryReservation,
)
from comptoir.stores.services import (
    basket_add_level,
    basket_add_reservation,
    reservation_create,
    reservations_expire,
    sale_pay,
    till_close,
    till_open,
)

from .stores import STAFF, STORES

WEEKS = 12
VISITORS = [f"visitor-{n}@example.com" for n in range(1, 9)]


def _visitors() -> list:
    User = get_user_model()
    out = []
    for name in VISITORS:
        user, created = User.objects.get_or_create(username=name, defaults={"email": name})
        if created:
            user.set_unusable_password()
            user.save()
        out.append(user)
    return out


def _free_level(rng: random.Random, store: Store) -> StockLevel | None:
    levels = list(StockLevel.objects.filter(location_id=store.location_id, on_hand__gt=0, offer__is_active=True).order_by("pk"))
    free = [lv for lv in levels if lv.on_hand > lv.held]
    return rng.choice(free) if free else None


def _sell_one(rng: random.Random, store: Store, session: TillSession, clerk, at: dt.datetime) -> PosSale | None:
    level = _free_level(rng, store)
    if level is None:
        return None
    stock_restock(stock_level_id=level.pk, quantity=1)  # the shelf keeps its look: earlier deliveries sold
    basket_add_level(session=session, stock_level_id=level.pk)
    return _pay(rng, session, clerk, at)


def _pay(rng, session, clerk, at):
    from comptoir.stores.services import basket_priced

    total = sum(p.gross for p in basket_priced(session))
    if rng.random() < 0.45 and total % 100 not in (1, 5):  # the test terminal declines …01 and …05
        return sale_pay(session=session, user=clerk, method="card", terminal=TestTerminal(), at=at)
    given = ((total + 999) // 1000) * 1000  # a note that covers it
    return sale_pay(session=session, user=clerk, method="cash", cash_given=given, at=at)


def demo_instore_seed(rng: random.Random, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Till sessions twice a week per open store over the last 12 weeks, with sales and
    reservations; returns counts for the report."""
    now = now or timezone.now()
    clerks = {where: get_user_model().objects.get(username=username) for username, role, where in STAFF if role == "clerk"}
    visitors = _visitors()
    counts = {"sessions": 0, "sales": 0, "reservations": 0, "converted": 0}
    stores = Store.objects.filter(slug__in=[s.slug for s in STORES], location__status="open").select_related("location", "market", "partner")
    for store in stores.order_by("slug"):
        clerk = clerks.get(store.slug)
        if clerk is None:
            continue
        for week in range(WEEKS, 0, -1):
            for weekday in (1, 4):  # Tuesday and Friday, opening at 10:00 local
                day = (now - dt.timedelta(weeks=week)).date()
                day = day - dt.timedelta(days=day.weekday()) + dt.timedelta(days=weekday)
                opened = timezone.make_aware(dt.datetime.combine(day, dt.time(10)), timezone.get_current_timezone())
                if opened >= now - dt.timedelta(days=1):
                    continue
                _session_day(rng, store, clerk, visitors, opened, counts)
        for visitor in visitors[:2]:  # a few reservations still waiting for their buyers
            level = _free_level(rng, store)
            if level is not None:
                reservation_create(buyer=visitor, store=store, offer_id=level.offer_id, now=now - dt.timedelta(hours=rng.randint(2, 30)))
                counts["reservations"] += 1
    reservations_expire(now=now)
    return counts


def _session_day(rng, store, clerk, visitors, opened, counts) -> None:
    session = till_open(store=store, user=clerk, opening_float=15000, at=opened)
    counts["sessions"] += 1
    at = opened
    # Reservations made the day before: about half come and buy.
    for visitor in rng.sample(visitors, 2):
        level = _free_level(rng, store)
        if level is None:
            break
        made = opened - dt.timedelta(hours=rng.randint(3, 20))
        reservation = reservation_create(buyer=visitor, store=store, offer_id=level.offer_id, now=made)
        counts["reservations"] += 1
        if rng.random() < 0.55:
            at += dt.timedelta(minutes=rng.randint(10, 50))
            basket_add_reservation(session=session, reservation_id=reservation.pk, now=at)
            _pay(rng, session, clerk, at)
            stock_restock(stock_level_id=level.pk, quantity=1)  # the shelf keeps its look: earlier deliveries sold
            counts["converted"] += 1
            counts["sales"] += 1
        # else the buyer never came: the unit is freed by the next taker or the tidy-up, 48 hours on
    for _ in range(rng.randint(2, 5)):
        at += dt.timedelta(minutes=rng.randint(15, 70))
        if _sell_one(rng, store, session, clerk, at) is not None:
            counts["sales"] += 1
    session.refresh_from_db()
    cash_in = sum(PosSale.objects.filter(session=session, method="cash").values_list("total_gross", flat=True))
    off = rng.choice([0, 0, 0, 0, -50, -120, 200])  # most cash-ups match; some are a little off
    till_close(session=session, user=clerk, counted_cash=max(0, 15000 + cash_in + off), at=at + dt.timedelta(hours=1))


def demo_instore_reset(stores) -> None:
    """Delete the demo stores' till history and reservations (before their stock levels). The
    sales journal is append-only: its rows are removed with raw SQL, on PostgreSQL with the
    trigger disabled for this transaction's statement (the demo owns these rows)."""
    from comptoir.inventory.models import Hold

    TryReservation.objects.filter(store__in=stores).delete()
    PosSaleLine.objects.filter(sale__store__in=stores).delete()
    PosSale.objects.filter(store__in=stores, returned_sale__isnull=False).delete()
    PosSale.objects.filter(store__in=stores).delete()
    TillSession.objects.filter(store__in=stores).delete()
    ids = list(SalesJournalEntry.objects.filter(store__in=stores).values_list("pk", flat=True))
    table = SalesJournalEntry._meta.db_table
    if ids:
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                # ALTER TABLE is refused while deferred foreign-key checks of this transaction are
                # pending: run them now, then defer again once the trigger is back.
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER salesjournal_append_only")
            cur.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(ids))})", ids)
            if connection.vendor == "postgresql":
                cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER salesjournal_append_only")
                cur.execute("SET CONSTRAINTS ALL DEFERRED")
    locations = list(stores.values_list("location_id", flat=True))
    Hold.objects.filter(stock_level__location_id__in=locations, kind__in=[HoldKind.TRY, HoldKind.POS]).delete()
    get_user_model().objects.filter(username__in=VISITORS).delete()
