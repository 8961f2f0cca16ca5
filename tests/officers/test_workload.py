"""The risk list's rule: a late count AND an older or uncertified team."""

from hypothesis import given
from hypothesis import strategies as st

from siaga.officers.workload import Finish, Team, clock, flag_teams

YOUNG = (25, 30, 28, 35, 40, 22, 33)
OLD = (52, 53, 51, 48, 30, 29, 45)


def test_a_late_tps_with_an_older_team_gets_a_relief_shift_and_medical_standby():
    [flag] = flag_teams({"T-1": Team(OLD, 0)}, {"T-1": Finish(25.5, 0.8)})
    assert flag.code == "T-1" and flag.actions == ("relief", "medical")
    assert [r.code for r in flag.reasons] == ["late", "older"]
    assert "01.30 (+1)" in flag.reasons[0].render()


def test_a_late_tps_with_a_young_certified_team_is_not_listed():
    assert flag_teams({"T-1": Team(YOUNG, 0)}, {"T-1": Finish(25.5, 0.9)}) == []


def test_an_early_tps_with_an_older_team_is_not_listed():
    assert flag_teams({"T-1": Team(OLD, 3)}, {"T-1": Finish(21.0, 0.01)}) == []


def test_a_late_tps_whose_team_lacks_certificates_gets_medical_standby():
    [flag] = flag_teams({"T-1": Team(YOUNG, 2)}, {"T-1": Finish(24.2, 0.6)})
    assert flag.actions == ("medical",)
    assert [r.code for r in flag.reasons] == ["late", "no_certificate"]


def test_clock_reads_like_the_simulation_pages():
    assert clock(23.75) == "23.45" and clock(36.25) == "12.15 (+1)"


@given(st.dictionaries(st.sampled_from(["A", "B", "C", "D"]), st.tuples(
    st.lists(st.integers(17, 60), max_size=7), st.integers(0, 7), st.floats(18, 36),
    st.floats(0, 1))))
def test_every_listed_tps_is_late_and_has_a_reason_and_an_action(data):
    teams = {k: Team(tuple(v[0]), v[1]) for k, v in data.items()}
    finishes = {k: Finish(v[2], v[3]) for k, v in data.items()}
    for flag in flag_teams(teams, finishes):
        finish = finishes[flag.code]
        assert finish.p_after_midnight >= 0.5 or finish.counting_end_mean >= 24
        assert flag.reasons[0].code == "late" and len(flag.reasons) >= 2 and flag.actions
