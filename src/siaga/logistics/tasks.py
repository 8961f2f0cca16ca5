from django.tasks import task

from siaga.logistics import plans
from siaga.logistics.models import DistributionPlan


@task()
def run_plan(plan_id: int) -> None:
    """The worker's side of "Make the distribution plan"."""
    plans.execute(DistributionPlan.objects.select_related("region", "election").get(pk=plan_id))
