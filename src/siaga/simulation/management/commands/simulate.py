import json

from django.core.management.base import BaseCommand, CommandError

from siaga.regions.models import Election, Region
from siaga.simulation import findings, runs
from siaga.simulation.models import SimulationRun


class Command(BaseCommand):
    help = "Simulate polling day at every TPS of a region; print the TPS at risk (or --json)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="region code, e.g. 62.13")
        parser.add_argument("--election", required=True, help="election code, e.g. pemilu-2024")
        parser.add_argument("--replications", type=int, default=100)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--booths", type=int)
        parser.add_argument("--desks", type=int)
        parser.add_argument("--split-above", type=int)
        parser.add_argument("--relief-at", type=int, help="hour a second KPPS team takes over")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        election = Election.objects.filter(slug=options["election"]).first()
        if region is None or election is None:
            raise CommandError("Wilayah atau pemilu tidak ditemukan.")
        if options["replications"] < 1:
            raise CommandError("--replications harus paling sedikit 1.")
        run = SimulationRun.objects.create(
            region=region, election=election, replications=options["replications"],
            seed=options["seed"], booths=options["booths"], desks=options["desks"],
            split_above=options["split_above"], relief_at=options["relief_at"])
        runs.execute(run)
        if run.status == run.Status.FAILED:
            raise CommandError(f"Simulasi tidak dijalankan: {run.error}")
        summary = run.summary
        if options["json"]:
            self.stdout.write(json.dumps({"run": run.pk, "seconds": round(run.seconds, 2), **summary}))
            return
        self.stdout.write(
            f"Simulasi #{run.pk}: {summary['tps']} TPS x {run.replications} ulangan dalam "
            f"{run.seconds:.1f} s. Penghitungan selesai (median) pukul "
            f"{findings.clock(summary['end_median'])}; {summary['after_midnight']} TPS lewat "
            f"tengah malam, {summary['after_deadline']} TPS berisiko melewati batas waktu.")
        for kec in summary["kecamatan"]:
            self.stdout.write(
                f"  {kec['name']:20} {kec['tps']:4} TPS  median {findings.clock(kec['end_median'])}"
                f"  p90 {findings.clock(kec['end_p90'])}  lewat 24.00: {kec['after_midnight']}")
