"""The registry as the logistics cores see it: needs inputs, the distribution network, timings.

Django side of needs.py and routing.py: reads TPS, dapils, fleet and warehouse from the
database and builds the pure cores' dataclasses. Nothing here decides anything.
"""

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, replace

from siaga.logistics import needs, routing
from siaga.logistics.models import TravelTime, Vehicle, Warehouse
from siaga.regions.models import TPS, Contest, Dapil, Election, Level, Region

# Election.items_per_tps may name items in Indonesian (as the demo and KPU's tables do).
ITEM_ALIASES = {"kotak_suara": "ballot_box", "bilik_suara": "booth", "tinta": "ink",
                "segel": "seal", "gembok": "padlock", "sampul": "envelope"}

# Per-level timings (minutes). Assumptions: loading a truck at the regency warehouse takes
# an hour, a PPK or PPS pickup half that; checking a delivery against its packing list
# takes an hour at a PPK (tens of TPS), half an hour at a PPS, 20 minutes at a TPS.
LOADING_MINUTES = {"gudang": 60, Level.KECAMATAN: 30, Level.DESA: 20}
SERVICE_MINUTES = {Level.KECAMATAN: 60, Level.DESA: 30, "tps": 20}


def rules_for(election: Election) -> needs.Rules:
    """The needs rules of an election: its contests (in ballot order) and its item counts."""
    defaults = {c.code: c for c in needs.PEMILU_CONTESTS}
    contests = [defaults.get(c.kind) or needs.Contest(c.kind, c.get_kind_display())
                for c in Contest.objects.filter(election=election).order_by("order")]
    items = {ITEM_ALIASES.get(k, k): v for k, v in (election.items_per_tps or {}).items()}
    return needs.pemilu_rules(
        contests=contests or needs.PEMILU_CONTESTS, items_per_tps=items,
        reserve_pct=election.ballot_reserve_pct,
        psu_ballots_per_dapil=election.psu_ballots_per_dapil)


def dapil_finder(election: Election):
    """A function TPS code → {contest: dapil code}: the dapil whose region is the nearest
    ancestor of the TPS's village."""
    by_contest: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for kind, code, region in (Dapil.objects.filter(contest__election=election)
                               .values_list("contest__kind", "code", "regions__code")):
        if region:
            by_contest[kind].append((region, code))
    for pairs in by_contest.values():
        pairs.sort(key=lambda p: -len(p[0]))  # nearest (longest) prefix first

    def find(tps_code: str) -> dict[str, str]:
        found = {}
        for kind, pairs in by_contest.items():
            for prefix, code in pairs:
                if tps_code.startswith((prefix + ".", prefix + "-")):
                    found[kind] = code
                    break
        return found

    return find


def needs_tps(election: Election, region_code: str) -> list[needs.TPS]:
    find = dapil_finder(election)
    return [needs.TPS(code, men + women, find(code)) for code, men, women in
            TPS.objects.filter(election=election, code__startswith=region_code)
            .order_by("code").values_list("code", "dpt_men", "dpt_women")]


def needs_for(election: Election, region_code: str) -> tuple[needs.Needs, needs.Rules]:
    rules = rules_for(election)
    return needs.compute_needs(needs_tps(election, region_code), rules), rules


def dapil_check(election: Election, region_code: str) -> tuple[needs.Needs, needs.Rules,
                                                                 list[needs.Problem]]:
    """The needs and the check that every ballot bundle a correct packing produces carries
    its TPS's dapil (the TPS read once for both)."""
    rules = rules_for(election)
    tps_list = needs_tps(election, region_code)
    nd = needs.compute_needs(tps_list, rules)
    return nd, rules, needs.check_bundles(needs.bundles_from(nd), tps_list, rules)


# --- the network ------------------------------------------------------------------------

@dataclass(frozen=True)
class Timing:
    """When goods leave the regency warehouse and when each level must have them, as local
    datetimes; `minutes` turns them into the routing core's minutes from `epoch`."""

    release: datetime.datetime
    ppk_deadline: datetime.datetime
    pps_deadline: datetime.datetime
    tps_deadline: datetime.datetime

    @property
    def epoch(self) -> datetime.datetime:
        return self.release.replace(hour=0, minute=0, second=0, microsecond=0)

    def minutes(self, moment: datetime.datetime) -> int:
        return int((moment - self.epoch).total_seconds() // 60)

    def at(self, minutes: int) -> datetime.datetime:
        return self.epoch + datetime.timedelta(minutes=minutes)


def default_timing(election: Election, tz: str) -> Timing:
    """H-5 08.00 release; PPK by H-4 18.00, PPS by H-2 18.00, TPS by H-1 18.00 (assumptions
    inside KPU's rule that every TPS has everything by H-1; replace them per regency)."""
    zone = zoneinfo.ZoneInfo(tz)
    day = election.polling_date

    def at(days_before: int, hour: int) -> datetime.datetime:
        return datetime.datetime.combine(day - datetime.timedelta(days=days_before),
                                         datetime.time(hour), tzinfo=zone)

    return Timing(at(5, 8), at(4, 18), at(2, 18), at(1, 18))


def warehouse_of(election: Election, regency: Region) -> Warehouse | None:
    return Warehouse.objects.filter(election=election, region=regency).first()


def _modes_for(access_values: set[str]) -> frozenset[str] | None:
    """Modes that can reach a site whose TPS have these access kinds: a site is reached by
    boat only when every TPS under it is; otherwise by road (None: any vehicle)."""
    if access_values and access_values <= {"sungai", "laut"}:
        return frozenset({"boat"})
    if access_values == {"jalan_kaki"}:
        return frozenset({"foot"})
    return None


def build_network(election: Election, regency: Region, timing: Timing,
                  nd: needs.Needs | None = None, rules: needs.Rules | None = None,
                  ) -> routing.Network:
    """Warehouse → PPK (kecamatan) → PPS (desa) → TPS, one leg per depot with the fleet
    registered at that depot. Loads are the sealed TPS packages added up."""
    if nd is None:
        nd, rules = needs_for(election, regency.code)
    warehouse = warehouse_of(election, regency)
    if warehouse is None:
        raise ValueError(f"no warehouse registered for {regency.code}")
    loads = {pl.code: pl.load for level in needs.LEVELS
             for pl in needs.packing_lists(nd, rules, level)}
    tps_rows = {code: (lat, lon, access) for code, lat, lon, access in
                TPS.objects.filter(election=election, code__startswith=regency.code)
                .values_list("code", "latitude", "longitude", "access")}
    access_under: dict[str, set[str]] = defaultdict(set)
    for code, (_, _, access) in tps_rows.items():
        access_under[code[:8]].add(access)
        access_under[code.split("-")[0]].add(access)
    regions = {r.code: r for r in Region.objects.within(regency)
               .filter(level__in=[Level.KECAMATAN, Level.DESA])}
    fleet: dict[str, list[routing.Vehicle]] = defaultdict(list)
    for v in Vehicle.objects.filter(election=election, depot__code__startswith=regency.code):
        fleet[v.depot_code].append(v.as_core(timing))
    known = [(t.origin, t.destination, t.mode, t.minutes, t.km) for t in
             TravelTime.objects.filter(election=election, origin__startswith=regency.code)]
    release = timing.minutes(timing.release)
    deadline = {Level.KECAMATAN: timing.minutes(timing.ppk_deadline),
                Level.DESA: timing.minutes(timing.pps_deadline),
                "tps": timing.minutes(timing.tps_deadline)}

    def region_stop(code: str) -> routing.Stop:
        r = regions[code]
        load = loads.get(code, needs.Load())
        return routing.Stop(code, load.volume_l, load.weight_kg, r.latitude, r.longitude,
                            deadline=deadline[r.level], service_minutes=SERVICE_MINUTES[r.level],
                            modes=_modes_for(access_under[code]), name=r.name)

    def tps_stop(code: str) -> routing.Stop:
        lat, lon, access = tps_rows[code]
        load = loads.get(code, needs.Load())
        return routing.Stop(code, load.volume_l, load.weight_kg, lat, lon,
                            deadline=deadline["tps"], service_minutes=SERVICE_MINUTES["tps"],
                            modes=routing.ACCESS_MODES.get(access), name=f"TPS {code[-3:]}")

    def depot(code: str, lat, lon, name: str, loading: int, ready: int = 0) -> routing.Depot:
        return routing.Depot(code, lat, lon, name, ready_at=ready, loading_minutes=loading)

    kecamatan = sorted({n.kecamatan for n in nd.per_tps})
    legs = [routing.Leg(f"{warehouse.name} → PPK",
                        depot(regency.code, warehouse.latitude, warehouse.longitude, warehouse.name,
                              LOADING_MINUTES["gudang"], release),
                        tuple(region_stop(k) for k in kecamatan if k in regions),
                        tuple(fleet[regency.code]))]
    for k in kecamatan:
        desa = sorted({n.village for n in nd.per_tps if n.kecamatan == k})
        r = regions[k]
        legs.append(routing.Leg(f"PPK {r.name} → PPS",
                                depot(k, r.latitude, r.longitude, f"PPK {r.name}",
                                      LOADING_MINUTES[Level.KECAMATAN]),
                                tuple(region_stop(d) for d in desa if d in regions),
                                tuple(fleet[k])))
    for d in sorted({n.village for n in nd.per_tps}):
        r = regions[d]
        legs.append(routing.Leg(f"PPS {r.name} → TPS",
                                depot(d, r.latitude, r.longitude, f"PPS {r.name}",
                                      LOADING_MINUTES[Level.DESA]),
                                tuple(tps_stop(n.tps) for n in nd.per_tps if n.village == d),
                                tuple(fleet[d])))
    return routing.Network(tuple(with_travel_times(leg, known) for leg in legs))


def with_travel_times(leg: routing.Leg, known) -> routing.Leg:
    """Known times between two sites of the leg, each pair as its own small matrix so the
    other pairs keep their estimates; the same both ways unless both ways are given."""
    codes = {leg.depot.code} | {s.code for s in leg.stops}
    given = {(a, b, mode): (minutes, km) for a, b, mode, minutes, km in known
             if a in codes and b in codes}
    matrices = []
    for (a, b, mode), (minutes, km) in sorted(given.items()):
        back, back_km = given.get((b, a, mode), (minutes, km))
        matrices.append(routing.TravelMatrix(
            (a, b), ((0, minutes), (back, 0)),
            ((0, km), (back_km, 0)) if km is not None and back_km is not None else None,
            frozenset({mode}) if mode else None))
    return replace(leg, matrices=(*leg.matrices, *matrices)) if matrices else leg
