"""TPS and DPT per child region: the first table of the readiness report."""

from dataclasses import dataclass, field

from django.db.models import Count, Sum

from siaga.regions.models import TPS, Election, Level, Region

# Which TPS field path reaches a child of a region at each level.
CHILD_PATH = {
    Level.PROVINSI: "village__parent__parent",
    Level.KABKOTA: "village__parent",
    Level.KECAMATAN: "village",
}


@dataclass
class SummaryRow:
    region: Region
    desa: int = 0
    tps: int = 0
    dpt_men: int = 0
    dpt_women: int = 0

    @property
    def dpt(self) -> int:
        return self.dpt_men + self.dpt_women


@dataclass
class Summary:
    region: Region
    election: Election
    rows: list[SummaryRow]
    total: SummaryRow = field(init=False)
    synthetic_tps: int = 0

    def __post_init__(self):
        self.total = SummaryRow(
            region=self.region,
            desa=sum(r.desa for r in self.rows), tps=sum(r.tps for r in self.rows),
            dpt_men=sum(r.dpt_men for r in self.rows), dpt_women=sum(r.dpt_women for r in self.rows),
        )


def summarize(region: Region, election: Election) -> Summary:
    """One row per child region (with zeros where a child has no TPS yet), and the total."""
    children = list(Region.objects.filter(parent=region).order_by("code"))
    rows = {child.pk: SummaryRow(child) for child in children}
    tps = TPS.objects.filter(election=election, code__startswith=region.code)
    if region.level in CHILD_PATH:
        path = CHILD_PATH[region.level]
        for item in tps.values(f"{path}_id").annotate(
            n=Count("id"), men=Sum("dpt_men"), women=Sum("dpt_women")
        ).order_by():
            row = rows.get(item[f"{path}_id"])
            if row:
                row.tps, row.dpt_men, row.dpt_women = item["n"], item["men"], item["women"]
        desa_counts = _desa_per_child(region)
        for row in rows.values():
            row.desa = desa_counts.get(row.region.code, 0)
    summary = Summary(region, election, list(rows.values()))
    summary.synthetic_tps = tps.filter(is_synthetic=True).count()
    return summary


def _desa_per_child(region: Region) -> dict[str, int]:
    """Desa/kelurahan below each child, counted by code prefix (one query for all children)."""
    width = {Level.PROVINSI: 5, Level.KABKOTA: 8, Level.KECAMATAN: 13}[region.level]
    counts: dict[str, int] = {}
    for code in Region.objects.filter(level=Level.DESA, code__startswith=region.code).values_list(
        "code", flat=True
    ):
        counts[code[:width]] = counts.get(code[:width], 0) + 1
    return counts
