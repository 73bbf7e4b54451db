"""The markets Comptoir serves and their VAT rates by product kind, in one table.

Tax classes are product kinds (``markets.models.TaxClass``): a category, or a product's own
override, names the kind; each market maps each kind to its rate, with the date it took effect.

Sources:

* European Commission, DG TAXUD, "VAT rates applied in the Member States of the European
  Union" (situation at 1 January 2025), for which goods take which rate in each country.
* Germany: Zweites Corona-Steuerhilfegesetz (temporary 16 % / 5 % from 2020-07-01 to
  2020-12-31). Netherlands: Belastingplan 2019 (reduced rate 6 % → 9 % on 2019-01-01).
  Luxembourg: loi du 26 octobre 2022 (standard rate 16 % for 2023; the 3 % rate unchanged).
  Ireland: July Jobs Stimulus 2020 (standard rate 21 % from 2020-09-01 to 2021-02-28).
  Spain: Real Decreto-ley 20/2022 and 4/2024 (basic food 0 % from 2023-01-01, 2 % from
  2024-10-01, back to 4 % on 2025-01-01).

``valid_from`` is the day a rate took effect where that is known, otherwise a date from which it
is known to have applied without interruption (e.g. FR since the 2014 reform). Rates are basis
points (550 = 5.5 %). Mainland rates only (no Corsica, Canary Islands, Madeira/Azores…).

What each kind covers, and the choices made where a country splits a kind:

=============== ============================================================================
kind            goods
=============== ============================================================================
standard        everything else
food            foodstuffs for people, not alcohol (ES 10 % and IT 10 %: their general food
                rate; FR 5.5 % — confectionery and chocolate other than plain dark are 20 % in
                France and need the standard kind)
basic_food      staples: bread, milk, cheese, eggs, fruit, vegetables, flour, cereals (ES 4 %,
                IT 4 %; elsewhere as food). Portugal's "IVA zero" basket (2023) is not modelled.
books           printed books, including e-books where the country rates them alike
press           newspapers and periodicals (FR 2.1 % for registered press; BE 6 %)
daily_press     daily newspapers: BE 0 % (Code TVA, AR n° 20 tableau A: news publications
                appearing at least 48 times a year); elsewhere the country's press rate
medicines       medicines for people (FR 10 %: non-reimbursed; DE applies its standard rate)
reimbursed_meds medicines reimbursed by social security: FR 2.1 % (CGI art. 281 octies);
                elsewhere the country's medicines rate (IE 0 %: oral medicines)
child_clothing  children's clothing and footwear (reduced only in LU 3 % and IE 0 %)
=============== ============================================================================
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The 27 member states (ISO 3166-1 alpha-2; Greece is GR here, EL only in VAT numbers).
# pycountry has no EU flag, so the list lives here; update it when membership changes.
EU_MEMBER_STATES: frozenset[str] = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)

# UI languages of Comptoir (settings.LANGUAGES); a market's default UI language is its first
# language that is one of these, else English.
UI_LANGUAGES: tuple[str, ...] = ("fr", "es", "en")

# The product kinds, in the order the admin lists them (markets.models.TaxClass has their labels).
KINDS: tuple[str, ...] = (
    "standard", "food", "basic_food", "books", "press", "daily_press", "medicines", "reimbursed_meds", "child_clothing",
)

Steps = tuple[tuple[date, int], ...]  # (valid_from, rate_bp), oldest first


@dataclass(frozen=True)
class MarketSpec:
    code: str
    name: str
    currency: str
    languages: tuple[str, ...]  # UI default first (fr/es/en), then the official languages
    rates: dict[str, Steps]  # kind -> its rates over time; every kind of KINDS is present

    def rate_rows(self) -> list[tuple[str, int, date]]:
        """(kind, rate_bp, valid_from) for every step of every kind."""
        return [(kind, bp, since) for kind in KINDS for since, bp in self.rates[kind]]


def _steps(*pairs) -> Steps:
    return tuple(pairs)


def _market(code, name, currency, languages, *, standard: Steps, **kinds: Steps) -> MarketSpec:
    missing = set(KINDS) - {"standard"} - set(kinds)
    if missing:
        raise ValueError(f"{code}: no rate for {sorted(missing)}")
    return MarketSpec(code, name, currency, languages, {"standard": standard, **kinds})


D = date
_FR = D(2014, 1, 1)
_ES = D(2012, 9, 1)
_IT = D(2013, 10, 1)
_DE_STANDARD = _steps((D(2007, 1, 1), 1900), (D(2020, 7, 1), 1600), (D(2021, 1, 1), 1900))
_DE_REDUCED = _steps((D(2007, 1, 1), 700), (D(2020, 7, 1), 500), (D(2021, 1, 1), 700))
_BE = D(1996, 1, 1)
_PT = D(2011, 1, 1)
_NL_REDUCED = _steps((D(2012, 10, 1), 600), (D(2019, 1, 1), 900))
_LU = D(2015, 1, 1)
_IE = D(2012, 1, 1)
_IE_STANDARD = _steps((_IE, 2300), (D(2020, 9, 1), 2100), (D(2021, 3, 1), 2300))

MARKETS: tuple[MarketSpec, ...] = (
    _market(
        "FR", "France", "EUR", ("fr", "en"), standard=_steps((_FR, 2000)),
        food=_steps((_FR, 550)), basic_food=_steps((_FR, 550)), books=_steps((_FR, 550)), press=_steps((_FR, 210)),
        daily_press=_steps((_FR, 210)),  # CGI art. 298 septies, as all registered press
        medicines=_steps((_FR, 1000)), reimbursed_meds=_steps((_FR, 210)),  # CGI art. 281 octies
        child_clothing=_steps((_FR, 2000)),
    ),
    _market(
        "ES", "Spain", "EUR", ("es", "en", "ca", "eu", "gl"), standard=_steps((_ES, 2100)),
        food=_steps((_ES, 1000)),
        basic_food=_steps((_ES, 400), (D(2023, 1, 1), 0), (D(2024, 10, 1), 200), (D(2025, 1, 1), 400)),
        books=_steps((_ES, 400)), press=_steps((_ES, 400)), daily_press=_steps((_ES, 400)),
        medicines=_steps((_ES, 400)), reimbursed_meds=_steps((_ES, 400)),  # Ley 37/1992 art. 91.Dos: every medicine 4 %
        child_clothing=_steps((_ES, 2100)),
    ),
    _market(
        "IT", "Italy", "EUR", ("en", "it"), standard=_steps((_IT, 2200)),
        food=_steps((_IT, 1000)), basic_food=_steps((_IT, 400)), books=_steps((_IT, 400)), press=_steps((_IT, 400)),
        daily_press=_steps((_IT, 400)), medicines=_steps((_IT, 1000)), reimbursed_meds=_steps((_IT, 1000)),
        child_clothing=_steps((_IT, 2200)),
    ),
    _market(
        "DE", "Germany", "EUR", ("en", "de"), standard=_DE_STANDARD,
        food=_DE_REDUCED, basic_food=_DE_REDUCED, books=_DE_REDUCED, press=_DE_REDUCED, daily_press=_DE_REDUCED,
        medicines=_DE_STANDARD, reimbursed_meds=_DE_STANDARD,  # UStG: no reduced rate for medicines
        child_clothing=_DE_STANDARD,
    ),
    _market(
        "BE", "Belgium", "EUR", ("fr", "en", "nl", "de"), standard=_steps((_BE, 2100)),
        food=_steps((_BE, 600)), basic_food=_steps((_BE, 600)), books=_steps((_BE, 600)), press=_steps((_BE, 600)),
        daily_press=_steps((_BE, 0)),  # AR n° 20 tableau A: dailies and weeklies (≥ 48 issues a year)
        medicines=_steps((_BE, 600)), reimbursed_meds=_steps((_BE, 600)), child_clothing=_steps((_BE, 2100)),
    ),
    _market(
        "PT", "Portugal", "EUR", ("en", "pt"), standard=_steps((_PT, 2300)),
        food=_steps((_PT, 600)), basic_food=_steps((_PT, 600)), books=_steps((_PT, 600)), press=_steps((_PT, 600)),
        daily_press=_steps((_PT, 600)), medicines=_steps((_PT, 600)), reimbursed_meds=_steps((_PT, 600)),
        child_clothing=_steps((_PT, 2300)),
    ),
    _market(
        "NL", "Netherlands", "EUR", ("en", "nl"), standard=_steps((D(2012, 10, 1), 2100)),
        food=_NL_REDUCED, basic_food=_NL_REDUCED, books=_NL_REDUCED, press=_NL_REDUCED, daily_press=_NL_REDUCED,
        medicines=_NL_REDUCED, reimbursed_meds=_NL_REDUCED, child_clothing=_steps((D(2012, 10, 1), 2100)),
    ),
    _market(
        "LU", "Luxembourg", "EUR", ("fr", "en", "de", "lb"),
        standard=_steps((_LU, 1700), (D(2023, 1, 1), 1600), (D(2024, 1, 1), 1700)),
        food=_steps((_LU, 300)), basic_food=_steps((_LU, 300)), books=_steps((_LU, 300)), press=_steps((_LU, 300)),
        daily_press=_steps((_LU, 300)), medicines=_steps((_LU, 300)), reimbursed_meds=_steps((_LU, 300)),
        child_clothing=_steps((_LU, 300)),
    ),
    _market(
        "IE", "Ireland", "EUR", ("en", "ga"), standard=_IE_STANDARD,
        food=_steps((_IE, 0)), basic_food=_steps((_IE, 0)), books=_steps((_IE, 0)), press=_steps((_IE, 900)),
        daily_press=_steps((_IE, 900)), medicines=_steps((_IE, 0)), reimbursed_meds=_steps((_IE, 0)),
        child_clothing=_steps((_IE, 0)),
    ),
)
