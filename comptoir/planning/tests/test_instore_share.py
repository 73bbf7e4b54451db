"""The market analytics count the tills' receipts as in-store GMV, by market, store and week."""
import datetime as dt

import pytest
from django.utils import timezone

from comptoir.orders.tests import factories as f
from comptoir.planning.analytics import _iso_week, in_store_weekly_by_store, market_weekly_stats
from comptoir.stores import services
from comptoir.stores.tests import factories as sf
from comptoir.stores.tests.till_factories import on_shelf

pytestmark = pytest.mark.django_db


def test_in_store_sales_less_returns_are_the_in_store_share():
    f.market("FR")
    store = sf.store("Madrid Centro")
    clerk = sf.staff(store)
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, _level = on_shelf(store, seller, net_price=1000, units=3)
    session = services.till_open(store=store, user=clerk, opening_float=0)
    last_week = timezone.now() - dt.timedelta(days=7)
    services.basket_add_gtin(session=session, gtin=offer.product.gtin)
    services.sale_pay(session=session, user=clerk, method="cash", cash_given=1210, at=last_week)
    for _ in range(2):
        services.basket_add_gtin(session=session, gtin=offer.product.gtin)
    sale = services.sale_pay(session=session, user=clerk, method="cash", cash_given=5000)
    services.sale_return(session=session, user=clerk, receipt_number=sale.number, amount=1210)

    weeks = {w.week: w for w in market_weekly_stats(market_code="ES")}
    this, before = _iso_week(timezone.now()), _iso_week(last_week)
    assert (weeks[this].gmv_in_store, weeks[before].gmv_in_store) == (1210, 1210)
    assert weeks[this].in_store_share == 1.0
    assert in_store_weekly_by_store(market_code="ES") == {(store.slug, this): 1210, (store.slug, before): 1210}
