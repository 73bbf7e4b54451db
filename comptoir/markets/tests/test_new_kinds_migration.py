"""The migration adding daily newspapers and reimbursed medicines: every existing market gets them
at its press and medicines rates on the same dates, Belgian dailies 0 %, French reimbursed
medicines 2.1 %; run twice it adds nothing."""
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("markets", "0003_vat_by_product_kind")]
AFTER = [("markets", "0004_vat_kinds_daily_press_reimbursed_meds")]


@pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))
def test_existing_markets_get_rates_for_daily_papers_and_reimbursed_medicines():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Market, VatRate = old.get_model("markets", "Market"), old.get_model("markets", "VatRate")
    VatRate.objects.all().delete()
    Market.objects.all().delete()
    rates = {
        "FR": [("press", 210, date(2014, 1, 1)), ("medicines", 1000, date(2014, 1, 1))],
        "BE": [("press", 600, date(1996, 1, 1)), ("medicines", 600, date(1996, 1, 1))],
        "CH": [("press", 250, date(2018, 1, 1)), ("press", 260, date(2024, 1, 1)), ("medicines", 260, date(2024, 1, 1))],
    }
    for code, rows in rates.items():
        market = Market.objects.create(code=code, name=code, currency="EUR", languages=["en"])
        for kind, bp, since in rows:
            VatRate.objects.create(market=market, tax_class=kind, rate_bp=bp, valid_from=since)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    NewVatRate = new.get_model("markets", "VatRate")
    added = sorted(
        (r.market.code, r.tax_class, r.valid_from, r.rate_bp)
        for r in NewVatRate.objects.filter(tax_class__in=["daily_press", "reimbursed_meds"]).select_related("market")
    )
    assert added == [
        ("BE", "daily_press", date(1996, 1, 1), 0),
        ("BE", "reimbursed_meds", date(1996, 1, 1), 600),
        ("CH", "daily_press", date(2018, 1, 1), 250),
        ("CH", "daily_press", date(2024, 1, 1), 260),
        ("CH", "reimbursed_meds", date(2024, 1, 1), 260),
        ("FR", "daily_press", date(2014, 1, 1), 210),
        ("FR", "reimbursed_meds", date(2014, 1, 1), 210),
    ]
    count = NewVatRate.objects.count()
    migration = executor.loader.get_migration("markets", "0004_vat_kinds_daily_press_reimbursed_meds")
    migration.operations[-1].code(new, connection.schema_editor())  # run again: nothing new
    assert NewVatRate.objects.count() == count
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
