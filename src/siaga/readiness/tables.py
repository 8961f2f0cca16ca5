"""The shapes a readiness report is made of: tables with their total row, sections, the report
(pure: no Django). The PDF and the XLSX are both written from these, so their figures agree."""

import datetime
from dataclasses import dataclass, field


@dataclass
class Table:
    """Rows of cells under a header. `sums` are the columns the total row adds up; `ratios`
    are percentage columns the total recomputes from two summed columns (numerator,
    denominator) instead of adding percentages."""

    key: str
    title: str
    header: list[str]
    rows: list[list]
    sums: tuple[int, ...] = ()
    ratios: dict[int, tuple[int, int]] = field(default_factory=dict)
    total_label: str = "Jumlah"
    marks: list[set[int]] = field(default_factory=list)  # per row: columns to highlight

    @property
    def total(self) -> list | None:
        if not self.sums and not self.ratios:
            return None
        return total_row(self.rows, len(self.header), self.sums, self.ratios, self.total_label)


def total_row(rows: list[list], width: int, sums: tuple[int, ...],
              ratios: dict[int, tuple[int, int]], label: str) -> list:
    """The label, each summed column's sum (empty cells count as nothing; None when no row has
    a number there), each ratio column recomputed as 100 × Σnumerator / Σdenominator (None when
    the denominator is 0)."""
    total: list = [label] + [""] * (width - 1)
    for c in sums:
        numbers = [r[c] for r in rows if isinstance(r[c], (int, float))]
        total[c] = sum(numbers) if numbers else None
    for c, (num, den) in ratios.items():
        n = sum(r[num] for r in rows if isinstance(r[num], (int, float)))
        d = sum(r[den] for r in rows if isinstance(r[den], (int, float)))
        total[c] = round(100 * n / d, 1) if d else None
    return total


def pct(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


@dataclass
class Section:
    key: str
    title: str
    notes: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # inline SVG


@dataclass
class Report:
    title: str
    region_code: str
    region_name: str
    level: str
    election: str
    as_of: datetime.date
    made_at: datetime.datetime
    synthetic: bool
    sections: list[Section]
    figures: list[dict]  # per regency: the bundle figures (see bundle.FIELDS)

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]


def cell_text(value) -> str:
    """A cell as an Indonesian reader writes it: 81.100, 87,5, '-' for nothing."""
    if value is None or value == "":
        return "-" if value is None else ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return str(value)
