"""Promise days in each UI language's CLDR conventions (babel), for Thursday 10 December 2026.

The expected strings are the ones Chromium's ICU gives for Intl.DateTimeFormat with
{weekday, day, month} long and short in fr, es, en-GB, de, it, pt-PT and nl."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from comptoir.common.dates import day_pattern, format_day, ui_locale

THURSDAY = dt.date(2026, 12, 10)

LONG = {
    "fr": "jeudi 10 décembre",
    "es": "jueves, 10 de diciembre",
    "en": "Thursday 10 December",
    "de": "Donnerstag, 10. Dezember",
    "it": "giovedì 10 dicembre",
    "pt": "quinta-feira, 10 de dezembro",
    "nl": "donderdag 10 december",
}
SHORT = {
    "fr": "jeu. 10 déc.",
    "es": "jue, 10 dic",
    "en": "Thu 10 Dec",
    "de": "Do., 10. Dez.",
    "it": "gio 10 dic",
    "pt": "quinta, 10/12",  # CLDR pt_PT writes the short day with a numeric month (E, d/MM)
    "nl": "do 10 dec",
}


@pytest.mark.parametrize("language", LONG)
def test_a_long_day_in_each_ui_language(language):
    assert format_day(THURSDAY, "long", language) == LONG[language]


@pytest.mark.parametrize("language", SHORT)
def test_a_short_day_in_each_ui_language(language):
    assert format_day(THURSDAY, "short", language) == SHORT[language]


def test_ui_languages_map_to_their_formatting_locales():
    assert [ui_locale(x) for x in ("pt", "en", "de", "pt-pt", "en-gb", None)] == [
        "pt_PT", "en_GB", "de", "pt_PT", "en_GB", "en_GB"]


def test_full_width_is_asked_even_where_cldr_only_has_an_abbreviated_entry():
    # French CLDR has "MMMEd" (E d MMM) but no "MMMMEEEEd": babel's format_skeleton would
    # write "jeu. 10 déc." for it; the pattern is widened instead, as ICU does.
    assert day_pattern("fr", "long") == "EEEE d MMMM"
    assert day_pattern("pt_PT", "long") == "cccc, d 'de 'MMMM"
    assert day_pattern("pt_PT", "short") == "E, d/MM"


def test_an_unknown_width_is_refused():
    with pytest.raises(KeyError):
        format_day(THURSDAY, "medium", "fr")


def nbsp(day: str) -> str:
    return day.replace(" ", "\xa0")


@pytest.mark.parametrize("language", LONG)
def test_the_template_filters_follow_the_active_language_and_never_break_a_day(language):
    template = Template('{% load days %}{{ d|day_long }} / {{ d|day_short }} / {{ none|day_short }}.')
    with translation.override(language):
        rendered = template.render(Context({"d": THURSDAY, "none": None}))
    assert rendered == f"{nbsp(LONG[language])} / {nbsp(SHORT[language])} / ."


def test_a_datetime_is_its_day_in_the_current_time_zone():
    # 23:30 UTC on Wednesday 9 December is already Thursday 10 in Madrid.
    late = dt.datetime(2026, 12, 9, 23, 30, tzinfo=dt.UTC)
    template = Template('{% load days %}{{ at|day_short }} {{ at|time:"H:i" }}')
    with translation.override("es"), timezone.override(ZoneInfo("Europe/Madrid")):
        assert template.render(Context({"at": late})) == "jue,\xa010\xa0dic 00:30"
    with translation.override("es"), timezone.override(ZoneInfo("America/New_York")):
        assert template.render(Context({"at": late})) == "mié,\xa09\xa0dic 18:30"
