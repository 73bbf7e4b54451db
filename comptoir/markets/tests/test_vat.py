from datetime import date

import pytest

from comptoir.markets.errors import UnknownCountry, VatRateMissing
from comptoir.markets.models import Market, TaxClass, VatRate
from comptoir.markets.selectors import vat_liable_party, vat_rate_bp, vat_rates_on
from comptoir.markets.services import markets_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    markets_seed()


ON = date(2026, 1, 1)
SERVED = ("FR", "ES", "IT", "DE", "BE", "PT", "NL", "LU", "IE")


def test_the_markets_served_are_the_eu_ones_of_the_table_and_china_is_not_one(seeded):
    assert sorted(Market.objects.values_list("code", flat=True)) == sorted(SERVED)  # CN: sellers only


@pytest.mark.parametrize(
    ("code", "books", "food", "basic_food", "standard"),
    [
        ("FR", 550, 550, 550, 2000),
        ("ES", 400, 1000, 400, 2100),
        ("IT", 400, 1000, 400, 2200),
        ("DE", 700, 700, 700, 1900),
        ("BE", 600, 600, 600, 2100),
        ("PT", 600, 600, 600, 2300),
        ("NL", 900, 900, 900, 2100),
        ("LU", 300, 300, 300, 1700),
        ("IE", 0, 0, 0, 2300),
    ],
)
def test_books_and_food_carry_each_markets_own_rate(seeded, code, books, food, basic_food, standard):
    assert vat_rate_bp(market=code, tax_class="books", on=ON) == books
    assert vat_rate_bp(market=code, tax_class="food", on=ON) == food
    assert vat_rate_bp(market=code, tax_class="basic_food", on=ON) == basic_food
    assert vat_rate_bp(market=code, tax_class="standard", on=ON) == standard


@pytest.mark.parametrize(
    ("code", "press", "medicines", "child_clothing"),
    [("FR", 210, 1000, 2000), ("ES", 400, 400, 2100), ("IT", 400, 1000, 2200), ("DE", 700, 1900, 1900),
     ("BE", 600, 600, 2100), ("PT", 600, 600, 2300), ("NL", 900, 900, 2100), ("LU", 300, 300, 300), ("IE", 900, 0, 0)],
)
def test_press_medicines_and_childrens_clothing(seeded, code, press, medicines, child_clothing):
    assert vat_rate_bp(market=code, tax_class="press", on=ON) == press
    assert vat_rate_bp(market=code, tax_class="medicines", on=ON) == medicines
    assert vat_rate_bp(market=code, tax_class="child_clothing", on=ON) == child_clothing


@pytest.mark.parametrize(
    ("code", "daily_press", "reimbursed_meds"),
    [("FR", 210, 210), ("ES", 400, 400), ("IT", 400, 1000), ("DE", 700, 1900), ("BE", 0, 600),
     ("PT", 600, 600), ("NL", 900, 900), ("LU", 300, 300), ("IE", 900, 0)],
)
def test_daily_papers_and_reimbursed_medicines(seeded, code, daily_press, reimbursed_meds):
    assert vat_rate_bp(market=code, tax_class="daily_press", on=ON) == daily_press
    assert vat_rate_bp(market=code, tax_class="reimbursed_meds", on=ON) == reimbursed_meds


def test_every_market_has_a_rate_for_every_kind(seeded):
    for code in SERVED:
        assert set(vat_rates_on(market=code, on=ON)) == set(TaxClass.values), code


def test_germany_temporary_covid_rates_apply_only_in_second_half_of_2020(seeded):
    de = Market.objects.get(code="DE")
    assert vat_rate_bp(market=de, tax_class="standard", on=date(2020, 6, 30)) == 1900
    assert vat_rate_bp(market=de, tax_class="standard", on=date(2020, 7, 1)) == 1600
    assert vat_rate_bp(market=de, tax_class="books", on=date(2020, 12, 31)) == 500
    assert vat_rate_bp(market=de, tax_class="food", on=date(2020, 12, 31)) == 500
    assert vat_rate_bp(market=de, tax_class="medicines", on=date(2020, 12, 31)) == 1600
    assert vat_rate_bp(market=de, tax_class="standard", on=date(2021, 1, 1)) == 1900
    assert vat_rate_bp(market=de, tax_class="books", on=date(2021, 1, 1)) == 700


def test_netherlands_reduced_rate_rose_from_6_to_9_on_2019_01_01(seeded):
    assert vat_rate_bp(market="NL", tax_class="food", on=date(2018, 12, 31)) == 600
    assert vat_rate_bp(market="NL", tax_class="books", on=date(2019, 1, 1)) == 900


def test_spains_basic_food_went_to_0_then_2_then_back_to_4_percent(seeded):
    assert [vat_rate_bp(market="ES", tax_class="basic_food", on=day) for day in (
        date(2022, 12, 31), date(2023, 1, 1), date(2024, 9, 30), date(2024, 10, 1), date(2024, 12, 31), date(2025, 1, 1),
    )] == [400, 0, 0, 200, 200, 400]
    assert vat_rate_bp(market="ES", tax_class="food", on=date(2023, 6, 1)) == 1000  # general food unchanged


def test_a_missing_rate_is_an_error_not_zero(seeded):
    VatRate.objects.filter(market__code="DE", tax_class="press").delete()
    with pytest.raises(VatRateMissing) as exc:
        vat_rate_bp(market="DE", tax_class="press", on=date(2026, 1, 1))
    assert exc.value.code == "vat_rate_missing"
    assert str(exc.value) == "No press VAT rate for market DE on 2026-01-01"


def test_date_before_first_rate_is_an_error(seeded):
    with pytest.raises(VatRateMissing):
        vat_rate_bp(market="FR", tax_class="standard", on=date(2013, 12, 31))


def test_unknown_tax_class_is_an_error(seeded):
    with pytest.raises(VatRateMissing, match="Unknown tax class 'reduced'"):
        vat_rate_bp(market="FR", tax_class="reduced", on=date(2026, 1, 1))  # the old rate levels are gone


def test_vat_rates_on_returns_rates_in_force_per_class(seeded):
    assert vat_rates_on(market="DE", on=date(2020, 8, 1)) == {
        "standard": 1600, "food": 500, "basic_food": 500, "books": 500, "press": 500, "daily_press": 500,
        "medicines": 1600, "reimbursed_meds": 1600, "child_clothing": 1600,
    }


def test_seed_is_idempotent_and_repairs_a_changed_rate(seeded):
    count = VatRate.objects.count()
    VatRate.objects.filter(market__code="FR", tax_class="standard").update(rate_bp=1960)
    result = markets_seed()
    assert (result.markets_created, result.vat_rates_created, result.vat_rates_updated) == (0, 0, 1)
    assert VatRate.objects.count() == count
    assert vat_rate_bp(market="FR", tax_class="standard", on=date(2026, 1, 1)) == 2000


def test_seed_keeps_operator_deactivation_and_sets_ui_languages(seeded):
    Market.objects.filter(code="IT").update(is_active=False)
    markets_seed()
    it = Market.objects.get(code="IT")
    assert it.is_active is False
    assert it.languages == ["en", "it"]
    assert it.default_language == "en"
    assert Market.objects.get(code="BE").languages[:2] == ["fr", "en"]
    assert Market.objects.get(code="ES").default_language == "es"
    assert {m.currency for m in Market.objects.all()} == {"EUR"}
    assert set(Market.objects.values_list("code", flat=True)) == {"FR", "ES", "IT", "DE", "BE", "PT", "NL", "LU", "IE"}


# --- who is liable ---------------------------------------------------------------------

def test_domestic_eu_sale_seller_is_liable():
    assert vat_liable_party(seller_country="FR", buyer_country="FR") == "seller"


def test_intra_eu_sale_seller_is_liable():
    assert vat_liable_party(seller_country="DE", buyer_country="FR") == "seller"
    assert vat_liable_party(seller_country="DE", buyer_country="FR", consignment_value_minor=99_999) == "seller"


def test_non_eu_seller_goods_already_in_eu_marketplace_is_deemed_supplier():
    assert vat_liable_party(seller_country="CN", buyer_country="FR") == "marketplace"


def test_non_eu_seller_import_up_to_150_eur_marketplace_is_deemed_supplier():
    assert vat_liable_party(seller_country="CN", buyer_country="ES", consignment_value_minor=15_000) == "marketplace"
    assert vat_liable_party(seller_country="cn", buyer_country="es", consignment_value_minor=1) == "marketplace"


def test_non_eu_seller_import_above_150_eur_seller_is_liable():
    assert vat_liable_party(seller_country="CN", buyer_country="ES", consignment_value_minor=15_001) == "seller"


def test_sale_to_buyer_outside_eu_seller_is_liable():
    assert vat_liable_party(seller_country="CN", buyer_country="US") == "seller"
    assert vat_liable_party(seller_country="FR", buyer_country="CH") == "seller"


def test_liability_rejects_unknown_country():
    with pytest.raises(UnknownCountry):
        vat_liable_party(seller_country="XX", buyer_country="FR")
