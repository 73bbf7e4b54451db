"""Weekly payouts on demo-like data: sellers from FR, ES and CN (paid to an EU account) with
orders delivered long ago (available), recently (reserved) and refunded. The pain.001 file
validates against its XSD and its totals equal the journal's; a payout never exceeds the
balance; a refund after a payout carries a negative balance forward."""
import datetime as dt
import os
import xml.etree.ElementTree as ET

import pytest
import xmlschema
from django.db.models import Sum
from django.utils import timezone

from comptoir.ledger import errors
from comptoir.ledger.models import AccountKind, EntryKind, JournalLine, Payout, PayoutRun
from comptoir.ledger.selectors import seller_balance
from comptoir.ledger.tests.helpers import assert_ledger_balanced
from comptoir.orders.services import (
    seller_order_accept, seller_order_deliver, seller_order_refund, seller_order_return_receive, seller_order_return_request,
    seller_order_ship,
)
from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import place
from comptoir.sellers.models import Seller
from comptoir.web.payouts import plan_now, run_now

pytestmark = pytest.mark.django_db
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
IBANS = {"FR": "FR1420041010050500013M02606", "ES": "ES9121000418450200051332", "CN": "DE89370400440532013000"}


def _sell(buyer, offer, qty, *, delivered_days_ago=None):
    part = place(buyer, [(offer, qty)]).parts.get()
    seller_order_accept(seller_order_id=part.pk, seller=part.seller)
    if delivered_days_ago is not None:
        seller_order_ship(seller_order_id=part.pk, seller=part.seller, carrier="Colissimo", tracking_number=f"T{part.pk}")
        seller_order_deliver(seller_order_id=part.pk, seller=part.seller, at=timezone.now() - dt.timedelta(days=delivered_days_ago))
    part.refresh_from_db()
    return part


def _share(part) -> int:
    """The seller's share of a part as the capture credited it."""
    return -JournalLine.objects.filter(entry__reference=f"seller_order:{part.pk}:capture", account__kind=AccountKind.SELLER_PAYABLE).aggregate(s=Sum("amount"))["s"]


@pytest.fixture
def demo():
    f.market("FR")
    f.market("ES")
    buyer = f.user("buyer@example.com")
    fr, es = f.seller("Atelier Lyon", city_name="Lyon"), f.seller("Tienda Sevilla", country="ES", city_name="Sevilla")
    cn = f.seller("Shenzhen Bright", country="CN", city_name="Shenzhen")
    for s in (fr, es, cn):
        Seller.objects.filter(pk=s.pk).update(iban=IBANS[s.country])
    o_fr, o_es, o_cn = f.offer(fr, net_price=1000, stock=50), f.offer(es, net_price=2500, stock=50), f.offer(cn, net_price=799, stock=50)
    parts = {
        "fr_old": _sell(buyer, o_fr, 3, delivered_days_ago=20),
        "fr_recent": _sell(buyer, o_fr, 1, delivered_days_ago=3),
        "fr_in_transit": _sell(buyer, o_fr, 2),
        "es_old": _sell(buyer, o_es, 2, delivered_days_ago=30),
        "cn_old": _sell(buyer, o_cn, 5, delivered_days_ago=15),
    }
    # a return refunded within the window: its money went back, nothing of it is paid out
    returned = _sell(buyer, o_es, 1, delivered_days_ago=2)
    seller_order_return_request(seller_order_id=returned.pk, buyer=buyer, reason="broken")
    seller_order_return_receive(seller_order_id=returned.pk, seller=es)
    seller_order_refund(seller_order_id=returned.pk, seller=es)
    for s in (fr, es, cn):
        s.refresh_from_db()
    return {"buyer": buyer, "fr": fr, "es": es, "cn": cn, "offers": (o_fr, o_es, o_cn), **parts}


def test_payout_run_pays_balance_less_reserve_and_its_pain001_validates(demo):
    fr, es, cn = demo["fr"], demo["es"], demo["cn"]
    balances = {s.pk: seller_balance(seller_id=s.pk, currency="EUR") for s in (fr, es, cn)}
    expected = {
        fr.pk: _share(demo["fr_old"]),  # the recent delivery and the one in transit are reserved
        es.pk: _share(demo["es_old"]),
        cn.pk: _share(demo["cn_old"]),
    }
    assert balances[fr.pk] == _share(demo["fr_old"]) + _share(demo["fr_recent"]) + _share(demo["fr_in_transit"])

    run = run_now(execution_date=dt.date(2026, 12, 7))

    payouts = {p.seller_id: p for p in Payout.objects.filter(run=run)}
    assert {pk: p.amount for pk, p in payouts.items()} == expected
    assert payouts[fr.pk].reserve == _share(demo["fr_recent"]) + _share(demo["fr_in_transit"])
    assert all(p.amount <= p.balance for p in payouts.values())
    # the file validates against the pain.001.001.03 XSD and its totals are the journal's
    xsd = xmlschema.XMLSchema(os.path.join(os.path.dirname(__import__("sepaxml").__file__), "schemas", "pain.001.001.03.xsd"))
    xsd.validate(run.sepa_xml)
    root = ET.fromstring(run.sepa_xml)
    ctrl_sum = root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", NS).text
    txs = root.findall(".//p:CdtTrfTxInf", NS)
    assert ctrl_sum == f"{sum(expected.values()) / 100:.2f}"
    assert root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", NS).text == "3"
    by_iban = {tx.find("p:CdtrAcct/p:Id/p:IBAN", NS).text: tx.find("p:Amt/p:InstdAmt", NS).text for tx in txs}
    assert by_iban == {IBANS[s.country]: f"{expected[s.pk] / 100:.2f}" for s in (fr, es, cn)}
    payout_journal = -JournalLine.objects.filter(account__kind=AccountKind.PAYOUTS, entry__kind=EntryKind.PAYOUT).aggregate(s=Sum("amount"))["s"]
    assert run.total == payout_journal == sum(expected.values())
    for s in (fr, es, cn):
        assert seller_balance(seller_id=s.pk, currency="EUR") == balances[s.pk] - expected[s.pk]
    assert_ledger_balanced()


def test_a_second_run_right_after_pays_nothing_more(demo):
    run_now()
    with pytest.raises(errors.LedgerError) as exc:
        run_now()
    assert exc.value.code == "payout_nothing_to_pay"
    assert PayoutRun.objects.count() == 1


def test_refund_after_payout_carries_a_negative_balance_forward(demo):
    """Returns inside the window are covered by the reserve; a refund of an order already paid
    out (a goodwill refund or a chargeback, posted in the ledger) makes the balance negative."""
    from comptoir.ledger.services import ledger_post_refund

    es, buyer, (_o_fr, o_es, _o_cn) = demo["es"], demo["buyer"], demo["offers"]
    run_now()
    assert seller_balance(seller_id=es.pk, currency="EUR") == 0
    ledger_post_refund(seller_order_ref=f"seller_order:{demo['es_old'].pk}", currency="EUR", refund_gross=1000, unique_key="goodwill-1")
    negative = seller_balance(seller_id=es.pk, currency="EUR")
    assert negative < 0
    [line] = [line for line in plan_now() if line.seller_id == es.pk]
    assert (line.amount, line.held_reason, line.balance) == (0, "negative balance carried forward", negative)
    # a later sale, once past its window, first makes up the negative balance
    later = _sell(buyer, o_es, 2, delivered_days_ago=20)
    [line] = [line for line in plan_now() if line.seller_id == es.pk]
    assert line.amount == negative + _share(later) == seller_balance(seller_id=es.pk, currency="EUR")
    run = run_now()
    assert Payout.objects.get(run=run, seller=es).amount == negative + _share(later)
    assert seller_balance(seller_id=es.pk, currency="EUR") == 0
    assert_ledger_balanced()


def test_suspended_or_ibanless_sellers_are_held(demo):
    from comptoir.inventory.services import seller_suspend

    seller_suspend(seller=demo["cn"])
    Seller.objects.filter(pk=demo["es"].pk).update(iban="")
    run = run_now()
    assert list(Payout.objects.filter(run=run).values_list("seller_id", flat=True)) == [demo["fr"].pk]
    held = {line.seller_id: line.held_reason for line in plan_now()}
    assert held[demo["cn"].pk] == "seller is suspended" and held[demo["es"].pk] == "no IBAN"


def test_a_failed_file_writes_nothing(demo):
    from comptoir.ledger.payouts import payout_run_create

    with pytest.raises(Exception):
        payout_run_create(open_seller_order_refs=[], debtor={"name": "Comptoir", "iban": "NOT-AN-IBAN"})
    assert PayoutRun.objects.count() == 0 and Payout.objects.count() == 0
    assert not JournalLine.objects.filter(entry__kind=EntryKind.PAYOUT).exists()
