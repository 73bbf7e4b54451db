from datetime import date

import pytest

from comptoir.markets.errors import UnknownCountry, VatRateMissing
from comptoir.markets.models import Market, VatRate
from comptoir.markets.selectors import vat_liable_party, vat_rate_bp, vat_rates_on
from comptoir.markets.services import markets_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    markets_seed()


@pytest.mark.parametrize(
    ("code", "standard", "reduced", "super_reduced"),
    [("FR", 2000, 1000, 210), ("ES", 2100, 1000, 400), ("IT", 2200, 1000, 400), ("BE", 2100, 1200, 600), ("PT", 2300, 1300, 600)],
)
def test_current_official_rates_by_tax_class(seeded, code, standard, reduced, super_reduced):
    on = date(2026, 6, 1)
    assert vat_rate_bp(market=code, tax_class="standard", on=on) == standard
    assert vat_rate_bp(market=code, tax_class="reduced", on=on) == reduced
    assert vat_rate_bp(market=code, tax_class="super_reduced", on=on) == super_reduced
    assert vat_rate_bp(market=code, tax_class="zero", on=on) == 0


def test_germany_temporary_covid_rates_apply_only_in_second_half_of_2020(seeded):
    de = Market.objects.get(code="DE")
    assert vat_rate_bp(market=de, tax_class="standard", on=date(2020, 6, 30)) == 1900
    assert vat_rate_bp(market=de, tax_class="standard", on=date(2020, 7, 1)) == 1600
    assert vat_rate_bp(market=de, tax_class="reduced", on=date(2020, 12, 31)) == 500
    assert vat_rate_bp(market=de, tax_class="standard", on=date(2021, 1, 1)) == 1900
    assert vat_rate_bp(market=de, tax_class="reduced", on=date(2021, 1, 1)) == 700


def test_netherlands_reduced_rate_rose_from_6_to_9_on_2019_01_01(seeded):
    assert vat_rate_bp(market="NL", tax_class="reduced", on=date(2018, 12, 31)) == 600
    assert vat_rate_bp(market="NL", tax_class="reduced", on=date(2019, 1, 1)) == 900


def test_missing_super_reduced_rate_in_germany_is_an_error_not_zero(seeded):
    with pytest.raises(VatRateMissing) as exc:
        vat_rate_bp(market="DE", tax_class="super_reduced", on=date(2026, 1, 1))
    assert exc.value.code == "vat_rate_missing"
    assert str(exc.value) == "No super_reduced VAT rate for market DE on 2026-01-01"


def test_date_before_first_rate_is_an_error(seeded):
    with pytest.raises(VatRateMissing):
        vat_rate_bp(market="FR", tax_class="standard", on=date(2013, 12, 31))


def test_unknown_tax_class_is_an_error(seeded):
    with pytest.raises(VatRateMissing, match="Unknown tax class 'luxury'"):
        vat_rate_bp(market="FR", tax_class="luxury", on=date(2026, 1, 1))


def test_vat_rates_on_returns_rates_in_force_per_class(seeded):
    assert vat_rates_on(market="DE", on=date(2020, 8, 1)) == {"standard": 1600, "reduced": 500, "zero": 0}


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
