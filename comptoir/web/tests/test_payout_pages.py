"""Operator payouts page and command; the seller's statement (page and CSV) and payouts."""
import csv
import io

import pytest
import xmlschema
from django.core.management import call_command
from django.test import Client

from comptoir.ledger.models import Payout, PayoutRun
from comptoir.ledger.selectors import seller_balance
from comptoir.ledger.tests.test_payouts import demo  # noqa: F401  (fixture)
from comptoir.orders.tests import factories as f
from comptoir.sellers.models import SellerMember, WebhookDelivery
from comptoir.sellers.webhooks import webhook_endpoint_create

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = "en"
    return c


def _xsd():
    import os

    import sepaxml

    return xmlschema.XMLSchema(os.path.join(os.path.dirname(sepaxml.__file__), "schemas", "pain.001.001.03.xsd"))


def test_payouts_page_is_staff_only(demo):  # noqa: F811
    assert Client().get("/operator/payouts/").status_code == 302
    assert signed_in(f.user("x@example.com")).get("/operator/payouts/").status_code == 403
    assert signed_in(f.user("x2@example.com")).post("/operator/payouts/run/").status_code == 403
    assert PayoutRun.objects.count() == 0


def test_operator_runs_payouts_downloads_the_file_and_marks_it_paid(demo, django_capture_on_commit_callbacks):  # noqa: F811
    op = signed_in(f.user("op@comptoir.test", is_staff=True))
    html = op.get("/operator/payouts/").content.decode()
    assert "Atelier Lyon SAS" in html and 'id="run-payouts"' in html
    webhook_endpoint_create(seller=demo["fr"], url="https://8.8.8.8/hook", events=["payout.paid"])
    assert op.post("/operator/payouts/run/").status_code == 302
    run = PayoutRun.objects.get()
    xml = op.get(f"/operator/payouts/{run.pk}.xml")
    assert xml["Content-Disposition"] == f'attachment; filename="comptoir-payouts-{run.pk}.xml"'
    _xsd().validate(xml.content.decode())
    with django_capture_on_commit_callbacks(execute=False):
        op.post(f"/operator/payouts/{run.pk}/paid/")
    run.refresh_from_db()
    assert run.state == "paid"
    [delivery] = WebhookDelivery.objects.filter(event="payout.paid")
    assert f'"amount":{Payout.objects.get(run=run, seller=demo["fr"]).amount}' in delivery.body
    assert "No seller has a balance" not in op.get("/operator/payouts/").content.decode()


def test_payouts_run_command_writes_a_valid_file(demo, tmp_path):  # noqa: F811
    out = io.StringIO()
    call_command("payouts_run", "--dry-run", stdout=out)
    assert "Atelier Lyon SAS" in out.getvalue() and PayoutRun.objects.count() == 0
    path = tmp_path / "run.xml"
    call_command("payouts_run", "--output", str(path), "--execution-date", "2026-12-07", stdout=io.StringIO())
    run = PayoutRun.objects.get()
    assert path.read_text() == run.sepa_xml
    _xsd().validate(path.read_text())
    assert str(run.execution_date) == "2026-12-07"


def test_statement_page_and_csv_show_only_the_sellers_own_movements(demo):  # noqa: F811
    fr, es = demo["fr"], demo["es"]
    owner_fr, staff_fr, owner_es = f.user("o@fr.fr"), f.user("s@fr.fr"), f.user("o@es.es")
    SellerMember.objects.create(user=owner_fr, seller=fr, role="owner")
    SellerMember.objects.create(user=staff_fr, seller=fr, role="staff")
    SellerMember.objects.create(user=owner_es, seller=es, role="owner")
    from comptoir.web.payouts import run_now

    run_now()
    html = signed_in(owner_fr).get("/seller/statement/").content.decode()
    assert f"CPT-{PayoutRun.objects.get().pk}-{fr.pk}" in html and f"CPT-{PayoutRun.objects.get().pk}-{es.pk}" not in html
    rows = list(csv.DictReader(io.StringIO(signed_in(owner_fr).get("/seller/statement.csv").content.decode())))
    assert [r["kind"] for r in rows] == ["capture", "capture", "capture", "payout"]
    assert int(rows[-1]["balance_minor"]) == seller_balance(seller_id=fr.pk, currency="EUR")
    assert all(f"seller_order:{demo['es_old'].pk}" not in r["reference"] for r in rows)
    es_rows = list(csv.DictReader(io.StringIO(signed_in(owner_es).get("/seller/statement.csv").content.decode())))
    assert {r["kind"] for r in es_rows} == {"capture", "refund", "payout"}
    assert signed_in(staff_fr).get("/seller/statement/").status_code == 403
    assert signed_in(staff_fr).get("/seller/statement.csv").status_code == 403
