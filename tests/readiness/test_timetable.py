"""The agenda template as data: dates from polling day, sources, H labels, what is due."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from siaga.readiness import timetable

PEMILU_DAY = datetime.date(2024, 2, 14)
PILKADA_DAY = datetime.date(2024, 11, 27)


def by_key(kind, day):
    return {d.key: d for d in timetable.agenda_for(kind, day)}


def test_the_pemilu_template_puts_the_legal_dates_of_pkpu_3_2022_where_they_fall():
    agenda = by_key("pemilu", PEMILU_DAY)
    assert agenda["kampanye-mulai"].at.date() == datetime.date(2023, 11, 28)
    assert agenda["masa-tenang"].at.date() == datetime.date(2024, 2, 11)
    assert agenda["deklarasi-damai"].at.date() == datetime.date(2023, 11, 27)
    assert agenda["pemungutan"].at == datetime.datetime(2024, 2, 14, 7)
    assert not agenda["kampanye-mulai"].assumption and "PKPU 3/2022" in agenda[
        "kampanye-mulai"].source


def test_the_pilkada_template_follows_pkpu_2_2024():
    agenda = by_key("pilkada", PILKADA_DAY)
    assert agenda["penetapan-paslon"].at.date() == datetime.date(2024, 9, 22)
    assert agenda["kampanye-mulai"].at.date() == datetime.date(2024, 9, 25)
    assert agenda["masa-tenang"].at.date() == datetime.date(2024, 11, 24)


def test_local_activities_are_labelled_as_our_assumption_and_every_entry_names_a_source():
    for kind in timetable.TEMPLATES:
        for entry in timetable.TEMPLATES[kind]:
            assert entry.source
            assert entry.kind in timetable.KINDS
            if entry.kind in ("tfg", "simulation", "logistics_meeting"):
                assert entry.assumption


def test_every_template_holds_each_kind_the_issue_names_once_at_least():
    wanted = {"coordination", "tfg", "simulation", "peace", "logistics_meeting",
              "logistics_release", "polling_day"}
    for entries in timetable.TEMPLATES.values():
        assert wanted <= {e.kind for e in entries}
        assert len({e.key for e in entries}) == len(entries)


def test_h_labels_count_days_from_polling_day():
    assert timetable.h_label(PEMILU_DAY, PEMILU_DAY) == "H"
    assert timetable.h_label(datetime.date(2024, 2, 7), PEMILU_DAY) == "H-7"
    assert timetable.h_label(datetime.date(2024, 2, 17), PEMILU_DAY) == "H+3"


@given(st.lists(st.integers(-40, 40), max_size=30), st.integers(0, 14))
def test_due_splits_open_activities_into_overdue_and_the_next_days_without_overlap(offsets, days):
    today = datetime.date(2024, 2, 1)
    dates = [today + datetime.timedelta(days=o) for o in offsets]
    found = timetable.due(dates, today, days=days, date_of=lambda d: d)
    assert all(d < today for d in found.overdue)
    assert all(today <= d <= today + datetime.timedelta(days=days) for d in found.upcoming)
    assert len(found.overdue) + len(found.upcoming) == sum(
        1 for o in offsets if o < 0 or 0 <= o <= days)
    assert found.overdue == sorted(found.overdue) and found.upcoming == sorted(found.upcoming)
