from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siaga.security.patterns import PRESETS, Pattern
from siaga.security.plan import (
    Options,
    Sites,
    Strength,
    check_plan,
    components_from_pairs,
    diff_plans,
    plan_security,
    what_if,
)

PONOROGO = PRESETS["ponorogo-2024"]
POLRI_2019 = PRESETS["polri-2019"]
KECAMATAN = "62.13.01"


def sites(n, *, grades=None, lat=None, lon=None, access=None, desa_size=10, **extra):
    codes = [f"{KECAMATAN}.{2001 + i // desa_size}-{i % desa_size + 1:03d}" for i in range(n)]
    return Sites(
        codes=codes,
        grades=np.zeros(n, dtype=np.int8) if grades is None else np.asarray(grades, dtype=np.int8),
        latitude=np.full(n, -1.9) if lat is None else np.asarray(lat, dtype=float),
        longitude=114.8 + np.arange(n) * 0.001 if lon is None else np.asarray(lon, dtype=float),
        access=access, **extra,
    )


# --- patterns --------------------------------------------------------------------------------

def test_a_pattern_is_written_police_tps_linmas():
    pattern = Pattern.parse("2-12-24")
    assert (pattern.police, pattern.tps, pattern.linmas) == (2, 12, 24)
    assert pattern.linmas_per_tps == 2 and pattern.linmas_for(5) == 10
    assert Pattern(2, 4, 6).linmas_for(3) == 5  # 4.5 rounded up
    with pytest.raises(ValueError):
        Pattern(2, 0, 2)


def test_the_presets_carry_the_published_patterns():
    assert [p.label() for p in POLRI_2019.patterns] == ["2-4-8", "4-2-8", "6-2-8"]
    assert PRESETS["jakarta-barat-2024"].patterns[0].label() == "2-16-32"
    assert PONOROGO.patterns[0].label() == "2-12-24"
    assert PRESETS["terpencil-2024"].patterns[0].label() == "2-6-12"
    assert PONOROGO.patterns[2].label() == "2-1-2"  # Kalsel: 2 police + 2 Linmas per TPS
    assert PONOROGO.filled == ("rawan", "sangat_rawan")


# --- grouping --------------------------------------------------------------------------------

def test_kurang_rawan_tps_close_together_share_a_post_up_to_the_pattern():
    plan = plan_security(sites(30), PONOROGO)
    assert list(plan.group_sizes()) == [12, 12, 6]
    assert check_plan(plan) == []


def test_a_rawan_tps_gets_its_own_two_police():
    plan = plan_security(sites(5, grades=[0, 1, 0, 0, 0]), PONOROGO)
    rawan = plan.groups()[[g.grade for g in plan.groups()].index(1)]
    assert rawan.tps == ("62.13.01.2001-002",) and rawan.police == 2 and rawan.linmas == 2
    assert plan.needs[0].police_required == 4


def test_tps_further_apart_than_the_limit_are_not_grouped():
    # 0.1 degree of longitude is about 11 km: 31 minutes by road at 30 km/h x 1.4.
    plan = plan_security(sites(2, lon=[114.8, 114.9]), PONOROGO)
    assert plan.group_count == 2
    assert plan_security(sites(2, lon=[114.8, 114.9]), PONOROGO,
                         options=Options(max_minutes=40)).group_count == 1


def test_a_river_tps_never_shares_a_group_with_a_road_tps():
    plan = plan_security(sites(4, access=["darat", "sungai", "darat", "sungai"]), PONOROGO)
    groups = {g.tps for g in plan.groups()}
    assert groups == {("62.13.01.2001-001", "62.13.01.2001-003"),
                      ("62.13.01.2001-002", "62.13.01.2001-004")}


def test_an_explicit_connectivity_relation_decides_who_can_reach_whom():
    base = sites(4, access=["darat", "sungai", "darat", "sungai"])
    labels = components_from_pairs(base.codes, [("62.13.01.2001-001", "62.13.01.2001-002"),
                                                ("62.13.01.2001-002", "62.13.01.2001-004")])
    plan = plan_security(Sites(**{**base.__dict__, "connectivity": labels}), PONOROGO)
    assert {g.tps for g in plan.groups()} == {
        ("62.13.01.2001-001", "62.13.01.2001-002", "62.13.01.2001-004"), ("62.13.01.2001-003",)}


def test_a_given_travel_matrix_replaces_coordinates_and_inf_means_unreachable():
    matrix = np.array([[0, 5, np.inf], [5, 0, 5], [np.inf, 5, 0]])
    plan = plan_security(sites(3, travel_minutes=matrix), PONOROGO)
    assert sorted(len(g.tps) for g in plan.groups()) == [1, 2]
    assert check_plan(plan) == []


def test_tps_without_coordinates_group_only_within_their_desa():
    lat = np.full(6, np.nan)
    plan = plan_security(sites(6, lat=lat, desa_size=3), PONOROGO)
    assert [g.tps[0][:13] for g in plan.groups()] == ["62.13.01.2001", "62.13.01.2002"]
    assert check_plan(plan) == []


def test_the_check_finds_a_group_that_breaks_its_pattern():
    plan = plan_security(sites(3), POLRI_2019)
    plan.group_grade[:] = 0
    plan.grades[0] = 2  # as if the TPS were regraded behind the planner's back
    codes = {p.code for p in check_plan(plan)}
    assert "weaker_pattern" in codes


# --- needs against strength ------------------------------------------------------------------

def test_required_personnel_and_shortfalls_per_kecamatan():
    patterns = POLRI_2019.with_tni(Fraction(1, 2))
    # 8 kurang rawan TPS in one desa: 2 groups of 4 (2-4-8) = 4 police, 16 Linmas, 2 TNI.
    strength = Strength(police={"62.13": 3}, tni={"62.13.01": 5},
                        linmas={"62.13.01.2001": 10}, bko_police={"62": 0})
    plan = plan_security(sites(8), patterns, strength)
    need = plan.needs[0]
    assert (need.police_required, need.police_available, need.police_shortfall) == (4, 3, 1)
    assert (need.tni_required, need.tni_available, need.tni_shortfall) == (2, 2, 0)
    assert (need.linmas_required, need.linmas_shortfall) == (16, 6)
    assert need.short
    assert plan.surplus["tni"] == {"62.13.01": 3}


def test_a_regency_pool_is_shared_in_proportion_to_need_after_kecamatan_pools():
    codes = [f"62.13.0{k}.2001-{i:03d}" for k in (1, 2) for i in range(1, 5)]
    s = Sites(codes, np.array([1] * 4 + [0] * 4, dtype=np.int8), np.full(8, -1.9),
              np.full(8, 114.8))
    strength = Strength(police={"62.13": 6, "62.13.02": 1}, bko_police={"62.13": 1})
    plan = plan_security(s, PONOROGO, strength)
    first, second = plan.needs
    assert (first.police_required, second.police_required) == (8, 2)
    assert second.police_available == 2  # 1 own, 1 from the regency
    assert first.police_available == 6


# --- what-if and diff ------------------------------------------------------------------------

def test_what_if_a_tps_turns_rawan_regroups_only_its_locality_and_reports_the_change():
    base_sites = Sites([f"62.13.0{k}.2001-{i:03d}" for k in (1, 2) for i in range(1, 7)],
                       np.zeros(12, dtype=np.int8), np.full(12, -1.9), np.full(12, 114.8))
    base = plan_security(base_sites, PONOROGO, Strength(police={"62.13": 4}))
    changed = what_if(base, grades={"62.13.02.2001-003": 1})
    # 6 police needed, 4 available: shared 1 : 3 by largest remainder (1.33 : 2.67).
    assert [(n.police_required, n.police_available) for n in changed.needs] == [(2, 1), (4, 3)]
    diff = diff_plans(base, changed)
    assert diff.regraded == [("62.13.02.2001-003", 0, 1)]
    assert ("62.13.02.2001-003", "62.13.02.2001-001", "62.13.02.2001-003") in diff.moved
    assert all(code.startswith("62.13.02") for code, _, _ in diff.moved)
    assert [row["police"] for row in diff.shortfall_changes()] == [(0, 1), (0, 1)]


def test_what_if_strength_changes_keeps_every_post():
    base = plan_security(sites(20), PONOROGO, Strength(police={"62.13": 1}))
    stronger = what_if(base, strength=Strength(police={"62.13": 10}))
    diff = diff_plans(base, stronger)
    assert diff.moved == [] and stronger.needs[0].police_shortfall == 0


# --- properties ------------------------------------------------------------------------------

@st.composite
def scenarios(draw):
    n = draw(st.integers(min_value=1, max_value=60))
    grades = draw(st.lists(st.sampled_from([0, 0, 0, 1, 2]), min_size=n, max_size=n))
    access = draw(st.lists(st.sampled_from(["darat", "darat", "sungai", "jalan_kaki", "udara"]),
                           min_size=n, max_size=n))
    lat = draw(st.lists(st.one_of(st.floats(-2.0, -1.8), st.just(float("nan"))),
                        min_size=n, max_size=n))
    lon = draw(st.lists(st.floats(114.7, 114.9), min_size=n, max_size=n))
    kec = draw(st.lists(st.integers(1, 3), min_size=n, max_size=n))
    codes = [f"62.13.{k:02d}.{2001 + i % 4}-{i + 1:03d}" for i, k in enumerate(kec)]
    patterns = draw(st.sampled_from(list(PRESETS.values())))
    limit = draw(st.sampled_from([5.0, 30.0, 120.0]))
    locality = draw(st.sampled_from(["kecamatan", "desa"]))
    return (Sites(codes, np.array(grades, dtype=np.int8), np.array(lat), np.array(lon), access),
            patterns, Options(max_minutes=limit, locality=locality))


@settings(max_examples=80, deadline=None)
@given(scenarios())
def test_every_tps_is_covered_exactly_once_and_no_group_breaks_its_pattern(scenario):
    s, patterns, options = scenario
    plan = plan_security(s, patterns, options=options)
    assert (np.bincount(plan.members, minlength=len(s)) == 1).all()
    assert check_plan(plan) == []
    sizes = plan.group_sizes()
    assert (sizes <= np.array([p.tps for p in patterns.patterns])[plan.group_grade]).all()


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_plan_does_not_depend_on_the_order_the_tps_came_in(scenario, random):
    s, patterns, options = scenario
    order = list(range(len(s)))
    random.shuffle(order)
    shuffled = Sites([s.codes[i] for i in order], s.grades[order], s.latitude[order],
                     s.longitude[order], [s.access[i] for i in order])
    a = plan_security(s, patterns, options=options)
    b = plan_security(shuffled, patterns, options=options)
    assert sorted(g.tps for g in a.groups()) == sorted(g.tps for g in b.groups())


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.data())
def test_what_if_equals_planning_from_scratch(scenario, data):
    s, patterns, options = scenario
    base = plan_security(s, patterns, Strength(police={"62.13": 20}), options)
    changes = data.draw(st.dictionaries(st.sampled_from(list(s.codes)), st.integers(0, 2),
                                        max_size=4))
    fast = what_if(base, grades=changes)
    full = plan_security(s.with_grades(changes), patterns, Strength(police={"62.13": 20}), options)
    assert [g.tps for g in fast.groups()] == [g.tps for g in full.groups()]
    assert fast.needs == full.needs
