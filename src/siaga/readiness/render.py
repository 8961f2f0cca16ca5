"""The readiness report as a PDF (WeasyPrint: cover, contents, numbered pages) and as an XLSX
(openpyxl: one sheet per table, the same totals), both from one `Report`."""

import re

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from siaga import xlsx
from siaga.readiness.tables import Report, cell_text


def _cells(table) -> dict:
    numeric = set(table.sums) | set(table.ratios)
    for row in table.rows:
        numeric |= {i for i, v in enumerate(row) if isinstance(v, (int, float))
                    and not isinstance(v, bool)}
    marks = table.marks or [set()] * len(table.rows)
    return {
        "table": table,
        "numeric": numeric,
        "rows": [[(cell_text(v), i in numeric, i in m) for i, v in enumerate(row)]
                 for row, m in zip(table.rows, marks, strict=True)],
        "total": [(cell_text(v), i in numeric) for i, v in enumerate(table.total)]
        if table.total else None,
    }


def scoped_svg(svg: str, prefix: str) -> str:
    """The SVG with its element ids prefixed: matplotlib numbers ids from the same salt in every
    figure, and one HTML page holding several figures must not repeat an id."""
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m[1]}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m[1]})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m[1]}"', svg)


def html(report: Report) -> str:
    sections = [{"section": s, "tables": [_cells(t) for t in s.tables],
                 "charts": [scoped_svg(c, f"c{i}-{j}") for j, c in enumerate(s.charts)]}
                for i, s in enumerate(report.sections)]
    with translation.override("id"):  # an official report is in Bahasa Indonesia
        return render_to_string("readiness/report_pdf.html", {"report": report,
                                                               "sections": sections})


def pdf(report: Report) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    from weasyprint import HTML

    document = HTML(string=html(report)).render()
    return document.write_pdf(), len(document.pages)


def sheet_name(title: str, taken: set[str]) -> str:
    """An Excel sheet name (≤ 31 characters, none of []:*?/\\) unique in the book."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Tabel"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def workbook(report: Report) -> bytes:
    """One sheet per table with a title row; the total row as on the PDF page."""
    with translation.override("id"):
        return _workbook(report)


def _workbook(report: Report) -> bytes:
    book = xlsx.new_book()
    taken: set[str] = set()
    cover = xlsx.add_table(book, sheet_name(_("Cover"), taken), title=report.title, header=[
        _("Region"), _("Code"), _("Election"), _("As of"), _("Made")], rows=[[
            report.region_name, report.region_code, report.election,
            report.as_of.isoformat(), report.made_at.strftime("%Y-%m-%d %H:%M")]])
    if report.synthetic:
        cover.append([])
        cover.append([_("SYNTHETIC DATA: the TPS and every figure drawn from them are demo "
                        "data, not KPU's official data.")])
    for section in report.sections:
        for table in section.tables:
            rows = [list(r) for r in table.rows]
            if table.total:
                rows.append(table.total)
            xlsx.add_table(book, sheet_name(table.title, taken),
                           title=_("%(section)s: %(table)s - %(region)s, %(election)s, as of "
                                   "%(date)s") % {
                               "section": section.title, "table": table.title,
                               "region": report.region_name, "election": report.election,
                               "date": report.as_of.isoformat()},
                           header=table.header, rows=rows)
    return xlsx.to_bytes(book)


def produce(region, election, as_of=None) -> tuple[Report, bytes, int, bytes]:
    """The report of a region built in Bahasa Indonesia, with its PDF, page count and XLSX."""
    from siaga.readiness.report import build

    with translation.override("id"):
        report = build(region, election, as_of)
    content, pages = pdf(report)
    return report, content, pages, workbook(report)
