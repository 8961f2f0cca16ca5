"""Distribution plans: the network from the registry, the scenario applied, the routing core
run (in the worker), and the result stored as JSON for pages, maps, charts and route sheets."""

import datetime
import time
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from siaga.logistics import registry, routing
from siaga.logistics.models import DistributionPlan
from siaga.regions.models import Region

SECONDS_PER_LEG = 3.0
NO_IMPROVEMENT = 1_000


def timing_of(plan: DistributionPlan) -> registry.Timing:
    zone = zoneinfo.ZoneInfo(plan.region.zoneinfo)
    return registry.Timing(*(getattr(plan, f).astimezone(zone) for f in
                             ("release", "ppk_deadline", "pps_deadline", "tps_deadline")))


def closed_pairs(text: str) -> list[tuple[str, str]]:
    """'62.13.01 62.13.05; 62.13.02 62.13.03' → pairs; ValueError naming a bad part."""
    pairs = []
    for part in filter(None, (p.strip() for p in text.replace("\n", ";").split(";"))):
        codes = part.replace(",", " ").split()
        if len(codes) != 2:
            raise ValueError(part)
        pairs.append((codes[0], codes[1]))
    return pairs


def apply_scenario(network: routing.Network, plan: DistributionPlan) -> routing.Network:
    if plan.delay_hours:
        network = routing.delay_start(network, plan.delay_hours * 60)
    if plan.flooded:
        network = routing.flood_area(network, plan.flooded)
    for a, b in closed_pairs(plan.closed_edges):
        network = routing.close_edge(network, a, b)
    if plan.lost_vehicle:
        network = routing.remove_vehicle(network, plan.lost_vehicle, plan.lost_count)
    return network


def execute(plan: DistributionPlan) -> None:
    """Plan the network under the plan's scenario; store routes, arrivals and misses."""
    plan.status, plan.progress = plan.Status.RUNNING, 0
    plan.save(update_fields=["status", "progress"])
    started = time.perf_counter()
    try:
        timing = timing_of(plan)
        network = apply_scenario(registry.build_network(plan.election, plan.region, timing), plan)
        last = [0]

        def progress(share: float) -> None:
            percent = int(share * 100)
            if percent >= last[0] + 5:
                last[0] = percent
                DistributionPlan.objects.filter(pk=plan.pk).update(progress=percent)

        result = routing.plan_network(network, seconds_per_leg=SECONDS_PER_LEG,
                                      no_improvement=NO_IMPROVEMENT, progress=progress)
        plan.result = store(network, result, timing)
        plan.summary = summarize(plan.result)
        plan.status = plan.Status.DONE
    except (ValueError, routing.InvalidLeg) as exc:
        plan.status, plan.error = plan.Status.FAILED, str(exc)
    plan.progress = 100
    plan.seconds = time.perf_counter() - started
    plan.finished_at = timezone.now()
    plan.save()


def store(network: routing.Network, result: routing.NetworkPlan, timing: registry.Timing) -> dict:
    sites, deadlines = {}, {}
    for leg in network.legs:
        sites[leg.depot.code] = [leg.depot.lat, leg.depot.lon, leg.depot.name]
        for s in leg.stops:
            sites[s.code] = [s.lat, s.lon, s.name]
            if s.deadline is not None:
                deadlines[s.code] = s.deadline
    legs = []
    for leg in result.legs:
        legs.append({"name": leg.leg, "depot": leg.depot, "cost": leg.cost,
                     "seconds": round(leg.seconds, 3),
                     "routes": [{"vehicle": r.vehicle, "type": r.vehicle_type, "mode": r.mode,
                                 "trips": [{"loading_from": t.loading_from, "departure": t.departure,
                                            "back_at": t.back_at, "km": round(t.km, 1),
                                            "volume_l": round(t.volume_l, 1),
                                            "weight_kg": round(t.weight_kg, 1),
                                            "visits": [{"stop": v.stop, "arrival": v.arrival,
                                                        "start": v.start, "departure": v.departure,
                                                        "late_by": v.late_by, "part": v.part,
                                                        "parts": v.parts,
                                                        "volume_l": round(v.volume_l, 1),
                                                        "weight_kg": round(v.weight_kg, 1),
                                                        "km": round(v.km_from_previous, 1)}
                                                       for v in t.visits]}
                                           for t in r.trips]}
                                for r in leg.routes],
                     "warnings": [{"code": w.code, "params": w.params} for w in leg.warnings]})
    return {
        "epoch": timing.epoch.isoformat(), "legs": legs, "sites": sites, "deadlines": deadlines,
        "arrivals": result.arrivals,
        "misses": [{"stop": m.stop, "code": m.code, "params": m.params, "late_by": m.late_by}
                   for m in result.misses],
        "cost": result.cost,
    }


def summarize(stored: dict) -> dict:
    routes = [r for leg in stored["legs"] for r in leg["routes"]]
    misses = stored["misses"]
    last = max((v["departure"] for r in routes for t in r["trips"] for v in t["visits"]),
               default=None)
    return {"legs": len(stored["legs"]), "routes": len(routes),
            "stops": len(stored["deadlines"]), "served": len(stored["arrivals"]),
            "late": sum(1 for m in misses if m["late_by"] is not None),
            "unserved": sum(1 for m in misses if m["late_by"] is None),
            "late_tps": sum(1 for m in misses if "-" in m["stop"]),
            "km": round(sum(t["km"] for r in routes for t in r["trips"]), 1),
            "last_delivery": last}


# --- reading a stored plan ---------------------------------------------------------------

@dataclass(frozen=True)
class Stored:
    """A stored plan as `routing.compare_plans` reads it."""

    misses: tuple[routing.Miss, ...]
    arrivals: dict[str, int]
    cost: int


def as_comparable(plan: DistributionPlan) -> Stored:
    return Stored(tuple(routing.Miss(m["stop"], m["code"], m["params"], m["late_by"])
                        for m in plan.result["misses"]),
                  plan.result["arrivals"], plan.result["cost"])


def clock(plan: DistributionPlan, minutes: int | None) -> datetime.datetime | None:
    """Minutes from the plan's epoch as an aware local datetime."""
    if minutes is None:
        return None
    return datetime.datetime.fromisoformat(plan.result["epoch"]) + datetime.timedelta(
        minutes=minutes)


def miss_text(miss: dict, plan: DistributionPlan) -> str:
    """A miss in words, its minute counts turned into local times."""
    params = dict(miss["params"])
    for key in ("deadline", "arrival", "earliest", "ready_at", "back_at", "return_by"):
        if isinstance(params.get(key), int):
            params[key] = when(clock(plan, params[key]))
    return _(routing.MESSAGES[miss["code"]]) % params


def when(moment: datetime.datetime | None) -> str:
    """'10 Feb 14.30' in the moment's own zone."""
    if moment is None:
        return "-"
    from django.utils.formats import date_format

    return f"{date_format(moment, 'j M')} {moment:%H.%M}"


def regency_of(region: Region) -> Region:
    """Distribution is planned per regency (its KPU warehouse)."""
    for r in region.ancestors():
        if r.level == "kabkota":
            return r
    raise ValueError(region.code)
