"""A distribution plan of the demo regency, planned at once (what the worker would do), for
tests of the plan pages and of the floor-game board."""

from siaga.logistics import plans, registry
from siaga.logistics.models import DistributionPlan
from siaga.regions.models import Region


def make_plan(election, **scenario) -> DistributionPlan:
    regency = Region.objects.get(code="62.13")
    timing = registry.default_timing(election, regency.zoneinfo)
    plan = DistributionPlan.objects.create(
        election=election, region=regency, release=timing.release,
        ppk_deadline=timing.ppk_deadline, pps_deadline=timing.pps_deadline,
        tps_deadline=timing.tps_deadline, **scenario)
    plans.execute(plan)
    return plan
