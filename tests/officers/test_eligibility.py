"""Eligibility by the election's rules and completeness of every team."""

import datetime
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from siaga.officers.eligibility import (
    PEMILU_2019,
    PEMILU_2024,
    Units,
    age_on,
    check_officer,
    completeness,
    count_posts,
    requirements,
    rules_for,
)

POLLING = datetime.date(2024, 2, 14)


def test_a_kpps_of_56_on_polling_day_is_too_old_in_2024_but_not_in_2019():
    born = datetime.date(1967, 6, 1)
    assert age_on(born, POLLING) == 56
    problems = check_officer(PEMILU_2024, position="KPPS", birth_date=born,
                             has_health_certificate=True, polling_date=POLLING)
    assert [p.code for p in problems] == ["too_old"]
    assert check_officer(PEMILU_2019, position="KPPS", birth_date=born,
                         has_health_certificate=True, polling_date=POLLING) == []


def test_a_kpps_who_turns_55_on_polling_day_is_eligible_and_one_of_16_is_not():
    assert check_officer(PEMILU_2024, position="KPPS", birth_date=datetime.date(1969, 2, 14),
                         has_health_certificate=True, polling_date=POLLING) == []
    assert [p.code for p in check_officer(
        PEMILU_2024, position="KPPS", birth_date=datetime.date(2007, 2, 15),
        has_health_certificate=True, polling_date=POLLING)] == ["too_young"]


def test_a_kpps_without_health_certificate_is_not_eligible_a_linmas_is():
    born = datetime.date(1980, 1, 1)
    assert [p.code for p in check_officer(PEMILU_2024, position="KPPS", birth_date=born,
                                          has_health_certificate=False,
                                          polling_date=POLLING)] == ["no_health_certificate"]
    assert check_officer(PEMILU_2024, position="LINMAS", birth_date=born,
                         has_health_certificate=False, polling_date=POLLING) == []


def test_an_election_without_rules_of_its_own_gets_the_2024_rules():
    assert rules_for("pemilu-2024") is PEMILU_2024 and rules_for("pilkada-2031") is PEMILU_2024


def test_requirements_follow_the_quotas_per_tps_desa_and_kecamatan():
    units = Units(tps=["A-001", "A-002"], desa=["A"], kecamatan=["K"])
    required = requirements(PEMILU_2024, units)
    assert required[("KPPS", "A-001")] == 7 and required[("LINMAS", "A-002")] == 2
    assert required[("PTPS", "A-001")] == 1 and required[("PPS", "A")] == 3
    assert required[("PPK", "K")] == 5
    assert sum(required.values()) == 2 * 10 + 3 + 5


def test_a_tps_with_six_kpps_and_no_chair_is_listed_with_both_problems():
    units = Units(tps=["A-001"])
    present, chairs = count_posts([("KPPS", "A-001", False)] * 6 + [("LINMAS", "A-001", False)]
                                  * 2 + [("PTPS", "A-001", False)])
    gaps = completeness(PEMILU_2024, units, present, chairs)
    assert len(gaps) == 1
    gap = gaps[0]
    assert (gap.position, gap.missing, gap.chair_problem) == ("KPPS", 1, True)


@given(st.dictionaries(st.sampled_from(["T-1", "T-2", "T-3"]),
                       st.tuples(st.integers(0, 9), st.integers(0, 3), st.integers(0, 2),
                                 st.integers(0, 2))))
def test_missing_posts_equal_required_minus_present_where_short(teams):
    units = Units(tps=["T-1", "T-2", "T-3"])
    present = Counter()
    chairs = Counter()
    for code, (kpps, linmas, ptps, chair) in teams.items():
        present[("KPPS", code)], present[("LINMAS", code)] = kpps, linmas
        present[("PTPS", code)], chairs[("KPPS", code)] = ptps, min(chair, kpps)
    gaps = completeness(PEMILU_2024, units, present, chairs)
    required = requirements(PEMILU_2024, units)
    assert sum(g.missing for g in gaps) == sum(max(0, n - present[key])
                                               for key, n in required.items())
    complete = {g.unit_code for g in gaps}
    for code in units.tps:
        kpps, linmas, ptps, chair = teams.get(code, (0, 0, 0, 0))
        whole = (kpps, linmas, ptps, min(chair, kpps)) == (7, 2, 1, 1)
        assert (code not in complete) == whole
