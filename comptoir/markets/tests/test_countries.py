"""Country and market names in the reader's language (CLDR through Babel)."""
import pytest
from django.template import Context, Template
from django.utils import translation

from comptoir.markets.countries import country_name, sorted_by_country_name
from comptoir.markets.models import Market


def test_country_names_in_each_ui_language():
    assert [country_name("ES", lang) for lang in ("fr", "es", "en")] == ["Espagne", "España", "Spain"]
    assert [country_name("DE", lang) for lang in ("fr", "es", "en")] == ["Allemagne", "Alemania", "Germany"]
    assert [country_name("NL", lang) for lang in ("fr", "es", "en")] == ["Pays-Bas", "Países Bajos", "Netherlands"]
    assert country_name("be", "fr-be") == "Belgique"  # case and region variants
    with translation.override("es"):
        assert country_name("CN") == "China"
    assert country_name("XK", "zz") == "Kosovo"  # an unknown language reads English
    assert country_name("QQ", "fr") == "QQ" and country_name("QQ", "fr", default="Quelque part") == "Quelque part"


def test_country_names_in_the_new_ui_languages():
    codes = ["ES", "DE", "NL", "BE", "IT", "PT", "FR"]
    assert [country_name(c, "de") for c in codes] == ["Spanien", "Deutschland", "Niederlande", "Belgien", "Italien", "Portugal", "Frankreich"]
    assert [country_name(c, "it") for c in codes] == ["Spagna", "Germania", "Paesi Bassi", "Belgio", "Italia", "Portogallo", "Francia"]
    assert [country_name(c, "pt") for c in codes] == ["Espanha", "Alemanha", "Países Baixos", "Bélgica", "Itália", "Portugal", "França"]
    assert [country_name(c, "nl") for c in codes] == ["Spanje", "Duitsland", "Nederland", "België", "Italië", "Portugal", "Frankrijk"]
    with translation.override("de"):
        assert Market(code="ES", name="Spain").display_name == "Spanien"


def test_lists_sort_by_the_name_the_reader_sees_accents_folded():
    codes = ["US", "ES", "DE", "BE", "NL", "EG"]
    by = lambda lang: [c for c in sorted_by_country_name(codes, code=lambda c: c, language=lang)]  # noqa: E731
    assert by("fr") == ["DE", "BE", "EG", "ES", "US", "NL"]  # Allemagne, Belgique, Égypte, Espagne, États-Unis, Pays-Bas
    assert by("es") == ["DE", "BE", "EG", "ES", "US", "NL"]  # Alemania, Bélgica, Egipto, España, Estados Unidos, Países Bajos
    assert by("en") == ["BE", "EG", "DE", "NL", "ES", "US"]


@pytest.mark.django_db
def test_a_market_shows_its_country_in_the_active_language():
    spain = Market.objects.create(code="ES", name="Spain", currency="EUR", languages=["es", "en"])
    shown = {}
    for lang in ("fr", "es", "en"):
        with translation.override(lang):
            shown[lang] = (spain.display_name, Template("{% load countries %}{{ m.code|country_name }}|{% for x in ms|by_country_name %}{{ x.code }} {% endfor %}").render(
                Context({"m": spain, "ms": [Market(code="FR"), spain, Market(code="DE")]})))
    assert shown == {
        "fr": ("Espagne", "Espagne|DE ES FR "), "es": ("España", "España|DE ES FR "), "en": ("Spain", "Spain|FR DE ES "),
    }
