"""TPS import and export: the Django side of `tps_table` (villages in, rows out, audited writes)."""

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from siaga.accounts import audit
from siaga.accounts.models import AuditEntry
from siaga.regions import tps_table
from siaga.regions.models import TPS, Election, ImportBatch, Level, Region
from siaga.regions.tps_table import Comparison, ParsedTable, TPSRecord, Village

RECORD_FIELDS = ("village_code", "number", "dpt_men", "dpt_women", "address", "latitude",
                 "longitude", "access", "travel_notes")


@dataclass
class ImportResult:
    parsed: ParsedTable
    comparison: Comparison | None
    sha256: str
    committed: bool = False
    previously_imported_at: object = None

    @property
    def ok(self) -> bool:
        return not self.parsed.problems

    def messages(self) -> list[dict]:
        """Problems as row / column / reason in the active language."""
        return [{"row": p.row, "column": p.column, "reason": p.render(gettext)}
                for p in self.parsed.problems]


def villages_within(scope_code: str = "") -> dict[str, Village]:
    regions = Region.objects.filter(level=Level.DESA, code__startswith=scope_code).select_related("parent")
    return {r.code: Village(r.code, r.name, r.parent.name if r.parent else "") for r in regions}


def record_of(tps: TPS) -> TPSRecord:
    return TPSRecord(
        village_code=tps.code.split("-")[0], number=tps.number, dpt_men=tps.dpt_men,
        dpt_women=tps.dpt_women, address=tps.address, latitude=tps.latitude,
        longitude=tps.longitude, access=tps.access, travel_notes=tps.travel_notes,
    )


def existing_records(election: Election, scope_code: str = "") -> dict[str, TPSRecord]:
    tps = TPS.objects.filter(election=election, code__startswith=scope_code)
    return {t.code: record_of(t) for t in tps}


def tps_import_check(*, election: Election, filename: str, content: bytes,
                     scope_code: str = "") -> ImportResult:
    """Read and validate the whole file and say what saving it would change. Writes nothing."""
    sha = hashlib.sha256(content).hexdigest()
    try:
        rows = tps_table.read_rows(filename, content)
    except Exception as exc:  # any reader failure is the user's file, not our bug
        problem = tps_table.Problem(0, "", "unreadable", {"reason": str(exc) or type(exc).__name__})
        return ImportResult(ParsedTable([], [problem]), None, sha)
    parsed = tps_table.parse_tps_table(
        rows, villages=villages_within(scope_code), max_voters=election.max_voters_per_tps,
        election_name=election.name, scope_code=scope_code,
    )
    comparison = None
    if not parsed.problems:
        comparison = tps_table.compare([r for _, r in parsed.records],
                                       existing_records(election, scope_code))
    earlier = ImportBatch.objects.filter(sha256=sha, election=election,
                                         status=ImportBatch.Status.COMMITTED).first()
    return ImportResult(parsed, comparison, sha,
                        previously_imported_at=earlier.created_at if earlier else None)


def tps_import_commit(*, election: Election, filename: str, content: bytes, user=None,
                      scope_code: str = "") -> ImportResult:
    """Validate everything, then save all of it in one transaction, or nothing if any row fails."""
    with transaction.atomic():
        result = tps_import_check(election=election, filename=filename, content=content,
                                  scope_code=scope_code)
        if not result.ok:
            return result
        comparison = result.comparison
        villages = {r.code: r.pk for r in Region.objects.filter(
            code__in={r.village_code for r in comparison.created}, level=Level.DESA)}
        entries = []
        new = []
        for record in comparison.created:
            tps = TPS(election=election, village_id=villages[record.village_code], code=record.code,
                      **{f: getattr(record, f) for f in RECORD_FIELDS if f != "village_code"})
            new.append(tps)
        TPS.objects.bulk_create(new, batch_size=2000)
        # bulk_create does not send signals; the audit entries are written here instead.
        entries += [audit.record(TPS, "create", t.code, t.code.split("-")[0], None,
                                 audit.snapshot(t)) for t in new]
        if comparison.updated:
            by_code = {t.code: t for t in TPS.objects.filter(
                election=election, code__in=[r.code for r, _ in comparison.updated])}
            changed = []
            for record, changes in comparison.updated:
                tps = by_code[record.code]
                before = audit.snapshot(tps)
                for name, (_old, value) in changes.items():
                    setattr(tps, name, value)
                tps.is_synthetic = False
                changed.append(tps)
                entries.append(audit.record(TPS, "update", tps.code, record.village_code, before,
                                            audit.snapshot(tps)))
            TPS.objects.bulk_update(changed, [f for f in RECORD_FIELDS if f != "village_code"]
                                    + ["is_synthetic"], batch_size=2000)
        AuditEntry.objects.bulk_create(entries, batch_size=2000)
        ImportBatch.objects.create(
            election=election, filename=filename, sha256=result.sha256, content=content,
            status=ImportBatch.Status.COMMITTED, created_by=user if getattr(user, "pk", None) else None,
            summary={"created": len(comparison.created), "updated": len(comparison.updated),
                     "unchanged": len(comparison.unchanged)},
        )
        result.committed = True
        return result


def tps_export_rows(election: Election, region: Region) -> list[list[object]]:
    tps = TPS.objects.filter(election=election, code__startswith=region.code)
    return tps_table.table_rows([record_of(t) for t in tps], villages_within(region.code))


def tps_export(election: Election, region: Region, fmt: str) -> bytes:
    rows = tps_export_rows(election, region)
    if fmt == "csv":
        return tps_table.write_csv(rows)
    title = f"Daftar TPS {election.name} - {region.name} ({region.code})"
    return tps_table.write_xlsx(rows, title=title)
