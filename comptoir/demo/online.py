"""Demo history of online orders: 12 weeks ending now of home deliveries and click & collect
(from a store's shelf, or shipped to the store by the seller) at the two open Spanish stores,
bought by a few demo shoppers in Spain, France, Italy and Germany from the approved demo sellers
(foreign ones included).

Every order is placed, paid (the test payment provider), accepted, shipped, delivered, made
ready, handed over, cancelled, returned and refunded through the services of comptoir.orders
and comptoir.stores, each step at its own back-dated moment (time_machine moves the clock), so
the payments, the holds and the ledger entries are exactly what a real order writes. A step
whose moment is still ahead is not taken: the last days' orders wait for their seller or store,
as they would. Units sold online are put back where they came from (`stock_restock`: earlier
deliveries sold), so the shelves and warehouses keep their look.
"""
from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from comptoir.common.errors import DomainError
from comptoir.inventory.models import LocationKind, StockLevel
from comptoir.inventory.hours import OpeningCalendar
from comptoir.inventory.promise import DEFAULT_POLICY, DeliveryMethod
from comptoir.inventory.services import stock_restock
from comptoir.markets import cache as reference
from comptoir.orders.address import Address
from comptoir.orders.models import Order, SellerOrder
from comptoir.orders.quote import LineRequest, destination_point, quote_build
from comptoir.orders.services import (
    CardDetails,
    order_place,
    pickup_expire,
    seller_order_accept,
    seller_order_cancel,
    seller_order_deliver,
    seller_order_refund,
    seller_order_return_receive,
    seller_order_return_request,
    seller_order_ship,
)
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.stores.models import Store
from comptoir.stores.services import store_pickup_hand_over, store_pickup_ready

from .stores import STAFF, STORES

WEEKS = 12
CARD = CardDetails("4242424242424242", "12/34", "123")  # the test provider authorizes it
CARRIERS = ("Correos Express", "SEUR", "Colissimo", "GLS", "DHL")


@dataclass(frozen=True)
class Shopper:
    username: str
    full_name: str
    line1: str
    postcode: str
    city: str
    country: str
    phone: str
    store: str = ""  # the open store near them: they collect there

    def address(self) -> Address:
        return Address(full_name=self.full_name, line1=self.line1, postcode=self.postcode, city=self.city,
                       country=self.country, phone=self.phone)


SHOPPERS = (
    Shopper("buyer@example.com", "Lucía Gómez", "Calle de Fuencarral 80", "28004", "Madrid", "ES", "+34911234567", "madrid-malasana"),
    Shopper("shopper-madrid@example.com", "Javier Moreno", "Calle del Pez 21", "28004", "Madrid", "ES", "+34913456789", "madrid-malasana"),
    Shopper("shopper-sevilla@example.com", "Carmen Ruiz", "Calle Feria 33", "41003", "Sevilla", "ES", "+34954123456", "sevilla-centro"),
    Shopper("shopper-triana@example.com", "Manuel Ortega", "Calle Betis 8", "41010", "Sevilla", "ES", "+34954654321", "sevilla-centro"),
    Shopper("shopper-valencia@example.com", "Laura Sanchis", "Carrer de Colón 12", "46004", "Valencia", "ES", "+34963123456"),
    Shopper("shopper-paris@example.com", "Camille Durand", "18 rue Oberkampf", "75011", "Paris", "FR", "+33142345678"),
    Shopper("shopper-lyon@example.com", "Hugo Bernard", "5 rue Mercière", "69002", "Lyon", "FR", "+33478123456"),
    Shopper("shopper-milano@example.com", "Giulia Conti", "Via Torino 40", "20123", "Milano", "IT", "+390212345678"),
    Shopper("shopper-berlin@example.com", "Jonas Becker", "Torstraße 102", "10119", "Berlin", "DE", "+4930123456"),
)
STAFF_BY_STORE = {where: username for username, role, where in STAFF if role == "clerk"}


@dataclass
class _Plan:
    """One order to place at `at`: home delivery (store == "") or click & collect at `store`."""

    at: dt.datetime
    shopper: Shopper
    offer_ids: tuple[int, ...]
    method: str  # standard, pickup_shelf or pickup_shipped
    store: Store | None = None
    outcome: str = "normal"  # normal, buyer_cancels, seller_cancels, returned, not_collected, waits (no step taken)


def _shoppers() -> dict[str, object]:
    User = get_user_model()
    out = {}
    for shopper in SHOPPERS:
        user, created = User.objects.get_or_create(username=shopper.username, defaults={"email": shopper.username})
        if created:
            user.set_unusable_password()  # buyer@example.com's password is set by the seed's users
            user.save()
        out[shopper.username] = user
    return out


def _featured_sellers() -> list[Seller]:
    """The first approved demo seller of each country: the ones whose demo log-ins are printed."""
    picked: dict[str, Seller] = {}
    for seller in Seller.objects.filter(legal_name__endswith="(demo)", status=SellerStatus.APPROVED).order_by("id"):
        picked.setdefault(seller.country, seller)
    return list(picked.values())


def _warehouse_offers(seller_ids=None) -> list[int]:
    qs = StockLevel.objects.filter(
        location__kind=LocationKind.WAREHOUSE, on_hand__gte=3, offer__is_active=True,
        offer__seller__status=SellerStatus.APPROVED, offer__seller__legal_name__endswith="(demo)",
    )
    if seller_ids is not None:
        qs = qs.filter(offer__seller_id__in=seller_ids)
    return sorted(set(qs.values_list("offer_id", flat=True)))


def _shelf_offers(store: Store, *, units: int = 1) -> list[int]:
    return sorted(set(StockLevel.objects.filter(location_id=store.location_id, on_hand__gte=units, offer__is_active=True)
                      .values_list("offer_id", flat=True)))


def _moment(rng: random.Random, day_start: dt.datetime) -> dt.datetime:
    """A time of day people shop at: 8:00–23:00."""
    return day_start + dt.timedelta(minutes=rng.randint(8 * 60, 23 * 60))


def _plans(rng: random.Random, now: dt.datetime, stores: dict[str, Store]) -> list[_Plan]:
    """The orders of the 12 weeks, growing week after week, oldest first; and, today, a few
    orders still waiting: a shelf pickup at each store placed minutes ago and one placed hours
    ago (late), and an order for each featured seller to accept."""
    featured = [s.pk for s in _featured_sellers()]
    anywhere = _warehouse_offers()
    from_featured = _warehouse_offers(featured)
    shelves = {slug: _shelf_offers(store) for slug, store in stores.items()}
    local = [s for s in SHOPPERS if s.store in stores]
    tz = timezone.get_current_timezone()
    midnight = timezone.make_aware(dt.datetime.combine(now.astimezone(tz).date(), dt.time()), tz)
    plans: list[_Plan] = []
    for week in range(WEEKS - 1, -1, -1):
        growth = WEEKS - 1 - week  # 0 … 11: the marketplace grows
        for _ in range(3 + growth // 3):
            day = midnight - dt.timedelta(days=week * 7 + rng.randint(0, 6))
            shopper = rng.choice(SHOPPERS)
            pool = from_featured if rng.random() < 0.4 else anywhere
            offers = tuple(rng.sample(pool, 2 if rng.random() < 0.2 else 1))
            outcome = rng.choices(("normal", "buyer_cancels", "seller_cancels", "returned"), (86, 4, 3, 7))[0]
            plans.append(_Plan(_moment(rng, day), shopper, offers, DeliveryMethod.STANDARD, outcome=outcome))
        for _ in range(2 + growth // 4):
            day = midnight - dt.timedelta(days=week * 7 + rng.randint(0, 6))
            shopper = rng.choice(local)
            shelf = rng.random() < 0.65 and shelves.get(shopper.store)
            offers = (rng.choice(shelves[shopper.store]),) if shelf else (rng.choice(anywhere),)
            outcome = rng.choices(("normal", "buyer_cancels", "not_collected"), (90, 4, 6))[0]
            method = DeliveryMethod.PICKUP_SHELF if shelf else DeliveryMethod.PICKUP_SHIPPED
            plans.append(_Plan(_moment(rng, day), shopper, offers, method, stores[shopper.store], outcome))
    plans = [p for p in plans if p.at < now - dt.timedelta(hours=6)]
    for slug, store in stores.items():  # the store's to-prepare list: one late, one just placed
        shopper = next(s for s in local if s.store == slug)
        plenty = _shelf_offers(store, units=3)  # two distinct offers with units to spare: both can be placed
        if len(plenty) >= 2:
            for at, offer_id in zip((_late_moment(store, now), now - dt.timedelta(minutes=25)), rng.sample(plenty, 2)):
                plans.append(_Plan(at, shopper, (offer_id,), DeliveryMethod.PICKUP_SHELF, store, "waits"))
    for seller_id in featured:  # something for each demo seller to accept
        offers = _warehouse_offers([seller_id])
        if offers:
            plans.append(_Plan(now - dt.timedelta(hours=rng.randint(1, 5)), rng.choice(SHOPPERS), (rng.choice(offers),),
                               DeliveryMethod.STANDARD, outcome="waits"))
    return sorted(plans, key=lambda p: p.at)


def _late_moment(store: Store, now: dt.datetime) -> dt.datetime:
    """The latest half hour at which a shelf order would be due ready (2 opening hours on the
    store's calendar) a quarter of an hour before `now`: its pickup, not ready, is late."""
    calendar = OpeningCalendar.from_location(store.location)
    at = now.replace(minute=0, second=0, microsecond=0)
    while calendar.ready_at(at, DEFAULT_POLICY.shelf_ready_minutes) > now - dt.timedelta(minutes=15):
        at -= dt.timedelta(minutes=30)
    return at


def _place(plan: _Plan, buyer, rng: random.Random) -> Order | None:
    """Place the plan's order at its moment: the quote's groups get the planned method (a
    group that cannot have it, e.g. a shelf too short now, makes the plan skipped)."""
    address = plan.shopper.address()
    market = reference.active_market(address.country)
    lines = [LineRequest(offer_id, 1) for offer_id in plan.offer_ids]
    language = "es" if address.country == "ES" else "en"
    quote = quote_build(lines=lines, market=market, language=language, delivery_choices={}, pickup=plan.store is not None,
                        destination=destination_point(country=address.country, postcode=address.postcode, city=address.city))
    if quote.notices:
        return None
    choices = {}
    for group in quote.groups:
        if plan.store is None:
            code = next((o.code for o in group.options if o.code == DeliveryMethod.STANDARD), None)
        else:
            code = next((o.code for o in group.options
                         if o.code == f"{plan.method}@{plan.store.location_id}"), None)
        if code is None:
            return None
        choices[group.key] = code
    try:
        return order_place(buyer=buyer, lines=lines, address=address, delivery_choices=choices, card=CARD,
                           idempotency_key=f"demo-{uuid.UUID(int=rng.getrandbits(128)).hex}", language=language)
    except DomainError:
        return None


def _at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def _restock(part: SellerOrder) -> None:
    """Units sold put back where they came from: earlier deliveries sold, the stock keeps its look."""
    for line in part.lines.select_related("hold"):
        if line.hold is not None:
            stock_restock(stock_level_id=line.hold.stock_level_id, quantity=line.quantity)


def _home(plan: _Plan, part: SellerOrder, rng: random.Random, now: dt.datetime, buyer, counts) -> None:
    seller = part.seller
    at = plan.at + dt.timedelta(hours=rng.uniform(0.5, 3))
    if plan.outcome == "buyer_cancels":
        if at < now:
            with _at(at):
                seller_order_cancel(seller_order_id=part.pk, buyer=buyer, reason="Ordered twice by mistake")
            counts["cancelled"] += 1
        return
    if plan.outcome == "seller_cancels":
        if at < now:
            with _at(at):
                seller_order_cancel(seller_order_id=part.pk, seller=seller, reason="Last unit damaged in the warehouse")
            counts["cancelled"] += 1
        return
    at = plan.at + dt.timedelta(hours=rng.uniform(2, 20))
    if at > now:
        return
    with _at(at):
        seller_order_accept(seller_order_id=part.pk, seller=seller)
    at += dt.timedelta(hours=rng.uniform(3, 30))
    if at > now:
        return
    with _at(at):
        seller_order_ship(seller_order_id=part.pk, seller=seller, carrier=rng.choice(CARRIERS),
                          tracking_number=f"DM{rng.randrange(10**9, 10**10)}")
    _restock(part)
    part.refresh_from_db()
    tz = timezone.get_current_timezone()
    day = part.promised_from + dt.timedelta(days=rng.randint(0, max(0, (part.promised_to - part.promised_from).days)))
    at = max(at + dt.timedelta(hours=6), timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(10, 19))), tz))
    if at > now:
        return
    with _at(at):
        seller_order_deliver(seller_order_id=part.pk, at=at)
    counts["delivered"] += 1
    # A return puts its unit back in stock (the service does): shipped from a store's shelf, it
    # is kept instead, so that the shelves hold exactly what was consigned whatever the hour.
    if plan.outcome != "returned" or part.location.kind == LocationKind.STORE:
        return
    steps = (dt.timedelta(days=rng.randint(1, 9)), dt.timedelta(days=rng.randint(3, 6)), dt.timedelta(hours=rng.randint(2, 30)))
    at += steps[0]
    if at > now:
        return
    with _at(at):
        seller_order_return_request(seller_order_id=part.pk, buyer=buyer, reason="Not the colour I expected", now=at)
    at += steps[1]
    if at > now:
        return
    with _at(at):
        seller_order_return_receive(seller_order_id=part.pk, seller=seller)
    at += steps[2]
    if at > now:
        return
    with _at(at):
        seller_order_refund(seller_order_id=part.pk, seller=seller)
    counts["refunded"] += 1


def _collect(plan: _Plan, part: SellerOrder, rng: random.Random, now: dt.datetime, buyer, clerk, counts) -> None:
    store = plan.store
    at = plan.at
    if plan.outcome == "buyer_cancels":
        at += dt.timedelta(minutes=rng.randint(10, 50))
        if at < now:
            with _at(at):
                seller_order_cancel(seller_order_id=part.pk, buyer=buyer, reason="Found it nearer home")
            counts["cancelled"] += 1
        return
    if plan.method == DeliveryMethod.PICKUP_SHIPPED:
        at += dt.timedelta(hours=rng.uniform(2, 20))
        if at > now:
            return
        with _at(at):
            seller_order_accept(seller_order_id=part.pk, seller=part.seller)
        at += dt.timedelta(hours=rng.uniform(3, 30))
        if at > now:
            return
        with _at(at):
            seller_order_ship(seller_order_id=part.pk, seller=part.seller, carrier=rng.choice(CARRIERS),
                              tracking_number=f"DM{rng.randrange(10**9, 10**10)}")
        _restock(part)  # the warehouse's units left with the parcel
        part.refresh_from_db()
        tz = timezone.get_current_timezone()
        at = max(at + dt.timedelta(hours=6), timezone.make_aware(dt.datetime.combine(part.promised_from, dt.time(11)), tz))
    else:
        at += dt.timedelta(minutes=rng.randint(20, 100))  # the clerk takes it off the shelf
    if at > now:
        return
    with _at(at):
        store_pickup_ready(user=clerk, store=store, number=part.number)
    if plan.outcome == "not_collected":
        at += dt.timedelta(days=7, hours=1)
        if at < now:
            with _at(at):
                pickup_expire(seller_order_id=part.pk, now=at)
            counts["not_collected"] += 1
        return
    at += dt.timedelta(hours=rng.uniform(3, 80))
    if at > now:
        return
    code = part.pickup.code
    with _at(at):
        store_pickup_hand_over(user=clerk, store=store, number=part.number, code=code)
    if plan.method == DeliveryMethod.PICKUP_SHELF:
        _restock(part)
    counts["collected"] += 1


def demo_online_seed(rng: random.Random, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Place and follow the 12 weeks of online orders; returns counts for the report."""
    now = now or timezone.now()
    stores = {s.slug: s for s in Store.objects.filter(slug__in=[p.slug for p in STORES], location__status="open")
              .select_related("location", "market").order_by("slug")}
    clerks = {slug: get_user_model().objects.get(username=STAFF_BY_STORE[slug]) for slug in stores if slug in STAFF_BY_STORE}
    buyers = _shoppers()
    counts = {"orders": 0, "collect": 0, "delivered": 0, "collected": 0, "cancelled": 0, "refunded": 0, "not_collected": 0}
    queued = _task_ids() if _database_tasks() else None
    for plan in _plans(rng, now, stores):
        buyer = buyers[plan.shopper.username]
        with _at(plan.at):
            order = _place(plan, buyer, rng)
        if order is None:
            continue
        counts["orders"] += 1
        counts["collect"] += plan.store is not None
        if plan.outcome == "waits":
            continue
        for part in SellerOrder.objects.filter(order=order).select_related("seller", "order", "location").order_by("pk"):
            # each step is a use case of its own (the provider is called outside any transaction);
            # a step refused by a rule of the services leaves the part where it is
            try:
                if plan.store is None:
                    _home(plan, part, rng, now, buyer, counts)
                else:
                    _collect(plan, part, rng, now, buyer, clerks[plan.store.slug], counts)
            except DomainError:
                pass
    if queued is not None:  # no emails about weeks-old orders at the worker's first start
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(pk__in=_task_ids() - queued).delete()
    return counts


def _database_tasks() -> bool:
    from django.tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    from comptoir.orders.tasks import notify_order_placed

    return isinstance(task_backends[notify_order_placed.backend], DatabaseBackend)


def _task_ids() -> set:
    from django_tasks_db.models import DBTaskResult

    return set(DBTaskResult.objects.filter(task_path__startswith="comptoir.orders.tasks.").values_list("pk", flat=True))


def demo_online_present() -> bool:
    return Order.objects.filter(buyer__username__in=[s.username for s in SHOPPERS]).exists()


def demo_online_reset() -> None:
    """Delete the demo shoppers' orders with their pickups, holds and payments (before the
    stores and sellers they point at; the ledger first: `demo_ledger_reset`)."""
    from comptoir.inventory.models import Hold
    from comptoir.orders.models import OrderLine, Pickup
    from comptoir.payments.models import Payment, PaymentEvent

    orders = Order.objects.filter(buyer__username__in=[s.username for s in SHOPPERS])
    part_ids = list(SellerOrder.objects.filter(order__in=orders).values_list("pk", flat=True))
    payment_ids = list(orders.exclude(payment_id=None).values_list("payment_id", flat=True))
    hold_ids = list(OrderLine.objects.filter(seller_order_id__in=part_ids, hold__isnull=False).values_list("hold_id", flat=True))
    Pickup.objects.filter(seller_order_id__in=part_ids).delete()
    OrderLine.objects.filter(seller_order_id__in=part_ids).delete()
    Hold.objects.filter(pk__in=hold_ids).delete()
    orders.delete()
    PaymentEvent.objects.filter(payment_id__in=payment_ids).delete()
    Payment.objects.filter(pk__in=payment_ids).delete()
    get_user_model().objects.filter(username__in=[s.username for s in SHOPPERS if s.username != "buyer@example.com"]).delete()


def demo_ledger_reset(seller_ids: list[int]) -> None:
    """Delete the journal entries of the demo: every entry with a line on a demo seller's
    account (online captures, refunds, cancellations, in-store sales), the demo shoppers'
    payment entries, then the sellers' accounts — without which the next payout run would
    look for sellers the reset deleted. The journal is append-only: on PostgreSQL the
    trigger that refuses it is disabled for these statements only (the demo owns the rows)."""
    from django.db import connection

    from comptoir.ledger.models import Account, JournalEntry, JournalLine, OwnerType

    accounts = Account.objects.filter(owner_type=OwnerType.SELLER, owner_id__in=[str(pk) for pk in seller_ids])
    entry_ids = set(JournalLine.objects.filter(account__in=accounts).values_list("entry_id", flat=True))
    payments = Order.objects.filter(buyer__username__in=[s.username for s in SHOPPERS]).exclude(payment_id=None)
    refs = [f"payment:{pk}:{kind}" for pk in payments.values_list("payment_id", flat=True) for kind in ("capture", "refund")]
    entry_ids |= set(JournalEntry.objects.filter(reference__in=refs).values_list("pk", flat=True))
    table = JournalLine._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no ALTER TABLE with deferred checks pending
            cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER ledger_journalline_append_only")
        JournalLine.objects.filter(entry_id__in=entry_ids).delete()
        if connection.vendor == "postgresql":
            cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER ledger_journalline_append_only")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
    JournalEntry.objects.filter(pk__in=entry_ids).delete()
    accounts.delete()
