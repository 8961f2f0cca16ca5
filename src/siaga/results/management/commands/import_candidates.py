from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from siaga.accounts.audit import acting_as
from siaga.regions.management.commands.import_tps import (
    election_from,
    election_option,
    write_problems,
)
from siaga.results.candidates import import_candidates


class Command(BaseCommand):
    help = ("Load candidates, parties and party lists (CSV or XLSX: kontes, nomor, nama, partai, "
            "dapil): validate every row, then save all or nothing.")
    requires_system_checks = []  # a data command: start fast, `siaga check` is separate

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate and report only")
        election_option(parser)

    def handle(self, *args, **options):
        translation.activate("id")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ditemukan.")
        election = election_from(options)
        with acting_as(label=f"siaga import-candidates {path.name}"):
            summary, problems = import_candidates(election, path.name, path.read_bytes(),
                                                  dry_run=options["dry_run"])
        write_problems(self.stderr, problems)
        if problems:
            raise CommandError(f"{len(problems)} kesalahan; tidak ada yang disimpan.")
        if options["dry_run"]:
            self.stdout.write(f"{summary['rows']} baris valid untuk {election} (belum disimpan).")
        else:
            self.stdout.write(f"{election}: {summary['created']} calon baru, {summary['updated']} "
                              f"diubah, {summary['unchanged']} tetap.")
