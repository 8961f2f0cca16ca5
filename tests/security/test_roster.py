from hypothesis import given
from hypothesis import strategies as st

from siaga.security.roster import Person, Post, assign_roster

DESA = ["62.13.01.2001", "62.13.01.2002", "62.13.02.2001"]


def test_police_come_from_the_nearest_unit_and_linmas_from_their_own_desa():
    posts = [Post("62.13.01/P001", ("62.13.01.2001-001", "62.13.01.2002-001"), police=2, tni=0, linmas=4)]
    people = [Person("1", "Polres A", "polri", "62.13"), Person("2", "Polsek B", "polri", "62.13.01"),
              Person("3", "Polsek C", "polri", "62.13.01"),
              Person("4", "L1", "linmas", "62.13.01.2001"), Person("5", "L2", "linmas", "62.13.01.2001"),
              Person("6", "L3", "linmas", "62.13.01.2002"), Person("7", "L4", "linmas", "62.13.02.2001")]
    roster = assign_roster(posts, people)
    names = [p.name for p in roster.assigned["62.13.01/P001"]]
    assert names[:2] == ["Polsek B", "Polsek C"]
    assert set(names[2:]) == {"L1", "L2", "L3"}  # L4 lives in another kecamatan's desa
    assert roster.open_slots == {"62.13.01/P001": {"linmas": 1}}
    assert {p.name for p in roster.unused} == {"Polres A", "L4"}


people = st.lists(st.builds(Person, key=st.uuids().map(str), name=st.just("x"),
                            kind=st.sampled_from(["polri", "tni", "linmas"]),
                            region=st.sampled_from(["62", "62.13", "62.13.01", "62.13.02"] + DESA)),
                  max_size=60, unique_by=lambda p: p.key)
posts = st.lists(st.builds(Post, name=st.uuids().map(str),
                           tps=st.lists(st.sampled_from(DESA).map(lambda d: d + "-001"), min_size=1,
                                        max_size=3).map(tuple),
                           police=st.integers(0, 4), tni=st.integers(0, 2), linmas=st.integers(0, 6)),
                 max_size=8, unique_by=lambda p: p.name)


@given(posts, people)
def test_nobody_stands_at_two_posts_and_every_slot_is_filled_or_reported(ps, pp):
    roster = assign_roster(ps, pp)
    placed = [p.key for people_at in roster.assigned.values() for p in people_at]
    assert len(placed) == len(set(placed))
    assert len(placed) + len(roster.unused) == len(pp)
    for post in ps:
        at = roster.assigned[post.name]
        open_ = roster.open_slots.get(post.name, {})
        for kind, needed in (("polri", post.police), ("tni", post.tni), ("linmas", post.linmas)):
            assert sum(p.kind == kind for p in at) + open_.get(kind, 0) == needed
