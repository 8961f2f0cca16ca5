from django.tasks import task

from siaga.readiness import runs
from siaga.readiness.models import ReportRun


@task()
def make_report(run_id: int) -> None:
    """The worker's side of "Make the readiness report"."""
    runs.execute(ReportRun.objects.select_related("region", "election").get(pk=run_id))
