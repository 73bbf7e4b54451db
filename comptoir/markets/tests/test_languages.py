"""Which market a browser's Accept-Language points to, and each market's UI language."""
import pytest
from django.conf import settings

from comptoir.markets.languages import country_ui_language, market_for_accept_language
from comptoir.markets.models import Market
from comptoir.markets.services import markets_seed

# The seeded markets' default UI languages (vat_data.MARKETS).
MARKETS = {"FR": "fr", "ES": "es", "IT": "it", "DE": "de", "BE": "fr", "PT": "pt", "NL": "nl", "LU": "fr", "IE": "en"}


@pytest.mark.parametrize(("header", "market"), [
    ("es-ES,es;q=0.9,en;q=0.8", "ES"),
    ("de-DE,de;q=0.9", "DE"),
    ("de", "DE"),
    ("it-IT", "IT"),
    ("pt-PT", "PT"),
    ("nl-NL", "NL"),
    ("nl-BE", "BE"),
    ("fr-BE,fr;q=0.9", "BE"),
    ("fr-FR", "FR"),
    ("fr-CH,fr;q=0.8", "FR"),  # Switzerland is no market: French points to France
    ("de-AT", "DE"),
    ("es-MX", "ES"),
    ("pt-BR", "PT"),  # CLDR's likely country for pt is Brazil, no market: the one market that reads pt
    ("pt", "PT"),
    ("en-IE", "IE"),
    ("en-US,en;q=0.9,de;q=0.5", "DE"),  # English says nothing of a place; German, further on, does
    ("EN-ie", "IE"),
])
def test_a_browser_language_points_to_its_market(header, market):
    assert market_for_accept_language(header, MARKETS) == market


@pytest.mark.parametrize("header", ["en", "en-US,en;q=0.9", "en-GB", "ja-JP,ja", "*", "", ";;;q=", "x" * 10_000, "zh-CN"])
def test_unknown_or_english_only_browsers_point_to_no_market(header):
    assert market_for_accept_language(header, MARKETS) is None


def test_an_inactive_market_is_never_chosen():
    active = {code: lang for code, lang in MARKETS.items() if code != "ES"}
    assert market_for_accept_language("es-ES,es", active) is None
    assert market_for_accept_language("es-ES,de;q=0.5", active) == "DE"


@pytest.mark.django_db
def test_seeded_markets_speak_their_own_language_first():
    markets_seed()
    defaults = {m.code: m.default_language for m in Market.objects.all()}
    assert defaults == MARKETS
    assert Market.objects.get(code="BE").ui_languages == ["fr", "nl", "de", "en"]
    assert [code for code, _name in settings.LANGUAGES] == ["fr", "es", "en", "de", "it", "pt", "nl"]


@pytest.mark.django_db
def test_a_country_reads_its_market_language_else_its_cldr_language():
    markets_seed()
    assert [country_ui_language(c) for c in ("DE", "IT", "PT", "NL", "BE", "AT", "CH", "BR", "MX", "JP")] == [
        "de", "it", "pt", "nl", "fr", "de", "de", "pt", "es", "en",
    ]
