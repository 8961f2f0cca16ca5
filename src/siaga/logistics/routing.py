"""The distribution plan: capacitated vehicle routing with time windows, on PyVRP.

Pure: no Django. One `Leg` is one routing problem: a depot (the regency warehouse, a PPK or a
PPS), the stops it supplies, and the fleet that leaves from it. A `Network` is the legs of the
chain warehouse → PPK → PPS → TPS; `plan_network` plans them top-down, and a leg whose depot is
a stop of an earlier leg cannot start before the goods have arrived there.

Units: times are whole minutes from an epoch the caller chooses (say 00:00 local time of the
first distribution day), volumes in litres, weights in kg, distances reported in km.

Model (see docs/logistics.md):
- each vehicle has a mode (truck, pickup, boat, motorbike, on foot); each mode is a PyVRP
  routing profile with its own travel-time and distance matrix, from coordinates (great-circle
  distance × detour factor / speed) or from uploaded matrices;
- a stop may restrict the modes that reach it (a river-only TPS: boat);
- closing an edge removes it for some modes; travel then follows the shortest remaining path
  through the other sites of the leg (Floyd–Warshall), or the stop becomes unreachable;
- load has two dimensions, volume and weight; a stop larger than any vehicle that can reach it
  is split into equal parts, each a separate delivery;
- vehicles may make several trips (PyVRP reloads at the depot), each trip starting with the
  depot's loading time, never before the goods are ready at the depot;
- deadlines are hard in the search; when they cannot all be met the plan with the least time
  warp is kept, its real times are recomputed, and every late stop says why;
- when the fleet cannot carry everything, deliveries become optional with a large prize each:
  as much as fits is carried, and what is left over is reported.
"""

import math
import multiprocessing
import time
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
from pyvrp import (
    Client,
    CostEvaluator,
    IteratedLocalSearchCallbacks,
    IteratedLocalSearchParams,
    Location,
    PenaltyParams,
    ProblemData,
    SolveParams,
    VehicleType,
    solve,
)
from pyvrp import (
    Depot as PyDepot,
)
from pyvrp.constants import MAX_VALUE
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.search import NeighbourhoodParams, PerturbationParams
from pyvrp.stop import MaxRuntime

from siaga import problems
from siaga.geo import haversine_km
from siaga.problems import gettext_noop

MESSAGES = {
    # invalid input
    "duplicate_site": gettext_noop("Site %(code)s appears more than once in leg %(leg)s."),
    "zero_capacity": gettext_noop(
        "Vehicle %(vehicle)s has no capacity (%(volume_l)s l, %(weight_kg)s kg)."
    ),
    "negative_count": gettext_noop("Vehicle %(vehicle)s has a negative count (%(count)s)."),
    "bad_trips": gettext_noop("Vehicle %(vehicle)s must make at least one trip, not %(trips)s."),
    "unknown_mode": gettext_noop("Vehicle %(vehicle)s uses mode '%(mode)s', which has no profile."),
    "bad_mode": gettext_noop("Mode '%(mode)s' needs a positive speed and a detour factor ≥ 1."),
    "negative_load": gettext_noop("Stop %(code)s has a negative load."),
    "negative_time": gettext_noop("%(what)s of %(code)s is negative (%(value)s)."),
    "deadline_before_opening": gettext_noop(
        "Stop %(code)s must be reached by %(deadline)s but opens only at %(opens_at)s."
    ),
    "no_travel_time": gettext_noop(
        "No travel time from %(frm)s to %(to)s for %(mode)s: give coordinates or a matrix."
    ),
    "bad_matrix": gettext_noop("Travel matrix %(index)s: %(reason)s."),
    # misses
    "no_vehicle_for_access": gettext_noop(
        "%(code)s can be reached only by %(modes)s; the fleet of this leg has %(fleet)s."
    ),
    "no_route": gettext_noop(
        "No open route from %(depot)s to %(code)s for %(modes)s (closed roads or river legs)."
    ),
    "too_far": gettext_noop(
        "%(code)s cannot be reached by %(deadline)s even on a direct trip by %(mode)s leaving "
        "%(depot)s when the goods are ready (%(ready_at)s): earliest arrival %(earliest)s."
    ),
    "fleet_busy": gettext_noop(
        "%(code)s is stop %(position)s of trip %(trip)s of %(vehicle)s and is reached at "
        "%(arrival)s, %(late_by)s min after its deadline %(deadline)s: the fleet cannot serve "
        "every stop in time; add vehicles or trips, or start earlier."
    ),
    "fleet_capacity": gettext_noop(
        "%(parts_left)s of %(parts)s deliveries to %(code)s (%(volume_l)s l, %(weight_kg)s kg) "
        "are left over: the fleet of this leg cannot carry every load in the trips it may make."
    ),
    "upstream_late": gettext_noop(
        "%(code)s is late by %(late_by)s min because its goods reach %(upstream)s late "
        "(%(upstream_late_by)s min after that stop's deadline)."
    ),
    "upstream_unserved": gettext_noop(
        "%(code)s is not served because not all of its goods reach %(upstream)s."
    ),
    "vehicle_overtime": gettext_noop(
        "%(vehicle)s returns at %(back_at)s, after %(return_by)s (%(overtime)s min over)."
    ),
}


class Problem(problems.Problem):
    """An expected error or finding, returned as a value: a message code and its numbers."""

    messages = MESSAGES


class InvalidLeg(ValueError):
    """Raised by `plan_leg` for input `validate_leg` rejects; `.problems` holds the reasons."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.render() for p in problems))
        self.problems = problems


# --- input ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mode:
    """A travel profile: straight-line km × detour / speed gives the travel time."""

    name: str
    speed_kmh: float
    detour: float = 1.3


# Assumed speeds on Kalimantan roads and rivers, loaded; replace with local knowledge.
DEFAULT_MODES: dict[str, Mode] = {
    "truck": Mode("truck", speed_kmh=30, detour=1.4),
    "pickup": Mode("pickup", speed_kmh=35, detour=1.4),
    "boat": Mode("boat", speed_kmh=15, detour=1.6),  # longboat/klotok; rivers meander
    "motorbike": Mode("motorbike", speed_kmh=30, detour=1.4),
    "foot": Mode("foot", speed_kmh=3.5, detour=1.3),
}
ROAD_MODES = frozenset({"truck", "pickup", "motorbike"})

# TPS.access (regions) → the modes that can reach such a TPS.
ACCESS_MODES: dict[str, frozenset[str]] = {
    "darat": frozenset({"truck", "pickup", "motorbike", "foot"}),
    "sungai": frozenset({"boat"}),
    "laut": frozenset({"boat"}),
    "udara": frozenset({"air"}),
    "jalan_kaki": frozenset({"foot"}),
}


@dataclass(frozen=True)
class Depot:
    """Where a leg's vehicles load. Goods are there from `ready_at`; loading one trip takes
    `loading_minutes`."""

    code: str
    lat: float | None = None
    lon: float | None = None
    name: str = ""
    ready_at: int = 0
    loading_minutes: int = 30


@dataclass(frozen=True)
class Stop:
    """A delivery: the load for one PPK, PPS or TPS, with its time window.

    `deadline` is the latest time service may start (None: no deadline); `opens_at` the
    earliest (someone is there to receive and count). `modes` limits who can reach it.
    """

    code: str
    volume_l: float
    weight_kg: float
    lat: float | None = None
    lon: float | None = None
    deadline: int | None = None
    opens_at: int = 0
    service_minutes: int = 20
    modes: frozenset[str] | None = None
    name: str = ""


@dataclass(frozen=True)
class Vehicle:
    """`count` identical vehicles. Objective: the sum over routes of cost_per_minute × route
    duration, plus fixed_cost per vehicle used."""

    name: str
    mode: str
    volume_l: float
    weight_kg: float
    count: int = 1
    available_from: int = 0
    return_by: int | None = None
    max_trips: int = 1
    cost_per_minute: int = 1
    fixed_cost: int = 0


@dataclass(frozen=True)
class TravelMatrix:
    """Uploaded travel times (and optionally distances) between sites, by code.

    None marks "no connection". Entries override coordinate-based values for the given
    modes (None: all modes).
    """

    codes: tuple[str, ...]
    minutes: tuple[tuple[float | None, ...], ...]
    km: tuple[tuple[float | None, ...], ...] | None = None
    modes: frozenset[str] | None = None


@dataclass(frozen=True)
class ClosedEdge:
    """A road or river leg between two sites that cannot be used (by `modes`; None: by any)."""

    a: str
    b: str
    modes: frozenset[str] | None = None
    both_ways: bool = True


@dataclass(frozen=True)
class Leg:
    name: str
    depot: Depot
    stops: tuple[Stop, ...]
    vehicles: tuple[Vehicle, ...]
    modes: Mapping[str, Mode] = field(default_factory=lambda: dict(DEFAULT_MODES))
    matrices: tuple[TravelMatrix, ...] = ()
    closed: tuple[ClosedEdge, ...] = ()


@dataclass(frozen=True)
class Network:
    """Legs in top-down order; a leg's depot may be a stop of an earlier leg."""

    legs: tuple[Leg, ...]


# --- output --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Visit:
    stop: str
    arrival: int
    start: int  # after waiting for the stop to open
    departure: int
    volume_l: float
    weight_kg: float
    part: int = 1
    parts: int = 1
    late_by: int = 0
    km_from_previous: float = 0.0


@dataclass(frozen=True)
class Trip:
    loading_from: int  # the vehicle starts loading at the depot
    departure: int
    back_at: int
    visits: tuple[Visit, ...]
    volume_l: float
    weight_kg: float
    km: float


@dataclass(frozen=True)
class Route:
    vehicle: str  # "Pickup KPU #2"
    vehicle_type: str  # Vehicle.name
    mode: str
    trips: tuple[Trip, ...]

    @property
    def start(self) -> int:
        return self.trips[0].loading_from

    @property
    def end(self) -> int:
        return self.trips[-1].back_at

    @property
    def km(self) -> float:
        return sum(t.km for t in self.trips)

    @property
    def visits(self) -> tuple[Visit, ...]:
        return tuple(v for t in self.trips for v in t.visits)


@dataclass(frozen=True)
class Miss:
    """A stop that is late or not served, and why (a message code and its numbers)."""

    stop: str
    code: str
    params: dict
    late_by: int | None  # None: not served at all

    def render(self, translate=gettext_noop) -> str:
        return translate(MESSAGES[self.code]) % self.params


@dataclass(frozen=True)
class LegPlan:
    leg: str
    depot: str
    routes: tuple[Route, ...]
    done_at: dict[str, int]  # stop → time its last part is unloaded (served stops only)
    arrivals: dict[str, int]  # stop → arrival of its last part (served stops only)
    misses: tuple[Miss, ...]
    warnings: tuple[Problem, ...]
    cost: int
    seconds: float

    @property
    def late(self) -> tuple[Miss, ...]:
        return tuple(m for m in self.misses if m.late_by is not None)

    @property
    def unserved(self) -> tuple[Miss, ...]:
        return tuple(m for m in self.misses if m.late_by is None)


@dataclass(frozen=True)
class NetworkPlan:
    legs: tuple[LegPlan, ...]

    @property
    def arrivals(self) -> dict[str, int]:
        return {k: v for leg in self.legs for k, v in leg.arrivals.items()}

    @property
    def misses(self) -> tuple[Miss, ...]:
        return tuple(m for leg in self.legs for m in leg.misses)

    @property
    def cost(self) -> int:
        return sum(leg.cost for leg in self.legs)

    @property
    def seconds(self) -> float:
        return sum(leg.seconds for leg in self.legs)


# --- validation --------------------------------------------------------------------------

def validate_leg(leg: Leg) -> list[Problem]:
    """Every reason the leg cannot be planned as given (empty when it can)."""
    problems = []
    seen = set()
    for code in [leg.depot.code, *(s.code for s in leg.stops)]:
        if code in seen:
            problems.append(Problem("duplicate_site", {"code": code, "leg": leg.name}))
        seen.add(code)
    for name, mode in leg.modes.items():
        if not (mode.speed_kmh > 0 and mode.detour >= 1):
            problems.append(Problem("bad_mode", {"mode": name}))
    for v in leg.vehicles:
        if v.count < 0:
            problems.append(Problem("negative_count", {"vehicle": v.name, "count": v.count}))
        if v.count and not (v.volume_l >= 0.1 and v.weight_kg >= 0.1):
            problems.append(Problem("zero_capacity", {"vehicle": v.name, "volume_l": v.volume_l,
                                                      "weight_kg": v.weight_kg}))
        if v.max_trips < 1:
            problems.append(Problem("bad_trips", {"vehicle": v.name, "trips": v.max_trips}))
        if v.mode not in leg.modes:
            problems.append(Problem("unknown_mode", {"vehicle": v.name, "mode": v.mode}))
        if v.available_from < 0:
            problems.append(Problem("negative_time", {"what": "available_from", "code": v.name,
                                                      "value": v.available_from}))
    for s in leg.stops:
        if s.volume_l < 0 or s.weight_kg < 0:
            problems.append(Problem("negative_load", {"code": s.code}))
        for what in ("opens_at", "service_minutes"):
            if getattr(s, what) < 0:
                problems.append(Problem("negative_time", {"what": what, "code": s.code,
                                                          "value": getattr(s, what)}))
        if s.deadline is not None and s.deadline < s.opens_at:
            problems.append(Problem("deadline_before_opening", {
                "code": s.code, "deadline": s.deadline, "opens_at": s.opens_at}))
    for what in ("ready_at", "loading_minutes"):
        if getattr(leg.depot, what) < 0:
            problems.append(Problem("negative_time", {"what": what, "code": leg.depot.code,
                                                      "value": getattr(leg.depot, what)}))
    for index, matrix in enumerate(leg.matrices):
        problems += _check_matrix(index, matrix)
    if not problems:
        problems += _check_travel_times(leg)
    return problems


def _check_matrix(index: int, m: TravelMatrix) -> list[Problem]:
    n = len(m.codes)
    tables = [m.minutes] + ([m.km] if m.km is not None else [])
    if len(set(m.codes)) != n:
        return [Problem("bad_matrix", {"index": index, "reason": "duplicate codes"})]
    for table in tables:
        if len(table) != n or any(len(row) != n for row in table):
            return [Problem("bad_matrix", {"index": index, "reason": f"not {n} × {n}"})]
        if any(x is not None and not (x >= 0 and math.isfinite(x)) for row in table for x in row):
            return [Problem("bad_matrix", {"index": index, "reason": "negative or invalid value"})]
    return []


def _check_travel_times(leg: Leg) -> list[Problem]:
    sites = _sites(leg)
    problems = []
    for mode in sorted({v.mode for v in leg.vehicles if v.count}):
        covered = np.zeros((len(sites), len(sites)), dtype=bool)
        index = {s.code: i for i, s in enumerate(sites)}
        for m in leg.matrices:
            if m.modes is None or mode in m.modes:
                idx = [index.get(c) for c in m.codes]
                known = [i for i in idx if i is not None]
                covered[np.ix_(known, known)] = True
        has_xy = np.array([s.lat is not None and s.lon is not None for s in sites])
        covered |= has_xy[:, None] & has_xy[None, :]
        np.fill_diagonal(covered, True)
        missing = np.argwhere(~covered)
        if len(missing):
            i, j = missing[0]
            problems.append(Problem("no_travel_time", {"frm": sites[i].code, "to": sites[j].code,
                                                       "mode": mode}))
    return problems


# --- travel times -----------------------------------------------------------------------------

_INF = np.inf


def _sites(leg: Leg) -> list:
    return [leg.depot, *leg.stops]


def great_circle_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Pairwise haversine distances (km) between points given in degrees."""
    return haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])


def travel_matrices(leg: Leg) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per mode used by the fleet: (minutes, km) between the leg's sites, depot first.

    Minutes are whole (rounded up per edge); closed edges and missing connections are inf,
    and every entry is the shortest path through the leg's sites.
    """
    sites = _sites(leg)
    n = len(sites)
    index = {s.code: i for i, s in enumerate(sites)}
    lat = np.array([s.lat if s.lat is not None else np.nan for s in sites], dtype=float)
    lon = np.array([s.lon if s.lon is not None else np.nan for s in sites], dtype=float)
    straight = great_circle_km(lat, lon)
    result = {}
    for name in sorted({v.mode for v in leg.vehicles}):
        mode = leg.modes[name]
        km = straight * mode.detour
        minutes = np.ceil(km / mode.speed_kmh * 60)
        for m in leg.matrices:
            if m.modes is not None and name not in m.modes:
                continue
            found = np.array([index.get(c, -1) for c in m.codes])
            keep = found >= 0
            at = np.ix_(found[keep], found[keep])
            given = _table(m.minutes)[np.ix_(keep, keep)]
            given_km = (_table(m.km, missing=np.nan)[np.ix_(keep, keep)] if m.km is not None
                        else np.full(given.shape, np.nan))
            # Known distance if given; none where there is no connection; else keep ours.
            km[at] = np.where(~np.isnan(given_km), given_km,
                              np.where(np.isinf(given), _INF, km[at]))
            minutes[at] = np.ceil(given)
        for edge in leg.closed:
            if edge.modes is not None and name not in edge.modes:
                continue
            i, j = index.get(edge.a), index.get(edge.b)
            if i is None or j is None:
                continue
            minutes[i, j] = km[i, j] = _INF
            if edge.both_ways:
                minutes[j, i] = km[j, i] = _INF
        minutes = np.where(np.isnan(minutes), _INF, minutes)
        # Uploaded times without distances, between sites without coordinates: estimate the
        # distance from the time at the mode's speed (reporting only; costs use time).
        km = np.where(np.isnan(km), minutes / 60 * mode.speed_kmh, km)
        np.fill_diagonal(minutes, 0)
        np.fill_diagonal(km, 0)
        result[name] = _shortest_paths(minutes, km, n)
    return result


def _table(rows, missing: float = _INF) -> np.ndarray:
    return np.array([[missing if x is None else float(x) for x in row] for row in rows],
                    dtype=float).reshape(len(rows), len(rows))


def _shortest_paths(minutes: np.ndarray, km: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    # Floyd–Warshall on time; distance follows the same path, so a closed edge turns into a
    # detour through other sites of the leg rather than a hole the solver could not route around.
    for k in range(n):
        via = minutes[:, k, None] + minutes[None, k, :]
        better = via < minutes
        if better.any():
            minutes = np.where(better, via, minutes)
            km = np.where(better, km[:, k, None] + km[None, k, :], km)
    return minutes, km


# --- planning ----------------------------------------------------------------------------------

# Loads are integers in PyVRP: decilitres and hectograms, rounded up for demand and down for
# capacity, so a plan never promises more than fits.
_SCALE = 10
_BIG = MAX_VALUE // 4  # unreachable: large, and still safe to add up along a route
_NO_LIMIT = np.iinfo(np.int64).max
_PRIZE = 10**9  # for an optional delivery: more than any route can cost, so all that fits goes


@dataclass
class _Part:
    stop: Stop
    index: int  # site index in the leg (depot 0)
    part: int
    parts: int
    volume: int  # decilitres
    weight: int  # hectograms


def plan_leg(leg: Leg, *, seconds: float = 5.0, no_improvement: int = 1_000,
             seed: int = 0) -> LegPlan:
    """Plan one leg: routes, a schedule per vehicle, and every stop that is late or unserved.

    `seconds` caps the search; it also stops after `no_improvement` iterations without a
    better plan. Raises `InvalidLeg` for input `validate_leg` rejects.
    """
    problems = validate_leg(leg)
    if problems:
        raise InvalidLeg(problems)
    started = time.perf_counter()
    vehicles = [v for v in leg.vehicles if v.count > 0]
    matrices = travel_matrices(replace(leg, vehicles=tuple(vehicles)))
    misses: list[Miss] = []
    parts: list[_Part] = []
    fleet_modes = sorted({v.mode for v in vehicles})
    for index, stop in enumerate(leg.stops, start=1):
        allowed = [v for v in vehicles if stop.modes is None or v.mode in stop.modes]
        reach = [v for v in allowed if _reachable(matrices[v.mode][0], index)]
        if not allowed:
            misses.append(Miss(stop.code, "no_vehicle_for_access", {
                "code": stop.code, "modes": ", ".join(sorted(stop.modes or ())),
                "fleet": ", ".join(fleet_modes) or "-"}, None))
            continue
        if not reach:
            misses.append(Miss(stop.code, "no_route", {
                "code": stop.code, "depot": leg.depot.code,
                "modes": ", ".join(sorted({v.mode for v in allowed}))}, None))
            continue
        parts += _split(stop, index, reach)

    routes: tuple[Route, ...] = ()
    cost = 0
    findings: list[Problem] = []
    if parts:
        routes, cost, leftovers, findings = _solve_leg(leg, vehicles, matrices, parts,
                                                       seconds, no_improvement, seed)
        for code, (count, of, volume, weight) in leftovers.items():
            misses.append(Miss(code, "fleet_capacity", {
                "code": code, "parts_left": count, "parts": of, "volume_l": round(volume, 1),
                "weight_kg": round(weight, 1)}, None))

    done_at: dict[str, int] = {}
    arrivals: dict[str, int] = {}
    late: dict[str, tuple[Visit, Route, int, int]] = {}
    unserved = {m.stop for m in misses}
    for route in routes:
        for t, trip in enumerate(route.trips, start=1):
            for position, visit in enumerate(trip.visits, start=1):
                if visit.stop in unserved:
                    continue
                done_at[visit.stop] = max(done_at.get(visit.stop, 0), visit.departure)
                arrivals[visit.stop] = max(arrivals.get(visit.stop, 0), visit.arrival)
                if visit.late_by and (visit.stop not in late
                                      or visit.late_by > late[visit.stop][0].late_by):
                    late[visit.stop] = (visit, route, t, position)
    stops = {s.code: (i, s) for i, s in enumerate(leg.stops, start=1)}
    for code, (visit, route, t, position) in sorted(late.items()):
        index, stop = stops[code]
        misses.append(_explain_late(leg, vehicles, matrices, stop, index, visit, route, t,
                                    position))
    return LegPlan(
        leg=leg.name, depot=leg.depot.code, routes=routes, done_at=done_at, arrivals=arrivals,
        misses=tuple(sorted(misses, key=lambda m: m.stop)), warnings=tuple(findings), cost=cost,
        seconds=time.perf_counter() - started)


def _reachable(minutes: np.ndarray, index: int) -> bool:
    return bool(np.isfinite(minutes[0, index]) and np.isfinite(minutes[index, 0]))


def _split(stop: Stop, index: int, vehicles: list[Vehicle]) -> list[_Part]:
    volume = math.ceil(round(stop.volume_l * _SCALE, 6))
    weight = math.ceil(round(stop.weight_kg * _SCALE, 6))
    # As few parts as the largest vehicle that reaches the stop needs; equal parts so any
    # vehicle that fits one part can take any of them.
    count = min(max(1, math.ceil(volume / _capacity(v)[0]), math.ceil(weight / _capacity(v)[1]))
                for v in vehicles)
    result = []
    for k in range(count):
        pv = volume // count + (1 if k < volume % count else 0)
        pw = weight // count + (1 if k < weight % count else 0)
        result.append(_Part(stop, index, k + 1, count, pv, pw))
    return result


def _capacity(v: Vehicle) -> tuple[int, int]:
    return max(1, int(v.volume_l * _SCALE)), max(1, int(v.weight_kg * _SCALE))


def _as_int(matrix: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(matrix), np.minimum(matrix, _BIG), _BIG).astype(np.int64)


class _LeastLate(IteratedLocalSearchCallbacks):
    """Keeps the candidate with the least time warp among those that respect capacity.

    PyVRP only reports feasible solutions as improvements; with deadlines that cannot all be
    met it would return its starting point. This keeps the search's best effort instead.
    """

    def __init__(self):
        self.best = None
        self.key = None
        self.improved_at = 0
        self.iteration = 0

    def on_iteration(self, current, candidate, best, cost_evaluator):
        self.iteration += 1
        key = (sum(candidate.excess_load()), candidate.time_warp(),
               candidate.duration_cost() + candidate.distance_cost()
               + candidate.fixed_vehicle_cost())
        if self.key is None or key < self.key:
            self.best, self.key, self.improved_at = candidate, key, self.iteration


class _Stop:
    """Stops after `seconds`, or when neither PyVRP's best nor the least-late plan has improved
    for `patience` iterations. With `adaptive`, the patience grows to the number of iterations
    the run needed for its last improvement: a run that stalled early stops early, a run still
    finding better plans late keeps going."""

    def __init__(self, seconds: float, patience: int, tracker: _LeastLate | None,
                 adaptive: bool = False):
        self.runtime = MaxRuntime(seconds)
        self.patience = patience
        self.tracker = tracker
        self.adaptive = adaptive
        self.best_cost = None
        self.tracker_seen = 0
        self.iteration = 0
        self.improved_at = 0

    def __call__(self, best_cost: float) -> bool:
        if self.runtime(best_cost):
            return True
        self.iteration += 1
        if self.best_cost is None or best_cost < self.best_cost:
            self.best_cost, self.improved_at = best_cost, self.iteration
        if self.tracker is not None and self.tracker.improved_at > self.tracker_seen:
            self.tracker_seen, self.improved_at = self.tracker.improved_at, self.iteration
        patience = max(self.patience, self.improved_at) if self.adaptive else self.patience
        return self.iteration - self.improved_at >= patience


def _solve_params(tracker: _LeastLate | None, cost_weight: int) -> SolveParams:
    # PyVRP's default penalty bound (100,000 per unit of excess load or time warp) makes the
    # search feasible-only on tight instances, and it stalls: A-n53-k7 stayed 0.69% above
    # optimal on 5 of 6 seeds. Bounded at 100 × the cost weight and updated often, it moves
    # through infeasible space and back. Small perturbations and 20 neighbours give three
    # times more iterations per second, and better plans on CVRPLIB set A (docs/logistics.md).
    return SolveParams(
        ils=IteratedLocalSearchParams(callbacks=tracker),
        penalty=PenaltyParams(max_penalty=100.0 * max(1, cost_weight),
                              solutions_between_updates=20),
        perturbation=PerturbationParams(max_perturbations=10),
        neighbourhood=NeighbourhoodParams(num_neighbours=20),
    )


def _run(data: ProblemData, seconds: float, patience: int, seed: int, track: bool,
         cost_weight: int = 1, adaptive: bool = False):
    tracker = _LeastLate() if track else None
    with warnings.catch_warnings():
        # Infeasible legs are expected (that is what the plan reports); PyVRP's warning about
        # its penalty bound says the same thing to stderr.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = solve(data, stop=_Stop(seconds, patience, tracker, adaptive), seed=seed,
                       collect_stats=False, display=False,
                       params=_solve_params(tracker, cost_weight))
    best = result.best
    if not best.is_feasible() and tracker is not None and tracker.best is not None:
        mine = tracker.best
        def key(sol):
            return sum(sol.excess_load()), sol.time_warp()

        if key(mine) < key(best):
            best = mine
    return best


def _solve_leg(leg, vehicles, matrices, parts, seconds, patience, seed):
    modes = sorted(matrices)
    profile = {m: i for i, m in enumerate(modes)}
    # PyVRP locations: depot, then one per stop that has parts (parts of a stop share it).
    sites = sorted({p.index for p in parts})
    loc_of = {site: k + 1 for k, site in enumerate(sites)}
    keep = [0, *sites]
    all_sites = _sites(leg)
    locations = [Location(x=0, y=0, name=all_sites[i].code) for i in keep]
    durations, distances = [], []
    for m in modes:
        minutes, km = matrices[m]
        sub_min = minutes[np.ix_(keep, keep)].copy()
        sub_km = km[np.ix_(keep, keep)].copy()
        # A mode a stop does not admit gets no edge into or out of it.
        for site in sites:
            stop = leg.stops[site - 1]
            if stop.modes is not None and m not in stop.modes:
                k = loc_of[site]
                sub_min[k, :] = sub_min[:, k] = _INF
                sub_km[k, :] = sub_km[:, k] = _INF
                sub_min[k, k] = sub_km[k, k] = 0
        durations.append(_as_int(sub_min))
        distances.append(_as_int(sub_km * 1000))
    # A deadline no vehicle can meet even on a direct trip is moved to that earliest possible
    # time: the stop is still served as soon as it can be, and the other deadlines stay hard.
    # Lateness is measured against the real deadline afterwards.
    earliest = {p.index: _earliest_start(leg, vehicles, matrices, p.stop, p.index)[0]
                for p in parts}

    def problem(optional: bool) -> ProblemData:
        clients = [
            Client(location=loc_of[p.index], delivery=[p.volume, p.weight],
                   service_duration=p.stop.service_minutes, tw_early=p.stop.opens_at,
                   tw_late=(_NO_LIMIT if p.stop.deadline is None or optional
                            else max(p.stop.deadline, earliest[p.index])),
                   release_time=leg.depot.ready_at, required=not optional,
                   prize=_PRIZE if optional else 0, name=f"{p.stop.code}#{p.part}")
            for p in parts
        ]
        depot = PyDepot(location=0, service_duration=leg.depot.loading_minutes,
                        name=leg.depot.code)
        types = [
            VehicleType(
                num_available=v.count, capacity=list(_capacity(v)), start_depot=0,
                end_depot=0, fixed_cost=v.fixed_cost, tw_early=v.available_from,
                tw_late=_NO_LIMIT if v.return_by is None else v.return_by,
                unit_distance_cost=0, unit_duration_cost=v.cost_per_minute,
                profile=profile[v.mode], reload_depots=[0] if v.max_trips > 1 else [],
                max_reloads=v.max_trips - 1 if v.max_trips > 1 else 0, name=v.name)
            for v in vehicles
        ]
        return ProblemData(locations, clients, [depot], types, distances, durations)

    # When the fleet cannot carry everything in the trips it may make, deliveries become
    # optional with a large prize each: PyVRP then carries as much as fits, and what is left
    # over is reported. Deadlines are dropped in that case, or PyVRP would leave a stop behind
    # rather than deliver it late; lateness is still measured and reported.
    weight = max(v.cost_per_minute for v in vehicles)
    room = [sum(_capacity(v)[d] * v.count * v.max_trips for v in vehicles) for d in (0, 1)]
    short = (sum(p.volume for p in parts) > room[0] or sum(p.weight for p in parts) > room[1])
    solution = None
    if not short:
        solution = _run(problem(False), seconds, patience, seed, track=True, cost_weight=weight)
        # A delivery over a forbidden edge is "feasible" to PyVRP, only very expensive: it
        # means the vehicles that can reach those stops cannot carry everything.
        short = any(solution.excess_load()) or any(
            not _can_serve(vehicles[route.vehicle_type()], parts[a.idx], matrices)
            for route in solution.routes() for a in route.schedule() if a.is_client())
    if short:
        solution = _run(problem(True), seconds, patience, seed, track=False, cost_weight=weight)

    planned = []
    served_parts: set[int] = set()
    dropped: set[str] = set()
    for route in solution.routes():
        vehicle = vehicles[route.vehicle_type()]
        by_trip: dict[int, list[_Part]] = defaultdict(list)
        for activity in route.schedule():
            if activity.is_client():
                by_trip[activity.trip].append(parts[activity.idx])
                served_parts.add(activity.idx)
        capacity = _capacity(vehicle)
        trips = [by_trip[k] for k in sorted(by_trip)]
        # Safety net: never promise an overloaded trip or a stop the vehicle cannot reach,
        # whatever the search returned.
        for trip in trips:
            dropped.update(p.stop.code for p in trip if not _can_serve(vehicle, p, matrices))
            trip[:] = [p for p in trip if _can_serve(vehicle, p, matrices)]
            while (sum(p.volume for p in trip) > capacity[0]
                   or sum(p.weight for p in trip) > capacity[1]):
                dropped.add(trip.pop().stop.code)
        planned.append((route.vehicle_type(), trips))

    left: dict[str, list] = {}
    for k, p in enumerate(parts):
        if k not in served_parts or p.stop.code in dropped:
            entry = left.setdefault(p.stop.code, [0, p.parts, 0.0, 0.0])
            entry[0] += 1
            entry[2] += p.volume / _SCALE
            entry[3] += p.weight / _SCALE

    routes, findings = [], []
    numbering: dict[int, int] = defaultdict(int)
    cost = 0
    for type_index, trips in planned:
        trips = [kept for trip in trips
                 if (kept := [p for p in trip if p.stop.code not in dropped])]
        if not trips:
            continue
        vehicle = vehicles[type_index]
        numbering[type_index] += 1
        label = vehicle.name if vehicle.count == 1 else f"{vehicle.name} #{numbering[type_index]}"
        r = Route(label, vehicle.name, vehicle.mode,
                  tuple(_schedule(leg, vehicle, matrices[vehicle.mode], trips)))
        routes.append(r)
        cost += vehicle.cost_per_minute * (r.end - r.start) + vehicle.fixed_cost
        if vehicle.return_by is not None and r.end > vehicle.return_by:
            findings.append(Problem("vehicle_overtime", {
                "vehicle": label, "back_at": r.end, "return_by": vehicle.return_by,
                "overtime": r.end - vehicle.return_by}))
    return tuple(routes), cost, left, findings


def _can_serve(vehicle: Vehicle, part: _Part, matrices) -> bool:
    if part.stop.modes is not None and vehicle.mode not in part.stop.modes:
        return False
    return _reachable(matrices[vehicle.mode][0], part.index)


def _schedule(leg: Leg, vehicle: Vehicle, matrix_pair, trips_parts) -> list[Trip]:
    # Real times, recomputed without PyVRP's time warp: leave as early as allowed, wait for a
    # stop to open, never travel back in time. Late stops are late by what this says.
    minutes, km = matrix_pair
    clock = vehicle.available_from
    trips = []
    for trip_parts in trips_parts:
        loading_from = max(clock, leg.depot.ready_at)
        clock = loading_from + leg.depot.loading_minutes
        departure = clock
        here = 0
        visits = []
        trip_km = 0.0
        for p in trip_parts:
            clock += int(minutes[here, p.index])
            step_km = float(km[here, p.index])
            trip_km += step_km
            arrival = clock
            start = max(arrival, p.stop.opens_at)
            clock = start + p.stop.service_minutes
            late_by = 0 if p.stop.deadline is None else max(0, start - p.stop.deadline)
            visits.append(Visit(p.stop.code, arrival, start, clock, p.volume / _SCALE,
                                p.weight / _SCALE, p.part, p.parts, late_by, round(step_km, 2)))
            here = p.index
        clock += int(minutes[here, 0])
        trip_km += float(km[here, 0])
        trips.append(Trip(loading_from, departure, clock, tuple(visits),
                          sum(p.volume for p in trip_parts) / _SCALE,
                          sum(p.weight for p in trip_parts) / _SCALE, round(trip_km, 2)))
    return trips


def _earliest_start(leg, vehicles, matrices, stop, index) -> tuple[int, str]:
    """The earliest service start at a stop: a direct trip by the quickest vehicle that can
    reach it, leaving as soon as both it and the goods are ready."""
    best, mode = None, ""
    for v in vehicles:
        if stop.modes is not None and v.mode not in stop.modes:
            continue
        travel = matrices[v.mode][0][0, index]
        if not np.isfinite(travel):
            continue
        at = max(max(v.available_from, leg.depot.ready_at) + leg.depot.loading_minutes
                 + int(travel), stop.opens_at)
        if best is None or at < best:
            best, mode = at, v.mode
    return best, mode


def _explain_late(leg, vehicles, matrices, stop, index, visit, route, trip, position) -> Miss:
    base = {"code": stop.code, "deadline": stop.deadline, "late_by": visit.late_by}
    earliest, mode = _earliest_start(leg, vehicles, matrices, stop, index)
    if earliest > stop.deadline:
        return Miss(stop.code, "too_far", {**base, "earliest": earliest, "mode": mode,
                                           "depot": leg.depot.code,
                                           "ready_at": leg.depot.ready_at}, visit.late_by)
    return Miss(stop.code, "fleet_busy", {**base, "vehicle": route.vehicle, "trip": trip,
                                          "position": position, "arrival": visit.arrival},
                visit.late_by)


# --- network --------------------------------------------------------------------------------------

def plan_network(network: Network, *, seconds_per_leg: float = 5.0, no_improvement: int = 1_000,
                 seed: int = 0, progress=lambda share: None) -> NetworkPlan:
    """Plan every leg top-down. A leg whose depot is a stop of an earlier leg starts loading
    only when that stop has been unloaded; late or unserved goods upstream are named as the
    reason downstream. `progress(share done)` is called before each leg."""
    done_at: dict[str, int] = {}
    late_by: dict[str, int] = {}
    unserved: set[str] = set()
    plans = []
    for number, leg in enumerate(network.legs, start=1):
        progress((number - 1) / len(network.legs))
        depot = leg.depot.code
        if depot in unserved:
            misses = tuple(Miss(s.code, "upstream_unserved", {"code": s.code, "upstream": depot},
                                None) for s in leg.stops)
            plans.append(LegPlan(leg.name, depot, (), {}, {}, misses, (), 0, 0.0))
            unserved |= {s.code for s in leg.stops}
            continue
        if depot in done_at:
            leg = replace(leg, depot=replace(leg.depot,
                                             ready_at=max(leg.depot.ready_at, done_at[depot])))
        plan = plan_leg(leg, seconds=seconds_per_leg, no_improvement=no_improvement, seed=seed)
        if late_by.get(depot):
            plan = replace(plan, misses=tuple(
                Miss(m.stop, "upstream_late", {"code": m.stop, "late_by": m.late_by,
                                               "upstream": depot,
                                               "upstream_late_by": late_by[depot]}, m.late_by)
                if m.late_by is not None else m for m in plan.misses))
        plans.append(plan)
        done_at.update(plan.done_at)
        for miss in plan.misses:
            if miss.late_by is None:
                unserved.add(miss.stop)
            else:
                late_by[miss.stop] = miss.late_by
    return NetworkPlan(tuple(plans))


# --- scenarios -----------------------------------------------------------------------------------

def _map_legs(target, change):
    if isinstance(target, Network):
        return replace(target, legs=tuple(change(leg) for leg in target.legs))
    return change(target)


def close_edge(target: Leg | Network, a: str, b: str, modes: Iterable[str] | None = None,
               both_ways: bool = True) -> Leg | Network:
    """The road or river leg between sites `a` and `b` is closed (to `modes`; None: all)."""
    edge = ClosedEdge(a, b, None if modes is None else frozenset(modes), both_ways)
    return _map_legs(target, lambda leg: replace(leg, closed=(*leg.closed, edge)))


def flood_area(target: Leg | Network, region_code: str,
               modes: Iterable[str] = ROAD_MODES) -> Leg | Network:
    """Sites under `region_code` (a kecamatan, a desa, a TPS) can no longer be reached by
    `modes`: every edge into them is closed for those modes."""
    modes = frozenset(modes)

    def change(leg: Leg) -> Leg:
        codes = [s.code for s in _sites(leg) if s.code.startswith(region_code)]
        others = [s.code for s in _sites(leg)]
        edges = tuple(ClosedEdge(o, c, modes) for c in codes for o in others if o != c)
        return replace(leg, closed=(*leg.closed, *edges))

    return _map_legs(target, change)


def remove_vehicle(target: Leg | Network, name: str, count: int = 1) -> Leg | Network:
    """`count` vehicles named `name` are lost (broken down, requisitioned)."""

    def change(leg: Leg) -> Leg:
        return replace(leg, vehicles=tuple(
            replace(v, count=max(0, v.count - count)) if v.name == name else v
            for v in leg.vehicles))

    return _map_legs(target, change)


def delay_start(target: Leg | Network, minutes: int) -> Leg | Network:
    """Goods reach the first depot `minutes` later (printing or delivery to the regency is
    late). On a network only the legs whose depot no other leg supplies are delayed; the rest
    follow through the plan."""
    if isinstance(target, Network):
        supplied = {s.code for leg in target.legs for s in leg.stops}
        return replace(target, legs=tuple(
            leg if leg.depot.code in supplied else _delay(leg, minutes) for leg in target.legs))
    return _delay(target, minutes)


def _delay(leg: Leg, minutes: int) -> Leg:
    return replace(leg, depot=replace(leg.depot, ready_at=leg.depot.ready_at + minutes))


@dataclass(frozen=True)
class PlanDiff:
    newly_late: tuple[str, ...]
    no_longer_late: tuple[str, ...]
    newly_unserved: tuple[str, ...]
    no_longer_unserved: tuple[str, ...]
    later: dict[str, tuple[int, int]]  # stop → (arrival before, after), for later arrivals
    earlier: dict[str, tuple[int, int]]
    cost: tuple[int, int]


def compare_plans(before: LegPlan | NetworkPlan, after: LegPlan | NetworkPlan) -> PlanDiff:
    """What a scenario changed: which stops are now late or unserved, which arrive later."""
    late_b = {m.stop for m in before.misses if m.late_by is not None}
    late_a = {m.stop for m in after.misses if m.late_by is not None}
    gone_b = {m.stop for m in before.misses if m.late_by is None}
    gone_a = {m.stop for m in after.misses if m.late_by is None}
    arr_b, arr_a = before.arrivals, after.arrivals
    both = arr_b.keys() & arr_a.keys()
    return PlanDiff(
        newly_late=tuple(sorted(late_a - late_b - gone_b)),
        no_longer_late=tuple(sorted(late_b - late_a - gone_a)),
        newly_unserved=tuple(sorted(gone_a - gone_b)),
        no_longer_unserved=tuple(sorted(gone_b - gone_a)),
        later={k: (arr_b[k], arr_a[k]) for k in sorted(both) if arr_a[k] > arr_b[k]},
        earlier={k: (arr_b[k], arr_a[k]) for k in sorted(both) if arr_a[k] < arr_b[k]},
        cost=(before.cost, after.cost),
    )


# --- plain CVRP (the quality yardstick) ------------------------------------------------------

@dataclass(frozen=True)
class CVRPSolution:
    routes: tuple[tuple[int, ...], ...]  # node indices, depot 0 left out
    cost: int
    feasible: bool
    seconds: float


def solve_cvrp(distances: np.ndarray, demands: Sequence[int], capacity: int, *,
               vehicles: int | None = None, seconds: float = 2.0,
               restart_after: int | None = None, seed: int = 0,
               workers: int = 1) -> CVRPSolution:
    """Capacitated VRP on an integer distance matrix, node 0 the depot: the solver and
    settings the legs use, on the classic benchmark shape.

    Runs until `seconds` are spent; a run that has not improved for `restart_after` iterations
    (default 100 per customer), or for as long as its last improvement took to find, is
    restarted from a new random solution with the next seed, and the best plan of all runs is
    returned. `workers` > 1 runs that many independent searches in parallel processes and
    keeps the best.
    """
    started = time.perf_counter()
    # Small instances that stall have stalled for good, and a restart is cheap; larger ones
    # still find better plans after thousands of quiet iterations (A-n80-k10 on set A).
    restart_after = restart_after or 100 * (len(distances) - 1)
    args = (np.asarray(distances, dtype=np.int64), [int(d) for d in demands], int(capacity),
            vehicles, restart_after)
    if workers <= 1:
        result = _solve_cvrp_alone(*args, seconds, seed)
    else:
        # Leave time to start the processes and collect their answers within the budget.
        budget = max(0.1, seconds - 0.3)
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_solve_cvrp_alone, *args, budget, seed + 10_000 * k)
                       for k in range(workers)]
            results = [f.result() for f in futures]
        feasible = [r for r in results if r.feasible] or results
        result = min(feasible, key=lambda r: r.cost)
    return replace(result, seconds=time.perf_counter() - started)


def _solve_cvrp_alone(distances, demands, capacity, vehicles, restart_after, seconds,
                      seed) -> CVRPSolution:
    n = len(distances)
    locations = [Location(x=0, y=0) for _ in range(n)]
    clients = [Client(location=i, delivery=[demands[i]]) for i in range(1, n)]
    types = [VehicleType(num_available=vehicles or n - 1, capacity=[capacity])]
    data = ProblemData(locations, clients, [PyDepot(location=0)], types, [distances],
                       [np.zeros_like(distances)])
    evaluate = CostEvaluator([0], 0, 0)
    started = time.perf_counter()
    best = last = None
    run = 0
    while last is None or (left := seconds - (time.perf_counter() - started)) > 0.01:
        last = _run(data, seconds if run == 0 else left, restart_after, seed + run,
                    track=False, adaptive=True)
        run += 1
        if last.is_feasible() and (best is None or evaluate.cost(last) < evaluate.cost(best)):
            best = last
    best = best or last
    # Client k sits at node k + 1: the depot is node 0.
    routes = tuple(tuple(a.idx + 1 for a in route.schedule() if a.is_client())
                   for route in best.routes())
    cost = evaluate.cost(best) if best.is_feasible() else -1
    return CVRPSolution(routes, int(cost), best.is_feasible(), time.perf_counter() - started)
