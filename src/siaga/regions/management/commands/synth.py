import time

from django.core.management.base import BaseCommand, CommandError

from siaga.accounts.audit import acting_as
from siaga.regions.demo import ensure_pemilu_2024, load_synthetic_country
from siaga.regions.management.commands.import_tps import election_from


class Command(BaseCommand):
    help = ("Build a SYNTHETIC country for benchmarks: provinces in their published proportions, "
            "invented regencies, kecamatan, desa and TPS. Use an empty database.")
    requires_system_checks = []  # a data command: start fast, `siaga check` is separate

    def add_arguments(self, parser):
        parser.add_argument("--tps", type=int, required=True, help="e.g. 820161 for national scale")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--province", default="", help="only this province code, e.g. 62")
        parser.add_argument("--election", default="", help="election code (default: pemilu-2024)")

    def handle(self, *args, **options):
        if options["election"]:
            election = election_from(options)
        else:  # the national scale is Pemilu 2024's (820,161 TPS of at most 300 voters)
            with acting_as(label="siaga synth"):
                election = ensure_pemilu_2024()
        start = time.monotonic()
        try:
            with acting_as(label="siaga synth"):
                count = load_synthetic_country(
                    tps=options["tps"], seed=options["seed"], election=election,
                    province=options["province"],
                    progress=lambda message: self.stdout.write(f"  {message}"))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{count} TPS sintetis ditulis dalam {time.monotonic() - start:.1f} s.")

