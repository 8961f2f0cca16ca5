"""The officers' figures for the readiness report (readiness/ reads this; keep the contract).

readiness_figures(region=..., election=...) -> {
    "rows": [{"code", "name", "required", "present", "eligible", "insured", "coverage_pct",
              "gaps"}, ...],   # one per kecamatan in the region, by code
    "totals": {"required", "present", "eligible", "insured", "coverage_pct", "gaps"},
}
required: posts the election's rules ask for (KPPS 7, PTPS 1, Linmas 2 per TPS; PPS 3 per desa;
PPK 5 per kecamatan); present: officers registered; eligible: of those, the ones within the age
limits with the health certificate their position needs; insured: BPJS Ketenagakerjaan cover
active on polling day; coverage_pct: insured / present × 100, one decimal (0.0 when nobody is
registered); gaps: posts still empty. No personal data.
"""

from siaga.officers import coverage


def readiness_figures(*, region, election) -> dict:
    """Per-kecamatan and total officer figures for a region and election (see module text)."""
    rows, totals = coverage.by_kecamatan(coverage.load(region, election))
    return {"rows": rows, "totals": totals}
