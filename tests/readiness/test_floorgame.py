"""The floor-game board's pure core: where a vehicle is, what state a shipment and a post are
in at a moment, and what a scenario breaks against the base."""

import itertools
import math

from hypothesis import given
from hypothesis import strategies as st

from siaga.readiness import floorgame as fg
from siaga.security.roster import Person, Post, Roster

# --- a stored plan, as logistics.plans.store writes it ----------------------------------------


def visit(stop, arrival, departure, late_by=0):
    return {"stop": stop, "arrival": arrival, "start": arrival, "departure": departure,
            "late_by": late_by, "part": 1, "parts": 1, "volume_l": 1, "weight_kg": 1, "km": 1}


def stored_plan(trips, *, misses=(), deadlines=None, depot="62.13"):
    sites = {depot: [0.0, 0.0, "Gudang"], "62.13.01": [0.0, 1.0, "PPK A"],
             "62.13.02": [1.0, 1.0, "PPK B"], "62.13.01.2001-001": [0.5, 1.5, "TPS 001"]}
    arrivals = {v["stop"]: v["arrival"] for t in trips for v in t["visits"]}
    return {"epoch": "2024-02-09T00:00:00+07:00", "sites": sites,
            "deadlines": deadlines or {code: 2_000 for code in sites if code != depot},
            "arrivals": arrivals, "misses": list(misses), "cost": 0,
            "legs": [{"name": "leg", "depot": depot, "cost": 0, "seconds": 0, "warnings": [],
                      "routes": [{"vehicle": "Truk #1", "type": "Truk", "mode": "truck",
                                  "trips": trips}]}]}


def trip(loading, departure, visits, back):
    return {"loading_from": loading, "departure": departure, "back_at": back, "km": 1,
            "volume_l": 1, "weight_kg": 1, "visits": visits}


TWO_STOPS = stored_plan([trip(420, 480, [visit("62.13.01", 540, 600),
                                         visit("62.13.02", 660, 720)], 800)])


def test_a_vehicle_is_at_its_depot_before_it_leaves_and_halfway_in_mid_leg():
    (path,) = fg.paths_from_plan(TWO_STOPS)
    assert fg.position_at(path, 0) == (0.0, 0.0)
    assert fg.position_at(path, 480) == (0.0, 0.0)
    assert fg.position_at(path, 510) == (0.0, 0.5)  # half of 480 → 540 on the way to PPK A
    assert fg.position_at(path, 570) == (0.0, 1.0)  # unloading at PPK A
    assert fg.position_at(path, 10_000) == (0.0, 0.0)  # back at the depot


def test_a_vehicle_is_out_only_from_loading_to_its_return():
    (path,) = fg.paths_from_plan(TWO_STOPS)
    assert not fg.is_out(path, 419) and fg.is_out(path, 420) and fg.is_out(path, 800)
    assert not fg.is_out(path, 801)


def test_a_site_without_coordinates_is_passed_straight_by():
    plan = stored_plan([trip(0, 10, [visit("62.13.01", 20, 30), visit("62.13.09", 40, 50)], 60)])
    plan["sites"]["62.13.09"] = [None, None, "no place"]
    (path,) = fg.paths_from_plan(plan)
    assert "62.13.09" not in {w.site for w in path.waypoints}


# Random routes: a depot and stops anywhere, strictly positive travel and service times.
points = st.tuples(st.floats(-5, 5, allow_nan=False), st.floats(100, 120, allow_nan=False))
routes = st.lists(st.tuples(points, st.integers(1, 300), st.integers(1, 90)), min_size=1,
                  max_size=8)


def random_path(depot, stops, loading=30):
    sites = {"D": [*depot, "D"]}
    clock, visits = 100 + loading, []
    for k, (place, travel, service) in enumerate(stops):
        sites[f"S{k}"] = [*place, f"S{k}"]
        clock += travel
        visits.append(visit(f"S{k}", clock, clock + service))
        clock += service
    plan = {"sites": sites, "legs": [{"depot": "D", "routes": [{"vehicle": "v", "mode": "truck",
            "trips": [trip(100, 100 + loading, visits, clock + 45)]}]}]}
    (path,) = fg.paths_from_plan(plan)
    return path, visits, sites


@given(points, routes)
def test_at_each_stop_time_the_vehicle_is_at_that_stop(depot, stops):
    path, visits, sites = random_path(depot, stops)
    for v in visits:
        for t in (v["arrival"], (v["arrival"] + v["departure"]) / 2):
            assert fg.position_at(path, t) == tuple(sites[v["stop"]][:2])


@given(points, routes, st.lists(st.floats(0, 3_000, allow_nan=False), min_size=2, max_size=30))
def test_progress_never_goes_back_and_never_beyond_the_route(depot, stops, moments):
    path, _visits, _sites = random_path(depot, stops)
    progress = [fg.progress_at(path, t) for t in sorted(moments)]
    assert all(a <= b + 1e-9 for a, b in itertools.pairwise(progress))
    assert all(-1e-9 <= p <= path.length + 1e-9 for p in progress)


@given(points, routes, st.floats(0, 3_000, allow_nan=False))
def test_the_vehicle_is_always_on_a_segment_of_its_route(depot, stops, t):
    path, _visits, _sites = random_path(depot, stops)
    lat, lon = fg.position_at(path, t)
    on_some_segment = False
    for a, b in zip(path.waypoints, path.waypoints[1:]):
        ab = math.dist((a.lat, a.lon), (b.lat, b.lon))
        via = math.dist((a.lat, a.lon), (lat, lon)) + math.dist((lat, lon), (b.lat, b.lon))
        on_some_segment |= abs(via - ab) <= 1e-6 * max(1.0, ab)
    assert on_some_segment or (lat, lon) in {(w.lat, w.lon) for w in path.waypoints}


# --- shipments and posts ----------------------------------------------------------------------


def test_a_shipment_waits_travels_and_is_delivered():
    ships = fg.shipments_from_plan(TWO_STOPS)
    b = ships["62.13.02"]
    assert (b.departs, b.arrives) == (480, 660)
    assert [fg.shipment_state(b, t) for t in (0, 480, 659, 660)] == [
        "waiting", "in_transit", "in_transit", "delivered"]


def test_a_stop_the_plan_cannot_serve_is_never_delivered():
    plan = stored_plan([trip(0, 10, [visit("62.13.01", 20, 30)], 40)],
                       misses=[{"stop": "62.13.02", "code": "no_route", "params": {},
                                "late_by": None}])
    ships = fg.shipments_from_plan(plan)
    assert all(fg.shipment_state(ships["62.13.02"], t) == "not_served" for t in (0, 100, 10**6))


def test_a_post_stands_from_the_first_goods_at_its_tps_until_its_last_tps_has_counted():
    start, end = fg.post_hours(["a", "b"], {"a": 700, "b": 900}, guard_from=2_000,
                               counting_end={"a": 7_000, "b": 7_300}, default_end=7_200)
    assert (start, end) == (700, 7_300)
    # Goods that never come: the post still stands from H-1, until the regency's end.
    assert fg.post_hours(["c"], {"c": None}, 2_000, {}, 7_200) == (2_000, 7_200)


def state(name, tps, need, have, unguarded=(), hours=(0, 100)):
    return fg.PostState(name, tuple(tps), need, have, tuple(unguarded), *hours)


def test_a_post_with_nobody_is_unmanned_and_one_with_a_gap_is_short():
    need = {"polri": 2, "tni": 1, "linmas": 4}
    assert state("p", ["a"], need, {"polri": 0, "tni": 0, "linmas": 0}).staffing == "unmanned"
    assert state("p", ["a"], need, {"polri": 2, "tni": 0, "linmas": 4}).staffing == "short"
    assert state("p", ["a"], need, {"polri": 2, "tni": 1, "linmas": 4}).staffing == "manned"
    post = state("p", ["a"], need, {"polri": 2, "tni": 1, "linmas": 4}, hours=(10, 20))
    assert [fg.post_state(post, t) for t in (9, 10, 20, 21)] == [
        "before", "manned", "manned", "stood_down"]


def test_a_tps_is_unguarded_when_its_post_has_no_police_and_its_desa_no_linmas():
    posts = [Post("62.13.01/P001", ("62.13.01.2001-001", "62.13.01.2002-001"), 2, 0, 2)]
    linmas = Person("1", "L", "linmas", "62.13.01.2001")
    roster = Roster(assigned={"62.13.01/P001": [linmas]})
    (s,) = fg.post_states(posts, roster, {})
    assert s.unguarded == ("62.13.01.2002-001",)


def test_withdrawing_takes_the_last_listed_of_that_kind_in_the_area():
    people = [Person(str(i), f"P{i}", "polri", "62.13") for i in range(3)] + [
        Person("9", "L", "linmas", "62.13.01.2001")]
    left = fg.withdraw(people, "polri", 2)
    assert [p.key for p in left] == ["0", "9"]
    assert fg.withdraw(people, "linmas", 5, area="62.13.02") == people
    assert fg.withdraw(people, "polri", 0) == people


def test_the_clock_table_counts_vehicles_shipments_and_posts_at_each_stop():
    paths = fg.paths_from_plan(TWO_STOPS)
    ships = fg.shipments_from_plan(TWO_STOPS)
    post = state("p", ["62.13.01.2001-001"], {"polri": 1, "tni": 0, "linmas": 0},
                 {"polri": 1, "tni": 0, "linmas": 0}, hours=(600, 700))
    table = fg.clock_table(paths, ships, [post], fg.steps(400, 700, 150))
    assert [c.t for c in table] == [400, 550, 700]
    assert [c.vehicles_out for c in table] == [0, 1, 1]
    # The TPS has a deadline but no vehicle and no arrival in this plan: never served.
    assert [(c.waiting, c.in_transit, c.delivered, c.not_served) for c in table] == [
        (2, 0, 0, 1), (0, 1, 1, 1), (0, 0, 2, 1)]
    assert [c.posts["manned"] for c in table] == [0, 0, 1]


# --- what a scenario breaks -------------------------------------------------------------------

TPS_A, TPS_B = "62.13.01.2001-001", "62.13.01.2001-002"


def board(arrivals, *, deadline=1_000, posts=(), misses=None):
    ships = {c: fg.ShipmentTimes(c, 0, a, deadline) for c, a in arrivals.items()}
    return fg.Board(ships, misses or {}, list(posts))


def test_a_tps_that_was_on_time_and_is_now_late_is_listed_with_the_routing_reason():
    miss = {"stop": TPS_A, "code": "fleet_busy", "params": {}, "late_by": 60}
    broken = fg.breakage(board({TPS_A: 900, TPS_B: 900}),
                         board({TPS_A: 1_060, TPS_B: 950}, misses={TPS_A: miss}))
    assert [(b.kind, b.code) for b in broken] == [("tps_late", TPS_A)]
    assert broken[0].miss == miss and broken[0].params["late_by"] == 60
    assert "TPS 62.13.01.2001-001" in fg.break_problem(broken[0], "why").render()


def test_a_tps_no_longer_served_is_listed_once_and_an_already_late_one_not_again():
    broken = fg.breakage(board({TPS_A: 900, TPS_B: 1_200}), board({TPS_A: None, TPS_B: 1_300}))
    assert [(b.kind, b.code) for b in broken] == [("tps_unserved", TPS_A)]


def test_ppk_and_pps_misses_are_not_listed_as_tps():
    assert fg.breakage(board({"62.13.01": 900}), board({"62.13.01": None})) == []


def test_nothing_changed_breaks_nothing():
    need = {"polri": 2, "tni": 0, "linmas": 2}
    posts = [state("p1", [TPS_A], need, need)]
    same = board({TPS_A: 900}, posts=posts)
    assert fg.breakage(same, same) == []


def test_posts_left_unmanned_or_short_and_tps_without_guard_are_listed_with_their_causes():
    need = {"polri": 2, "tni": 0, "linmas": 2}
    full = {"polri": 2, "tni": 0, "linmas": 2}
    base = board({TPS_A: 900, TPS_B: 900}, posts=[state("p1", [TPS_A], need, full),
                                                  state("p2", [TPS_B], need, full)])
    after = board({TPS_A: 900, TPS_B: 900}, posts=[
        state("p1", [TPS_A], need, {"polri": 1, "tni": 0, "linmas": 2}),
        state("p2", [TPS_B], need, {"polri": 0, "tni": 0, "linmas": 0}, unguarded=[TPS_B])])
    broken = fg.breakage(base, after, withdrawn=[("polri", 3, "")])
    assert [(b.kind, b.code) for b in broken] == [
        ("post_unmanned", "p2"), ("post_short", "p1"), ("tps_unguarded", TPS_B)]
    short = broken[1]
    assert (short.params["police"], short.params["police_before"]) == (1, 0)
    assert short.causes[0].render() == "3 Polri withdrawn."


def test_an_upgraded_tps_names_the_new_pattern_of_its_post():
    need = {"polri": 2, "tni": 0, "linmas": 2}
    base = board({TPS_A: 900}, posts=[state("62.13.01/P001", [TPS_A], need, need)])
    after = board({TPS_A: 900}, posts=[state("62.13.01/P002", [TPS_A], {**need, "polri": 6},
                                              need)])
    (broken,) = fg.breakage(base, after, upgraded=[TPS_A], patterns={"62.13.01/P002": "6-2-8"})
    assert broken.kind == "post_short"
    assert broken.causes[0].render() == (
        "TPS 62.13.01.2001-001 upgraded to sangat rawan: the post now follows pattern 6-2-8.")
