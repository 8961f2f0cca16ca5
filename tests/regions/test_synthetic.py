import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from siaga.regions.synthetic import (
    ProvinceFact,
    allocate,
    province_tps_shares,
    split_capped,
    synthetic_country,
    time_zone_of_province,
)


@given(st.integers(1, 400), st.integers(0, 300), st.integers(0, 2**31 - 1))
def test_split_capped_sums_exactly_and_never_passes_the_cap(n, mean, seed):
    cap = 300
    total = n * mean
    values = split_capped(total, n, cap, np.random.default_rng(seed))
    assert values.sum() == total
    assert values.max(initial=0) <= cap
    assert values.min(initial=0) >= 0


@given(st.lists(st.floats(0.01, 100), min_size=1, max_size=50), st.integers(0, 5000),
       st.integers(0, 3))
def test_allocate_gives_every_part_its_minimum_and_sums_exactly(weights, extra, minimum):
    total = minimum * len(weights) + extra
    parts = allocate(total, weights, minimum=minimum)
    assert parts.sum() == total
    assert parts.min() >= minimum


def test_time_zones_follow_the_provinces():
    assert time_zone_of_province("62") == "WIB"
    assert time_zone_of_province("63") == "WITA"
    assert time_zone_of_province("73") == "WITA"
    assert time_zone_of_province("94") == "WIT"


def test_missing_province_tps_are_shared_by_dpt_to_reach_the_national_total():
    facts = [ProvinceFact("11", "A", 1000, 10, 1), ProvinceFact("12", "B", 3000, None, 1),
             ProvinceFact("13", "C", 1000, None, 1)]
    shares = province_tps_shares(facts, national_tps=50)
    assert shares.sum() == 50
    assert shares[1] == 3 * shares[2]


def test_a_synthetic_country_has_the_asked_number_of_tps_within_the_maximum():
    facts = [ProvinceFact("62", "Kalimantan Tengah", 1_935_116, 7_830, 14),
             ProvinceFact("63", "Kalimantan Selatan", 2_892_658, 13_584, 13)]
    country = synthetic_country(facts, tps=2_000, max_voters=300, seed=7)
    dpt = country.dpt_men + country.dpt_women
    assert len(dpt) == 2_000
    assert dpt.max() <= 300
    codes = country.tps_codes()
    assert len(set(codes)) == len(codes)
    assert {c[:2] for c in codes} == {"62", "63"}
    assert all(name.endswith(code) and "Sintetis" in name
               for code, name, level, _ in country.regions if level != "provinsi")
