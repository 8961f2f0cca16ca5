"""Who watches which TPS on polling day: OPD heads coordinate a kecamatan, ASN staff watch a
small group of TPS "from voting through counting" (pure: no Django; numpy only).

The Regent's instruction assigns every OPD head and their ASN staff. `propose(people, sites)`
proposes an assignment:

* **Heads** coordinate kecamatan (derived from the TPS codes). They are dealt out in rounds: no
  kecamatan gets a second head before every kecamatan has one. Within a round a head living in
  the kecamatan is preferred, then the nearest head (haversine from home to the kecamatan
  centroid), then heads without a known home are dealt out in turn, the kecamatan with the
  most TPS first.
* **Staff** (everyone who is not a head) each watch a group of up to `Rules.tps_per_staff` TPS of
  one desa. A desa's TPS are split in TPS-number order into as few groups as the rule allows,
  of sizes that differ by at most one (7 TPS at 3 per staff are 3 + 2 + 2, not 3 + 3 + 1). A
  group prefers a staff member living in its desa, then in its kecamatan, then the nearest
  (haversine between the home and the group's centroid), then anyone (in id order); between
  otherwise equal staff, the one whose OPD has fewest people in that kecamatan so far is taken,
  so that an OPD is spread rather than all in one kecamatan (a tie-breaker only). Matching is
  greedy over the best remaining (group, staff) pair, which is deterministic.
* **Balance**: nobody gets a second group before everybody has one, so group counts differ by
  at most one. With more staff than groups the rest are the *reserve* (a finding says so). With
  fewer staff than groups the groups are enlarged (the smallest size that gives a group to
  everybody; the spare staff then split the largest groups again) rather than leaving a TPS
  unwatched; only when there are fewer staff than desa does someone watch two desa. Without
  any staff every TPS is unwatched.

A person's location is their own `lat`/`lon` when given, else the centroid of their home desa
(`desa_centroids`, or the mean of that desa's TPS coordinates). A TPS without coordinates is
at its desa's centroid; a kecamatan or group is at the mean of its TPS.

`check(assignments, sites, people)` takes the final assignment after manual overrides and
returns its conflicts as `Problem`s. `Proposal.assignments()` gives the proposal in that form
(one `Assignment` per person; a staff member with two groups has one assignment naming both).
Everything sorts by id and code: the same input in any order gives the same proposal.
"""

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from siaga import problems
from siaga.geo import haversine_km
from siaga.problems import gettext_noop
from siaga.regions import codes

KECAMATAN_WIDTH = 8  # "62.13.01"
KECAMATAN = "kecamatan"
TPS_GROUP = "tps_group"
KINDS = (KECAMATAN, TPS_GROUP)

MESSAGES = {
    # input
    "bad_tps_code": gettext_noop("'%(tps)s' is not a TPS code (e.g. 62.13.01.2003-003)."),
    "duplicate_tps": gettext_noop("TPS %(tps)s appears twice."),
    "bad_centroid": gettext_noop(
        "'%(desa)s' in the desa centroids is not a desa code (e.g. 62.13.01.2003) with a "
        "latitude and longitude; it is ignored."
    ),
    "duplicate_person": gettext_noop(
        "Person %(person)s appears twice (%(name)s and %(other)s); the second is left out."
    ),
    "bad_home": gettext_noop(
        "%(name)s (%(person)s): home '%(home)s' is not a desa code (e.g. 62.13.01.2003); "
        "it is ignored."
    ),
    "no_tps": gettext_noop("There is no TPS to watch; nobody is assigned."),
    # the proposal
    "no_staff": gettext_noop(
        "There are no ASN staff besides the OPD heads: none of the %(tps)s TPS is watched."
    ),
    "groups_enlarged": gettext_noop(
        "Only %(staff)s staff for %(tps)s TPS (%(groups)s groups of up to %(size)s): groups "
        "are enlarged to up to %(largest)s TPS so that every TPS is watched."
    ),
    "groups_shared": gettext_noop(
        "Only %(staff)s staff for %(groups)s desa with TPS: each desa is one group and a staff "
        "member watches up to %(most)s groups."
    ),
    "staff_in_reserve": gettext_noop(
        "%(count)s of %(staff)s staff have no TPS group (%(groups)s groups of up to %(size)s "
        "TPS); they are the reserve, first %(names)s."
    ),
    # conflicts (check)
    "unknown_person": gettext_noop(
        "The assignment to %(target)s names %(person)s, who is not on the list of OPD heads "
        "and staff."
    ),
    "unknown_kecamatan": gettext_noop(
        "%(name)s (%(person)s) is assigned kecamatan %(kecamatan)s, which has no TPS on the "
        "list."
    ),
    "unknown_tps": gettext_noop(
        "%(name)s (%(person)s) is assigned TPS %(tps)s, which is not on the TPS list."
    ),
    "person_twice": gettext_noop("%(subject)s is assigned %(count)s times: %(targets)s."),
    "kecamatan_without_head": gettext_noop(
        "Kecamatan %(kecamatan)s (%(tps)s TPS) has no OPD head as coordinator."
    ),
    "tps_uncovered": gettext_noop(
        "Desa %(desa)s: %(count)s TPS watched by nobody (TPS %(numbers)s)."
    ),
    "overloaded": gettext_noop(
        "%(name)s (%(person)s) watches %(count)s TPS (%(targets)s); at most %(max)s per person."
    ),
    "far_from_home": gettext_noop(
        "%(name)s (%(person)s) lives %(km)s km from %(target)s (more than %(far_km)s km)."
    ),
}

# Findings that inform rather than ask for a change.
HINTS = frozenset({"far_from_home", "groups_enlarged", "groups_shared", "staff_in_reserve"})


class Problem(problems.Problem):
    """An expected error or finding, returned as a value: a message code and its numbers."""

    messages = MESSAGES


# --- input and output ------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    """An OPD head (`is_head`) or an ASN staff member; `home` is a desa code ("" if unknown)."""

    id: str
    name: str
    opd: str
    is_head: bool = False
    home: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Site:
    """A TPS to watch, by code (`62.13.01.2003-003`), with its coordinates when known."""

    code: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Rules:
    """What the instruction asks, as data.

    `tps_per_staff`: a staff member watches a group of up to this many TPS of one desa (more
    only when there are fewer staff than groups; see the module docstring).
    `far_km`: `check` hints at a person living farther than this from their assignment.
    `max_tps_per_person`: `check` flags a person watching more TPS than this.
    """

    tps_per_staff: int = 3
    far_km: float = 30.0
    max_tps_per_person: int = 6

    def __post_init__(self):
        if self.tps_per_staff < 1 or self.max_tps_per_person < 1 or not self.far_km > 0:
            raise ValueError(f"rules out of range: {self}")


@dataclass(frozen=True)
class Group:
    """TPS of one desa watched together by one staff member (`person_id` None: nobody)."""

    name: str
    desa: str
    tps: tuple[str, ...]
    person_id: str | None = None

    @property
    def kecamatan(self) -> str:
        return self.desa[:KECAMATAN_WIDTH]


@dataclass(frozen=True)
class Assignment:
    """One duty of one person: coordinate a kecamatan (`target` its code, `tps` empty), or
    watch TPS (`kind` "tps_group", `target` a label such as the group name, `tps` the codes)."""

    person_id: str
    kind: str
    target: str
    tps: tuple[str, ...] = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"assignment kind {self.kind!r} is not one of {KINDS}")


@dataclass(frozen=True)
class Proposal:
    """`heads`: kecamatan → ids of its coordinating heads; `groups` in desa and TPS order;
    `reserve`: ids of people without any assignment; `findings`: what to know or fix."""

    heads: dict[str, list[str]]
    groups: list[Group]
    findings: list[Problem]
    reserve: list[str] = field(default_factory=list)

    def assignments(self) -> list[Assignment]:
        """The proposal as `check` takes it: one assignment per person."""
        result = [Assignment(pid, KECAMATAN, kec) for kec, ids in self.heads.items() for pid in ids]
        mine: dict[str, list[Group]] = defaultdict(list)
        for group in self.groups:
            if group.person_id is not None:
                mine[group.person_id].append(group)
        for pid, groups in mine.items():
            result.append(Assignment(pid, TPS_GROUP, " + ".join(g.name for g in groups),
                                     tuple(t for g in groups for t in g.tps)))
        return result

    def load(self) -> dict[str, int]:
        """Staff id → number of groups watched (staff in reserve are not listed)."""
        return dict(Counter(g.person_id for g in self.groups if g.person_id is not None))


# --- geography -------------------------------------------------------------------------------

def _km(a, b) -> float | None:
    if a is None or b is None:
        return None
    return float(haversine_km(a[0], a[1], b[0], b[1]))


def _mean(points) -> tuple[float, float] | None:
    points = [p for p in points if p is not None]
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _point(lat, lon) -> tuple[float, float] | None:
    if lat is None or lon is None:
        return None
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return (lat, lon)


def _canonical_tps(raw) -> tuple[str, str, int] | None:
    split = codes.split_tps_code(raw)
    if split is None:
        return None
    desa, number = split
    return codes.tps_code(desa, number), desa, number


def compact_numbers(numbers: Iterable[int]) -> str:
    """[1, 2, 3, 7, 9, 10] → `001-003, 007, 009-010`."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(f"{a:03d}" if a == b else f"{a:03d}-{b:03d}" for a, b in runs)


def group_name(desa: str, numbers: Iterable[int]) -> str:
    """`62.13.01.2003 TPS 001-003`."""
    return f"{desa} TPS {compact_numbers(numbers)}"


@dataclass
class _Geo:
    tps: list[str]  # canonical codes in desa and number order
    number: dict[str, int]  # TPS → number
    desa: dict[str, list[str]]  # desa → its TPS in number order
    kecamatan: dict[str, list[str]]  # kecamatan → its desa
    tps_loc: dict[str, tuple | None]
    desa_loc: dict[str, tuple]  # known locations only, also of desa without TPS
    kec_loc: dict[str, tuple | None]

    @classmethod
    def build(cls, sites, desa_centroids, findings) -> "_Geo":
        found: dict[str, tuple[str, int, tuple | None]] = {}
        for site in sorted(sites, key=lambda s: (s, "", "") if isinstance(s, str) else (
                str(s.code), str(s.lat), str(s.lon))):
            raw, point = (site, None) if isinstance(site, str) else (
                site.code, _point(site.lat, site.lon))
            canonical = _canonical_tps(raw)
            if canonical is None:
                findings.append(Problem("bad_tps_code", {"tps": raw}))
                continue
            code, desa, number = canonical
            if code in found:
                findings.append(Problem("duplicate_tps", {"tps": code}))
                continue
            found[code] = (desa, number, point)
        centroids: dict[str, tuple] = {}
        for raw, value in sorted((desa_centroids or {}).items(), key=lambda kv: str(kv[0])):
            desa = codes.normalize_region_code(raw)
            try:
                point = _point(*value)
            except TypeError:
                point = None
            if desa is None or codes.level_of(desa) != "desa" or point is None:
                findings.append(Problem("bad_centroid", {"desa": raw}))
                continue
            centroids.setdefault(desa, point)
        order = sorted(found, key=lambda c: (found[c][0], found[c][1]))
        desa_tps: dict[str, list[str]] = defaultdict(list)
        for code in order:
            desa_tps[found[code][0]].append(code)
        desa_loc = dict(centroids)
        for desa, tps in desa_tps.items():
            if desa not in desa_loc:
                mean = _mean(found[t][2] for t in tps)
                if mean is not None:
                    desa_loc[desa] = mean
        tps_loc = {c: found[c][2] or desa_loc.get(found[c][0]) for c in order}
        kecamatan: dict[str, list[str]] = defaultdict(list)
        for desa in desa_tps:
            kecamatan[desa[:KECAMATAN_WIDTH]].append(desa)
        kec_loc = {k: _mean(tps_loc[t] for d in ds for t in desa_tps[d])
                   for k, ds in kecamatan.items()}
        return cls(order, {c: found[c][1] for c in order}, dict(desa_tps), dict(kecamatan),
                   tps_loc, desa_loc, kec_loc)

    def tps_count(self, kecamatan: str) -> int:
        return sum(len(self.desa[d]) for d in self.kecamatan.get(kecamatan, ()))


@dataclass(frozen=True)
class _Who:
    person: Person
    desa: str  # home desa code or ""
    kecamatan: str  # home kecamatan code or ""
    loc: tuple | None

    @property
    def label(self) -> str:
        return _label(self.person)


def _label(person: Person) -> str:
    return person.name or person.id


def _people(people: Iterable[Person], geo: _Geo, findings) -> dict[str, _Who]:
    index: dict[str, _Who] = {}
    for person in sorted(people, key=lambda p: (p.id, p.name, p.opd, p.is_head, p.home,
                                                str(p.lat), str(p.lon))):
        if person.id in index:
            findings.append(Problem("duplicate_person", {
                "person": person.id, "name": _label(index[person.id].person),
                "other": _label(person)}))
            continue
        desa = kec = ""
        home = codes.normalize_region_code(person.home) if (person.home or "").strip() else None
        level = codes.level_of(home) if home else None
        if level == "desa":
            desa, kec = home, home[:KECAMATAN_WIDTH]
        elif level == "kecamatan":
            kec = home
        elif (person.home or "").strip():
            findings.append(Problem("bad_home", {"name": _label(person), "person": person.id,
                                                 "home": person.home}))
        loc = _point(person.lat, person.lon) or geo.desa_loc.get(desa)
        index[person.id] = _Who(person, desa, kec, loc)
    return index


# --- heads -----------------------------------------------------------------------------------

def _assign_heads(heads: list[_Who], geo: _Geo) -> dict[str, list[str]]:
    kecs = sorted(geo.kecamatan)
    result: dict[str, list[str]] = {k: [] for k in kecs}
    if not kecs:
        return result
    kec_id = {k: i for i, k in enumerate(kecs)}
    k_lat = np.array([(geo.kec_loc[k] or (np.nan, np.nan))[0] for k in kecs])
    k_lon = np.array([(geo.kec_loc[k] or (np.nan, np.nan))[1] for k in kecs])
    k_tps = np.array([geo.tps_count(k) for k in kecs])
    n_kec = len(kecs)
    remaining = list(heads)
    while remaining:  # one round: each kecamatan at most one more head
        h_kec = np.array([kec_id.get(h.kecamatan, -1) for h in remaining])
        h_lat = np.array([h.loc[0] if h.loc else np.nan for h in remaining])
        h_lon = np.array([h.loc[1] if h.loc else np.nan for h in remaining])
        dist = haversine_km(h_lat[:, None], h_lon[:, None], k_lat[None, :], k_lon[None, :])
        known = ~np.isnan(dist)
        home = h_kec[:, None] == np.arange(n_kec)[None, :]
        tier = np.where(home, 0, np.where(known, 1, 2))
        dist = np.where(known, dist, 0.0)
        n_head = len(remaining)
        hh, kk = np.divmod(np.arange(n_head * n_kec), n_kec)
        order = np.lexsort((hh, kk, -k_tps[kk], dist.ravel(), tier.ravel()))
        free_h = np.ones(n_head, bool)
        free_k = np.ones(n_kec, bool)
        todo = min(n_head, n_kec)
        for flat in order:
            h, k = hh[flat], kk[flat]
            if free_h[h] and free_k[k]:
                free_h[h] = free_k[k] = False
                result[kecs[k]].append(remaining[h].person.id)
                todo -= 1
                if not todo:
                    break
        remaining = [h for h, free in zip(remaining, free_h) if free]
    return result


# --- staff groups ----------------------------------------------------------------------------

def _group_counts(sizes: list[int], staff: int, per: int) -> list[int]:
    """How many groups each desa is split into, given its TPS count, the staff and the rule."""
    base = [math.ceil(n / per) for n in sizes]
    if staff == 0 or sum(base) <= staff:
        return base
    if staff < len(sizes):
        return [1] * len(sizes)
    lo, hi = per + 1, max(sizes)  # the smallest size that gives everybody a group
    while lo < hi:
        mid = (lo + hi) // 2
        if sum(math.ceil(n / mid) for n in sizes) <= staff:
            hi = mid
        else:
            lo = mid + 1
    counts = [math.ceil(n / lo) for n in sizes]
    spare = staff - sum(counts)
    heap = [(-math.ceil(n / k), i) for i, (n, k) in enumerate(zip(sizes, counts)) if k < base[i]]
    heapq.heapify(heap)
    while spare and heap:  # the spare staff split the largest groups again
        _, i = heapq.heappop(heap)
        counts[i] += 1
        spare -= 1
        if counts[i] < base[i]:
            heapq.heappush(heap, (-math.ceil(sizes[i] / counts[i]), i))
    return counts


def _split(tps: list[str], k: int) -> list[list[str]]:
    """`k` runs in order whose sizes differ by at most one, larger first."""
    q, r = divmod(len(tps), k)
    out, at = [], 0
    for i in range(k):
        size = q + (i < r)
        out.append(tps[at:at + size])
        at += size
    return out


_TIER = 1e6  # cost of a worse tier; a distance is always less
_UNKNOWN_KM = 1e5  # distance unknown within the home desa or kecamatan: after any known one
_EPS = 1e-9  # × class index: ties go to the class found first, and no two costs are equal
_TOP = 16  # best classes kept per group; the whole row is computed again only when exhausted
_BLOCK = 2_000_000  # cost-matrix cells computed at once


class _Matcher:
    """Staff in classes (same home desa, kecamatan and location); the cost of a class for a
    group is its tier (home desa, home kecamatan, known distance, unknown) then distance."""

    def __init__(self, staff: list[_Who], groups: list[tuple], geo: _Geo):
        desa_id = {d: i for i, d in enumerate(geo.desa)}
        kec_id = {k: i for i, k in enumerate(geo.kecamatan)}
        classes: dict[tuple, int] = {}
        self.members: list[list[int]] = []
        for i, who in enumerate(staff):
            c = classes.setdefault((who.desa, who.kecamatan, who.loc), len(classes))
            if c == len(self.members):
                self.members.append([])
            self.members[c].append(i)
        keys = list(classes)
        self.c_desa = np.array([desa_id.get(d, -1) for d, _, _ in keys], dtype=np.int64)
        self.c_kec = np.array([kec_id.get(k, -1) for _, k, _ in keys], dtype=np.int64)
        self.c_lat = np.array([p[0] if p else np.nan for _, _, p in keys])
        self.c_lon = np.array([p[1] if p else np.nan for _, _, p in keys])
        self.g_desa = np.array([desa_id[g[0]] for g in groups], dtype=np.int64)
        self.g_kec = np.array([kec_id[g[0][:KECAMATAN_WIDTH]] for g in groups], dtype=np.int64)
        self.g_lat = np.array([g[2][0] if g[2] else np.nan for g in groups])
        self.g_lon = np.array([g[2][1] if g[2] else np.nan for g in groups])
        self.n_class = len(keys)
        self.tie = np.arange(self.n_class) * _EPS

    def costs(self, rows: np.ndarray) -> np.ndarray:
        dist = haversine_km(self.g_lat[rows, None], self.g_lon[rows, None],
                            self.c_lat[None, :], self.c_lon[None, :])
        known = ~np.isnan(dist)
        tier = np.where(self.g_desa[rows, None] == self.c_desa[None, :], 0,
                        np.where(self.g_kec[rows, None] == self.c_kec[None, :], 1,
                                 np.where(known, 2, 3)))
        dist = np.where(known, dist, np.where(tier < 2, _UNKNOWN_KM, 0.0))
        return tier * _TIER + dist + self.tie[None, :]

    def candidates(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        n = len(self.g_desa)
        top = min(_TOP, self.n_class)
        block = max(1, _BLOCK // max(1, self.n_class))
        order, cost = [], []
        for start in range(0, n, block):
            rows = np.arange(start, min(n, start + block))
            c = self.costs(rows)
            best = np.argpartition(c, top - 1, axis=1)[:, :top] if top < self.n_class else \
                np.tile(np.arange(self.n_class), (len(rows), 1))
            best_cost = np.take_along_axis(c, best, axis=1)
            sort = np.argsort(best_cost, axis=1)
            order.extend(np.take_along_axis(best, sort, axis=1))
            cost.extend(np.take_along_axis(best_cost, sort, axis=1))
        return order, cost

    def full_row(self, g: int) -> tuple[np.ndarray, np.ndarray]:
        row = self.costs(np.array([g]))[0]
        order = np.argsort(row)
        return order, row[order]


def _assign_staff(staff: list[_Who], groups: list[tuple], geo: _Geo) -> list[int | None]:
    """For each group (desa, tps, location) the index of its staff member; balanced rounds."""
    owner: list[int | None] = [None] * len(groups)
    if not staff or not groups:
        return owner
    m = _Matcher(staff, groups, geo)
    order, cost = m.candidates()
    full = [False] * len(groups)
    spread: Counter = Counter()  # (opd, kecamatan id) → staff assigned there
    todo = list(range(len(groups)))
    while todo:  # one round: each staff member at most one more group
        pools = []
        for members in m.members:
            by_opd: dict[str, list[int]] = defaultdict(list)
            for i in reversed(members):  # pop() gives the smallest id
                by_opd[staff[i].person.opd].append(i)
            pools.append(by_opd)
        cap = np.array([len(members) for members in m.members])
        left = int(cap.sum())
        ptr = dict.fromkeys(todo, 0)
        heap = [(float(cost[g][0]), g) for g in todo]
        heapq.heapify(heap)
        while heap and left:
            _, g = heapq.heappop(heap)
            at, cands = ptr[g], order[g]
            while at < len(cands) and cap[cands[at]] == 0:
                at += 1
            if at == len(cands):
                if full[g]:
                    continue  # cannot happen while capacity is left
                order[g], cost[g] = m.full_row(g)
                full[g] = True
                ptr[g] = 0
                heapq.heappush(heap, (float(cost[g][0]), g))
                continue
            if at != ptr[g]:  # the best class was taken: queue again at its real cost
                ptr[g] = at
                heapq.heappush(heap, (float(cost[g][at]), g))
                continue
            c = cands[at]
            kec = m.g_kec[g]
            pool = pools[c]
            opd = min((o for o, ids in pool.items() if ids), key=lambda o: (spread[o, kec], o))
            i = pool[opd].pop()
            spread[opd, kec] += 1
            cap[c] -= 1
            left -= 1
            owner[g] = i
        todo = [g for g in todo if owner[g] is None]
    return owner


def _form_groups(geo: _Geo, staff: int, rules: Rules) -> tuple[list[tuple], list[Problem]]:
    desas = list(geo.desa)
    sizes = [len(geo.desa[d]) for d in desas]
    counts = _group_counts(sizes, staff, rules.tps_per_staff)
    groups = []
    for desa, k in zip(desas, counts):
        for tps in _split(geo.desa[desa], k):
            groups.append((desa, tuple(tps), _mean(geo.tps_loc[t] for t in tps)
                           or geo.desa_loc.get(desa)))
    findings = []
    base = sum(math.ceil(n / rules.tps_per_staff) for n in sizes)
    largest = max(len(g[1]) for g in groups)
    if staff and staff < len(desas):
        findings.append(Problem("groups_shared", {"staff": staff, "groups": len(groups),
                                                  "most": math.ceil(len(groups) / staff)}))
    elif staff and staff < base:
        findings.append(Problem("groups_enlarged", {
            "staff": staff, "tps": len(geo.tps), "groups": base, "size": rules.tps_per_staff,
            "largest": largest}))
    return groups, findings


# --- propose ---------------------------------------------------------------------------------

def propose(people: Iterable[Person], sites: Iterable[Site | str], rules: Rules | None = None,
            desa_centroids: Mapping[str, tuple[float, float]] | None = None) -> Proposal:
    """Heads to kecamatan, staff to TPS groups, and what to know about the result (see the
    module docstring); `findings` end with `check`'s conflicts of the proposal itself."""
    rules = rules or Rules()
    findings: list[Problem] = []
    geo = _Geo.build(sites, desa_centroids, findings)
    index = _people(people, geo, findings)
    everyone = list(index.values())
    if not geo.tps:
        findings.append(Problem("no_tps"))
        return Proposal({}, [], findings, [w.person.id for w in everyone])
    heads = [w for w in everyone if w.person.is_head]
    staff = [w for w in everyone if not w.person.is_head]
    head_map = _assign_heads(heads, geo)
    raw_groups, sizing = _form_groups(geo, len(staff), rules)
    findings.extend(sizing)
    owner = _assign_staff(staff, raw_groups, geo)
    groups = [Group(group_name(desa, (geo.number[t] for t in tps)), desa, tps,
                    None if i is None else staff[i].person.id)
              for (desa, tps, _), i in zip(raw_groups, owner)]
    assigned = {pid for ids in head_map.values() for pid in ids}
    assigned |= {g.person_id for g in groups if g.person_id is not None}
    reserve = [w.person.id for w in everyone if w.person.id not in assigned]
    idle = [w for w in staff if w.person.id not in assigned]
    if not staff:
        findings.append(Problem("no_staff", {"tps": len(geo.tps)}))
    elif idle:
        findings.append(Problem("staff_in_reserve", {
            "count": len(idle), "staff": len(staff), "groups": len(groups),
            "size": rules.tps_per_staff,
            "names": ", ".join(f"{w.label} ({w.person.id})" for w in idle[:5])}))
    proposal = Proposal(head_map, groups, findings, reserve)
    findings.extend(_check(proposal.assignments(), geo, index, rules))
    return proposal


# --- check -----------------------------------------------------------------------------------

def check(assignments: Iterable[Assignment], sites: Iterable[Site | str],
          people: Iterable[Person], rules: Rules | None = None,
          desa_centroids: Mapping[str, tuple[float, float]] | None = None) -> list[Problem]:
    """Conflicts of a final assignment (after manual overrides) against the full TPS list and
    the people: `person_twice` (a person with more than one assignment, or a TPS under more
    than one person), `tps_uncovered` (per desa), `kecamatan_without_head` (no OPD head
    coordinates it), `unknown_person`, `unknown_kecamatan`, `unknown_tps`, `overloaded` (more
    than `max_tps_per_person` TPS) and the hint `far_from_home` (more than `far_km`).
    Only "tps_group" assignments watch TPS; a kecamatan coordinator's `tps` are ignored. A TPS
    given to an unknown person counts as watched (the `unknown_person` finding says who)."""
    rules = rules or Rules()
    findings: list[Problem] = []
    geo = _Geo.build(sites, desa_centroids, findings)
    index = _people(people, geo, findings)
    return findings + _check(list(assignments), geo, index, rules)


def _check(assignments: list[Assignment], geo: _Geo, index: dict[str, _Who],
           rules: Rules) -> list[Problem]:
    out: list[Problem] = []
    tps_set = set(geo.number)
    mine: dict[str, list[Assignment]] = defaultdict(list)
    watchers: dict[str, list[str]] = defaultdict(list)
    watched: dict[str, dict[str, None]] = defaultdict(dict)  # person → TPS (ordered set)
    coordinators: dict[str, list[str]] = defaultdict(list)
    far: list[Problem] = []

    def who(pid):
        w = index.get(pid)
        return {"name": w.label if w else pid, "person": pid}

    def far_hint(pid, km, target):
        if km is not None and km > rules.far_km:
            far.append(Problem("far_from_home", {**who(pid), "km": round(km), "target": target,
                                                  "far_km": f"{rules.far_km:g}"}))

    for a in assignments:
        person = index.get(a.person_id)
        if person is None:
            out.append(Problem("unknown_person", {"target": _target(a), "person": a.person_id}))
        mine[a.person_id].append(a)
        home = person.loc if person else None
        if a.kind == KECAMATAN:
            kec = codes.normalize_region_code(a.target) or a.target
            if kec not in geo.kecamatan:
                out.append(Problem("unknown_kecamatan",
                                   {**who(a.person_id), "kecamatan": a.target}))
                continue
            coordinators[kec].append(a.person_id)
            far_hint(a.person_id, _km(home, geo.kec_loc[kec]), f"kecamatan {kec}")
            continue
        farthest = (None, "")
        for raw in a.tps:
            canonical = _canonical_tps(raw)
            code = canonical[0] if canonical else None
            if code not in tps_set:
                out.append(Problem("unknown_tps", {**who(a.person_id), "tps": raw}))
                continue
            if a.person_id not in watchers[code]:
                watchers[code].append(a.person_id)
            watched[a.person_id][code] = None
            km = _km(home, geo.tps_loc[code])
            if km is not None and (farthest[0] is None or km > farthest[0]):
                farthest = (km, f"TPS {code}")
        far_hint(a.person_id, farthest[0], farthest[1])

    for pid, duties in mine.items():
        if len(duties) > 1:
            w = who(pid)
            out.append(Problem("person_twice", {
                "subject": f"{w['name']} ({pid})", "count": len(duties),
                "targets": "; ".join(_target(a) for a in duties)}))
    shared: dict[tuple, list[int]] = defaultdict(list)  # (desa, people) → TPS numbers
    for code in geo.tps:
        if len(watchers.get(code, ())) > 1:
            shared[code.rpartition("-")[0], tuple(watchers[code])].append(geo.number[code])
    for (desa, pids), numbers in shared.items():
        out.append(Problem("person_twice", {
            "subject": group_name(desa, numbers), "count": len(pids),
            "targets": "; ".join(f"{who(p)['name']} ({p})" for p in pids)}))
    for kec in sorted(geo.kecamatan):
        if not any(p in index and index[p].person.is_head for p in coordinators.get(kec, ())):
            out.append(Problem("kecamatan_without_head",
                               {"kecamatan": kec, "tps": geo.tps_count(kec)}))
    for desa, tps in geo.desa.items():
        missing = [geo.number[t] for t in tps if t not in watchers]
        if missing:
            out.append(Problem("tps_uncovered", {"desa": desa, "count": len(missing),
                                                 "numbers": compact_numbers(missing)}))
    for pid, tps in watched.items():
        if len(tps) > rules.max_tps_per_person:
            out.append(Problem("overloaded", {
                **who(pid), "count": len(tps), "max": rules.max_tps_per_person,
                "targets": _tps_label(tps)}))
    return out + far


def _target(a: Assignment) -> str:
    if a.kind == KECAMATAN:
        return f"kecamatan {a.target}"
    return a.target or _tps_label(a.tps)


def _tps_label(tps: Iterable[str]) -> str:
    """TPS codes, compactly per desa: `62.13.01.2003 TPS 001-003; 62.13.01.2004 TPS 001`."""
    by_desa: dict[str, list[int]] = defaultdict(list)
    other = []
    for raw in tps:
        canonical = _canonical_tps(raw)
        if canonical is None:
            other.append(str(raw))
        else:
            by_desa[canonical[1]].append(canonical[2])
    return "; ".join([group_name(d, n) for d, n in sorted(by_desa.items())] + other)
