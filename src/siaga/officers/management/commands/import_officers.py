from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from siaga.accounts.audit import acting_as
from siaga.officers.imports import import_file
from siaga.regions.management.commands.import_tps import (
    election_from,
    election_option,
    write_problems,
)
from siaga.regions.models import Region


class Command(BaseCommand):
    help = ("Import ad hoc officers (XLSX or CSV): check every row (NIK, birth date, age, "
            "post, duplicates, quotas), then save all or nothing.")
    requires_system_checks = []  # a data command: start fast, `siaga check` is separate

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check and report only")
        parser.add_argument("--region", default="62.13",
                            help="region code the posts must lie in (default: the demo regency)")
        election_option(parser)

    def handle(self, *args, **options):
        translation.activate("id")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ditemukan.")
        election = election_from(options)
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"Wilayah {options['region']} tidak ditemukan.")
        with acting_as(label=f"siaga import-officers {path.name}"):
            report = import_file(election=election, region=region, content=path.read_bytes(),
                                 dry_run=options["dry_run"])
        write_problems(self.stderr, report.problems)
        if not report.ok:
            raise CommandError(f"{len(report.problems)} kesalahan; tidak ada yang disimpan.")
        counts = ", ".join(f"{position} {n}" for position, n in report.per_position())
        if options["dry_run"]:
            self.stdout.write(f"{len(report.rows)} baris valid untuk {election} ({counts}); "
                              "tidak ada yang disimpan (--dry-run).")
        else:
            self.stdout.write(f"{len(report.rows)} baris disimpan untuk {election} ({counts}): "
                              f"{report.created} petugas baru, {report.updated} diubah.")
