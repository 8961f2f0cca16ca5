from django.core.management import call_command
from django.core.management.base import BaseCommand

from siaga.simulation.engine import simulate
from siaga.simulation.params import TPSInputs


class Command(BaseCommand):
    help = ("The task worker (django-tasks-db's db_worker), with the simulation engine loaded "
            "first so that the first simulation from the web does not wait for it.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.5,
                            help="seconds between looks at an empty queue")

    def handle(self, *args, **options):
        simulate(TPSInputs(dpt=[200]), replications=1)  # loads numba's compiled code (~2 s)
        call_command("db_worker", interval=options["interval"], startup_delay=False)
