"""The compensation table and the rule that nothing is paid twice."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from siaga.officers.compensation import (
    DEFAULT_MONTHLY_PREMIUM,
    DEFAULT_TABLE,
    CaseFacts,
    months_covered,
    premium_due,
    settle,
)

DAY = datetime.date(2024, 2, 14)


def case(key, kind, severity="none", day=DAY, paid=0):
    return CaseFacts(key, kind, severity, day, paid)


def test_the_2024_table_has_the_kpu_figures():
    assert (DEFAULT_TABLE.death, DEFAULT_TABLE.funeral, DEFAULT_TABLE.disability,
            DEFAULT_TABLE.serious, DEFAULT_TABLE.moderate) == (36_000_000, 10_000_000,
                                                               30_800_000, 16_500_000, 8_250_000)
    assert DEFAULT_MONTHLY_PREMIUM == 16_800


def test_a_death_is_due_the_benefit_and_the_funeral():
    [s] = settle([case("1", "death")])
    assert s.due == 46_000_000 and dict(s.items) == {"death": 36_000_000, "funeral": 10_000_000}


def test_a_second_death_case_for_the_same_officer_is_due_nothing():
    first, second = settle([case("1", "death"), case("2", "death")])
    assert first.due == 46_000_000 and second.due == 0
    assert second.reason == "already_compensated"


def test_an_injury_recorded_on_or_after_the_day_of_death_is_due_nothing():
    death, injury = settle([case("1", "death", day=DAY),
                            case("2", "accident", "serious", day=DAY)])
    assert death.due == 46_000_000 and injury.due == 0 and injury.reason == "after_death"


def test_an_injury_before_death_stands_and_the_death_is_still_due():
    injury, death = settle([case("1", "illness", "moderate", day=DAY),
                            case("2", "death", day=DAY + datetime.timedelta(days=3))])
    assert injury.due == 8_250_000 and death.due == 46_000_000


def test_a_graver_injury_later_is_due_only_the_difference():
    moderate, serious, again = settle([
        case("1", "accident", "moderate", DAY), case("2", "accident", "serious",
                                                     DAY + datetime.timedelta(days=1)),
        case("3", "illness", "moderate", DAY + datetime.timedelta(days=2))])
    assert moderate.due == 8_250_000
    assert serious.due == 16_500_000 - 8_250_000
    assert again.due == 0 and again.reason == "already_compensated"


def test_an_illness_without_lasting_harm_is_due_nothing():
    [s] = settle([case("1", "illness", "none")])
    assert s.due == 0 and s.reason == "no_benefit"


def test_what_was_paid_counts_against_the_due():
    [s] = settle([case("1", "accident", "serious", paid=10_000_000)])
    assert s.outstanding == 6_500_000 and s.overpaid == 0


def test_premium_is_per_started_month():
    assert months_covered(datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)) == 3
    assert months_covered(datetime.date(2024, 1, 25), datetime.date(2024, 2, 25)) == 2
    assert premium_due(16_800, datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)) == 50_400


cases = st.lists(st.builds(
    CaseFacts, key=st.text("abc", min_size=1, max_size=3),
    kind=st.sampled_from(["illness", "accident", "death"]),
    severity=st.sampled_from(["none", "moderate", "serious", "disability"]),
    date=st.dates(datetime.date(2024, 1, 1), datetime.date(2024, 3, 1)),
    paid=st.just(0)), max_size=8)


@given(cases)
def test_whatever_the_cases_no_benefit_is_owed_twice(facts):
    settled = settle(facts)
    items = [name for s in settled for name, _ in s.items]
    assert len(items) == len(set(items)) or all(
        name in ("moderate", "serious", "disability") for name in items if items.count(name) > 1)
    assert items.count("death") <= 1 and items.count("funeral") <= 1
    assert sum(s.due for s in settled) <= DEFAULT_TABLE.most
    injury = sum(v for s in settled for name, v in s.items if name not in ("death", "funeral"))
    reached = [DEFAULT_TABLE.injury(f.severity) for f, s in zip(facts, settled, strict=True)
               if s.items and f.kind != "death"]
    assert injury == (max(reached) if reached else 0)


@given(cases)
def test_the_order_cases_are_listed_in_does_not_change_what_is_due(facts):
    forward = {s.key: s.due for s in settle(facts)} if len({f.key for f in facts}) == len(
        facts) else None
    if forward is not None:
        assert {s.key: s.due for s in settle(list(reversed(facts)))} == forward
