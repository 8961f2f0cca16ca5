"""Roll-up of results through desa, kecamatan, kab/kota, province and nation; the synthetic
national presidential dataset it is measured on."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siaga.results.checks import check, check_arrays
from siaga.results.rollup import ACCEPTED, FLAGGED, LEVELS, NO_FORM, Hierarchy, Rollup, Row
from siaga.results.synthetic import (
    NATIONAL_VOTES,
    REMAINDER_LABEL,
    ProvinceVotes,
    allocate_capped,
    default_inputs,
    province_votes,
    read_rows,
    split_margins,
    synthetic_presidential,
)

CODES = ["62.13.01.2003-001", "62.13.01.2003-002", "62.13.01.2004-001", "62.13.02.2001-001",
         "62.01.01.2001-001", "63.01.01.1001-001"]


def test_tps_codes_give_every_level_up_to_the_nation():
    h = Hierarchy.from_tps_codes(CODES)
    assert h.codes[0] == ("62.01.01.2001", "62.13.01.2003", "62.13.01.2004", "62.13.02.2001",
                          "63.01.01.1001")
    assert h.codes[1:] == (("62.01.01", "62.13.01", "62.13.02", "63.01.01"),
                           ("62.01", "62.13", "63.01"), ("62", "63"), ("",))
    path = h.paths[0] - h.offsets[:-1]  # TPS 62.13.01.2003-001, level by level
    assert [h.codes[level][i] for level, i in enumerate(path)] == [
        "62.13.01.2003", "62.13.01", "62.13", "62", ""]


def test_parent_arrays_link_each_region_to_the_one_above():
    h = Hierarchy.from_tps_codes(CODES)
    for level, parent in enumerate(h.parents):
        for child, up in zip(h.codes[level], parent):
            assert child.startswith(h.codes[level + 1][up])
    assert h.tps_desa.tolist() == [1, 1, 2, 3, 0, 4]


@pytest.mark.parametrize("codes", [["62.13.01.2003-3"], ["6213012003-003"], ["62.13.01-001"],
                                   ["62.13.01.2003-001", "62.13.01.2003-001"]])
def test_codes_that_are_not_canonical_or_listed_twice_are_refused(codes):
    with pytest.raises(ValueError):
        Hierarchy.from_tps_codes(codes)


def test_only_accepted_forms_count_and_flagged_ones_are_counted_as_flagged():
    h = Hierarchy.from_tps_codes(CODES)
    values = np.array([[10, 5], [20, 5], [30, 5], [40, 5], [50, 5], [60, 5]])
    status = np.array([ACCEPTED, FLAGGED, ACCEPTED, NO_FORM, ACCEPTED, ACCEPTED])
    rollup = Rollup.build(h, values, status, columns=("01", "02"))
    assert rollup.national() == {"01": 10 + 30 + 50 + 60, "02": 20}
    kec = rollup.level("kecamatan")
    i = kec.codes.index("62.13.01")
    assert kec.values[i].tolist() == [40, 10]
    assert (kec.expected[i], kec.accepted[i], kec.flagged[i], kec.missing[i]) == (3, 2, 1, 1)
    nation = rollup.level("nasional")
    assert (nation.expected[0], nation.accepted[0], nation.flagged[0], nation.missing[0]) == (
        6, 4, 1, 2)


def test_a_correction_changes_every_level_on_its_path_and_nothing_else():
    h = Hierarchy.from_tps_codes(CODES)
    status = np.full(6, NO_FORM)
    status[1] = FLAGGED  # 617 shown for 117
    rollup = Rollup.build(h, np.zeros((6, 2), dtype=int), status)
    before = rollup.table.copy()
    rollup.apply(1, Row(FLAGGED), Row(ACCEPTED, (117, 60)))
    changed = np.flatnonzero((rollup.table != before).any(axis=1))
    assert changed.tolist() == sorted(h.paths[1].tolist())
    province = rollup.level("provinsi")
    assert province.values[0].tolist() == [117, 60]
    assert (province.accepted[0], province.flagged[0], province.missing[0]) == (1, 0, 4)
    with pytest.raises(ValueError):
        rollup.apply(1, Row(NO_FORM), Row(ACCEPTED, (1, 2, 3)))


@st.composite
def histories(draw):
    provinces = draw(st.lists(st.sampled_from(["11", "62", "63", "94"]), min_size=1,
                              max_size=3, unique=True))
    codes = set()
    for _ in range(draw(st.integers(1, 25))):
        code = (f"{draw(st.sampled_from(provinces))}.{draw(st.integers(1, 3)):02d}."
                f"{draw(st.integers(1, 3)):02d}.{draw(st.sampled_from([1001, 2001, 2002]))}"
                f"-{draw(st.integers(1, 4)):03d}")
        codes.add(code)
    codes = draw(st.permutations(sorted(codes)))  # TPS in any order
    k = draw(st.integers(1, 4))
    rows = st.builds(lambda status, values: Row(status, tuple(values) if status == ACCEPTED
                                                else ()),
                     st.sampled_from([NO_FORM, ACCEPTED, FLAGGED]),
                     st.lists(st.integers(0, 400), min_size=k, max_size=k))
    start = draw(st.lists(rows, min_size=len(codes), max_size=len(codes)))
    steps = draw(st.lists(st.tuples(st.integers(0, len(codes) - 1), rows), max_size=40))
    return codes, k, start, steps


def build(h, k, rows):
    values = np.array([r.values if r.status == ACCEPTED else (0,) * k for r in rows])
    return Rollup.build(h, values.reshape(len(rows), k), np.array([r.status for r in rows]))


@settings(max_examples=200)
@given(histories())
def test_any_sequence_of_accepts_and_corrections_equals_a_rebuild_from_scratch(history):
    codes, k, rows, steps = history
    h = Hierarchy.from_tps_codes(codes)
    rollup = build(h, k, rows)
    rows = list(rows)
    for tps, new in steps:
        rollup.apply(tps, rows[tps], new)
        rows[tps] = new
    rebuilt = build(h, k, rows)
    assert np.array_equal(rollup.table, rebuilt.table)
    assert np.array_equal(rollup.expected, rebuilt.expected)
    for level in LEVELS:
        totals = rollup.level(level)
        assert totals.accepted.sum() == sum(r.status == ACCEPTED for r in rows)
        assert (totals.missing >= 0).all()
        assert totals.values.sum(axis=0).tolist() == np.sum(
            [r.values for r in rows if r.status == ACCEPTED] or [[0] * k], axis=0).tolist()


# --- the synthetic national dataset ---------------------------------------------------------

def test_the_missing_province_row_is_derived_as_the_national_remainder():
    _facts, votes = default_inputs()
    remainder = [p for p in votes if p.derived]
    assert len(votes) == 38
    assert [(p.code, p.name, p.votes) for p in remainder] == [
        ("74", REMAINDER_LABEL, (486_659, 1_541_215, 209_112))]
    assert np.sum([p.votes for p in votes], axis=0).tolist() == list(NATIONAL_VOTES.values())


def test_a_results_file_with_a_second_gap_is_refused():
    facts, _ = default_inputs()
    rows = read_rows("pilpres_2024_by_province.csv")
    rows[0] = {**rows[0], "anies_muhaimin": "", "prabowo_gibran": "", "ganjar_mahfud": ""}
    with pytest.raises(ValueError):
        province_votes(rows, facts)


@given(st.lists(st.integers(0, 300), min_size=1, max_size=50), st.data())
def test_capped_allocation_is_exact_and_respects_every_cap(caps, data):
    total = data.draw(st.integers(0, sum(caps)))
    weights = data.draw(st.lists(st.floats(0, 10), min_size=len(caps), max_size=len(caps)))
    values = allocate_capped(total, np.array(weights), np.array(caps))
    assert values.sum() == total
    assert (values <= np.array(caps)).all() and (values >= 0).all()


@given(st.lists(st.integers(0, 300), min_size=1, max_size=40), st.integers(2, 4), st.data())
def test_split_margins_hits_both_margins_exactly(rows, k, data):
    rows = np.array(rows)
    cut = sorted(data.draw(st.lists(st.integers(0, int(rows.sum())), min_size=k - 1,
                                    max_size=k - 1)))
    target = np.diff([0, *cut, int(rows.sum())])
    weights = np.random.default_rng(0).uniform(0.1, 1, (len(rows), k))
    table = split_margins(rows, target, weights, np.random.default_rng(1))
    assert table.sum(axis=1).tolist() == rows.tolist()
    assert table.sum(axis=0).tolist() == target.tolist()
    assert (table >= 0).all()


def test_a_small_synthetic_country_adds_up_and_passes_every_check():
    facts, votes = default_inputs()
    small = [ProvinceVotes(p.code, p.name, tuple(v // 2000 for v in p.votes), p.derived)
             for p in votes]
    data = synthetic_presidential(facts, small, tps=1_000, seed=5)
    assert len(data.forms) == 1_000
    assert data.forms.votes.sum(axis=0).tolist() == np.sum([p.votes for p in small],
                                                           axis=0).tolist()
    assert not check_arrays(data.forms).flagged.any()
    assert all(check(data.forms.form(i)) == [] for i in range(0, 1_000, 37))
    per_province = np.zeros((len(data.provinces), 3), dtype=int)
    np.add.at(per_province, data.tps_province, data.forms.votes)
    assert per_province.tolist() == [list(p.votes) for p in data.provinces]


def test_the_synthetic_national_result_rolls_up_to_the_official_totals():
    facts, votes = default_inputs()
    data = synthetic_presidential(facts, votes)
    assert len(data.forms) == 820_161
    assert data.national_votes() == NATIONAL_VOTES
    assert not check_arrays(data.forms).flagged.any()
    h = Hierarchy.from_villages(data.country.village_codes, data.country.tps_village)
    rollup = Rollup.build(h, data.forms.votes, np.full(len(data.forms), ACCEPTED),
                          columns=("01", "02", "03"))
    assert list(rollup.national().values()) == list(NATIONAL_VOTES.values())
    assert rollup.level("nasional").missing[0] == 0
    assert rollup.level("provinsi").codes == tuple(sorted(f.code for f in facts))
