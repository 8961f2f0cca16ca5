"""The security plan: TPS grouped into guard posts by pattern, personnel needed per kecamatan
against the strength available, what-if re-planning and the difference of two plans.

Pure: numpy, no Django. The caller gives TPS as arrays (`Sites`), the pattern set, the strength
per agency and the options; it gets back a `Plan` of arrays plus per-kecamatan needs.

Grouping (docs/risk_and_security.md): TPS are split into buckets of one locality (kecamatan by
default; TPS codes are hierarchical, so this is a prefix of the code), one travel network (or
one connectivity component), one grade, and (for TPS without coordinates) one desa. Inside a
bucket, in TPS-code order, the first TPS not yet guarded founds a group (its post) and takes
the nearest unguarded TPS whose travel time to *every* member stays within the limit, until
the grade's pattern is full. So every TPS is in exactly one group, a group holds at most its
pattern's TPS, never mixes networks, never spans more than the limit, and the same input gives
the same plan whatever order the TPS came in.

Travel time: great-circle distance x detour / speed of the slower of the two TPS' access modes,
or a given matrix (inf or NaN = cannot be reached). TPS reached by river only ('sungai') group
only with TPS of the same network, unless an explicit connectivity label says otherwise.
"""

import math
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from siaga import problems
from siaga.geo import EARTH_KM
from siaga.problems import gettext_noop
from siaga.regions import codes as region_codes
from siaga.risk.scoring import GRADES
from siaga.security.patterns import Pattern, PatternSet

KECAMATAN_WIDTH = 8  # "62.13.01"
DESA_WIDTH = 13  # "62.13.01.2003"
# Buckets up to this size get their whole travel matrix at once (a 400 x 400 float64 matrix
# is 1.3 MB); larger ones (city kecamatan) compute distances from each post as they go.
DENSE_BUCKET = 400


@dataclass(frozen=True)
class TravelProfile:
    """How fast a TPS reached by this mode is reached: km/h over the road, river or sea, and
    the detour factor from a straight line to the way actually travelled."""

    speed_kmh: float
    detour: float
    network: str | None  # TPS group only within one network; None = never with another TPS

    @property
    def minutes_per_km(self) -> float:
        return 60.0 * self.detour / self.speed_kmh


# Defaults are assumptions (docs/risk_and_security.md): a pick-up truck on village roads, a
# walking officer, a longboat/kelotok on a river, a boat at sea; a TPS reached only by air is
# guarded by its own group.
DEFAULT_PROFILES: dict[str, TravelProfile] = {
    "darat": TravelProfile(30.0, 1.4, "darat"),
    "jalan_kaki": TravelProfile(4.0, 1.3, "darat"),
    "sungai": TravelProfile(12.0, 1.6, "sungai"),
    "laut": TravelProfile(20.0, 1.2, "laut"),
    "udara": TravelProfile(150.0, 1.0, None),
}


@dataclass(frozen=True)
class Options:
    max_minutes: float = 30.0  # between any two TPS of a group
    profiles: Mapping[str, TravelProfile] = field(default_factory=lambda: dict(DEFAULT_PROFILES))
    locality: str = "kecamatan"  # group within a kecamatan, or "desa" to keep groups in a desa


@dataclass(frozen=True)
class Sites:
    """The TPS to guard, as parallel arrays (one entry per TPS)."""

    codes: Sequence[str]  # 62.13.01.2003-003
    grades: np.ndarray  # 0 kurang rawan, 1 rawan, 2 sangat rawan
    latitude: np.ndarray | None = None  # NaN = unknown
    longitude: np.ndarray | None = None
    access: Sequence[str] | None = None  # tps_table access modes; None = all 'darat'
    connectivity: np.ndarray | None = None  # component label: only equal labels share a group
    travel_minutes: np.ndarray | None = None  # (n, n) matrix replacing coordinates

    def __len__(self) -> int:
        return len(self.codes)

    def with_grades(self, changes: Mapping[str, int]) -> "Sites":
        """A copy with some TPS regraded (by code)."""
        grades = np.array(self.grades, dtype=np.int8, copy=True)
        position = {code: i for i, code in enumerate(self.codes)} if changes else {}
        for code, grade in changes.items():
            grades[position[code]] = grade
        return replace(self, grades=grades)


@dataclass(frozen=True)
class Strength:
    """Personnel available for TPS duty. Police and TNI are pools keyed by region code
    (Polres/Kodim = kab/kota, Polsek/Koramil = kecamatan, a province for BKO from the Polda);
    a pool serves the kecamatan under it. Linmas are keyed by desa and stand in their desa."""

    police: Mapping[str, int] = field(default_factory=dict)
    tni: Mapping[str, int] = field(default_factory=dict)
    linmas: Mapping[str, int] = field(default_factory=dict)
    bko_police: Mapping[str, int] = field(default_factory=dict)
    bko_tni: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AreaNeed:
    """Required against available personnel in one kecamatan."""

    code: str
    tps: int
    tps_by_grade: tuple[int, int, int]
    groups: int
    police_required: int
    police_available: int  # allocated from the pools above this kecamatan
    tni_required: int
    tni_available: int
    linmas_required: int
    linmas_available: int
    linmas_shortfall: int  # summed per desa: a surplus in one desa does not cover another

    @property
    def police_shortfall(self) -> int:
        return max(0, self.police_required - self.police_available)

    @property
    def tni_shortfall(self) -> int:
        return max(0, self.tni_required - self.tni_available)

    @property
    def short(self) -> bool:
        return bool(self.police_shortfall or self.tni_shortfall or self.linmas_shortfall)


@dataclass(frozen=True)
class Group:
    name: str  # "62.13.01/P003": kecamatan and number of the post in it
    post: str  # code of the TPS the group is founded on
    grade: int  # the grade whose pattern applies
    pattern: Pattern
    tps: tuple[str, ...]
    police: int
    linmas: int
    max_minutes: float


@dataclass
class Plan:
    codes: list[str]
    grades: np.ndarray  # int8 per TPS
    group_of: np.ndarray  # group index per TPS
    members: np.ndarray  # TPS indices, group by group (CSR with `group_start`)
    group_start: np.ndarray  # (groups + 1,)
    group_grade: np.ndarray  # int8 per group: the pattern applied
    group_minutes: np.ndarray  # float per group: longest travel between two members
    group_area: np.ndarray  # index into `areas` per group
    areas: list[str]  # kecamatan codes
    needs: list[AreaNeed]
    surplus: dict[str, dict[str, int]]  # "police"/"tni" -> pool code -> unused personnel
    patterns: PatternSet
    strength: Strength
    options: Options
    sites: Sites

    @property
    def group_count(self) -> int:
        return len(self.group_grade)

    def group_police(self) -> np.ndarray:
        return np.array([p.police for p in self.patterns.patterns])[self.group_grade]

    def group_sizes(self) -> np.ndarray:
        return np.diff(self.group_start)

    def post_codes(self) -> list[str]:
        """Per TPS, the code of the TPS its group's post stands at."""
        posts = self.members[self.group_start[:-1]]
        return [self.codes[p] for p in posts[self.group_of]]

    def group(self, g: int) -> Group:
        members = self.members[self.group_start[g]:self.group_start[g + 1]]
        pattern = self.patterns.for_grade(int(self.group_grade[g]))
        area = int(self.group_area[g])
        number = g - int(np.searchsorted(self.group_area, area)) + 1
        return Group(
            name=f"{self.areas[area]}/P{number:03d}", post=self.codes[members[0]],
            grade=int(self.group_grade[g]), pattern=pattern,
            tps=tuple(self.codes[m] for m in members), police=pattern.police,
            linmas=pattern.linmas_for(len(members)), max_minutes=float(self.group_minutes[g]),
        )

    def groups(self) -> list[Group]:
        return [self.group(g) for g in range(self.group_count)]

    def totals(self) -> dict[str, int]:
        keys = ("police_required", "police_available", "police_shortfall", "tni_required",
                "tni_available", "tni_shortfall", "linmas_required", "linmas_available",
                "linmas_shortfall")
        return {k: sum(getattr(n, k) for n in self.needs) for k in keys}


# --- preparing the arrays --------------------------------------------------------------------

def _factorize(keys: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Sorted distinct keys and each key's index among them (a dict beats np.unique on str)."""
    first: dict[str, int] = {}
    raw = np.fromiter((first.setdefault(k, len(first)) for k in keys), dtype=np.int64,
                      count=len(keys))
    distinct = list(first)
    order = sorted(range(len(distinct)), key=distinct.__getitem__)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[order] = np.arange(len(distinct))
    return [distinct[i] for i in order], rank[raw] if len(keys) else raw


@dataclass
class _Prepared:
    n: int
    codes: list[str]
    grades: np.ndarray
    lat: np.ndarray  # radians
    lon: np.ndarray
    cos_lat: np.ndarray
    minutes_per_km: np.ndarray
    matrix: np.ndarray | None
    located: np.ndarray
    label: np.ndarray
    locality: np.ndarray
    areas: list[str]
    area: np.ndarray  # kecamatan index per TPS
    desa_codes: list[str]
    desa: np.ndarray
    order: np.ndarray  # TPS sorted into buckets
    bucket_start: np.ndarray  # boundaries into `order`, (buckets + 1,)


def _prepare(sites: Sites, options: Options) -> _Prepared:
    codes = list(sites.codes)
    n = len(codes)
    grades = np.asarray(sites.grades, dtype=np.int8)
    if grades.shape != (n,) or (n and (grades.min() < 0 or grades.max() > 2)):
        raise ValueError("one grade (0, 1 or 2) per TPS")
    profiles = options.profiles
    access = sites.access if sites.access is not None else ["darat"] * n
    modes, mode = _factorize(access)
    unknown = [m for m in modes if m not in profiles]
    if unknown:
        raise ValueError(f"no travel profile for access {unknown}")
    networks = sorted({p.network for p in profiles.values() if p.network is not None})
    net_of_mode = np.array([networks.index(profiles[m].network) if profiles[m].network is not None
                            else -1 for m in modes] or [0], dtype=np.int64)
    if sites.connectivity is not None:
        label = np.asarray(sites.connectivity).astype(np.int64)
    else:
        label = net_of_mode[mode] if n else np.zeros(0, dtype=np.int64)
        alone = label < 0
        # A mode without a network (air): a label of its own for every such TPS.
        label = np.where(alone, len(networks) + np.arange(n), label)
    minutes_per_km = np.array([profiles[m].minutes_per_km for m in modes] or [0.0])[mode]

    matrix = None
    if sites.travel_minutes is not None:
        matrix = np.asarray(sites.travel_minutes, dtype=np.float64)
        if matrix.shape != (n, n):
            raise ValueError(f"travel matrix must be ({n}, {n})")
        located = np.ones(n, dtype=bool)
        lat = lon = cos_lat = np.zeros(n)
    else:
        unknown_place = np.full(n, np.nan)
        lat = np.radians(np.asarray(sites.latitude if sites.latitude is not None
                                    else unknown_place, dtype=np.float64))
        lon = np.radians(np.asarray(sites.longitude if sites.longitude is not None
                                    else unknown_place, dtype=np.float64))
        located = np.isfinite(lat) & np.isfinite(lon)
        cos_lat = np.cos(lat)

    areas, area = _factorize([c[:KECAMATAN_WIDTH] for c in codes])
    desa_codes, desa = _factorize([c[:DESA_WIDTH] for c in codes])
    locality = desa if options.locality == "desa" else area
    if options.locality not in ("desa", "kecamatan"):
        raise ValueError("locality is 'kecamatan' or 'desa'")
    _, code_rank = _factorize(codes)
    # TPS without a place are grouped only with TPS of their own desa (a desa is small).
    unlocated_desa = np.where(located, -1, desa)
    order = np.lexsort((code_rank, unlocated_desa, grades, label, locality))
    keys = np.stack([locality, label, grades.astype(np.int64), unlocated_desa])[:, order]
    change = np.flatnonzero((keys[:, 1:] != keys[:, :-1]).any(axis=0)) + 1
    bucket_start = (np.concatenate([[0], change, [n]]).astype(np.int64) if n
                    else np.zeros(1, np.int64))
    return _Prepared(n, codes, grades, lat, lon, cos_lat, minutes_per_km, matrix, located, label,
                     locality, areas, area, desa_codes, desa, order, bucket_start)


def _minutes(prep: _Prepared, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Travel minutes between TPS a[i] and b[j] (a as a column, b as a row: a matrix)."""
    if prep.matrix is not None:
        found = prep.matrix[np.ix_(a, b)]
        return np.where(np.isnan(found), np.inf, found)
    la, lb = prep.lat[a][:, None], prep.lat[b][None, :]
    h = (np.sin((lb - la) / 2) ** 2
         + prep.cos_lat[a][:, None] * prep.cos_lat[b][None, :]
         * np.sin((prep.lon[b][None, :] - prep.lon[a][:, None]) / 2) ** 2)
    km = 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
    minutes = km * np.maximum(prep.minutes_per_km[a][:, None], prep.minutes_per_km[b][None, :])
    # Only TPS of one desa without coordinates share a bucket: we take them as next door.
    return np.where(np.isnan(minutes), 0.0, minutes)


def _group_bucket(prep: _Prepared, tps: np.ndarray, capacity: int, limit: float,
                  out_members: list, out_minutes: list) -> None:
    m = len(tps)
    if capacity == 1 or m == 1:
        out_members.extend(tps[i:i + 1] for i in range(m))
        out_minutes.extend([0.0] * m)
        return
    dense = _minutes(prep, tps, tps) if m <= DENSE_BUCKET else None
    free = np.ones(m, dtype=bool)
    # Enough candidates to fill the group even when some are too far from a member.
    keep = max(4 * capacity, 32)
    seed = 0
    while True:
        while seed < m and not free[seed]:
            seed += 1
        if seed == m:
            return
        rest = np.flatnonzero(free)
        d = (dense[seed, rest] if dense is not None
             else _minutes(prep, tps[seed:seed + 1], tps[rest])[0])
        near = d <= limit
        candidates = rest[near][np.argsort(d[near], kind="stable")][:keep]
        # The founder first even when another TPS stands at the same spot.
        candidates = np.concatenate([[seed], candidates[candidates != seed]])
        sub = (dense[np.ix_(candidates, candidates)] if dense is not None
               else _minutes(prep, tps[candidates], tps[candidates]))
        ok = sub <= limit
        chosen = [0]
        allowed = ok[0].copy()
        allowed[0] = False
        while len(chosen) < capacity:
            nxt = int(np.argmax(allowed))
            if not allowed[nxt]:
                break
            chosen.append(nxt)
            allowed &= ok[nxt]
            allowed[nxt] = False
        picked = candidates[chosen]
        free[picked] = False
        out_members.append(tps[picked])
        out_minutes.append(float(sub[np.ix_(chosen, chosen)].max()) if len(chosen) > 1 else 0.0)


def _group(prep: _Prepared, patterns: PatternSet, options: Options,
           localities: Collection[int] | None = None):
    """Groups of the buckets (of the given localities only, if given), in bucket order."""
    members, minutes, grades = [], [], []
    starts = prep.bucket_start
    for b in range(len(starts) - 1):
        tps = prep.order[starts[b]:starts[b + 1]]
        if localities is not None and int(prep.locality[tps[0]]) not in localities:
            continue
        grade = int(prep.grades[tps[0]])
        before = len(members)
        _group_bucket(prep, tps, patterns.for_grade(grade).tps, options.max_minutes,
                      members, minutes)
        grades.extend([grade] * (len(members) - before))
    return members, minutes, grades


# --- needs against strength ------------------------------------------------------------------

def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, dtype=np.int64)
    whole = int(weights.sum())
    if whole == 0:
        return np.zeros_like(weights)
    share = weights * total
    base = share // whole
    rest = total - int(base.sum())
    if rest:
        remainder = share - base * whole
        base[np.argsort(-remainder, kind="stable")[:rest]] += 1
    return base


def _allocate(areas: list[str], need: np.ndarray, pools: Mapping[str, int]):
    """Pools, most specific first, serve the remaining need of the kecamatan under them in
    proportion to it; what a pool cannot use is its surplus."""
    under: dict[str, list[int]] = defaultdict(list)
    for i, code in enumerate(areas):
        for prefix in [*region_codes.ancestor_codes(code), code]:
            under[prefix].append(i)
    remaining = need.astype(np.int64).copy()
    given = np.zeros_like(remaining)
    surplus = {}
    for code in sorted(pools, key=lambda c: (-len(c), c)):
        pool = int(pools[code])
        idx = np.array(under.get(code, []), dtype=np.int64)
        wanted = remaining[idx]
        share = wanted if pool >= wanted.sum() else _largest_remainder(pool, wanted)
        given[idx] += share
        remaining[idx] -= share
        if pool > share.sum():
            surplus[code] = pool - int(share.sum())
    return given, surplus


def _merged(*pools: Mapping[str, int]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for pool in pools:
        for code, count in pool.items():
            total[code] += int(count)
    return dict(total)


def _needs(prep: _Prepared, group_grade: np.ndarray, group_area: np.ndarray, group_of: np.ndarray,
           patterns: PatternSet, strength: Strength):
    n_areas = len(prep.areas)
    pats = patterns.patterns
    police_by_grade = np.zeros((n_areas, 3), dtype=np.int64)
    np.add.at(police_by_grade, (group_area, group_grade.astype(np.int64)),
              np.array([p.police for p in pats], dtype=np.int64)[group_grade])
    police_required = police_by_grade.sum(axis=1)
    # TNI support: exact fractions of the police of each pattern, rounded up per kecamatan.
    den = math.lcm(*(p.tni_per_police.denominator for p in pats))
    tni_num = np.array([p.tni_per_police.numerator * (den // p.tni_per_police.denominator)
                        for p in pats], dtype=np.int64)
    tni_required = -(-(police_by_grade @ tni_num) // den)
    # Linmas: each TPS needs its group pattern's Linmas per TPS, summed and rounded up per desa.
    lden = math.lcm(*(p.tps for p in pats))
    lnum = np.array([p.linmas * (lden // p.tps) for p in pats], dtype=np.int64)
    per_tps = lnum[group_grade[group_of]] if prep.n else np.zeros(0, np.int64)
    desa_need = -(-np.bincount(prep.desa, weights=per_tps, minlength=len(prep.desa_codes))
                  .astype(np.int64) // lden)
    desa_have = np.array([int(strength.linmas.get(c, 0)) for c in prep.desa_codes], dtype=np.int64)
    desa_area = np.zeros(len(prep.desa_codes), dtype=np.int64)
    desa_area[prep.desa] = prep.area
    linmas_required = np.bincount(desa_area, weights=desa_need, minlength=n_areas).astype(np.int64)
    linmas_available = np.bincount(desa_area, weights=desa_have, minlength=n_areas).astype(np.int64)
    linmas_short = np.bincount(desa_area, weights=np.maximum(0, desa_need - desa_have),
                               minlength=n_areas).astype(np.int64)

    police_given, police_surplus = _allocate(prep.areas, police_required,
                                             _merged(strength.police, strength.bko_police))
    tni_given, tni_surplus = _allocate(prep.areas, tni_required,
                                       _merged(strength.tni, strength.bko_tni))
    tps_by_grade = np.zeros((n_areas, 3), dtype=np.int64)
    np.add.at(tps_by_grade, (prep.area, prep.grades.astype(np.int64)), 1)
    groups = np.bincount(group_area, minlength=n_areas)
    needs = [
        AreaNeed(
            code=code, tps=int(tps_by_grade[a].sum()),
            tps_by_grade=tuple(int(x) for x in tps_by_grade[a]), groups=int(groups[a]),
            police_required=int(police_required[a]), police_available=int(police_given[a]),
            tni_required=int(tni_required[a]), tni_available=int(tni_given[a]),
            linmas_required=int(linmas_required[a]), linmas_available=int(linmas_available[a]),
            linmas_shortfall=int(linmas_short[a]),
        )
        for a, code in enumerate(prep.areas)
    ]
    return needs, {"police": police_surplus, "tni": tni_surplus}


# --- planning --------------------------------------------------------------------------------

def _assemble(prep: _Prepared, members: list, minutes: list, grades: list,
              patterns: PatternSet, strength: Strength, options: Options, sites: Sites) -> Plan:
    sizes = np.array([len(g) for g in members], dtype=np.int64)
    group_start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    flat = np.concatenate(members).astype(np.int64) if members else np.zeros(0, np.int64)
    group_of = np.full(prep.n, -1, dtype=np.int64)
    group_of[flat] = np.repeat(np.arange(len(members)), sizes)
    group_grade = np.array(grades, dtype=np.int8)
    group_area = prep.area[flat[group_start[:-1]]] if members else np.zeros(0, np.int64)
    needs, surplus = _needs(prep, group_grade, group_area, group_of, patterns, strength)
    return Plan(prep.codes, prep.grades, group_of, flat, group_start, group_grade,
                np.array(minutes, dtype=np.float64), group_area, prep.areas, needs, surplus,
                patterns, strength, options, sites)


def plan_security(sites: Sites, patterns: PatternSet, strength: Strength = Strength(),
                  options: Options = Options()) -> Plan:
    """Group every TPS into guard posts by its grade's pattern and count the personnel each
    kecamatan needs against the strength available. Deterministic; see the module docstring."""
    prep = _prepare(sites, options)
    members, minutes, grades = _group(prep, patterns, options)
    return _assemble(prep, members, minutes, grades, patterns, strength, options, sites)


def what_if(base: Plan, *, grades: Mapping[str, int] | None = None,
            patterns: PatternSet | None = None, strength: Strength | None = None,
            options: Options | None = None) -> Plan:
    """The plan after regrading some TPS (by code), or with another pattern set, strength or
    options. Only the localities whose TPS changed grade are grouped again (a strength change
    regroups nothing), and the result equals planning from scratch."""
    sites = base.sites.with_grades(grades) if grades else base.sites
    new_patterns = patterns or base.patterns
    new_strength = strength or base.strength
    new_options = options or base.options
    prep = _prepare(sites, new_options)
    if new_patterns != base.patterns or new_options != base.options:
        members, minutes, group_grades = _group(prep, new_patterns, new_options)
        return _assemble(prep, members, minutes, group_grades, new_patterns, new_strength,
                         new_options, sites)
    changed = {int(prep.locality[i]) for i in np.flatnonzero(prep.grades != base.grades)}
    fresh_members, fresh_minutes, fresh_grades = _group(prep, new_patterns, new_options, changed)
    # Groups of untouched localities are kept; every group keeps its place in bucket order,
    # which is locality-major, so a stable sort by locality restores the full plan's order.
    keep = [g for g in range(base.group_count)
            if int(prep.locality[base.members[base.group_start[g]]]) not in changed]
    members = [base.members[base.group_start[g]:base.group_start[g + 1]] for g in keep]
    members += fresh_members
    minutes = [float(base.group_minutes[g]) for g in keep] + fresh_minutes
    group_grades = [int(base.group_grade[g]) for g in keep] + fresh_grades
    where = np.array([int(prep.locality[m[0]]) for m in members], dtype=np.int64)
    order = np.argsort(where, kind="stable")
    return _assemble(prep, [members[i] for i in order], [minutes[i] for i in order],
                     [group_grades[i] for i in order], new_patterns, new_strength, new_options,
                     sites)


def components_from_pairs(codes: Sequence[str], pairs: Collection[tuple[str, str]]) -> np.ndarray:
    """Connectivity labels from pairs of TPS that can reach each other (e.g. the same river
    bank, a bridge): TPS joined by a chain of pairs get one label (union-find)."""
    index = {code: i for i, code in enumerate(codes)}
    parent = list(range(len(codes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        ra, rb = root(index[a]), root(index[b])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([root(i) for i in range(len(codes))], dtype=np.int64)


# --- checking and comparing ------------------------------------------------------------------

MESSAGES = {
    "not_covered": gettext_noop("TPS %(tps)s is in no group."),
    "covered_twice": gettext_noop("TPS %(tps)s is in %(times)s groups."),
    "over_pattern": gettext_noop(
        "Group %(group)s holds %(size)s TPS; its pattern %(pattern)s allows %(allowed)s."
    ),
    "weaker_pattern": gettext_noop(
        "Group %(group)s is guarded as %(grade)s but holds a %(strictest)s TPS."
    ),
    "mixed_access": gettext_noop(
        "Group %(group)s joins TPS that cannot reach each other (%(tps)s)."
    ),
    "too_far": gettext_noop(
        "Group %(group)s spans %(minutes)s minutes of travel; the limit is %(limit)s."
    ),
}


class Problem(problems.Problem):
    messages = MESSAGES


def check_plan(plan: Plan) -> list[Problem]:
    """Everything in a plan that breaks the rules, checked from the plan's own inputs and not
    from the planner's bookkeeping: coverage, pattern size and grade, access, travel limit."""
    found: list[Problem] = []
    n = len(plan.codes)
    times = np.bincount(plan.members, minlength=n)
    for i in np.flatnonzero(times != 1):
        found.append(Problem("not_covered" if times[i] == 0 else "covered_twice",
                             {"tps": plan.codes[i], "times": int(times[i])}))
    prep = _prepare(plan.sites, plan.options)
    grades = prep.grades
    sizes = plan.group_sizes()
    if plan.group_count == 0:
        return found
    strictest = np.maximum.reduceat(grades[plan.members], plan.group_start[:-1])
    label_lo = np.minimum.reduceat(prep.label[plan.members], plan.group_start[:-1])
    label_hi = np.maximum.reduceat(prep.label[plan.members], plan.group_start[:-1])
    allowed = np.array([p.tps for p in plan.patterns.patterns])[plan.group_grade]
    for g in np.flatnonzero((sizes > allowed) | (strictest > plan.group_grade)
                            | (label_lo != label_hi)):
        group = plan.group(int(g))
        if sizes[g] > allowed[g]:
            found.append(Problem("over_pattern", {"group": group.name, "size": int(sizes[g]),
                                                  "pattern": group.pattern.label(),
                                                  "allowed": int(allowed[g])}))
        if strictest[g] > plan.group_grade[g]:
            found.append(Problem("weaker_pattern", {"group": group.name,
                                                    "grade": GRADES[plan.group_grade[g]],
                                                    "strictest": GRADES[strictest[g]]}))
        if label_lo[g] != label_hi[g]:
            found.append(Problem("mixed_access", {"group": group.name,
                                                  "tps": ", ".join(group.tps)}))
    limit = plan.options.max_minutes
    for g in np.flatnonzero(sizes > 1):
        members = plan.members[plan.group_start[g]:plan.group_start[g + 1]]
        located = prep.located[members]
        if located.all():
            span = float(_minutes(prep, members, members).max())
        elif (~located).all() and len(set(prep.desa[members].tolist())) == 1:
            span = 0.0
        else:
            span = math.inf
        if span > limit + 1e-9:
            found.append(Problem("too_far", {"group": plan.group(int(g)).name,
                                             "minutes": round(span, 1), "limit": limit}))
    return found


@dataclass(frozen=True)
class PlanDiff:
    moved: list[tuple[str, str | None, str | None]]  # TPS, post before, post after
    regraded: list[tuple[str, int | None, int | None]]  # TPS, grade before, grade after
    areas: list[tuple[AreaNeed | None, AreaNeed | None]]  # kecamatan whose numbers changed
    groups_before: int
    groups_after: int

    def shortfall_changes(self) -> list[dict]:
        """Per changed kecamatan, shortfall before and after for police, TNI and Linmas."""
        rows = []
        for before, after in self.areas:
            row = {"code": (before or after).code}
            for kind in ("police", "tni", "linmas"):
                row[kind] = (getattr(before, f"{kind}_shortfall", 0) if before else 0,
                             getattr(after, f"{kind}_shortfall", 0) if after else 0)
            rows.append(row)
        return rows


def diff_plans(before: Plan, after: Plan) -> PlanDiff:
    """Which TPS changed post or grade, and which kecamatan's needs or shortfalls changed."""
    post_a = dict(zip(before.codes, before.post_codes()))
    post_b = dict(zip(after.codes, after.post_codes()))
    grade_a = dict(zip(before.codes, before.grades.tolist()))
    grade_b = dict(zip(after.codes, after.grades.tolist()))
    everyone = sorted(set(post_a) | set(post_b))
    moved = [(c, post_a.get(c), post_b.get(c)) for c in everyone if post_a.get(c) != post_b.get(c)]
    regraded = [(c, grade_a.get(c), grade_b.get(c)) for c in everyone
                if grade_a.get(c) != grade_b.get(c)]
    need_a = {n.code: n for n in before.needs}
    need_b = {n.code: n for n in after.needs}
    areas = [(need_a.get(c), need_b.get(c)) for c in sorted(set(need_a) | set(need_b))
             if need_a.get(c) != need_b.get(c)]
    return PlanDiff(moved, regraded, areas, before.group_count, after.group_count)
