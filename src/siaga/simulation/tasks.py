from django.tasks import task

from siaga.simulation import runs
from siaga.simulation.models import SimulationRun


@task()
def run_simulation(run_id: int) -> None:
    """The worker's side of "Run simulation": progress and results go to the SimulationRun."""
    runs.execute(SimulationRun.objects.select_related("region", "election").get(pk=run_id))
