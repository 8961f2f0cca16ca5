"""Assigning OPD heads and ASN staff to watch every TPS from voting through counting."""

import csv
import random
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siaga.geo import haversine_km
from siaga.operations import assign
from siaga.operations.assign import (
    Assignment,
    Person,
    Rules,
    Site,
    check,
    compact_numbers,
    propose,
)
from siaga.regions.codes import tps_code

DESA_A = "62.13.01.2003"  # kecamatan 62.13.01
DESA_B = "62.13.01.2004"
DESA_C = "62.13.02.2001"  # kecamatan 62.13.02
DESA_D = "62.13.03.2001"  # kecamatan 62.13.03
CENTROIDS = {  # about 11 km per 0.1 degree
    DESA_A: (-2.00, 115.00), DESA_B: (-2.05, 115.00),
    DESA_C: (-2.00, 115.50), DESA_D: (-2.00, 116.00),
}
OPDS = ["Dinas Kesehatan", "Dinas Pendidikan", "BPKAD", "Bappeda"]


def sites(*desa_counts):
    """sites((DESA_A, 5), (DESA_C, 2)) → TPS 001..005 of A and 001..002 of C."""
    return [Site(tps_code(desa, n)) for desa, count in desa_counts for n in range(1, count + 1)]


def staff(n, home="", opd="Dinas Kesehatan", start=0, prefix="S"):
    return [Person(f"{prefix}{start + i:03d}", f"Staf {start + i}", opd, False, home)
            for i in range(n)]


def head(pid, home="", opd=None, **kw):
    return Person(pid, f"Kepala {pid}", opd or f"OPD {pid}", True, home, **kw)


def codes_of(problems, code):
    return [p for p in problems if p.code == code]


def covered(proposal):
    return Counter(t for g in proposal.groups if g.person_id is not None for t in g.tps)


# --- coverage and groups ---------------------------------------------------------------------

def test_every_tps_is_watched_exactly_once_when_staff_suffice():
    tps = sites((DESA_A, 7), (DESA_B, 3), (DESA_C, 2))
    proposal = propose(staff(4, DESA_A) + staff(2, DESA_C, start=4), tps)
    assert covered(proposal) == Counter(s.code for s in tps)
    assert all(g.person_id for g in proposal.groups)
    assert codes_of(proposal.findings, "tps_uncovered") == []


def test_groups_are_up_to_three_tps_of_one_desa_in_number_order_and_evenly_sized():
    proposal = propose(staff(10), sites((DESA_A, 7), (DESA_B, 3)))
    assert [(g.desa, len(g.tps)) for g in proposal.groups] == [
        (DESA_A, 3), (DESA_A, 2), (DESA_A, 2), (DESA_B, 3)]
    first = proposal.groups[0]
    assert first.tps == (f"{DESA_A}-001", f"{DESA_A}-002", f"{DESA_A}-003")
    assert first.name == f"{DESA_A} TPS 001-003"
    assert first.kecamatan == "62.13.01"


def test_the_group_size_is_a_rule():
    proposal = propose(staff(10), sites((DESA_A, 7)), Rules(tps_per_staff=2))
    assert [len(g.tps) for g in proposal.groups] == [2, 2, 2, 1]


def test_tps_codes_are_accepted_as_spreadsheets_write_them():
    proposal = propose(staff(1), ["6213012003-3", Site("62.13.01.2003-1")])
    assert proposal.groups[0].tps == ("62.13.01.2003-001", "62.13.01.2003-003")
    assert proposal.groups[0].name == "62.13.01.2003 TPS 001, 003"


def test_surplus_staff_are_the_reserve_with_a_finding():
    proposal = propose(staff(5), sites((DESA_A, 6)))
    assert len(proposal.groups) == 2
    assert proposal.reserve == ["S002", "S003", "S004"]
    (reserve,) = codes_of(proposal.findings, "staff_in_reserve")
    text = reserve.render()
    assert "3 of 5 staff have no TPS group (2 groups of up to 3 TPS)" in text
    assert "Staf 2 (S002)" in text


# --- heads -----------------------------------------------------------------------------------

def test_every_kecamatan_gets_one_head_before_any_kecamatan_gets_a_second():
    tps = sites((DESA_A, 9), (DESA_C, 3), (DESA_D, 3))
    heads = [head(f"H{i}", DESA_A) for i in range(5)]  # all live in kecamatan 62.13.01
    proposal = propose(heads, tps)
    counts = {k: len(ids) for k, ids in proposal.heads.items()}
    assert counts == {"62.13.01": 2, "62.13.02": 2, "62.13.03": 1}
    assert codes_of(proposal.findings, "kecamatan_without_head") == []


def test_a_head_living_in_the_kecamatan_is_preferred():
    tps = sites((DESA_A, 3), (DESA_C, 3), (DESA_D, 3))
    heads = [head("H1", DESA_D), head("H2", DESA_A), head("H3", DESA_C)]
    proposal = propose(heads, tps, desa_centroids=CENTROIDS)
    assert proposal.heads == {"62.13.01": ["H2"], "62.13.02": ["H3"], "62.13.03": ["H1"]}


def test_otherwise_the_nearest_head_by_centroid_distance():
    tps = sites((DESA_A, 3), (DESA_C, 3), (DESA_D, 3))
    # homes outside the regency's TPS list, but with known coordinates
    near_d = head("H1", lat=-2.0, lon=116.1)
    near_a = head("H2", lat=-2.0, lon=114.9)
    near_c = head("H3", lat=-2.0, lon=115.45)
    proposal = propose([near_d, near_a, near_c], tps, desa_centroids=CENTROIDS)
    assert proposal.heads == {"62.13.01": ["H2"], "62.13.02": ["H3"], "62.13.03": ["H1"]}


def test_heads_without_a_home_are_dealt_round_robin_largest_kecamatan_first():
    tps = sites((DESA_A, 2), (DESA_C, 5), (DESA_D, 3))
    proposal = propose([head("H1"), head("H2")], tps)
    assert proposal.heads == {"62.13.01": [], "62.13.02": ["H1"], "62.13.03": ["H2"]}
    (missing,) = codes_of(proposal.findings, "kecamatan_without_head")
    assert missing.render() == "Kecamatan 62.13.01 (2 TPS) has no OPD head as coordinator."


def test_heads_coordinate_and_do_not_watch_a_tps_group():
    proposal = propose([head("H1"), *staff(1)], sites((DESA_A, 3)))
    assert proposal.heads == {"62.13.01": ["H1"]}
    assert [g.person_id for g in proposal.groups] == ["S000"]


# --- staff near home -------------------------------------------------------------------------

def test_staff_living_in_the_desa_are_preferred():
    tps = sites((DESA_A, 3), (DESA_B, 3), (DESA_C, 3))
    people = [Person("S1", "Ani", "BPKAD", home=DESA_C), Person("S2", "Budi", "BPKAD", home=DESA_B),
              Person("S3", "Citra", "BPKAD", home=DESA_A)]
    proposal = propose(people, tps)
    assert {g.desa: g.person_id for g in proposal.groups} == {
        DESA_A: "S3", DESA_B: "S2", DESA_C: "S1"}


def test_then_staff_of_the_same_kecamatan_then_the_nearest():
    tps = sites((DESA_A, 3), (DESA_C, 3), (DESA_D, 3))
    people = [
        Person("S1", "Ani", "BPKAD", home="62.13.03.2009"),  # kecamatan of DESA_D, no TPS there
        Person("S2", "Budi", "BPKAD", lat=-2.0, lon=115.40),  # nearest to DESA_C
        Person("S3", "Citra", "BPKAD", lat=-2.0, lon=114.80),  # nearest to DESA_A
    ]
    proposal = propose(people, tps, desa_centroids=CENTROIDS)
    assert {g.desa: g.person_id for g in proposal.groups} == {
        DESA_A: "S3", DESA_C: "S2", DESA_D: "S1"}


def test_distance_from_the_home_desa_centroid():
    tps = sites((DESA_A, 3), (DESA_D, 3))
    centroids = {**CENTROIDS, "62.13.09.2001": (-2.0, 116.2), "62.13.09.2002": (-2.0, 114.9)}
    people = [Person("S1", "Ani", "BPKAD", home="62.13.09.2001"),
              Person("S2", "Budi", "BPKAD", home="62.13.09.2002")]
    proposal = propose(people, tps, desa_centroids=centroids)
    assert {g.desa: g.person_id for g in proposal.groups} == {DESA_A: "S2", DESA_D: "S1"}


def test_an_opd_is_spread_over_kecamatan_when_staff_are_otherwise_equal():
    people = [Person("S1", "Ani", "Dinkes"), Person("S2", "Budi", "Dinkes"),
              Person("S3", "Citra", "Bappeda"), Person("S4", "Dodi", "Bappeda")]
    proposal = propose(people, sites((DESA_A, 6), (DESA_C, 6)))
    opd = {p.id: p.opd for p in people}
    assert sorted((g.kecamatan, opd[g.person_id]) for g in proposal.groups) == [
        ("62.13.01", "Bappeda"), ("62.13.01", "Dinkes"),
        ("62.13.02", "Bappeda"), ("62.13.02", "Dinkes")]


def test_nearness_comes_before_spreading_an_opd():
    people = [Person("S1", "Ani", "Dinkes", home=DESA_A), Person("S2", "Budi", "Dinkes",
                                                                   home=DESA_A)]
    proposal = propose(people, sites((DESA_A, 6)))
    assert sorted(g.person_id for g in proposal.groups) == ["S1", "S2"]


# --- too few staff ---------------------------------------------------------------------------

def test_fewer_staff_than_groups_enlarges_the_groups_with_a_finding():
    tps = sites((DESA_A, 9), (DESA_B, 6), (DESA_C, 3))  # 6 groups of 3
    proposal = propose(staff(4), tps)
    assert len(proposal.groups) == 4
    # up to 5 TPS would need 2 + 2 + 1 = 5 groups: 6 is the smallest size that fits 4 staff
    assert [len(g.tps) for g in proposal.groups] == [5, 4, 6, 3]
    assert covered(proposal) == Counter(s.code for s in tps)
    assert sorted(proposal.load().values()) == [1, 1, 1, 1]
    (enlarged,) = codes_of(proposal.findings, "groups_enlarged")
    assert enlarged.render() == (
        "Only 4 staff for 18 TPS (6 groups of up to 3): groups are enlarged to up to 6 TPS so "
        "that every TPS is watched.")


def test_spare_staff_split_the_largest_enlarged_groups_again():
    # 10 + 10 + 4 TPS, 8 staff: groups of up to 4 are 3 + 3 + 1 = 7, and the eighth staff
    # member splits the first desa's groups once more
    proposal = propose(staff(8), sites((DESA_A, 10), (DESA_B, 10), (DESA_C, 4)))
    assert [len(g.tps) for g in proposal.groups] == [3, 3, 2, 2, 4, 3, 3, 4]
    assert proposal.reserve == []
    assert sorted(proposal.load().values()) == [1] * 8


def test_fewer_staff_than_desa_watch_whole_desa_balanced():
    tps = sites((DESA_A, 2), (DESA_B, 2), (DESA_C, 2), (DESA_D, 2))
    proposal = propose(staff(3), tps)
    assert [len(g.tps) for g in proposal.groups] == [2, 2, 2, 2]
    assert sorted(proposal.load().values()) == [1, 1, 2]
    assert covered(proposal) == Counter(s.code for s in tps)
    (shared,) = codes_of(proposal.findings, "groups_shared")
    assert shared.render() == ("Only 3 staff for 4 desa with TPS: each desa is one group and a "
                               "staff member watches up to 2 groups.")
    # one assignment per person, even with two groups: no person_twice
    assert codes_of(check(proposal.assignments(), tps, staff(3)), "person_twice") == []


def test_no_staff_leaves_every_tps_uncovered():
    tps = sites((DESA_A, 4), (DESA_C, 2))
    proposal = propose([head("H1"), head("H2")], tps)
    assert all(g.person_id is None for g in proposal.groups)
    assert [len(g.tps) for g in proposal.groups] == [2, 2, 2]
    assert [p.render() for p in codes_of(proposal.findings, "no_staff")] == [
        "There are no ASN staff besides the OPD heads: none of the 6 TPS is watched."]
    assert [p.render() for p in codes_of(proposal.findings, "tps_uncovered")] == [
        "Desa 62.13.01.2003: 4 TPS watched by nobody (TPS 001-004).",
        "Desa 62.13.02.2001: 2 TPS watched by nobody (TPS 001-002).",
    ]


def test_nobody_at_all_and_no_tps_at_all():
    proposal = propose([], sites((DESA_A, 1)))
    assert codes_of(proposal.findings, "kecamatan_without_head")
    assert codes_of(proposal.findings, "tps_uncovered")
    empty = propose(staff(2), [])
    assert (empty.heads, empty.groups, empty.reserve) == ({}, [], ["S000", "S001"])
    assert [p.code for p in empty.findings] == ["no_tps"]


# --- check: conflicts after manual overrides -------------------------------------------------

def regency():
    tps = sites((DESA_A, 6), (DESA_C, 3))
    people = [head("H1", DESA_A), head("H2", DESA_C),
              Person("S1", "Ani", "BPKAD", home=DESA_A), Person("S2", "Budi", "BPKAD", home=DESA_A),
              Person("S3", "Citra", "BPKAD", home=DESA_C)]
    return tps, people


def test_check_of_the_proposal_itself_finds_no_conflict():
    tps, people = regency()
    proposal = propose(people, tps, desa_centroids=CENTROIDS)
    assert proposal.findings == []
    assert check(proposal.assignments(), tps, people, desa_centroids=CENTROIDS) == []


def test_an_override_that_assigns_a_person_twice_is_detected():
    tps, people = regency()
    assignments = propose(people, tps).assignments()
    s3 = next(a for a in assignments if a.person_id == "S3")
    # S1 is also given S3's group, which S3 keeps: S1 twice, and those TPS under two people
    found = check([*assignments, replace(s3, person_id="S1")], tps, people)
    texts = [p.render() for p in codes_of(found, "person_twice")]
    assert texts == [
        "Ani (S1) is assigned 2 times: 62.13.01.2003 TPS 001-003; 62.13.02.2001 TPS 001-003.",
        "62.13.02.2001 TPS 001-003 is assigned 2 times: Citra (S3); Ani (S1).",
    ]


def test_a_head_who_also_watches_tps_is_assigned_twice():
    tps, people = regency()
    assignments = propose(people, tps).assignments()
    extra = Assignment("H1", "tps_group", "", (f"{DESA_A}-001",))
    found = [p.render() for p in codes_of(check([*assignments, extra], tps, people),
                                          "person_twice")]
    assert found[0] == ("Kepala H1 (H1) is assigned 2 times: kecamatan 62.13.01; "
                        "62.13.01.2003 TPS 001.")


def test_an_override_that_leaves_tps_uncovered_is_detected():
    tps, people = regency()
    assignments = propose(people, tps).assignments()
    s2 = next(a for a in assignments if a.person_id == "S2")
    moved = replace(s2, target="desa A, two TPS", tps=s2.tps[:1])  # one TPS of three kept
    found = check([a if a is not s2 else moved for a in assignments], tps, people)
    assert [p.render() for p in found] == [
        f"Desa {DESA_A}: 2 TPS watched by nobody (TPS 005-006)."]


def test_uncovered_tps_are_listed_compactly_per_desa():
    assert compact_numbers([9, 1, 2, 3, 7, 10]) == "001-003, 007, 009-010"
    found = check([], sites((DESA_A, 3), (DESA_B, 1)), [])
    assert [p.render() for p in codes_of(found, "tps_uncovered")] == [
        f"Desa {DESA_A}: 3 TPS watched by nobody (TPS 001-003).",
        f"Desa {DESA_B}: 1 TPS watched by nobody (TPS 001).",
    ]


def test_a_kecamatan_without_a_head_and_a_staff_member_coordinating_it():
    tps, people = regency()
    assignments = [a for a in propose(people, tps).assignments() if a.person_id != "H2"]
    staff_coordinator = Assignment("S3", "kecamatan", "62.13.02")
    found = check([a for a in assignments if a.person_id != "S3"] + [staff_coordinator], tps,
                  people)
    assert "Kecamatan 62.13.02 (3 TPS) has no OPD head as coordinator." in [
        p.render() for p in found]


def test_unknown_people_tps_and_kecamatan_are_named():
    tps, people = regency()
    assignments = propose(people, tps).assignments() + [
        Assignment("X9", "tps_group", "cadangan", ()),
        Assignment("S1", "kecamatan", "62.13.07"),
        Assignment("S2", "tps_group", "", ("62.13.05.2001-001", "bukan")),
    ]
    texts = [p.render() for p in check(assignments, tps, people)]
    assert ("The assignment to cadangan names X9, who is not on the list of OPD heads and "
            "staff.") in texts
    assert "Ani (S1) is assigned kecamatan 62.13.07, which has no TPS on the list." in texts
    assert "Budi (S2) is assigned TPS 62.13.05.2001-001, which is not on the TPS list." in texts
    assert "Budi (S2) is assigned TPS bukan, which is not on the TPS list." in texts


def test_overloaded_person_is_named_with_the_numbers():
    tps = sites((DESA_A, 5), (DESA_B, 3))
    people = staff(1)
    found = check([Assignment("S000", "tps_group", "all", tuple(s.code for s in tps))], tps,
                  people)
    assert [p.render() for p in found] == [
        "Kecamatan 62.13.01 (8 TPS) has no OPD head as coordinator.",
        "Staf 0 (S000) watches 8 TPS (62.13.01.2003 TPS 001-005; 62.13.01.2004 TPS 001-003); "
        "at most 6 per person.",
    ]
    assert codes_of(check([Assignment("S000", "tps_group", "all", tuple(s.code for s in tps))],
                          tps, people, Rules(max_tps_per_person=8)), "overloaded") == []


def test_far_from_home_is_a_hint_past_the_limit():
    tps = sites((DESA_A, 3), (DESA_D, 3))
    people = [Person("S1", "Ani", "BPKAD", home=DESA_A), head("H1", DESA_A)]
    assignments = [Assignment("S1", "tps_group", "D", tuple(s.code for s in tps[3:])),
                   Assignment("H1", "kecamatan", "62.13.01")]
    km = float(haversine_km(-2.0, 115.0, -2.0, 116.0))
    assert 110 < km < 112
    found = check(assignments, tps, people, desa_centroids=CENTROIDS)
    far = codes_of(found, "far_from_home")
    assert [p.render() for p in far] == [
        f"Ani (S1) lives {round(km)} km from TPS {DESA_D}-001 (more than 30 km)."]
    assert "far_from_home" in assign.HINTS
    assert codes_of(check(assignments, tps, people, Rules(far_km=200), CENTROIDS),
                    "far_from_home") == []


def test_the_proposal_hints_at_staff_living_far_away():
    tps = sites((DESA_D, 3))
    proposal = propose([Person("S1", "Ani", "BPKAD", home=DESA_A)], tps, desa_centroids=CENTROIDS)
    assert [p.code for p in proposal.findings] == ["kecamatan_without_head", "far_from_home"]


# --- input -----------------------------------------------------------------------------------

def test_bad_input_is_reported_not_raised():
    people = [Person("S1", "Ani", "BPKAD", home="Tamiang Layang"),
              Person("S1", "Ani lagi", "BPKAD"), Person("S2", "Budi", "BPKAD", home="62.13.01")]
    found = propose(people, ["62.13.01.2003-001", "62.13.01.2003-1", "TPS satu"],
                    desa_centroids={"62.13": (0, 0), DESA_A: (-2.0, 115.0)}).findings
    assert [p.render() for p in found[:5]] == [
        "TPS 62.13.01.2003-001 appears twice.",
        "'TPS satu' is not a TPS code (e.g. 62.13.01.2003-003).",
        "'62.13' in the desa centroids is not a desa code (e.g. 62.13.01.2003) with a latitude "
        "and longitude; it is ignored.",
        "Ani (S1): home 'Tamiang Layang' is not a desa code (e.g. 62.13.01.2003); it is ignored.",
        "Person S1 appears twice (Ani and Ani lagi); the second is left out.",
    ]
    # S2's home is a kecamatan: accepted as such


def test_rules_out_of_range_are_refused():
    with pytest.raises(ValueError):
        Rules(tps_per_staff=0)
    with pytest.raises(ValueError):
        Assignment("S1", "desa", "62.13.01.2003")


def test_every_message_renders_with_the_params_given():
    tps = sites((DESA_A, 6), (DESA_C, 3), (DESA_D, 3))
    people = [*staff(2, DESA_A), head("H1", "x")]
    proposal = propose(people, ["rusak", *tps, tps[0]], desa_centroids={**CENTROIDS, "y": (1, 1)})
    for finding in proposal.findings:
        assert "%(" not in finding.render()
    assert set(assign.HINTS) <= set(assign.MESSAGES)


def test_the_core_is_pure_without_django_and_scipy():
    code = ("import sys, siaga.operations.assign; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'scipy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- properties ------------------------------------------------------------------------------

@st.composite
def regions(draw):
    desas = draw(st.lists(st.tuples(st.integers(1, 3), st.integers(2001, 2006)), min_size=1,
                          max_size=8, unique=True))
    desa_codes = [f"62.13.{k:02d}.{d}" for k, d in desas]
    tps = []
    for desa in desa_codes:
        numbers = draw(st.sets(st.integers(1, 25), min_size=1, max_size=9))
        tps += [Site(tps_code(desa, n)) for n in sorted(numbers)]
    homes = [*desa_codes, "", "62.13.04.2001", "62.13.02"]
    n_staff = draw(st.integers(0, 30))
    n_heads = draw(st.integers(0, 5))
    people = [Person(f"S{i:03d}", f"Staf {i}", draw(st.sampled_from(OPDS)), False,
                     draw(st.sampled_from(homes))) for i in range(n_staff)]
    people += [head(f"H{i}", draw(st.sampled_from(homes))) for i in range(n_heads)]
    centroids = {}
    if draw(st.booleans()):
        for desa in [*desa_codes, "62.13.04.2001"]:
            if draw(st.booleans()):
                centroids[desa] = (draw(st.floats(-2.5, -1.5)), draw(st.floats(114.5, 115.5)))
    per = draw(st.integers(1, 4))
    return tps, people, centroids, per


@settings(max_examples=150, deadline=None)
@given(regions(), st.randoms(use_true_random=False))
def test_properties_of_any_proposal(region, rnd):
    tps, people, centroids, per = region
    rules = Rules(tps_per_staff=per)
    proposal = propose(people, tps, rules, centroids)
    staff_ids = sorted(p.id for p in people if not p.is_head)
    head_ids = [p.id for p in people if p.is_head]

    # every TPS in exactly one group; covered exactly once when there is anyone to watch
    in_groups = Counter(t for g in proposal.groups for t in g.tps)
    assert in_groups == Counter(s.code for s in tps)
    assert all(len({t.rpartition("-")[0] for t in g.tps}) == 1 for g in proposal.groups)
    if staff_ids:
        assert covered(proposal) == in_groups
        assert all(g.person_id in staff_ids for g in proposal.groups)
        per_desa = Counter(t.rpartition("-")[0] for t in in_groups)
        if len(staff_ids) >= sum(-(-n // per) for n in per_desa.values()):
            assert all(len(g.tps) <= per for g in proposal.groups)
            assert codes_of(proposal.findings, "groups_enlarged") == []
        else:
            assert codes_of(proposal.findings, "groups_enlarged") or codes_of(
                proposal.findings, "groups_shared")
    else:
        assert covered(proposal) == Counter()
        assert len(codes_of(proposal.findings, "tps_uncovered")) == len(
            {t.rpartition("-")[0] for t in in_groups})

    # balanced: nobody gets two groups before everybody has one
    if staff_ids:
        loads = [proposal.load().get(pid, 0) for pid in staff_ids]
        assert max(loads) - min(loads) <= 1
    counts = [len(ids) for ids in proposal.heads.values()]
    assert sorted(pid for ids in proposal.heads.values() for pid in ids) == sorted(head_ids)
    assert max(counts) - min(counts) <= 1

    # deterministic, whatever the order of the input
    shuffled_people, shuffled_tps = list(people), list(tps)
    rnd.shuffle(shuffled_people)
    rnd.shuffle(shuffled_tps)
    again = propose(shuffled_people, shuffled_tps, rules, dict(reversed(centroids.items())))
    assert again == proposal

    # the proposal as an assignment has no conflict of its own
    found = check(proposal.assignments(), tps, people, rules, centroids)
    assert codes_of(found, "person_twice") == []
    assert codes_of(found, "unknown_person") == []
    if staff_ids:
        assert codes_of(found, "tps_uncovered") == []
    if len(head_ids) >= len(proposal.heads):
        assert codes_of(found, "kecamatan_without_head") == []
    for finding in proposal.findings + found:
        assert "%(" not in finding.render()


# --- speed -----------------------------------------------------------------------------------

def barito_timur():
    """387 TPS over Barito Timur's 103 real desa (centroids from the bundled data), 600 staff
    and 40 heads with homes mostly in the regency capital, as in a real staff list."""
    data = Path(assign.__file__).resolve().parents[1] / "regions/data"
    rows = list(csv.DictReader((data / "barito_timur_villages_coords.csv").open()))
    centroids = {r["kemendagri_code"]: (float(r["latitude"]), float(r["longitude"]))
                 for r in rows}
    rng = random.Random(2024)
    desas = sorted(centroids)
    per_desa = Counter(desas)  # one TPS each, the rest at random
    for desa in rng.choices(desas, k=387 - len(desas)):
        per_desa[desa] += 1
    tps = sites(*sorted(per_desa.items()))
    capital = [d for d in desas if d.startswith("62.13.01")]
    people = [Person(f"S{i:04d}", f"Staf {i}", rng.choice(OPDS),
                     False, rng.choice(capital) if rng.random() < 0.6 else rng.choice(desas))
              for i in range(600)]
    people += [head(f"H{i:02d}", rng.choice(capital)) for i in range(40)]
    return people, tps, centroids


def province(n_tps=8000, n_staff=12000, seed=7):
    rng = random.Random(seed)
    centroids, tps = {}, []
    desa_list = []
    for kab in range(1, 15):
        for kec in range(1, 11):
            for d in range(1, 12):
                code = f"62.{kab:02d}.{kec:02d}.{2000 + d}"
                centroids[code] = (-3 + kab * 0.2 + rng.random() * 0.1,
                                   111 + kec * 0.3 + rng.random() * 0.1)
                desa_list.append(code)
    counts = Counter(rng.choices(desa_list, k=n_tps))
    for desa, count in sorted(counts.items()):
        tps += [Site(tps_code(desa, n)) for n in range(1, count + 1)]
    people = [Person(f"S{i:05d}", f"Staf {i}", rng.choice(OPDS), False,
                     rng.choice(desa_list) if rng.random() < 0.8 else "")
              for i in range(n_staff)]
    people += [head(f"H{i:03d}", rng.choice(desa_list)) for i in range(14 * 40)]
    return people, tps, centroids


def timed(people, tps, centroids):
    start = time.perf_counter()
    proposal = propose(people, tps, desa_centroids=centroids)
    return proposal, time.perf_counter() - start


def test_a_regency_is_proposed_in_well_under_a_second():
    people, tps, centroids = barito_timur()
    proposal, seconds = timed(people, tps, centroids)
    print(f"\nregency: {len(tps)} TPS, {len(people)} people: {seconds:.3f} s")
    assert covered(proposal) == Counter(s.code for s in tps)
    assert all(ids for ids in proposal.heads.values())
    loads = Counter(proposal.load().values())
    assert set(loads) == {1}
    # most groups are watched by someone from the desa or kecamatan
    home = {p.id: p.home for p in people}
    near = sum(home[g.person_id][:8] == g.kecamatan for g in proposal.groups)
    assert near > len(proposal.groups) / 2
    assert seconds < 10  # loose: measured, not a benchmark


def test_a_province_is_proposed_in_seconds():
    people, tps, centroids = province()
    proposal, seconds = timed(people, tps, centroids)
    print(f"\nprovince: {len(tps)} TPS, {len(people)} people: {seconds:.3f} s")
    assert covered(proposal) == Counter(s.code for s in tps)
    assert seconds < 120  # loose: measured, not a benchmark
