"""The payment is authorized before any stock lock; when the placement rolls back after the
provider said yes, the authorization is released at the provider and the attempt, committed
before the provider was asked, stays as a cancelled Payment.

The provider below keeps its state in memory, as a real one does behind its API; ``during_authorize``
lets a test act at the moment it answers. It is the network side that is faked here, nothing of ours.
"""
import pytest
from django.test import override_settings

from comptoir.inventory.models import StockLevel
from comptoir.orders.errors import OfferUnavailable, PaymentDeclined, PriceChanged
from comptoir.orders.models import Order, PlacementAttempt
from comptoir.payments import providers
from comptoir.payments.models import Payment, PaymentEvent
from comptoir.payments.providers import ProviderResult, ResultStatus

from .helpers import DECLINED_CARD, place, shop

pytestmark = pytest.mark.django_db


class RemoteProvider:
    """A card gateway whose charges live on its side; ``during_authorize`` lets a test act at the
    moment the gateway answers (what other users do meanwhile)."""

    name = "remote"
    charges: dict[str, str] = {}
    during_authorize = None

    def __init__(self, **_config):
        pass

    keys: dict[str, str] = {}

    def authorize(self, *, amount, currency, card, idempotency_key, metadata):
        if idempotency_key in RemoteProvider.keys:
            return ProviderResult(ResultStatus.AUTHORIZED, RemoteProvider.keys[idempotency_key])
        reference = f"rm_{len(self.charges) + 1}"
        RemoteProvider.charges[reference] = "authorized"
        RemoteProvider.keys[idempotency_key] = reference
        if RemoteProvider.during_authorize is not None:
            RemoteProvider.during_authorize()
        return ProviderResult(ResultStatus.AUTHORIZED, reference)

    def find(self, *, idempotency_key):
        reference = RemoteProvider.keys.get(idempotency_key)
        return ProviderResult(ResultStatus(RemoteProvider.charges[reference]), reference) if reference else None

    def cancel(self, *, reference):
        if RemoteProvider.charges.get(reference) != "authorized":
            return ProviderResult(ResultStatus.FAILED, reference, "resource_missing")
        RemoteProvider.charges[reference] = "cancelled"
        return ProviderResult(ResultStatus.SUCCEEDED, reference)

    def capture(self, *, reference, amount, idempotency_key=""):
        return ProviderResult(ResultStatus.SUCCEEDED, reference)

    def refund(self, *, reference, amount, idempotency_key=""):
        return ProviderResult(ResultStatus.SUCCEEDED, reference)

    def verify_webhook(self, *, body, headers):
        raise NotImplementedError


@pytest.fixture
def remote(monkeypatch):
    monkeypatch.setitem(providers.PROVIDERS, "remote", RemoteProvider)
    RemoteProvider.charges = {}
    RemoteProvider.keys = {}
    RemoteProvider.during_authorize = None
    with override_settings(PAYMENT_PROVIDER="remote"):
        yield RemoteProvider


def test_a_successful_placement_keeps_the_authorization(remote):
    buyer, _s1, _s2, a, _b = shop()
    order = place(buyer, [(a, 2)])
    assert remote.charges == {"rm_1": "authorized"}
    payment = Payment.objects.get(pk=order.payment_id)
    assert (payment.provider, payment.provider_reference, payment.status) == ("remote", "rm_1", "authorized")
    assert list(PaymentEvent.objects.filter(payment=payment).values_list("kind", flat=True)) == ["created", "authorize"]


def test_stock_gone_while_the_provider_answered_releases_the_authorization(remote):
    buyer, _s1, _s2, a, _b = shop()  # a: 5 units

    def last_units_sold_meanwhile():
        StockLevel.objects.filter(offer=a).update(held=5)

    remote.during_authorize = last_units_sold_meanwhile
    with pytest.raises(Exception) as caught:
        place(buyer, [(a, 2)])
    assert getattr(caught.value, "code", None) == "out_of_stock"
    assert remote.charges == {"rm_1": "cancelled"}
    assert Order.objects.count() == 0
    assert Payment.objects.get().status == "cancelled"
    payment = Payment.objects.get()  # the attempt, recorded before the provider was asked
    assert (payment.status, payment.provider_reference) == ("cancelled", "rm_1")
    assert list(payment.events.values_list("kind", flat=True)) == ["cancel_requested", "cancel"]
    level = StockLevel.objects.get(offer=a)
    assert (level.on_hand, level.held) == (5, 5)  # the other sale stands: the provider was asked outside our transaction
    assert list(PlacementAttempt.objects.values_list("code", flat=True)) == ["out_of_stock"]


def test_an_offer_withdrawn_while_the_provider_answered_releases_the_authorization(remote):
    buyer, _s1, _s2, a, _b = shop()
    remote.during_authorize = lambda: type(a).objects.filter(pk=a.pk).update(is_active=False)
    with pytest.raises(OfferUnavailable):
        place(buyer, [(a, 1)])
    assert remote.charges == {"rm_1": "cancelled"}
    assert Order.objects.count() == 0
    assert Payment.objects.get().status == "cancelled"


def test_a_price_changed_while_the_provider_answered_releases_the_authorization(remote):
    buyer, _s1, _s2, a, _b = shop()
    remote.during_authorize = lambda: type(a).objects.filter(pk=a.pk).update(net_price=1200)
    with pytest.raises(PriceChanged):
        place(buyer, [(a, 1)])
    assert remote.charges == {"rm_1": "cancelled"}
    assert Order.objects.count() == 0
    assert Payment.objects.get().status == "cancelled"


def test_a_declined_card_takes_no_stock_lock_and_releases_nothing():
    buyer, _s1, _s2, a, _b = shop()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx, pytest.raises(PaymentDeclined):
        place(buyer, [(a, 1)], card=DECLINED_CARD)
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert not any("inventory_stocklevel" in q and ("FOR UPDATE" in q or q.startswith("UPDATE")) for q in sqls)
    assert not any(q.startswith('INSERT INTO "orders_order"') for q in sqls)
    level = StockLevel.objects.get(offer=a)
    assert (level.on_hand, level.held) == (5, 0)
