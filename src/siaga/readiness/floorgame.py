"""The floor-game board (pure: no Django): where every vehicle, shipment and guard post is at a
moment between the logistics release and the end of counting, and what a scenario breaks.

Times are whole minutes from the distribution plan's epoch (00.00 local time of the release
day), as in `logistics.routing`. Places are (latitude, longitude); over a regency a straight
line between two degrees-points is close enough to draw a vehicle between two stops.

Inputs are plain data: a stored distribution plan (the JSON `logistics.plans.store` writes),
the guard posts of the security plan with their roster, and per-TPS counting ends. Outputs:
- `paths_from_plan` / `position_at` / `progress_at`: a vehicle moves along its route at
  constant speed between its stop times, waits at stops and at the depot, never leaves the
  route and never goes back along it;
- `shipments_from_plan` / `shipment_state`: a shipment waits at its depot until its vehicle
  leaves, is in transit until its last part arrives, then is delivered (or never is);
- `post_hours` / `post_state`: a post is manned over an assumed duty window (see there);
- `clock_table`: the counts at each step of the slider, computed once;
- `breakage`: what a scenario breaks against the base (TPS late or not served, posts left
  short or unmanned, TPS without a guard), each item with its reason.
"""

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from siaga import problems
from siaga.problems import gettext_noop
from siaga.security.roster import Person, Post, Roster

KINDS = ("polri", "tni", "linmas")

MESSAGES = {
    "tps_late": gettext_noop("TPS %(code)s now gets its logistics late: %(why)s"),
    "tps_unserved": gettext_noop("TPS %(code)s now gets no logistics at all: %(why)s"),
    "post_unmanned": gettext_noop(
        "Post %(post)s (%(tps)s TPS) is left unmanned: %(police)s Polri, %(tni)s TNI and "
        "%(linmas)s Linmas places are open."),
    "post_short": gettext_noop(
        "Post %(post)s (%(tps)s TPS) is now short of %(police)s Polri, %(tni)s TNI and "
        "%(linmas)s Linmas (before: %(police_before)s, %(tni_before)s, %(linmas_before)s)."),
    "tps_unguarded": gettext_noop(
        "TPS %(code)s is left without a guard: its post %(post)s has no Polri or TNI and no "
        "Linmas of its own desa."),
    # causes
    "because_withdrawn": gettext_noop("%(count)s %(kind)s withdrawn%(area)s."),
    "because_upgraded": gettext_noop(
        "TPS %(tps)s upgraded to sangat rawan: the post now follows pattern %(pattern)s."),
}


class Problem(problems.Problem):
    """A broken item or its cause: a message code and its numbers."""

    messages = MESSAGES


# --- vehicles --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Waypoint:
    """The vehicle is at `site` (lat, lon) at minute `t`."""

    t: int
    lat: float
    lon: float
    site: str


@dataclass(frozen=True)
class VehiclePath:
    """One vehicle's whole day: its waypoints in time order and the trips it is out on
    (loading start to return), for drawing it only while it works."""

    key: str
    label: str
    mode: str
    level: str  # "gudang", "ppk" or "pps": the depot's level
    waypoints: tuple[Waypoint, ...]
    trips: tuple[tuple[int, int], ...]

    @property
    def length(self) -> float:
        """The route's length in degrees (the unit `progress_at` counts in)."""
        return _cumulative(self)[-1] if self.waypoints else 0.0


def depot_level(code: str) -> str:
    return "gudang" if len(code) <= 5 else "ppk" if len(code) <= 8 else "pps"


def paths_from_plan(result: Mapping) -> list[VehiclePath]:
    """Every vehicle route of a stored plan as a path: per trip the depot at loading and at
    departure, each stop at arrival and at departure, the depot again on return. Sites
    without coordinates are left out (the vehicle is drawn straight past them)."""
    sites = result["sites"]
    paths = []
    for leg_index, leg in enumerate(result["legs"]):
        depot = leg["depot"]
        for route_index, route in enumerate(leg["routes"]):
            points: list[tuple[int, str]] = []
            trips = []
            for trip in route["trips"]:
                points += [(trip["loading_from"], depot), (trip["departure"], depot)]
                for visit in trip["visits"]:
                    points += [(visit["arrival"], visit["stop"]), (visit["departure"], visit["stop"])]
                points.append((trip["back_at"], depot))
                trips.append((trip["loading_from"], trip["back_at"]))
            waypoints = []
            for t, code in points:
                lat, lon = (sites.get(code) or [None, None])[:2]
                if lat is None or lon is None:
                    continue
                # Times never run backwards along a route (routing schedules forwards).
                t = max(t, waypoints[-1].t) if waypoints else t
                waypoints.append(Waypoint(int(t), float(lat), float(lon), code))
            if waypoints:
                paths.append(VehiclePath(f"{leg_index}.{route_index}", route["vehicle"],
                                         route["mode"], depot_level(depot), tuple(waypoints),
                                         tuple(trips)))
    return paths


def _cumulative(path: VehiclePath) -> list[float]:
    total, out = 0.0, []
    previous = None
    for w in path.waypoints:
        if previous is not None:
            total += math.hypot(w.lat - previous.lat, w.lon - previous.lon)
        out.append(total)
        previous = w
    return out


def _segment(path: VehiclePath, t: float) -> tuple[int, float]:
    """The index of the last waypoint at or before `t` and the share of the way to the next
    one covered at `t` (0 at or before the first waypoint, at or after the last)."""
    times = [w.t for w in path.waypoints]
    i = bisect.bisect_right(times, t) - 1
    if i < 0:
        return 0, 0.0
    if i >= len(times) - 1:
        return len(times) - 1, 0.0
    span = times[i + 1] - times[i]
    return i, (t - times[i]) / span if span > 0 else 0.0


def position_at(path: VehiclePath, t: float) -> tuple[float, float]:
    """Where the vehicle is at minute `t`: on the straight line between the waypoints around
    `t`, at constant speed; at the first site before the route starts, at the last after it
    ends. At a waypoint's time it is at that waypoint (the last one, when several share it)."""
    i, share = _segment(path, t)
    a = path.waypoints[i]
    if share == 0.0:
        return a.lat, a.lon
    b = path.waypoints[i + 1]
    return a.lat + (b.lat - a.lat) * share, a.lon + (b.lon - a.lon) * share


def progress_at(path: VehiclePath, t: float) -> float:
    """How far along its route (in degrees) the vehicle is at minute `t`: never decreasing in
    `t`, between 0 and the route's length."""
    i, share = _segment(path, t)
    cumulative = _cumulative(path)
    if share == 0.0:
        return cumulative[i]
    return cumulative[i] + (cumulative[i + 1] - cumulative[i]) * share


def is_out(path: VehiclePath, t: float) -> bool:
    """Whether the vehicle is on a trip at `t` (from loading to its return)."""
    return any(start <= t <= end for start, end in path.trips)


# --- shipments -------------------------------------------------------------------------------

WAITING, IN_TRANSIT, DELIVERED, NOT_SERVED = "waiting", "in_transit", "delivered", "not_served"


@dataclass(frozen=True)
class ShipmentTimes:
    """The goods of one PPK, PPS or TPS: when the first vehicle carrying them leaves its depot,
    when the last part arrives (None: never), and the deadline."""

    code: str
    departs: int | None
    arrives: int | None
    deadline: int | None

    @property
    def late(self) -> bool:
        return (self.arrives is not None and self.deadline is not None
                and self.arrives > self.deadline)


def shipments_from_plan(result: Mapping) -> dict[str, ShipmentTimes]:
    """One shipment per stop of the plan (every PPK, PPS and TPS it was asked to serve)."""
    departs: dict[str, int] = {}
    for leg in result["legs"]:
        for route in leg["routes"]:
            for trip in route["trips"]:
                for visit in trip["visits"]:
                    code = visit["stop"]
                    departs[code] = min(departs.get(code, trip["departure"]), trip["departure"])
    arrivals = result["arrivals"]
    unserved = {m["stop"] for m in result["misses"] if m["late_by"] is None}
    return {code: ShipmentTimes(code, departs.get(code),
                                None if code in unserved else arrivals.get(code), deadline)
            for code, deadline in result["deadlines"].items()}


def shipment_state(s: ShipmentTimes, t: float) -> str:
    """waiting → in_transit → delivered as time passes; not_served when it never arrives and
    its vehicle has not left (or there is none)."""
    if s.arrives is not None and t >= s.arrives:
        return DELIVERED
    if s.departs is not None and t >= s.departs and s.arrives is not None:
        return IN_TRANSIT
    return WAITING if s.arrives is not None else NOT_SERVED


# --- guard posts -----------------------------------------------------------------------------

BEFORE, MANNED, SHORT, UNMANNED, STOOD_DOWN = "before", "manned", "short", "unmanned", "stood_down"


@dataclass(frozen=True)
class PostState:
    """A guard post with its required and assigned personnel and its duty window."""

    name: str
    tps: tuple[str, ...]
    need: Mapping[str, int]  # kind → places
    have: Mapping[str, int]  # kind → people assigned
    unguarded: tuple[str, ...]  # TPS of the post with no Polri/TNI and no Linmas of their desa
    manned_from: int
    manned_to: int

    @property
    def open(self) -> dict[str, int]:
        return {k: max(0, self.need.get(k, 0) - self.have.get(k, 0)) for k in KINDS}

    @property
    def staffing(self) -> str:
        """manned (every place filled), short, or unmanned (no one at all)."""
        if not any(self.have.get(k, 0) for k in KINDS) and any(self.need.get(k, 0) for k in KINDS):
            return UNMANNED
        return SHORT if any(self.open.values()) else MANNED


def post_hours(tps: Sequence[str], arrivals: Mapping[str, int | None], guard_from: int,
               counting_end: Mapping[str, int], default_end: int) -> tuple[int, int]:
    """The duty window of a post. There is no shift roster in the security plan, so we assume
    (docs: the floor game) the post stands from when the first logistics reach one of its TPS
    (the goods are guarded from then), at the latest from `guard_from` (H-1, when every TPS
    must have its goods), until the last of its TPS has finished counting (the simulation's
    mean end per TPS, else `default_end`)."""
    arrived = [arrivals[c] for c in tps if arrivals.get(c) is not None]
    start = min([guard_from, *arrived])
    end = max([counting_end.get(c, default_end) for c in tps] or [default_end])
    return start, max(start, end)


def post_state(p: PostState, t: float) -> str:
    """before → (manned | short | unmanned) → stood_down over the post's duty window."""
    if t < p.manned_from:
        return BEFORE
    if t > p.manned_to:
        return STOOD_DOWN
    return p.staffing


def posts_for_roster(groups: Iterable, tni_of) -> list[Post]:
    """The roster's posts from the security plan's groups (`tni_of(group)`: TNI places)."""
    return [Post(g.name, tuple(g.tps), g.police, tni_of(g), g.linmas) for g in groups]


def post_states(posts: Sequence[Post], roster: Roster, hours: Mapping[str, tuple[int, int]]
                ) -> list[PostState]:
    """Each post's places, the people the roster put there, and which of its TPS have no
    guard at all (no Polri or TNI at the post, no Linmas from the TPS's own desa)."""
    states = []
    for post in posts:
        people = roster.assigned.get(post.name, [])
        have = {k: sum(1 for p in people if p.kind == k) for k in KINDS}
        armed = have["polri"] + have["tni"]
        linmas_desa = {p.region for p in people if p.kind == "linmas"}
        unguarded = tuple(c for c in post.tps if not armed and c.split("-")[0] not in linmas_desa)
        start, end = hours.get(post.name, (0, 0))
        states.append(PostState(post.name, post.tps,
                                {"polri": post.police, "tni": post.tni, "linmas": post.linmas},
                                have, unguarded, start, end))
    return states


def withdraw(people: Sequence[Person], kind: str, count: int, area: str = "") -> list[Person]:
    """The people left after `count` of `kind` (from units whose region starts with `area`)
    are withdrawn, the last ones listed first (the roster fills posts from the front, so the
    posts it fills last lose their people)."""
    chosen = [i for i, p in enumerate(people) if p.kind == kind and p.region.startswith(area)]
    gone = set(chosen[len(chosen) - min(max(count, 0), len(chosen)):]) if count > 0 else set()
    return [p for i, p in enumerate(people) if i not in gone]


# --- the slider ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Counts:
    """What the board shows beside the clock at one moment."""

    t: int
    vehicles_out: int
    waiting: int
    in_transit: int
    delivered: int
    not_served: int
    late: int  # delivered after the deadline, so far
    posts: Mapping[str, int]  # post state → count


def steps(start: int, end: int, every: int) -> list[int]:
    """Slider stops from `start` to `end` inclusive, `every` minutes apart (the last may be
    closer)."""
    if end <= start:
        return [start]
    out = list(range(start, end, every))
    return out + [end]


def clock_table(paths: Sequence[VehiclePath], shipments: Mapping[str, ShipmentTimes],
                posts: Sequence[PostState], times: Iterable[int]) -> list[Counts]:
    """The counts at every slider stop, computed once on the server."""
    table = []
    for t in times:
        states = [shipment_state(s, t) for s in shipments.values()]
        post_counts = {k: 0 for k in (BEFORE, MANNED, SHORT, UNMANNED, STOOD_DOWN)}
        for p in posts:
            post_counts[post_state(p, t)] += 1
        table.append(Counts(
            t, sum(1 for p in paths if is_out(p, t)), states.count(WAITING),
            states.count(IN_TRANSIT), states.count(DELIVERED), states.count(NOT_SERVED),
            sum(1 for s in shipments.values() if s.late and s.arrives <= t), post_counts))
    return table


# --- what a scenario breaks ------------------------------------------------------------------

@dataclass(frozen=True)
class Board:
    """One state of the game: the logistics outcome per TPS and the guard posts."""

    shipments: Mapping[str, ShipmentTimes]
    misses: Mapping[str, Mapping] = field(default_factory=dict)  # stop → stored miss
    posts: Sequence[PostState] = ()
    grades: Mapping[str, int] = field(default_factory=dict)  # TPS → grade


@dataclass(frozen=True)
class Break:
    """One thing the scenario broke: `kind` (tps_late, tps_unserved, post_unmanned,
    post_short, tps_unguarded), the TPS or post it concerns, the miss of the routing core
    (for logistics; its text is made by the caller, who knows the clock) and the causes."""

    kind: str
    code: str
    params: Mapping
    miss: Mapping | None = None
    causes: tuple[Problem, ...] = ()


def _is_tps(code: str) -> bool:
    return "-" in code


def breakage(base: Board, scenario: Board, *, withdrawn: Sequence[tuple[str, int, str]] = (),
             upgraded: Sequence[str] = (), patterns: Mapping[str, str] | None = None
             ) -> list[Break]:
    """What the scenario breaks that worked in the base, in this order: TPS whose logistics now
    arrive after their deadline, TPS that now get none, posts now unmanned, posts now short,
    TPS now without any guard. `withdrawn` ((kind, count, area)) and `upgraded` (TPS codes)
    describe the security scenario, to name the causes; `patterns` gives each post's pattern
    label in the scenario."""
    broken: list[Break] = []
    for code in sorted(scenario.shipments):
        if not _is_tps(code):
            continue
        after = scenario.shipments[code]
        before = base.shipments.get(code)
        was_ok = before is not None and before.arrives is not None and not before.late
        miss = scenario.misses.get(code)
        if after.arrives is None and (before is None or before.arrives is not None):
            broken.append(Break("tps_unserved", code, {"code": code}, miss))
        elif after.late and was_ok:
            broken.append(Break("tps_late", code, {"code": code, "late_by": after.arrives -
                                                   (after.deadline or after.arrives)}, miss))

    # Posts are matched by the TPS they stand at: regrading renumbers a kecamatan's posts.
    old = {code: p for p in base.posts for code in p.tps}
    upgraded_set = set(upgraded)
    causes_withdrawn = tuple(
        Problem("because_withdrawn", {"count": n, "kind": {"polri": "Polri", "tni": "TNI",
                                                            "linmas": "Linmas"}.get(k, k),
                                      "area": f" ({area})" if area else ""})
        for k, n, area in withdrawn if n > 0)

    def causes(p: PostState) -> tuple[Problem, ...]:
        mine = [Problem("because_upgraded", {"tps": c, "pattern": (patterns or {}).get(p.name, "")})
                for c in p.tps if c in upgraded_set]
        return (*mine, *causes_withdrawn)

    def numbers(p: PostState, before: PostState | None) -> dict:
        o = p.open
        b = before.open if before else {k: 0 for k in KINDS}
        return {"post": p.name, "tps": len(p.tps), "police": o["polri"], "tni": o["tni"],
                "linmas": o["linmas"], "police_before": b["polri"], "tni_before": b["tni"],
                "linmas_before": b["linmas"]}

    short_posts = []
    for p in scenario.posts:
        before = old.get(p.tps[0]) if p.tps else None
        was = before.staffing if before else MANNED
        if p.staffing == UNMANNED and was != UNMANNED:
            broken.append(Break("post_unmanned", p.name, numbers(p, before), causes=causes(p)))
        elif p.staffing == SHORT and (was == MANNED or before is None or any(
                p.open[k] > before.open[k] for k in KINDS)):
            short_posts.append(Break("post_short", p.name, numbers(p, before), causes=causes(p)))
    broken += short_posts
    guarded_before = {c for p in base.posts for c in p.tps} - {
        c for p in base.posts for c in p.unguarded}
    for p in scenario.posts:
        for code in p.unguarded:
            if code in guarded_before:
                broken.append(Break("tps_unguarded", code, {"code": code, "post": p.name},
                                    causes=causes(p)))
    return broken


def break_problem(b: Break, why: str = "") -> Problem:
    """The item as a message (`why`: the logistics miss in words, for TPS late or unserved)."""
    return Problem(b.kind, {**b.params, "why": why})
