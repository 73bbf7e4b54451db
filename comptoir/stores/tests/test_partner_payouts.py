"""Store partners are paid their share of the commission in the weekly payout run, like sellers:
balance less a reserve for till sales that can still be returned (30 days), one balanced journal
entry per payout, in the same pain.001 file (validated against its XSD), never more than the
balance; a partner without bank details is held and said so. And the partner's statement.

The store's partner earns 50 % of the commission. Prices (VAT 21 %):
* Taller (ES, liable for its VAT), net 10.00: gross 12.10, commission 1.20, partner 0.60, seller 10.90
* Shenzhen Goods (CN, the marketplace liable), net 20.00: gross 24.20, commission 2.40, partner 1.20,
  VAT 4.20, seller 17.60
Sales: A 40 days ago (both: partner 1.80), B 5 days ago (Shenzhen: partner 1.20, returnable),
C 10 days ago (Taller, partner 0.60) returned in full 8 days ago (partner −0.60)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import xmlschema
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from comptoir.ledger import errors as ledger_errors
from comptoir.ledger.models import AccountKind, EntryKind, JournalLine, Payout, PayoutRun
from comptoir.ledger.payouts import payout_run_mark_paid
from comptoir.ledger.selectors import partner_balance, seller_balance
from comptoir.ledger.services import ledger_post_payout
from comptoir.ledger.tests.helpers import assert_ledger_balanced
from comptoir.orders.tests import factories as f
from comptoir.sellers.models import Seller, WebhookDelivery
from comptoir.stores import errors, services
from comptoir.stores.models import Partner, PartnerMember
from comptoir.web.payouts import plan_now, run_now

from .till_factories import on_shelf, setup

pytestmark = pytest.mark.django_db
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
PARTNER_IBAN, TALLER_IBAN, SHENZHEN_IBAN = "ES9121000418450200051332", "FR1420041010050500013M02606", "DE89370400440532013000"


@pytest.fixture
def till_world():
    store, clerk = setup(partner_share=5000)
    partner = store.partner
    services.partner_bank_details_set(partner=partner, iban="ES91 2100 0418 4502 0005 1332", holder="Socio SL  cuenta tiendas")
    taller = f.seller("Taller", country="ES", city_name="Madrid")
    shenzhen = f.seller("Shenzhen Goods", country="CN", city_name="Madrid")
    Seller.objects.filter(pk=taller.pk).update(iban=TALLER_IBAN)
    Seller.objects.filter(pk=shenzhen.pk).update(iban=SHENZHEN_IBAN)
    taller_offer, _ = on_shelf(store, taller, net_price=1000, units=2)
    shenzhen_offer, _ = on_shelf(store, shenzhen, net_price=2000, units=2)
    session = services.till_open(store=store, user=clerk, opening_float=10000)
    now = timezone.now()

    def sell(*offers, days_ago: int):
        for offer in offers:
            services.basket_add_gtin(session=session, gtin=offer.product.gtin)
        return services.sale_pay(session=session, user=clerk, method="cash", cash_given=10000, at=now - timedelta(days=days_ago))

    sale_a = sell(taller_offer, shenzhen_offer, days_ago=40)
    sale_b = sell(shenzhen_offer, days_ago=5)
    sale_c = sell(taller_offer, days_ago=10)
    services.sale_return(session=session, user=clerk, receipt_number=sale_c.number, amount=1210, at=now - timedelta(days=8))
    partner.refresh_from_db()
    return {"store": store, "partner": partner, "taller": taller, "shenzhen": shenzhen, "sales": (sale_a, sale_b, sale_c)}


def _xsd():
    return xmlschema.XMLSchema(os.path.join(os.path.dirname(__import__("sepaxml").__file__), "schemas", "pain.001.001.03.xsd"))


def test_the_plan_pays_the_partner_its_balance_less_the_share_of_sales_still_returnable(till_world):
    partner, taller, shenzhen = till_world["partner"], till_world["taller"], till_world["shenzhen"]
    assert partner_balance(partner_id=partner.pk, currency="EUR") == 180 + 120 + 60 - 60
    lines = {("partner", line.partner_id) if line.is_partner else ("seller", line.seller_id): line for line in plan_now()}
    assert [(line.seller_name, line.balance, line.reserve, line.amount, line.held_reason) for line in lines.values()] == [
        ("Shenzhen Goods SAS", 1760 + 1760, 1760, 1760, ""),  # sale B can still come back
        ("Taller SAS", 1090 + 1090 - 1090, 0, 1090, ""),  # sale C came back already: nothing of it to keep
        ("Socio SL cuenta tiendas", 300, 120, 180, ""),
    ]
    assert lines[("partner", partner.pk)].iban == PARTNER_IBAN
    assert set(lines) == {("seller", taller.pk), ("seller", shenzhen.pk), ("partner", partner.pk)}


def test_one_run_pays_sellers_and_the_partner_in_one_valid_pain001_with_the_journals_totals(till_world):
    partner, taller, shenzhen = till_world["partner"], till_world["taller"], till_world["shenzhen"]
    run = run_now(execution_date=dt.date(2026, 12, 7))

    payout = Payout.objects.get(run=run, partner_id=partner.pk)
    assert (payout.seller_id, payout.balance, payout.reserve, payout.amount, payout.iban, payout.beneficiary, payout.end_to_end_id) == (
        None, 300, 120, 180, PARTNER_IBAN, "Socio SL cuenta tiendas", f"CPT-{run.pk}-P{partner.pk}")
    assert {p.seller_id: p.amount for p in Payout.objects.filter(run=run, seller__isnull=False)} == {taller.pk: 1090, shenzhen.pk: 1760}
    assert (run.total, run.payout_count) == (3030, 3)
    # the partner's payout entry: Dr partner payable 1.80, Cr payouts 1.80
    lines = sorted(payout.entry.lines.values_list("account__kind", "account__owner_type", "account__owner_id", "amount"))
    assert (payout.entry.kind, lines) == (EntryKind.PAYOUT, [("partner_payable", "partner", str(partner.pk), 180), ("payouts", "", "", -180)])
    assert (partner_balance(partner_id=partner.pk, currency="EUR"), seller_balance(seller_id=shenzhen.pk, currency="EUR")) == (120, 1760)

    _xsd().validate(run.sepa_xml)
    root = ET.fromstring(run.sepa_xml)
    assert root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", NS).text == "3"
    assert root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", NS).text == "30.30"
    txs = {tx.find("p:CdtrAcct/p:Id/p:IBAN", NS).text: (tx.find("p:Cdtr/p:Nm", NS).text, tx.find("p:Amt/p:InstdAmt", NS).text,
                                                         tx.find("p:PmtId/p:EndToEndId", NS).text) for tx in root.findall(".//p:CdtTrfTxInf", NS)}
    assert txs[PARTNER_IBAN] == ("Socio SL cuenta tiendas", "1.80", f"CPT-{run.pk}-P{partner.pk}")
    assert {iban: amount for iban, (_name, amount, _id) in txs.items()} == {PARTNER_IBAN: "1.80", TALLER_IBAN: "10.90", SHENZHEN_IBAN: "17.60"}
    journal = -JournalLine.objects.filter(account__kind=AccountKind.PAYOUTS, entry__kind=EntryKind.PAYOUT).aggregate(s=Sum("amount"))["s"]
    assert journal == run.total == 3030
    assert_ledger_balanced()

    with pytest.raises(ledger_errors.LedgerError) as exc:  # nothing more is available right after
        run_now()
    assert exc.value.code == "payout_nothing_to_pay"


def test_a_partner_without_bank_details_is_held_and_the_sellers_are_still_paid(till_world):
    Partner.objects.filter(pk=till_world["partner"].pk).update(iban="")
    [line] = [line for line in plan_now() if line.is_partner]
    assert (line.balance, line.reserve, line.amount, line.held_reason) == (300, 120, 0, "no IBAN")
    run = run_now()
    assert list(Payout.objects.filter(run=run).values_list("partner_id", flat=True)) == [None, None]
    assert partner_balance(partner_id=till_world["partner"].pk, currency="EUR") == 300


def test_a_partner_payout_never_exceeds_its_balance_and_names_one_payee(till_world):
    partner = till_world["partner"]
    with pytest.raises(ledger_errors.InsufficientBalance):
        ledger_post_payout(partner_id=partner.pk, currency="EUR", amount=301, unique_key="too-much")
    with pytest.raises(ledger_errors.LedgerError) as exc:
        ledger_post_payout(partner_id=partner.pk, seller_id=till_world["taller"].pk, currency="EUR", amount=1, unique_key="two")
    assert exc.value.code == "ledger_payout_payee"
    ledger_post_payout(partner_id=partner.pk, currency="EUR", amount=300, unique_key="all")
    assert partner_balance(partner_id=partner.pk, currency="EUR") == 0
    assert_ledger_balanced()


def test_marking_the_run_paid_sends_webhooks_to_sellers_only(till_world):
    from comptoir.sellers.webhooks import webhook_endpoint_create

    webhook_endpoint_create(seller=till_world["taller"], url="http://127.0.0.1:9/comptoir", events=["payout.paid"])
    run = payout_run_mark_paid(run=run_now())
    assert run.state == "paid"
    [delivery] = WebhookDelivery.objects.all()
    assert json.loads(delivery.body)["data"]["payout"]["end_to_end_id"] == f"CPT-{run.pk}-{till_world['taller'].pk}"


def test_bank_details_are_checked_like_a_sellers():
    partner = Partner.objects.create(legal_name="Socio SL", country="ES", company_id="B12345678")
    with pytest.raises(errors.PartnerInvalid) as exc:
        services.partner_bank_details_set(partner=partner, iban="ES92 2100 0418 4502 0005 1332")
    assert exc.value.errors == {"iban": "IBAN ES92 2100 0418 4502 0005 1332: the check digits do not match (checksum error); check for a typo."}
    assert exc.value.codes == {"iban": "iban_checksum"}
    with pytest.raises(errors.PartnerInvalid) as exc:
        services.partner_bank_details_set(partner=partner, iban="DE89 3704 0044 0532 0130 01")
    assert exc.value.codes == {"iban": "iban_checksum"}
    with pytest.raises(errors.PartnerInvalid) as exc:
        services.partner_bank_details_set(partner=partner, iban="")
    assert exc.value.codes == {"iban": "iban_required"}
    with pytest.raises(errors.PartnerInvalid) as exc:
        services.partner_bank_details_set(partner=partner, iban=PARTNER_IBAN, holder="x" * 71)
    assert exc.value.codes == {"iban_holder": "iban_holder_too_long"}
    partner.refresh_from_db()
    assert (partner.iban, partner.iban_holder) == ("", "")
    services.partner_bank_details_set(partner=partner, iban="es91 2100 0418 4502 0005 1332")
    partner.refresh_from_db()
    assert (partner.iban, partner.beneficiary) == (PARTNER_IBAN, "Socio SL")


def test_the_partner_statement_page_and_csv_are_the_partners_members_and_operators_only(till_world):
    partner = till_world["partner"]
    member, outsider, other_member = f.user("socio@example.es"), f.user("nobody@example.es"), f.user("otro@example.es")
    PartnerMember.objects.create(user=member, partner=partner)
    other = Partner.objects.create(legal_name="Otro SL", country="ES", company_id="B87654321")
    PartnerMember.objects.create(user=other_member, partner=other)
    run = run_now()
    c = Client()
    c.force_login(member)
    html = c.get(f"/store/partners/{partner.pk}/statement/").content.decode()
    assert f"CPT-{run.pk}-P{partner.pk}" in html and 'id="partner-balance">€1.20<' in html.replace("\xa0", "")
    rows = list(csv.DictReader(io.StringIO(c.get(f"/store/partners/{partner.pk}/statement.csv").content.decode())))
    assert [(r["kind"], int(r["amount_minor"]), int(r["balance_minor"])) for r in rows] == [
        ("pos_sale", 180, 180), ("pos_sale", 120, 300), ("pos_sale", 60, 360), ("pos_return", -60, 300), ("payout", -180, 120)]
    for user in (outsider, other_member):
        c.force_login(user)
        assert c.get(f"/store/partners/{partner.pk}/statement/").status_code == 404
        assert c.get(f"/store/partners/{partner.pk}/statement.csv").status_code == 404
    c.force_login(f.user("op@comptoir.test", is_staff=True))
    assert c.get(f"/store/partners/{partner.pk}/statement/").status_code == 200
    assert Client().get(f"/store/partners/{partner.pk}/statement/").status_code == 302  # to the sign-in page


def test_the_operator_page_lists_the_partner_apart_and_the_command_pays_it(till_world, tmp_path):
    from django.core.management import call_command

    c = Client()
    c.force_login(f.user("op@comptoir.test", is_staff=True))
    html = c.get("/operator/payouts/").content.decode()
    assert f'data-partner="{till_world["partner"].pk}"' in html and "Store partner</span> Socio SL cuenta tiendas" in html
    assert 'id="plan-partners">1<' in html
    out = io.StringIO()
    call_command("payouts_run", "--dry-run", stdout=out)
    assert "[partner] Socio SL cuenta tiendas" in out.getvalue()
    call_command("payouts_run", "--output", str(tmp_path / "run.xml"), stdout=io.StringIO())
    _xsd().validate((tmp_path / "run.xml").read_text())
    assert PayoutRun.objects.get().payouts.filter(partner_id=till_world["partner"].pk).get().amount == 180
