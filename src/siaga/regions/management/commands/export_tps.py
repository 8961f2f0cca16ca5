from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from siaga.regions.imports import tps_export
from siaga.regions.management.commands.import_tps import election_from, election_option
from siaga.regions.models import Region


class Command(BaseCommand):
    help = "Export the TPS of a region to XLSX or CSV (by the file's extension), as import reads it."
    requires_system_checks = []  # a data command: start fast, `siaga check` is separate

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--region", required=True, help="region code, e.g. 62.13")
        election_option(parser)

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"Wilayah {options['region']} tidak ditemukan.")
        path = Path(options["file"])
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError("Gunakan nama berkas .csv atau .xlsx.")
        path.write_bytes(tps_export(election_from(options), region, fmt))
        self.stdout.write(f"{path} ditulis.")
