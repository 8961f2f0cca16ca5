from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from siaga.accounts.audit import acting_as
from siaga.regions.imports import tps_import_check, tps_import_commit
from siaga.regions.models import Election


def election_option(parser):
    parser.add_argument("--election", default="", help="election code (default: the latest)")


def write_problems(stream, problems) -> None:
    """Each problem as `baris 3, kolom nik: reason` (the file's own when it has no row)."""
    for problem in problems:
        where = f"baris {problem['row']}" if problem["row"] else "berkas"
        column = f", kolom {problem['column']}" if problem["column"] else ""
        stream.write(f"{where}{column}: {problem['reason']}")


def election_from(options) -> Election:
    slug = options["election"]
    election = (Election.objects.filter(slug=slug) if slug else Election.objects.all()).first()
    if election is None:
        raise CommandError(f"Pemilu '{slug}' tidak ditemukan." if slug else "Belum ada pemilu.")
    return election


class Command(BaseCommand):
    help = "Import a TPS list (CSV or XLSX): validate every row, then save all or nothing."
    requires_system_checks = []  # a data command: start fast, `siaga check` is separate

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate and report only")
        parser.add_argument("--region", default="", help="only accept TPS inside this region code")
        election_option(parser)

    def handle(self, *args, **options):
        translation.activate("id")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ditemukan.")
        election = election_from(options)
        kwargs = dict(election=election, filename=path.name, content=path.read_bytes(),
                      scope_code=options["region"])
        if options["dry_run"]:
            result = tps_import_check(**kwargs)
        else:
            with acting_as(label=f"siaga import-tps {path.name}"):
                result = tps_import_commit(**kwargs)
        write_problems(self.stderr, result.messages())
        if not result.ok:
            raise CommandError(f"{len(result.messages())} kesalahan; tidak ada yang disimpan.")
        c = result.comparison
        verb = "akan" if options["dry_run"] else "telah"
        self.stdout.write(
            f"{len(result.parsed.records)} baris valid untuk {election}: {len(c.created)} TPS baru, "
            f"{len(c.updated)} diubah, {len(c.unchanged)} tetap ({verb} disimpan)."
        )
        if result.previously_imported_at:
            self.stdout.write(f"Berkas yang sama sudah diimpor pada {result.previously_imported_at:%d-%m-%Y %H:%M}.")
