"""The demo regency's readiness report as PDF and XLSX: pages, tables, totals that agree."""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from siaga.readiness import render
from siaga.readiness.report import ReportError, build
from siaga.readiness.tables import cell_text
from siaga.readiness.timetable import PEMILU
from siaga.regions.models import Region

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2024, 2, 7)


@pytest.fixture
def made(demo_readiness, pemilu):
    return render.produce(demo_readiness, pemilu, AS_OF)


def pdf_text(content: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def test_the_demo_report_has_a_cover_contents_and_a_numbered_page_per_section(made):
    report, pdf, pages, _xlsx = made
    count, texts = pdf_text(pdf)
    assert count == pages and pages >= 12
    with translation.override("id"):
        title = _("Election Readiness Report")
    assert title in texts[0] and "Kabupaten Barito Timur" in texts[0]
    assert "7 Februari 2024" in texts[0]
    assert "SINTETIS" in texts[0].upper() or "SYNTHETIC" in texts[0].upper()
    assert re.search(rf"\b{pages}\b", texts[-1])  # "Halaman n dari N" on every page
    for section in report.sections:  # the contents names every section
        assert section.title in texts[1]


def test_the_tables_carry_the_published_demo_totals(made):
    report, *_ = made
    tps = next(t for t in report.tables() if t.key == "tps")
    assert tps.total[2] == 387 and tps.total[5] == 81_100
    risk = next(t for t in report.tables() if t.key == "risk")
    assert risk.total[1] == 387 and risk.total[4] == 20  # the 20 rawan TPS of the Kapolres
    assert report.figures[0]["rawan_tps"] == 20 and report.figures[0]["agenda_planned"] == len(PEMILU)


def test_every_total_in_the_xlsx_is_the_sum_of_its_rows_and_is_printed_in_the_pdf(made):
    report, pdf, _pages, xlsx = made
    _count, texts = pdf_text(pdf)
    text = " ".join(texts)
    book = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
    tables = report.tables()
    assert len(book.sheetnames) == len(tables) + 1  # and the cover
    for table, name in zip(tables, book.sheetnames[1:], strict=True):
        rows = [list(r) for r in book[name].iter_rows(values_only=True)]
        header_at = rows.index(list(table.header))
        body = rows[header_at + 1:]
        if table.total is None:
            assert len(body) == len(table.rows)
            continue
        *lines, total = body
        assert total == table.total, table.key
        for c in table.sums:
            assert total[c] == sum(r[c] for r in lines if isinstance(r[c], (int, float)))
        for c in [*table.sums, *table.ratios]:
            if total[c] not in (None, ""):
                assert cell_text(total[c]) in text, (table.key, c, total[c])


def test_the_cli_writes_the_report_as_xlsx_and_pdf(demo_readiness, tmp_path, capsys):
    call_command("readiness_report", region="62.13", output=str(tmp_path / "r.xlsx"),
                 election="pemilu-2024", date="2024-02-07")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)
    assert len(book.sheetnames) > 10
    call_command("readiness_report", region="62.13", output=str(tmp_path / "r.pdf"))
    assert (tmp_path / "r.pdf").read_bytes()[:4] == b"%PDF"
    assert "halaman PDF" in capsys.readouterr().out


def test_the_cli_refuses_a_kecamatan_and_an_unknown_suffix(demo_readiness, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("readiness_report", region="62.13", output=str(tmp_path / "r.docx"))
    with pytest.raises(CommandError):
        call_command("readiness_report", region="62.13.01", output=str(tmp_path / "r.pdf"))


def test_a_kecamatan_has_no_readiness_report(pemilu):
    with pytest.raises(ReportError):
        build(Region.objects.get(code="62.13.01"), pemilu)


def test_a_finished_simulation_puts_its_tps_at_risk_in_the_report(demo_readiness, pemilu):
    from siaga.simulation import runs
    from siaga.simulation.models import SimulationRun

    run = SimulationRun.objects.create(region=demo_readiness, election=pemilu, replications=20)
    runs.execute(run)
    with translation.override("id"):
        report = build(demo_readiness, pemilu, AS_OF)
    table = next(t for t in report.tables() if t.key == "simulation")
    assert table.total[1] == 387
    assert table.total[2] == run.summary["at_risk"] == report.figures[0]["sim_at_risk"]
    assert any(t.key == "at_risk" for t in report.tables())
