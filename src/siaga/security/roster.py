"""Named rosters for guard posts (pure: no Django).

Police and TNI are assigned to posts from the pool of their unit's region (a Polsek or Koramil
covers a kecamatan, a Polres or Kodim the whole regency), nearest unit first; Linmas stand in
their own desa. Whoever cannot be placed, and every slot left open, is reported.
"""

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    key: str  # stable id (database id)
    name: str
    kind: str  # "polri", "tni", "linmas"
    region: str  # unit's region code (62.13, 62.13.01) or, for Linmas, the desa code


@dataclass(frozen=True)
class Post:
    name: str  # "62.13.01/P003"
    tps: tuple[str, ...]
    police: int
    tni: int
    linmas: int


@dataclass
class Roster:
    assigned: dict[str, list[Person]] = field(default_factory=dict)  # post name -> people
    open_slots: dict[str, dict[str, int]] = field(default_factory=dict)  # post -> kind -> count
    unused: list[Person] = field(default_factory=list)


def _desa(tps_code: str) -> str:
    return tps_code.split("-")[0]


def assign_roster(posts: list[Post], people: list[Person]) -> Roster:
    """Fill every post's police, TNI and Linmas slots; deterministic (posts and people in
    their given order), so re-running after a change moves as few people as possible."""
    pools: dict[tuple[str, str], list[Person]] = defaultdict(list)
    for person in people:
        pools[(person.kind, person.region)].append(person)
    roster = Roster()
    for post in posts:
        chosen: list[Person] = []
        kecamatan = post.tps[0][:8]
        for kind, needed in (("polri", post.police), ("tni", post.tni)):
            # The nearest unit first: kecamatan (Polsek/Koramil), then regency, then province.
            for region in (kecamatan, kecamatan[:5], kecamatan[:2]):
                pool = pools[(kind, region)]
                while needed and pool:
                    chosen.append(pool.pop(0))
                    needed -= 1
            if needed:
                roster.open_slots.setdefault(post.name, {})[kind] = needed
        # Linmas: per TPS of the post, from that TPS's own desa.
        per_tps = post.linmas // max(len(post.tps), 1)
        extra = post.linmas - per_tps * len(post.tps)
        missing = 0
        for i, code in enumerate(post.tps):
            needed = per_tps + (1 if i < extra else 0)
            pool = pools[("linmas", _desa(code))]
            while needed and pool:
                chosen.append(pool.pop(0))
                needed -= 1
            missing += needed
        if missing:
            roster.open_slots.setdefault(post.name, {})["linmas"] = missing
        roster.assigned[post.name] = chosen
    roster.unused = [p for pool in pools.values() for p in pool]
    return roster
