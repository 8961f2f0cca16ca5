import datetime
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from siaga.readiness import render
from siaga.readiness.report import ReportError
from siaga.regions.models import TPS, Election, Region


class Command(BaseCommand):
    help = ("Write the readiness report of a regency or province as PDF or XLSX "
            "(siaga readiness-report --region 62.13 --output laporan.pdf).")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="Kemendagri code, e.g. 62.13 or 62")
        parser.add_argument("--output", required=True, help="FILE.pdf or FILE.xlsx")
        parser.add_argument("--election", default="", help="election code (default: the "
                            "latest election with TPS in the region)")
        parser.add_argument("--date", default="", help="as of YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        output = Path(options["output"])
        if output.suffix.lower() not in (".pdf", ".xlsx"):
            raise CommandError("--output harus berakhiran .pdf atau .xlsx")
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"Wilayah {options['region']} tidak ada.")
        if options["election"]:
            election = Election.objects.filter(slug=options["election"]).first()
            if election is None:
                raise CommandError(f"Pemilu {options['election']} tidak ada.")
        else:
            election = Election.objects.filter(pk__in=TPS.objects.filter(
                code__startswith=region.code).values("election_id")).first()
            if election is None:
                raise CommandError(f"Belum ada TPS di {region.code}.")
        try:
            as_of = (datetime.date.fromisoformat(options["date"]) if options["date"]
                     else None)
        except ValueError:
            raise CommandError(f"Tanggal '{options['date']}' bukan YYYY-MM-DD.") from None
        started = time.monotonic()
        self.stdout.write(f"Menyusun laporan kesiapan {region} ({election.name}) ...")
        try:
            report, pdf, pages, xlsx = render.produce(region, election, as_of)
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        output.write_bytes(pdf if output.suffix.lower() == ".pdf" else xlsx)
        self.stdout.write(f"{output}: {pages} halaman PDF, {len(report.tables())} tabel, "
                          f"{time.monotonic() - started:.1f} s.")
