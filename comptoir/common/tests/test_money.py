import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.common.money import CurrencyMismatch, Money, apply_rate_bp, gross_from_net, parse_decimal_to_minor


def test_rate_rounds_half_up_to_the_cent():
    assert apply_rate_bp(1000, 2000) == 200
    assert apply_rate_bp(1, 550) == 0  # 0.055 cent rounds down
    assert apply_rate_bp(10, 550) == 1  # 0.55 cent rounds up
    assert apply_rate_bp(-10, 550) == -1  # symmetric for refunds


def test_gross_from_net_adds_vat():
    assert gross_from_net(1999, 2000) == 2399  # 19.99 + 3.998 -> 23.99


def test_money_refuses_mixed_currencies_and_floats():
    with pytest.raises(CurrencyMismatch):
        Money(100, "EUR") + Money(100, "USD")
    with pytest.raises(TypeError):
        Money(1.5, "EUR")


def test_money_formats_for_locale():
    assert Money(123456, "EUR").format("fr_FR") == "1\u202f234,56\xa0€"
    assert Money(123456, "EUR").format("en_GB") == "€1,234.56"


def test_parse_decimal_to_minor():
    assert parse_decimal_to_minor("12,5", "EUR") == 1250
    with pytest.raises(ValueError):
        parse_decimal_to_minor("1.234", "EUR")


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10000))
def test_rate_is_within_half_a_cent_of_exact(amount, bp):
    exact = amount * bp / 10000
    assert abs(apply_rate_bp(amount, bp) - exact) <= 0.5


@pytest.mark.parametrize(("language", "text"), [
    ("fr", "2\u202f027,41\u00a0€"), ("es", "2.027,41\u00a0€"), ("en", "€2,027.41"), ("pt", "2\u00a0027,41\u00a0€"), ("de", "2.027,41\u00a0€"),
])
def test_the_web_and_the_orders_money_filters_format_alike_in_every_ui_language(language, text):
    from django.utils import translation

    from comptoir.orders.templatetags.orders_money import money as orders_money
    from comptoir.web.templatetags.money import money as web_money

    with translation.override(language):
        assert web_money(202741, "EUR") == orders_money(202741, "EUR") == text
    assert web_money(None) == orders_money("") == ""
