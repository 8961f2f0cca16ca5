import math
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siaga.geo import EARTH_KM
from siaga.logistics import cvrplib, routing
from siaga.logistics.routing import (
    ClosedEdge,
    Depot,
    InvalidLeg,
    Leg,
    Mode,
    Network,
    Stop,
    TravelMatrix,
    Vehicle,
    close_edge,
    compare_plans,
    delay_start,
    flood_area,
    plan_leg,
    plan_network,
    remove_vehicle,
    solve_cvrp,
    travel_matrices,
    validate_leg,
)

CVRPLIB = Path(__file__).resolve().parents[2] / "bench" / "data" / "cvrplib"
FAST = {"seconds": 1.0, "no_improvement": 300}
# One minute per km, no detour: easy arithmetic on coordinates.
MODES = {"truck": Mode("truck", 60, 1.0), "boat": Mode("boat", 30, 1.0),
         "pickup": Mode("pickup", 60, 1.0)}
KM_PER_DEGREE = 2 * math.pi * EARTH_KM / 360


def east(km: float) -> float:
    """Longitude of a point `km` east of (0, 0) on the equator."""
    return km / KM_PER_DEGREE


def matrix_leg(minutes, stops, vehicles, **kw) -> Leg:
    """A leg whose travel times are an uploaded matrix; sites are D, then the stops."""
    codes = ("D", *(s.code for s in stops))
    return Leg("test", Depot("D", loading_minutes=kw.pop("loading", 0), **kw), tuple(stops),
               tuple(vehicles), modes=MODES,
               matrices=(TravelMatrix(codes, tuple(map(tuple, minutes))),))


def stop(code, volume=100, weight=10, **kw):
    return Stop(code, volume_l=volume, weight_kg=weight, service_minutes=kw.pop("service", 0),
                **kw)


def truck(name="Truck", **kw):
    return Vehicle(name, kw.pop("mode", "truck"), kw.pop("volume", 1000), kw.pop("weight", 1000),
                   **kw)


def visits_of(plan):
    return {v.stop: v for r in plan.routes for v in r.visits}


# --- travel times -----------------------------------------------------------------------------

def test_travel_time_from_coordinates_is_km_times_detour_over_speed_rounded_up():
    leg = Leg("t", Depot("D", 0, 0), (stop("A", lat=0, lon=east(10)),),
              (truck(mode="truck"), truck("Boat", mode="boat")),
              modes={"truck": Mode("truck", 40, 1.5), "boat": Mode("boat", 15, 1.2)})
    m = travel_matrices(leg)
    assert m["truck"][1][0, 1] == pytest.approx(15.0)  # km: 10 × 1.5
    assert m["truck"][0][0, 1] == math.ceil(15 / 40 * 60)  # 22.5 → 23 min
    assert m["boat"][0][0, 1] == math.ceil(12 / 15 * 60)  # 48 min


def test_an_uploaded_matrix_overrides_coordinates_for_its_modes():
    leg = Leg("t", Depot("D", 0, 0), (stop("A", lat=0, lon=east(10)),),
              (truck(), truck("Boat", mode="boat")), modes=MODES,
              matrices=(TravelMatrix(("A", "D"), ((0, 95), (90, 0)), modes=frozenset({"boat"})),))
    m = travel_matrices(leg)
    assert (m["boat"][0][0, 1], m["boat"][0][1, 0]) == (90, 95)
    assert m["truck"][0][0, 1] == 10


def test_closing_a_road_detours_through_the_other_sites():
    leg = matrix_leg([[0, 10, 10], [10, 0, 10], [10, 10, 0]],
                     [stop("A"), stop("B")], [truck()])
    closed = close_edge(leg, "D", "B")
    assert travel_matrices(closed)["truck"][0][0, 2] == 20  # D → A → B
    only_boats = close_edge(leg, "D", "B", modes=["boat"])
    assert travel_matrices(only_boats)["truck"][0][0, 2] == 10


def test_a_missing_connection_in_the_uploaded_matrix_means_no_road():
    leg = matrix_leg([[0, None], [None, 0]], [stop("A")], [truck()])
    plan = plan_leg(leg, **FAST)
    assert [(m.stop, m.code, m.late_by) for m in plan.misses] == [("A", "no_route", None)]


# --- plans ------------------------------------------------------------------------------------

def test_a_schedule_gives_departure_and_arrival_per_stop():
    # D → A → B → D takes 90 min of travel, the other way round 95.
    leg = matrix_leg([[0, 30, 45], [30, 0, 20], [40, 20, 0]],
                     [stop("A", service=15), stop("B", service=15)], [truck()],
                     ready_at=420, loading=30)
    plan = plan_leg(leg, **FAST)
    (route,) = plan.routes
    (trip,) = route.trips
    assert (trip.loading_from, trip.departure) == (420, 450)
    a, b = trip.visits
    assert (a.arrival, a.departure) == (480, 495)
    assert (b.arrival, b.departure) == (515, 530)
    assert trip.back_at == 570
    assert plan.misses == ()
    assert plan.arrivals == {"A": 480, "B": 515}


def test_a_river_only_stop_goes_by_boat_and_a_road_stop_by_truck():
    leg = Leg("t", Depot("D", 0, 0),
              (stop("RIVER", lat=0, lon=east(5), modes=frozenset({"boat"})),
               stop("ROAD", lat=0, lon=east(-5), modes=frozenset({"truck"}))),
              (truck(), truck("Longboat", mode="boat")), modes=MODES)
    plan = plan_leg(leg, **FAST)
    by_mode = {r.mode: [v.stop for v in r.visits] for r in plan.routes}
    assert by_mode == {"boat": ["RIVER"], "truck": ["ROAD"]}


def test_a_river_stop_without_a_boat_is_unserved_and_says_why():
    leg = Leg("t", Depot("D", 0, 0), (stop("RIVER", lat=0, lon=east(5),
                                           modes=frozenset({"boat"})),), (truck(),), modes=MODES)
    (miss,) = plan_leg(leg, **FAST).misses
    assert (miss.code, miss.late_by) == ("no_vehicle_for_access", None)
    assert miss.params["modes"] == "boat" and miss.params["fleet"] == "truck"
    assert "boat" in miss.render()


def test_a_stop_larger_than_any_vehicle_is_split_into_equal_deliveries():
    leg = matrix_leg([[0, 10], [10, 0]], [stop("PPK", volume=2500, weight=300)],
                     [truck(volume=1000, weight=1000, max_trips=3)])
    plan = plan_leg(leg, **FAST)
    visits = [v for r in plan.routes for v in r.visits]
    assert sorted(v.part for v in visits) == [1, 2, 3]
    assert {v.parts for v in visits} == {3}
    assert sum(v.volume_l for v in visits) == pytest.approx(2500)
    assert max(v.volume_l for v in visits) <= 1000
    assert plan.misses == ()


def test_a_deadline_no_direct_trip_can_meet_is_too_far():
    leg = matrix_leg([[0, 300], [300, 0]], [stop("FAR", deadline=600)], [truck()], ready_at=420)
    (miss,) = plan_leg(leg, **FAST).misses
    assert miss.code == "too_far"
    assert miss.late_by == 120
    assert miss.params["earliest"] == 720 and miss.params["ready_at"] == 420


def test_too_few_vehicles_make_stops_late_and_name_the_vehicle():
    # Three stops each 60 min out and back, all due by 100 minutes; one truck.
    minutes = [[0, 60, 60, 60], [60, 0, 120, 120], [60, 120, 0, 120], [60, 120, 120, 0]]
    leg = matrix_leg(minutes, [stop(c, deadline=100) for c in "ABC"], [truck()])
    plan = plan_leg(leg, **FAST)
    assert len(plan.late) == 2
    assert all(m.code == "fleet_busy" and m.params["vehicle"] == "Truck" for m in plan.late)
    late_visits = [visits_of(plan)[m.stop] for m in plan.late]
    assert sorted(v.late_by for v in late_visits) == [80, 200]


def test_deadlines_are_met_when_the_fleet_allows_it():
    minutes = [[0, 60, 60, 60], [60, 0, 120, 120], [60, 120, 0, 120], [60, 120, 120, 0]]
    leg = matrix_leg(minutes, [stop(c, deadline=100) for c in "ABC"], [truck(count=3)])
    plan = plan_leg(leg, **FAST)
    assert plan.misses == ()
    assert {r.vehicle for r in plan.routes} == {"Truck #1", "Truck #2", "Truck #3"}


def test_a_fleet_that_cannot_carry_everything_leaves_whole_stops_over():
    leg = matrix_leg([[0, 10, 10], [10, 0, 10], [10, 10, 0]],
                     [stop("A", volume=600), stop("B", volume=600)],
                     [truck(volume=1000, max_trips=1)])
    plan = plan_leg(leg, **FAST)
    assert [m.code for m in plan.misses] == ["fleet_capacity"]
    served = {v.stop for v in visits_of(plan).values()}
    assert served | {plan.misses[0].stop} == {"A", "B"}


def test_more_trips_let_one_vehicle_carry_everything():
    leg = matrix_leg([[0, 10, 10], [10, 0, 10], [10, 10, 0]],
                     [stop("A", volume=600), stop("B", volume=600)],
                     [truck(volume=1000, max_trips=2)], loading=15)
    plan = plan_leg(leg, **FAST)
    assert plan.misses == ()
    (route,) = plan.routes
    assert len(route.trips) == 2
    assert route.trips[1].loading_from == route.trips[0].back_at
    assert route.trips[1].departure == route.trips[1].loading_from + 15


def test_a_vehicle_back_after_its_shift_is_a_warning():
    leg = matrix_leg([[0, 100], [100, 0]], [stop("A")], [truck(return_by=150)])
    plan = plan_leg(leg, **FAST)
    assert [w.code for w in plan.warnings] == ["vehicle_overtime"]
    assert plan.warnings[0].params["overtime"] == 50


# --- bad input ---------------------------------------------------------------------------------

def test_a_vehicle_with_zero_capacity_is_rejected_with_a_clear_error():
    leg = matrix_leg([[0, 10], [10, 0]], [stop("A")], [truck(volume=0)])
    with pytest.raises(InvalidLeg) as error:
        plan_leg(leg, **FAST)
    assert [p.code for p in error.value.problems] == ["zero_capacity"]
    assert "Truck" in str(error.value)


def test_bad_input_is_listed_before_planning():
    leg = Leg("t", Depot("D", 0, 0),
              (stop("A", lat=0, lon=1), stop("A", lat=0, lon=2), stop("B", volume=-1),
               stop("C", lat=0, lon=1, deadline=100, opens_at=200)),
              (truck(mode="helicopter"), truck("Bike", max_trips=0), truck("Ghost", count=-1)),
              modes=MODES)
    codes = {p.code for p in validate_leg(leg)}
    assert codes == {"duplicate_site", "negative_load", "deadline_before_opening",
                     "unknown_mode", "bad_trips", "negative_count"}


def test_a_site_without_coordinates_needs_a_matrix():
    leg = Leg("t", Depot("D", 0, 0), (stop("A"),), (truck(),), modes=MODES)
    assert [p.code for p in validate_leg(leg)] == ["no_travel_time"]
    bad = matrix_leg([[0, -1], [10, 0]], [stop("A")], [truck()])
    assert [p.code for p in validate_leg(bad)] == ["bad_matrix"]


def test_every_message_renders():
    params = defaultdict(lambda: 1)
    for code in routing.MESSAGES:
        assert routing.Problem(code, params).render()


# --- scenarios --------------------------------------------------------------------------------

def three_stop_leg():
    minutes = [[0, 60, 60, 60], [60, 0, 120, 120], [60, 120, 0, 120], [60, 120, 120, 0]]
    return matrix_leg(minutes, [stop(c, deadline=100) for c in "ABC"], [truck(count=3)])


def test_losing_a_vehicle_shows_which_stops_are_now_late():
    base = three_stop_leg()
    before = plan_leg(base, **FAST)
    after = plan_leg(remove_vehicle(base, "Truck"), **FAST)
    diff = compare_plans(before, after)
    assert len(diff.newly_late) == 1
    assert diff.later and set(diff.later) == set(diff.newly_late)
    assert diff.no_longer_late == () and diff.newly_unserved == ()


def test_delaying_the_start_makes_every_stop_late():
    base = three_stop_leg()
    diff = compare_plans(plan_leg(base, **FAST), plan_leg(delay_start(base, 60), **FAST))
    assert diff.newly_late == ("A", "B", "C")
    assert all(after - before == 60 for before, after in diff.later.values())


def test_closing_the_only_way_in_makes_a_stop_unserved():
    base = matrix_leg([[0, 10, 10], [10, 0, 10], [10, 10, 0]], [stop("A"), stop("B")], [truck()])
    closed = close_edge(close_edge(base, "D", "B"), "A", "B")
    diff = compare_plans(plan_leg(base, **FAST), plan_leg(closed, **FAST))
    assert diff.newly_unserved == ("B",)


def test_a_flooded_kecamatan_is_reached_only_by_boat():
    stops = (stop("62.13.01.2001-001", lat=0, lon=east(5)),
             stop("62.13.02.2001-001", lat=0, lon=east(-5)))
    leg = Leg("t", Depot("62.13", 0, 0), stops, (truck(), truck("Boat", mode="boat")),
              modes=MODES)
    plan = plan_leg(flood_area(leg, "62.13.01"), **FAST)
    by_stop = {v.stop: r.mode for r in plan.routes for v in r.visits}
    assert by_stop["62.13.01.2001-001"] == "boat"
    assert plan.misses == ()


# --- network ------------------------------------------------------------------------------------

def network(ppk_deadline=600, tps_deadline=900, leg1_vehicles=None):
    top = matrix_leg([[0, 120], [120, 0]], [stop("PPK", volume=300, deadline=ppk_deadline,
                                                  service=30)],
                     leg1_vehicles or [truck()], ready_at=420, loading=30)
    top = replace(top, name="warehouse")
    bottom = Leg("ppk", Depot("PPK", loading_minutes=10),
                 (stop("TPS1", deadline=tps_deadline), stop("TPS2", deadline=tps_deadline)),
                 (truck("Pickup", mode="pickup"),), modes=MODES,
                 matrices=(TravelMatrix(("PPK", "TPS1", "TPS2"),
                                        ((0, 20, 30), (20, 0, 15), (30, 15, 0))),))
    return Network((top, bottom))


def test_a_lower_leg_starts_when_its_goods_have_arrived():
    plan = plan_network(network(), seconds_per_leg=1, no_improvement=300)
    top, bottom = plan.legs
    assert top.done_at["PPK"] == 420 + 30 + 120 + 30
    assert bottom.routes[0].start == top.done_at["PPK"]
    assert plan.misses == ()
    assert set(plan.arrivals) == {"PPK", "TPS1", "TPS2"}


def test_a_late_upstream_delivery_is_named_as_the_reason_downstream():
    plan = plan_network(network(ppk_deadline=500, tps_deadline=620),
                        seconds_per_leg=1, no_improvement=300)
    codes = {m.stop: m.code for m in plan.misses}
    assert codes == {"PPK": "too_far", "TPS1": "upstream_late", "TPS2": "upstream_late"}
    tps_miss = next(m for m in plan.misses if m.stop == "TPS1")
    assert tps_miss.params["upstream"] == "PPK" and tps_miss.params["upstream_late_by"] == 70


def test_goods_that_never_reach_a_ppk_leave_its_tps_unserved():
    plan = plan_network(close_edge(network(), "D", "PPK"), seconds_per_leg=1, no_improvement=300)
    codes = {m.stop: (m.code, m.late_by) for m in plan.misses}
    assert codes == {"PPK": ("no_route", None), "TPS1": ("upstream_unserved", None),
                     "TPS2": ("upstream_unserved", None)}
    assert plan.legs[1].routes == ()


def test_a_delay_at_the_warehouse_flows_down_the_network():
    base = network()
    diff = compare_plans(plan_network(base, seconds_per_leg=1, no_improvement=300),
                         plan_network(delay_start(base, 24 * 60), seconds_per_leg=1,
                                      no_improvement=300))
    assert diff.newly_late == ("PPK", "TPS1", "TPS2")
    assert delay_start(base, 60).legs[1] == base.legs[1]


# --- properties -------------------------------------------------------------------------------

@st.composite
def legs(draw):
    n = draw(st.integers(1, 9))
    stops = []
    for i in range(n):
        deadline = draw(st.one_of(st.none(), st.integers(60, 600)))
        stops.append(Stop(
            f"S{i}", volume_l=draw(st.floats(0, 3000)), weight_kg=draw(st.floats(0, 800)),
            lat=draw(st.floats(-0.2, 0.2)), lon=draw(st.floats(-0.2, 0.2)), deadline=deadline,
            opens_at=draw(st.integers(0, 60)) if deadline else 0,
            service_minutes=draw(st.integers(0, 30)),
            modes=draw(st.sampled_from([None, frozenset({"boat"}), frozenset({"truck"})]))))
    vehicles = [Vehicle(f"V{k}", draw(st.sampled_from(["truck", "boat", "pickup"])),
                        volume_l=draw(st.floats(200, 2000)), weight_kg=draw(st.floats(100, 1000)),
                        count=draw(st.integers(0, 2)), max_trips=draw(st.integers(1, 3)),
                        available_from=draw(st.integers(0, 30)))
                for k in range(draw(st.integers(1, 3)))]
    closed = tuple(ClosedEdge("D", s.code) for s in stops if draw(st.booleans()) and
                   draw(st.booleans()))
    return Leg("prop", Depot("D", 0, 0, loading_minutes=draw(st.integers(0, 30))),
               tuple(stops), tuple(vehicles), modes=MODES, closed=closed)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(legs())
def test_every_stop_is_served_once_in_full_or_reported_unserved(leg):
    plan = plan_leg(leg, seconds=0.2, no_improvement=100)
    unserved = {m.stop: m for m in plan.unserved}
    parts = defaultdict(list)
    for route in plan.routes:
        for visit in route.visits:
            parts[visit.stop].append(visit)
    assert unserved.keys() | parts.keys() == {s.code for s in leg.stops}
    assert len(plan.unserved) == len(unserved)
    for code, miss in unserved.items():
        # Not served, or served in part when the fleet cannot carry it all: then every part
        # is either delivered or counted as left over.
        delivered = len(parts.get(code, []))
        assert delivered == 0 or (miss.code == "fleet_capacity"
                                  and delivered + miss.params["parts_left"] == miss.params["parts"])
    for s in leg.stops:
        if s.code in parts and s.code not in unserved:
            visits = parts[s.code]
            assert sorted(v.part for v in visits) == list(range(1, visits[0].parts + 1))
            assert sum(v.volume_l for v in visits) == pytest.approx(
                math.ceil(round(s.volume_l * 10, 6)) / 10)
            assert sum(v.weight_kg for v in visits) == pytest.approx(
                math.ceil(round(s.weight_kg * 10, 6)) / 10)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(legs())
def test_loads_never_exceed_capacity_and_the_clock_never_runs_backwards(leg):
    plan = plan_leg(leg, seconds=0.2, no_improvement=100)
    vehicles = {v.name: v for v in leg.vehicles}
    stops = {s.code: s for s in leg.stops}
    travel = travel_matrices(leg)
    index = {s.code: i for i, s in enumerate(leg.stops, start=1)}
    late = {}
    for route in plan.routes:
        vehicle = vehicles[route.vehicle_type]
        assert route.mode == vehicle.mode
        minutes = travel[vehicle.mode][0]
        clock = vehicle.available_from
        for trip in route.trips:
            assert trip.volume_l <= vehicle.volume_l + 1e-9
            assert trip.weight_kg <= vehicle.weight_kg + 1e-9
            assert trip.loading_from >= max(clock, leg.depot.ready_at)
            assert trip.departure == trip.loading_from + leg.depot.loading_minutes
            clock, here = trip.departure, 0
            for visit in trip.visits:
                s = stops[visit.stop]
                assert s.modes is None or vehicle.mode in s.modes
                assert visit.arrival == clock + minutes[here, index[visit.stop]]
                assert visit.start == max(visit.arrival, s.opens_at)
                assert visit.departure == visit.start + s.service_minutes
                expected_late = 0 if s.deadline is None else max(0, visit.start - s.deadline)
                assert visit.late_by == expected_late
                if expected_late:
                    late[s.code] = max(late.get(s.code, 0), expected_late)
                clock, here = visit.departure, index[visit.stop]
            assert trip.back_at == clock + minutes[here, 0]
            clock = trip.back_at
    assert {m.stop: m.late_by for m in plan.late} == late


# --- CVRPLIB ------------------------------------------------------------------------------------

def test_the_cvrplib_reader_gets_size_capacity_fleet_and_best_known():
    instance = cvrplib.read_instance(CVRPLIB / "A-n32-k5.vrp")
    assert (len(instance.demands), instance.capacity, instance.vehicles,
            instance.best_known) == (32, 100, 5, 784)
    assert instance.demands[0] == 0
    assert instance.distances[0, 1] == round(math.dist((82, 76), (96, 44)))


def test_the_published_solutions_cost_what_they_say_in_rounded_euclidean_distance():
    for path in sorted(CVRPLIB.glob("*.vrp")):
        instance = cvrplib.read_instance(path)
        routes, cost = cvrplib.read_solution(path.with_suffix(".sol"))
        assert cvrplib.check_solution(instance, routes) == []
        assert cvrplib.route_cost(instance, routes) == cost == instance.best_known


def test_the_routing_core_solves_a_small_cvrplib_instance_near_its_best_known():
    instance = cvrplib.read_instance(CVRPLIB / "A-n32-k5.vrp")
    solution = solve_cvrp(instance.distances, instance.demands, instance.capacity,
                          vehicles=instance.vehicles, seconds=1.0)
    routes = [list(r) for r in solution.routes]
    assert cvrplib.check_solution(instance, routes) == []
    assert cvrplib.route_cost(instance, routes) == solution.cost
    assert cvrplib.gap_pct(solution.cost, instance.best_known) <= 1.0


def test_check_solution_finds_missing_customers_and_overloads():
    instance = cvrplib.read_instance(CVRPLIB / "A-n32-k5.vrp")
    errors = cvrplib.check_solution(instance, [list(range(1, 30))])
    assert any("missing [30, 31]" in e for e in errors)
    assert any("carries" in e for e in errors)
    assert np.all(instance.distances == instance.distances.T)
