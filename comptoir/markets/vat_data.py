"""The markets Comptoir serves and their VAT rates, in one table.

Sources (rates and the dates they took effect):

* European Commission, DG TAXUD, "VAT rates applied in the Member States of the European
  Union" (situation at 1 January 2025), for every standard, reduced and super-reduced rate.
* Germany: Zweites Corona-Steuerhilfegesetz (temporary 16 % / 5 % from 2020-07-01 to
  2020-12-31). Netherlands: Belastingplan 2019 (reduced rate 6 % → 9 % on 2019-01-01).
  Luxembourg: loi du 26 octobre 2022 (every rate but 3 % lowered by one point for 2023).
  Ireland: July Jobs Stimulus 2020 (standard rate 21 % from 2020-09-01 to 2021-02-28).

``valid_from`` is the day the rate took effect where that is known, otherwise a date from which
the rate is known to have applied without interruption (e.g. FR since the 2014 reform).

Tax classes: Comptoir has four (standard / reduced / super_reduced / zero). Where a country
has two reduced rates, ``reduced`` is the higher one and ``super_reduced`` the lowest positive
rate (the EU "super-reduced" rate where the country has one, else its second reduced rate).
An in-between rate (FR 5.5 %, IT 5 %, IE 9 %, LU 8 %) is listed in ``other_reduced_bp`` for
reference but is not selectable yet. Rates are basis points (2000 = 20 %). Mainland rates only
(no Corsica, Canary Islands, Madeira/Azores, Büsingen...).
"""
from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class RatePeriod:
    valid_from: date
    standard: int
    reduced: int | None
    super_reduced: int | None


@dataclass(frozen=True)
class MarketSpec:
    code: str
    name: str
    currency: str
    languages: tuple[str, ...]  # UI default first (fr/es/en), then the official languages
    periods: tuple[RatePeriod, ...]
    other_reduced_bp: tuple[int, ...] = field(default=())


D = date
MARKETS: tuple[MarketSpec, ...] = (
    MarketSpec("FR", "France", "EUR", ("fr", "en"), (RatePeriod(D(2014, 1, 1), 2000, 1000, 210),), (550,)),
    MarketSpec(
        "ES", "Spain", "EUR", ("es", "en", "ca", "eu", "gl"),
        (RatePeriod(D(2012, 9, 1), 2100, 1000, 400),),
    ),
    MarketSpec("IT", "Italy", "EUR", ("en", "it"), (RatePeriod(D(2013, 10, 1), 2200, 1000, 400),), (500,)),
    MarketSpec(
        "DE", "Germany", "EUR", ("en", "de"),
        (
            RatePeriod(D(2007, 1, 1), 1900, 700, None),
            RatePeriod(D(2020, 7, 1), 1600, 500, None),
            RatePeriod(D(2021, 1, 1), 1900, 700, None),
        ),
    ),
    MarketSpec("BE", "Belgium", "EUR", ("fr", "en", "nl", "de"), (RatePeriod(D(1996, 1, 1), 2100, 1200, 600),)),
    MarketSpec("PT", "Portugal", "EUR", ("en", "pt"), (RatePeriod(D(2011, 1, 1), 2300, 1300, 600),)),
    MarketSpec(
        "NL", "Netherlands", "EUR", ("en", "nl"),
        (RatePeriod(D(2012, 10, 1), 2100, 600, None), RatePeriod(D(2019, 1, 1), 2100, 900, None)),
    ),
    MarketSpec(
        "LU", "Luxembourg", "EUR", ("fr", "en", "de", "lb"),
        (
            RatePeriod(D(2015, 1, 1), 1700, 1400, 300),
            RatePeriod(D(2023, 1, 1), 1600, 1300, 300),
            RatePeriod(D(2024, 1, 1), 1700, 1400, 300),
        ),
        (800,),
    ),
    MarketSpec(
        "IE", "Ireland", "EUR", ("en", "ga"),
        (
            RatePeriod(D(2012, 1, 1), 2300, 1350, 480),
            RatePeriod(D(2020, 9, 1), 2100, 1350, 480),
            RatePeriod(D(2021, 3, 1), 2300, 1350, 480),
        ),
        (900,),
    ),
)
