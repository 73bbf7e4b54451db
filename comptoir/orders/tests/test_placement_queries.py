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

# Before the transaction: the quote (offers with seller, product, title and stock levels, one
# query; the idempotency key is looked up only when the placement fails or its payment attempt
# exists); the market, the VAT rates and the destination city come from the reference memo
# (markets.cache); then the payment attempt (one INSERT, committed on its own before the
# provider is asked: the test gateway keeps its charges in its own database, not on this
# connection). In the transaction: the provider's answer on the attempt (a conditional UPDATE)
# and its two events in one INSERT, the order, the seller orders, the notification task, the
# holds and the lines, then under the stock lock: on PostgreSQL one statement that locks (pk
# order), checks, updates and reads the levels back with their offers; on SQLite (whose BEGIN
# IMMEDIATE already serialises writers) the read, then the update. Against the placement that
# authorized inside its transaction, the count is the same (the test charge's INSERT left our
# connection, the Payment's INSERT became the attempt and an UPDATE): the price of recording the
# attempt first is one more COMMIT, not one more statement.
QUOTE_AND_CHECKS = 1
ATTEMPT = 1
PAYMENT_ANSWER = 2
WRITES_BEFORE_LOCK = PAYMENT_ANSWER + 5  # answer + events, order, seller orders, task, holds, lines
UNDER_LOCK = 1 if connection.vendor == "postgresql" else 2
TRANSACTION = 2  # SAVEPOINT / RELEASE here (BEGIN / COMMIT outside a test transaction)
REFERENCE_MEMO = override_settings(COMPTOIR_REFERENCE_MAX_AGE=3600)  # a slow machine must not expire it mid-test


def _placement_queries(lines, **kw) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        place(*lines, **kw)
    return [q["sql"] for q in ctx.captured_queries]


@REFERENCE_MEMO
@override_settings(TASKS=DB_TASKS)
def test_one_placement_of_one_line_runs_exactly_12_queries_on_postgresql_13_on_sqlite():
    buyer, _s1, _s2, a, _b = shop()
    place(buyer, [(a, 1)])  # warm-up: fills the reference memo
    sqls = _placement_queries((buyer, [(a, 1)]))
    assert len(sqls) == QUOTE_AND_CHECKS + ATTEMPT + TRANSACTION + WRITES_BEFORE_LOCK + UNDER_LOCK == 11 + UNDER_LOCK
    assert DBTaskResult.objects.count() == 2  # the task row is written in the placement's transaction


@REFERENCE_MEMO
@override_settings(TASKS=DB_TASKS)
def test_two_sellers_cost_the_same_number_of_queries_as_one():
    buyer, _s1, _s2, a, b = shop()
    place(buyer, [(a, 1)])
    assert len(_placement_queries((buyer, [(a, 1), (b, 1)]))) == 11 + UNDER_LOCK


@override_settings(TASKS=DB_TASKS, COMPTOIR_REFERENCE_MAX_AGE=0)
def test_without_the_reference_memo_the_market_vat_rates_and_city_are_read_each_time():
    buyer, _s1, _s2, a, _b = shop()
    place(buyer, [(a, 1)])
    assert len(_placement_queries((buyer, [(a, 1)]))) == 11 + UNDER_LOCK + 3


@REFERENCE_MEMO
@override_settings(TASKS=DB_TASKS)
def test_the_attempt_is_recorded_before_the_transaction_and_the_stock_lock_covers_only_the_last_queries():
    buyer, _s1, _s2, a, _b = shop()
    place(buyer, [(a, 1)])
    sqls = _placement_queries((buyer, [(a, 1)]))
    assert sqls[QUOTE_AND_CHECKS].startswith('INSERT INTO "payments_payment"') and "ON CONFLICT" in sqls[QUOTE_AND_CHECKS]
    assert sqls[QUOTE_AND_CHECKS + ATTEMPT].startswith("SAVEPOINT")  # the provider was asked between the two
    first_write = QUOTE_AND_CHECKS + ATTEMPT + 1  # after the SAVEPOINT
    assert [q.split(" (")[0].split(" WHERE")[0].split(" SET")[0] for q in sqls[first_write : first_write + WRITES_BEFORE_LOCK]] == [
        'UPDATE payments_payment',
        'INSERT INTO "payments_paymentevent"',
        'INSERT INTO "orders_order"',
        'INSERT INTO "orders_sellerorder"',
        'INSERT INTO "django_tasks_database_dbtaskresult"',
        'INSERT INTO "inventory_hold"',
        'INSERT INTO "orders_orderline"',
    ]
    lock = first_write + WRITES_BEFORE_LOCK
    if connection.vendor == "postgresql":
        assert sqls[lock].startswith("WITH locked AS MATERIALIZED (SELECT id FROM inventory_stocklevel WHERE id IN (")
        assert "ORDER BY id FOR UPDATE)" in sqls[lock] and "UPDATE inventory_stocklevel s SET held" in sqls[lock]
    else:
        assert sqls[lock].startswith("SELECT s.id, s.offer_id") and sqls[lock + 1].startswith("UPDATE inventory_stocklevel")
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
