"""Query budget of one placement: an exact count, so that a regression (an N+1, a lost bulk
insert, a query moved under the stock lock) shows up here before it shows up in bench/checkout.py."""
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from comptoir.orders.errors import PaymentDeclined

from .helpers import DECLINED_CARD, place, shop

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Before the transaction: the idempotency look-up, the market, the destination city, the quote
# (stock levels with their offers in one query, the titles, the VAT rates). In it: the order, the seller orders, the
# stock lock (which also reads the offers), the stock update, the holds, the lines, the payment
# authorization (12, payments' own), the order's payment status, the notification task.
QUOTE_AND_CHECKS = 6
WRITES_BEFORE_LOCK = 2  # order, seller orders
UNDER_LOCK = 1 + 1 + 1 + 1 + 12 + 1 + 1  # lock, stock update, holds, lines, payment, order update, task
TRANSACTION = 2  # SAVEPOINT / RELEASE here (BEGIN / COMMIT outside a test transaction)


def _placement_queries(lines, **kw) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        place(*lines, **kw)
    return [q["sql"] for q in ctx.captured_queries]


@override_settings(TASKS=DB_TASKS)
def test_one_placement_of_one_line_runs_exactly_28_queries():
    buyer, _s1, _s2, a, _b = shop()
    place(buyer, [(a, 1)])  # warm-up: nothing cached on purpose, but keep the first-use costs out
    sqls = _placement_queries((buyer, [(a, 1)]))
    assert len(sqls) == QUOTE_AND_CHECKS + TRANSACTION + WRITES_BEFORE_LOCK + UNDER_LOCK == 28
    assert DBTaskResult.objects.count() == 2  # the task row is written in the placement's transaction


@override_settings(TASKS=DB_TASKS)
def test_two_sellers_cost_the_same_number_of_queries_as_one():
    buyer, _s1, _s2, a, b = shop()
    place(buyer, [(a, 1)])
    assert len(_placement_queries((buyer, [(a, 1), (b, 1)]))) == 28


@override_settings(TASKS=DB_TASKS)
def test_the_stock_lock_is_taken_after_the_order_rows_and_held_for_the_last_19_queries():
    buyer, _s1, _s2, a, _b = shop()
    place(buyer, [(a, 1)])
    sqls = _placement_queries((buyer, [(a, 1)]))
    lock = next(i for i, q in enumerate(sqls) if q.startswith('SELECT "inventory_stocklevel"') and i > QUOTE_AND_CHECKS)
    assert sqls[lock - 2].startswith('INSERT INTO "orders_order"')
    assert sqls[lock - 1].startswith('INSERT INTO "orders_sellerorder"')
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in sqls[lock]
    assert len(sqls) - lock == UNDER_LOCK + 1  # + the RELEASE / COMMIT


@override_settings(TASKS=DB_TASKS)
def test_a_declined_card_leaves_no_task_row():
    buyer, _s1, _s2, a, _b = shop()
    with pytest.raises(PaymentDeclined):
        place(buyer, [(a, 1)], card=DECLINED_CARD)
    assert DBTaskResult.objects.count() == 0


@pytest.mark.parametrize(("language", "title"), [("fr", "Lamp (fr)"), ("es", "Lamp"), ("en", "Lamp")])
def test_the_quote_titles_lines_in_the_buyer_language_else_english(language, title):
    from comptoir.markets.models import Market
    from comptoir.orders.quote import LineRequest, quote_build

    _buyer, _s1, _s2, a, _b = shop()
    quote = quote_build(lines=[LineRequest(a.pk, 1)], market=Market.objects.get(code="FR"), language=language)
    assert [line.title for g in quote.groups for line in g.lines] == [title]


def test_the_quote_falls_back_to_any_title_then_the_gtin():
    from comptoir.catalog.models import ProductText
    from comptoir.markets.models import Market
    from comptoir.orders.quote import LineRequest, quote_build

    _buyer, _s1, _s2, a, _b = shop()
    fr = Market.objects.get(code="FR")
    ProductText.objects.filter(product_id=a.product_id, language="en").delete()
    assert quote_build(lines=[LineRequest(a.pk, 1)], market=fr, language="es").groups[0].lines[0].title == "Lamp (fr)"
    ProductText.objects.filter(product_id=a.product_id).delete()
    assert quote_build(lines=[LineRequest(a.pk, 1)], market=fr, language="es").groups[0].lines[0].title == a.product.gtin
