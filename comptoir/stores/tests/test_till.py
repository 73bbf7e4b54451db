"""The till: sessions, basket by GTIN, cash and card payment, ledger postings, returns, Z report."""
from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import translation

from comptoir.inventory.models import StockLevel
from comptoir.ledger.models import JournalEntry
from comptoir.orders.tests import factories as f
from comptoir.payments.terminals import TestTerminal
from comptoir.stores import errors, services
from comptoir.stores.models import ChainBreak, JournalImmutable, PosSale, SalesJournalEntry

from . import factories as sf
from .till_factories import ledger_sums, on_shelf, setup

pytestmark = pytest.mark.django_db


def _balances() -> dict[str, int]:
    from comptoir.ledger.models import JournalLine
    out: dict[str, int] = {}
    for kind, owner, amount in JournalLine.objects.values_list("account__kind", "account__owner_type", "amount"):
        key = f"{kind}:{owner}"
        out[key] = out.get(key, 0) + amount
    return out


def test_cash_sale_by_gtin_posts_seller_commission_partner_share_and_deemed_supplier_vat():
    store, clerk = setup(partner_share=5000)
    eu = f.seller("Taller", country="ES", city_name="Madrid")
    cn = f.seller("Shenzhen Goods", country="CN", city_name="Madrid")
    eu_offer, eu_level = on_shelf(store, eu, net_price=1000)
    cn_offer, cn_level = on_shelf(store, cn, net_price=2000)
    session = services.till_open(store=store, user=clerk, opening_float=10000)
    services.basket_add_gtin(session=session, gtin=eu_offer.product.gtin.lstrip("0"))
    services.basket_add_gtin(session=session, gtin=cn_offer.product.gtin)
    sale = services.sale_pay(session=session, user=clerk, method="cash", cash_given=5000)
    # 1000 + 21 % = 1210; 2000 + 21 % = 2420
    assert (sale.total_net, sale.total_vat, sale.total_gross, sale.change) == (3000, 630, 3630, 1370)
    lines = list(sale.lines.order_by("gross"))
    assert [(ln.liable_party, ln.commission, ln.partner_share) for ln in lines] == [("seller", 120, 60), ("marketplace", 240, 120)]
    assert StockLevel.objects.get(pk=eu_level.pk).on_hand == 0 and StockLevel.objects.get(pk=cn_level.pk).on_hand == 0
    balances = _balances()
    assert balances["till_cash:store"] == 3630
    assert balances["seller_payable:seller"] == -(1210 - 120) - (2420 - 240 - 420)
    assert balances["commission_revenue:"] == -(60 + 120)
    assert balances["partner_payable:partner"] == -(60 + 120)
    assert balances["vat_payable:market"] == -420
    assert set(ledger_sums().values()) == {0}


def test_unknown_gtin_and_unit_of_another_store_and_held_unit_are_refused():
    store, clerk = setup()
    other = sf.store("Comptoir Sevilla", city_name="Sevilla")
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, level = on_shelf(store, seller)
    _o2, level_b = on_shelf(other, seller, title="Chair")
    session = services.till_open(store=store, user=clerk, opening_float=0)
    with pytest.raises(errors.UnknownGtin):
        services.basket_add_gtin(session=session, gtin="4006381333931")
    with pytest.raises(errors.UnknownGtin):
        services.basket_add_gtin(session=session, gtin="12ab")
    with pytest.raises(errors.NotOnThisShelf):
        services.basket_add_gtin(session=session, gtin=_o2.product.gtin)
    with pytest.raises(errors.NotOnThisShelf):
        services.basket_add_level(session=session, stock_level_id=level_b.pk)
    services.basket_add_gtin(session=session, gtin=offer.product.gtin)
    with pytest.raises(errors.ShelfOutOfStock):
        services.basket_add_gtin(session=session, gtin=offer.product.gtin)
    assert StockLevel.objects.get(pk=level.pk).held == 1


def test_cash_short_and_empty_basket_write_nothing():
    store, clerk = setup()
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, level = on_shelf(store, seller)
    session = services.till_open(store=store, user=clerk, opening_float=0)
    with pytest.raises(errors.BasketEmpty):
        services.sale_pay(session=session, user=clerk, method="cash", cash_given=100)
    services.basket_add_gtin(session=session, gtin=offer.product.gtin)
    with pytest.raises(errors.CashShort):
        services.sale_pay(session=session, user=clerk, method="cash", cash_given=1209)
    assert PosSale.objects.count() == 0 and JournalEntry.objects.count() == 0 and SalesJournalEntry.objects.count() == 0
    assert StockLevel.objects.get(pk=level.pk).on_hand == 1


def test_card_sale_on_the_test_terminal_and_a_declined_card():
    store, clerk = setup()
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, _level = on_shelf(store, seller, net_price=1000)
    cheap, _l2 = on_shelf(store, seller, net_price=1, title="Sticker")  # 1 + 0 VAT: gross 1 → "…01" declines
    session = services.till_open(store=store, user=clerk, opening_float=0)
    services.basket_add_gtin(session=session, gtin=cheap.product.gtin)
    with pytest.raises(errors.CardDeclined):
        services.sale_pay(session=session, user=clerk, method="card", terminal=TestTerminal())
    services.basket_remove(session=session, hold_id=services.basket_holds(session)[0].pk)
    services.basket_add_gtin(session=session, gtin=offer.product.gtin)
    sale = services.sale_pay(session=session, user=clerk, method="card", terminal=TestTerminal())
    assert sale.total_gross == 1210 and sale.terminal_reference.startswith("term_test_")
    assert _balances()["cash:provider"] == 1210


def test_close_with_a_cash_difference_posts_it_and_appends_the_z_report_closing_twice_is_refused():
    store, clerk = setup()
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, _level = on_shelf(store, seller, net_price=1000, units=2)
    session = services.till_open(store=store, user=clerk, opening_float=10000)
    services.basket_add_gtin(session=session, gtin=offer.product.gtin)
    services.sale_pay(session=session, user=clerk, method="cash", cash_given=2000)
    closed = services.till_close(session=session, user=clerk, counted_cash=11200)
    assert (closed.expected_cash, closed.counted_cash, closed.difference) == (11210, 11200, -10)
    balances = _balances()
    assert balances["till_cash:store"] == 1210 - 10 and balances["adjustments:"] == 10
    z = SalesJournalEntry.objects.get(kind="z_report")
    assert '"difference":-10' in z.payload and '"sales":1' in z.payload
    with pytest.raises(errors.TillAlreadyClosed):
        services.till_close(session=session, user=clerk, counted_cash=11210)
    assert SalesJournalEntry.objects.filter(kind="z_report").count() == 1
    assert set(ledger_sums().values()) == {0}


def test_return_within_30_days_refunds_in_proportion_and_puts_the_unit_back_a_larger_refund_is_refused():
    store, clerk = setup(partner_share=5000)
    seller = f.seller("Shenzhen Goods", country="CN", city_name="Madrid")
    offer, level = on_shelf(store, seller, net_price=1000)
    session = services.till_open(store=store, user=clerk, opening_float=5000)
    services.basket_add_gtin(session=session, gtin=offer.product.gtin)
    sale = services.sale_pay(session=session, user=clerk, method="cash", cash_given=1210)
    with pytest.raises(errors.RefundExceedsSale):
        services.sale_return(session=session, user=clerk, receipt_number=sale.number, amount=1211)
    line = sale.lines.get()
    refund = services.sale_return(session=session, user=clerk, receipt_number=sale.number, amount=1210, units={line.pk: 1})
    assert refund.total_gross == 1210 and refund.kind == "return"
    assert StockLevel.objects.get(pk=level.pk).on_hand == 1
    balances = _balances()
    assert {k: v for k, v in balances.items() if v} == {}
    with pytest.raises(errors.RefundExceedsSale):
        services.sale_return(session=session, user=clerk, receipt_number=sale.number, amount=1)
    assert set(ledger_sums().values()) == {0}


def test_journal_chain_is_append_only_and_a_tampered_entry_is_found():
    store, clerk = setup()
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, _level = on_shelf(store, seller, units=3)
    session = services.till_open(store=store, user=clerk, opening_float=0)
    for _ in range(3):
        services.basket_add_gtin(session=session, gtin=offer.product.gtin)
        services.sale_pay(session=session, user=clerk, method="cash", cash_given=1210)
    assert services.journal_verify(store=store).intact and services.journal_verify(store=store).entries == 3
    entry = SalesJournalEntry.objects.get(store=store, sequence=2)
    with pytest.raises(JournalImmutable):
        entry.save()
    with pytest.raises(JournalImmutable):
        SalesJournalEntry.objects.filter(pk=entry.pk).update(payload="{}")
    with pytest.raises(JournalImmutable):
        entry.delete()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE stores_salesjournalentry SET payload = '{}' WHERE id = %s", [entry.pk])
    tamper(entry.pk, entry.payload.replace('"gross":1210', '"gross":121'))
    check = services.journal_verify(store=store)
    assert (check.intact, check.broken_till, check.first_broken, check.reason) == (False, 1, 2, "content_hash_mismatch")
    assert check.reason is ChainBreak.CONTENT_HASH_MISMATCH
    with translation.override("fr"):
        assert check.reason_message == "le contenu ne correspond pas à son empreinte"
    with translation.override("es"):
        assert check.reason_message == "el contenido no corresponde a su huella"
    assert check.reason_message == "the content does not match its hash"


def test_each_till_keeps_its_own_chain_and_a_tampered_entry_of_any_till_is_found():
    store, clerk = setup()
    other_clerk = sf.staff(store)
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, _level = on_shelf(store, seller, units=5)
    one = services.till_open(store=store, user=clerk, opening_float=0, till=1)
    two = services.till_open(store=store, user=other_clerk, opening_float=0, till=2)
    for session, user in ((one, clerk), (two, other_clerk), (two, other_clerk), (one, clerk), (two, other_clerk)):
        services.basket_add_gtin(session=session, gtin=offer.product.gtin)
        services.sale_pay(session=session, user=user, method="cash", cash_given=1210)
    services.till_close(session=two, user=other_clerk, counted_cash=3630)
    chains = list(SalesJournalEntry.objects.filter(store=store).order_by("till", "sequence").values_list("till", "sequence", "kind"))
    assert chains == [(1, 1, "receipt"), (1, 2, "receipt"), (2, 1, "receipt"), (2, 2, "receipt"), (2, 3, "receipt"), (2, 4, "z_report")]
    first_of_two = SalesJournalEntry.objects.get(store=store, till=2, sequence=1)
    assert first_of_two.previous_hash == "0" * 64 and '"till":2' in first_of_two.payload
    second_of_two = SalesJournalEntry.objects.get(store=store, till=2, sequence=2)
    assert second_of_two.previous_hash == first_of_two.hash
    check = services.journal_verify(store=store)
    assert (check.intact, check.entries, check.chains) == (True, 6, 2)
    # The Z report of till 2 counts till 2's sales only.
    assert '"sales":3' in SalesJournalEntry.objects.get(kind="z_report").payload
    tamper(second_of_two.pk, second_of_two.payload.replace('"gross":1210', '"gross":0'))
    check = services.journal_verify(store=store)
    assert (check.intact, check.broken_till, check.first_broken, check.reason) == (False, 2, 2, ChainBreak.CONTENT_HASH_MISMATCH)
    with translation.override("fr"):
        assert check.reason_message == "le contenu ne correspond pas à son empreinte"
    with translation.override("de"):
        assert check.reason_message == "der Inhalt stimmt nicht mit seinem Hash überein"
    # The command prints the reason in the active language with its code, and exits 1.
    out = io.StringIO()
    with translation.override("it"), pytest.raises(CommandError, match=f"tampered journal: {store.slug}"):
        call_command("journal_verify", "--store", store.slug, stdout=out)
    assert out.getvalue() == (f"{store.slug}: BROKEN at till 2 entry 2: il contenuto non corrisponde alla sua impronta "
                              "(content_hash_mismatch)\n")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("journal_verify", "--store", store.slug, stdout=out)
    assert out.getvalue() == f"{store.slug}: BROKEN at till 2 entry 2: the content does not match its hash (content_hash_mismatch)\n"


def tamper(entry_id: int, payload: str) -> None:
    """What an attacker with database access does: drop the trigger, change a row."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")  # a superuser skips ordinary triggers
            cur.execute("UPDATE stores_salesjournalentry SET payload = %s WHERE id = %s", [payload, entry_id])
            cur.execute("SET session_replication_role = DEFAULT")
        else:
            cur.execute("DROP TRIGGER salesjournal_no_update")
            cur.execute("UPDATE stores_salesjournalentry SET payload = %s WHERE id = %s", [payload, entry_id])
            cur.execute("CREATE TRIGGER salesjournal_no_update BEFORE UPDATE ON stores_salesjournalentry "
                        "BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END;")


def test_a_return_carries_per_line_vat_and_the_z_report_vat_table_nets_it():
    """ES: standard 21 %, books 4 %. The book comes back (its price refunded), then half the
    lamp's price is refunded without the lamp: each refund's lines carry the VAT of the line
    they refund, the Z report subtracts them, and the ledger reads the same parts."""
    store, clerk = setup(partner_share=5000)
    eu = f.seller("Taller", country="ES", city_name="Madrid")
    cn = f.seller("Shenzhen Goods", country="CN", city_name="Madrid")
    lamp, _l1 = on_shelf(store, eu, net_price=1000)
    book, book_level = on_shelf(store, cn, net_price=2000, title="Atlas", tax_class="books")
    session = services.till_open(store=store, user=clerk, opening_float=0)
    services.basket_add_gtin(session=session, gtin=lamp.product.gtin)
    services.basket_add_gtin(session=session, gtin=book.product.gtin)
    sale = services.sale_pay(session=session, user=clerk, method="cash", cash_given=3290)
    assert (sale.total_net, sale.total_vat, sale.total_gross) == (3000, 290, 3290)  # 1000 + 210, 2000 + 80
    lamp_line, book_line = sale.lines.get(rate_bp=2100), sale.lines.get(rate_bp=400)

    back = services.sale_return(session=session, user=clerk, receipt_number=sale.number, amount=2080, units={book_line.pk: 1})
    assert (back.total_net, back.total_vat, back.total_gross) == (2000, 80, 2080)
    assert [(ln.returned_line_id, ln.quantity, ln.rate_bp, ln.net, ln.vat, ln.gross, ln.commission, ln.partner_share)
            for ln in back.lines.all()] == [(book_line.pk, 1, 400, 2000, 80, 2080, book_line.commission, book_line.partner_share)]
    assert StockLevel.objects.get(pk=book_level.pk).on_hand == 1

    half = services.sale_return(session=session, user=clerk, receipt_number=sale.number, amount=605)
    assert [(ln.returned_line_id, ln.quantity, ln.rate_bp, ln.net, ln.vat, ln.gross) for ln in half.lines.all()] == [
        (lamp_line.pk, 0, 2100, 500, 105, 605)]
    totals = services.session_totals(session)
    assert totals.vat_by_rate == {2100: (500, 105), 400: (0, 0)}
    assert (totals.sales_gross, totals.returns_gross, totals.cash_in, totals.cash_out) == (3290, 2685, 3290, 2685)
    closed = services.till_close(session=session, user=clerk, counted_cash=605)
    assert closed.difference == 0
    z = SalesJournalEntry.objects.get(kind="z_report")
    assert '"vat":{"2100":[500,105],"400":[0,0]}' in z.payload
    balances = _balances()
    # The book's VAT (marketplace liable, non-EU seller) is given back whole; the seller's lamp
    # VAT stays in its payable, half of it refunded with the half price.
    assert balances["vat_payable:market"] == 0
    assert balances["till_cash:store"] == 605
    assert balances["seller_payable:seller"] == -(1210 - lamp_line.commission) + (605 - lamp_line.commission // 2)
    assert set(ledger_sums().values()) == {0}


# Per database: PostgreSQL takes the basket hold in one locking CTE statement, SQLite in a SELECT and an UPDATE.
SALE_STATEMENTS = {"sqlite": 24, "postgresql": 23}


def test_a_scanned_cash_sale_takes_a_pinned_number_of_statements(django_assert_num_queries):
    """Counted, not timed (bench/store.py times it): scan + pay of one unit, the tenth sale of an
    open session (accounts exist)."""
    store, clerk = setup(partner_share=5000)
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, _level = on_shelf(store, seller, units=20)
    session = services.till_open(store=store, user=clerk, opening_float=0)
    for _ in range(9):
        services.basket_add_gtin(session=session, gtin=offer.product.gtin)
        services.sale_pay(session=session, user=clerk, method="cash", cash_given=1210)
    with django_assert_num_queries(SALE_STATEMENTS[connection.vendor]):
        services.basket_add_gtin(session=session, gtin=offer.product.gtin)
        services.sale_pay(session=session, user=clerk, method="cash", cash_given=1210)


def test_the_till_rates_a_product_by_its_own_vat_kind_over_its_categorys():
    """A cookbook sold among kitchenware: its category is standard-rated (ES 21 %), the product
    itself is a book (4 %); the till, like the online checkout, charges the book rate."""
    from comptoir.markets.models import TaxClass

    store, clerk = setup()
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    cookbook, _level = on_shelf(store, seller, net_price=2000, title="Cookbook")
    assert cookbook.product.category.tax_class == TaxClass.STANDARD
    cookbook.product.tax_class = TaxClass.BOOKS
    cookbook.product.save(update_fields=["tax_class"])
    session = services.till_open(store=store, user=clerk, opening_float=0)
    services.basket_add_gtin(session=session, gtin=cookbook.product.gtin)
    sale = services.sale_pay(session=session, user=clerk, method="cash", cash_given=2080)
    assert (sale.total_net, sale.total_vat, sale.total_gross) == (2000, 80, 2080)
    assert list(sale.lines.values_list("rate_bp", "vat")) == [(400, 80)]
