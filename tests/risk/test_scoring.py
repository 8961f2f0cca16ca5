import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siaga.risk.catalogue import LISTED, OUR_READING, PEMILU_2024, PILKADA_2024, Indicator
from siaga.risk.scoring import (
    KURANG_RAWAN,
    RAWAN,
    SANGAT_RAWAN,
    Grading,
    as_matrix,
    check_grading,
    explain,
    grade,
    summarize,
)

DEFAULT = Grading(PEMILU_2024)


def row(*codes, catalogue=PEMILU_2024):
    return as_matrix([codes], catalogue)[0]


# --- catalogues ------------------------------------------------------------------------------

def test_the_pemilu_2024_catalogue_has_seven_variables_and_twenty_two_indicators():
    assert len(PEMILU_2024.variables) == 7
    assert len(PEMILU_2024.indicators) == 22
    assert {i.variable for i in PEMILU_2024.indicators} == {v.code for v in PEMILU_2024.variables}


def test_the_pilkada_2024_catalogue_has_eight_variables_and_adds_four_indicators():
    assert len(PILKADA_2024.variables) == 8
    added = set(PILKADA_2024.codes) - set(PEMILU_2024.codes)
    names = " ".join(PILKADA_2024.indicator(c).name.lower() for c in added)
    assert len(added) == 4
    for word in ("disabilitas", "ulang", "konflik", "penolakan"):
        assert word in names


def test_indicator_codes_are_unique_and_every_reading_is_marked():
    for catalogue in (PEMILU_2024, PILKADA_2024):
        assert len(set(catalogue.codes)) == len(catalogue.codes)
        assert all(i.reading in (LISTED, OUR_READING) for i in catalogue.indicators)
        assert all(i.note for i in catalogue.indicators if i.reading == OUR_READING)


def test_a_province_can_edit_the_catalogue_to_its_own_set():
    kalteng = PILKADA_2024.edited(remove=("LK4",), key="pilkada-2024-kalteng")
    assert len(kalteng.indicators) == 25
    extra = kalteng.edited(add=(Indicator("LK9", "TPS di perkebunan", "lokasi", 1.0),))
    assert extra.index("LK9") == 25
    with pytest.raises(ValueError):
        kalteng.edited(add=(Indicator("LK9", "x", "no_such_variable"),))


# --- grading ---------------------------------------------------------------------------------

def test_a_tps_with_no_signal_and_hard_access_is_rawan():
    graded = grade(np.array([row("LK1", "LI2")]), DEFAULT)
    assert graded.grades[0] == RAWAN
    assert explain(row("LK1", "LI2"), DEFAULT).text() == (
        "Rawan: TPS sulit dijangkau + Kendala jaringan internet")


def test_a_tps_with_only_voter_list_findings_is_kurang_rawan():
    r = row("HP1", "HP2", "HP3")
    assert grade(np.array([r]), DEFAULT).grades[0] == KURANG_RAWAN
    explanation = explain(r, DEFAULT)
    assert explanation.drivers == ()
    assert [code for code, _ in explanation.others] == ["HP1", "HP2", "HP3"]


def test_a_history_of_violence_and_intimidation_is_sangat_rawan():
    r = row("KA1", "KA2", "HP1")
    assert grade(np.array([r]), DEFAULT).grades[0] == SANGAT_RAWAN
    explanation = explain(r, DEFAULT)
    assert [code for code, _ in explanation.drivers] == ["KA1", "KA2"]
    assert [code for code, _ in explanation.others] == ["HP1"]


def test_a_score_exactly_at_the_threshold_reaches_the_grade_despite_floating_point():
    grading = Grading(PEMILU_2024, weights={"LI1": 0.1, "LI2": 0.2}, rawan_at=0.3,
                      sangat_rawan_at=5)
    assert grade(np.array([row("LI1", "LI2")]), grading).grades[0] == RAWAN


def test_weights_and_thresholds_are_configurable():
    strict = Grading(PEMILU_2024, weights={"LK1": 3}, rawan_at=3, sangat_rawan_at=4)
    assert grade(np.array([row("LK1")]), strict).grades[0] == RAWAN
    assert grade(np.array([row("LK1", "LI2")]), strict).grades[0] == SANGAT_RAWAN


def test_a_bad_grading_is_reported_not_used():
    bad = Grading(PEMILU_2024, weights={"LK1": -1, "ZZ9": 1}, rawan_at=5, sangat_rawan_at=4)
    assert {p.code for p in check_grading(bad)} == {"negative_weight", "unknown_indicator",
                                                    "bad_thresholds"}
    assert check_grading(DEFAULT) == []
    with pytest.raises(ValueError):
        grade(np.zeros((1, 22), dtype=bool), Grading(PEMILU_2024, weights={"LK1": -1}))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.booleans(), min_size=26, max_size=26), min_size=1, max_size=30),
       st.integers(min_value=0, max_value=25),
       st.dictionaries(st.sampled_from(PILKADA_2024.codes),
                       st.floats(min_value=0, max_value=5, allow_nan=False), max_size=6))
def test_grading_is_monotone_adding_an_indicator_never_lowers_the_grade(rows, column, weights):
    grading = Grading(PILKADA_2024, weights=weights)
    matrix = np.array(rows, dtype=bool)
    more = matrix.copy()
    more[:, column] = True
    assert (grade(more, grading).grades >= grade(matrix, grading).grades).all()
    assert (grade(more, grading).scores >= grade(matrix, grading).scores).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.booleans(), min_size=26, max_size=26))
def test_the_explanation_agrees_with_the_vectorised_grade(flags):
    grading = Grading(PILKADA_2024)
    r = np.array(flags)
    explanation = explain(r, grading)
    assert explanation.grade == grade(r[None, :], grading).grades[0]
    threshold = (0, grading.rawan_at, grading.sangat_rawan_at)[explanation.grade]
    weight = {i.code: i.weight for i in PILKADA_2024.indicators}
    assert sum(weight[c] for c, _ in explanation.drivers) >= threshold - 1e-9


# --- summaries -------------------------------------------------------------------------------

def test_the_kecamatan_summary_counts_tps_per_indicator_and_variable_and_ranks_them():
    codes = ["62.13.01.2001-001", "62.13.01.2001-002", "62.13.01.2002-001", "62.13.02.2001-001"]
    matrix = as_matrix([{"HP1", "HP2"}, {"HP1", "LI2"}, {"HP1"}, set()], PEMILU_2024)
    graded = grade(matrix, DEFAULT)
    first, second = summarize(codes, matrix, PEMILU_2024, grades=graded.grades)
    assert (first.code, first.tps, second.code, second.tps) == ("62.13.01", 3, "62.13.02", 1)
    assert first.indicator_counts["HP1"] == 3 and first.indicator_counts["LI2"] == 1
    assert first.variable_counts["hak_pilih"] == 3  # a TPS counts once per variable
    assert first.variable_counts["listrik_internet"] == 1
    assert [code for code, _, _ in first.ranking] == ["HP1", "HP2", "LI2"]
    assert first.grade_counts == {"kurang_rawan": 3, "rawan": 0, "sangat_rawan": 0}
    assert second.ranking == () and second.grade_counts["kurang_rawan"] == 1


def test_a_summary_can_be_per_desa():
    codes = ["62.13.01.2001-001", "62.13.01.2002-001"]
    summaries = summarize(codes, as_matrix([{"KA1"}, set()], PEMILU_2024), PEMILU_2024,
                          level="desa")
    assert [s.code for s in summaries] == ["62.13.01.2001", "62.13.01.2002"]
