"""Kerawanan of a region's TPS: the catalogue of the election, grades, summaries and the sheet
import, around the pure cores in catalogue.py, scoring.py and sheet.py."""

import datetime
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from siaga.regions import tps_table
from siaga.regions.models import TPS, Election
from siaga.risk import scoring
from siaga.risk.catalogue import OUR_READING, PEMILU_2024, PILKADA_2024, Catalogue, Indicator
from siaga.risk.models import Assessment, CatalogueEdit
from siaga.risk.sheet import ParsedSheet, Problem, parse_sheet


def catalogue_for(election: Election) -> Catalogue:
    """Bawaslu's catalogue of the election's kind, as this election's edit changes it."""
    base = PILKADA_2024 if election.kind == Election.Kind.PILKADA else PEMILU_2024
    edit = CatalogueEdit.objects.filter(election=election).first()
    return apply_edit(base, edit) if edit else base


def apply_edit(base: Catalogue, edit: CatalogueEdit) -> Catalogue:
    """Raises ValueError/KeyError/TypeError on an edit that does not fit the catalogue."""
    added = tuple(Indicator(code=i["code"], name=i["name"], variable=i["variable"],
                            weight=float(i.get("weight", 1.0)), reading=OUR_READING,
                            note="added by the region") for i in edit.added)
    return base.edited(add=added, remove=tuple(edit.removed)).with_weights(edit.weights)


def grading_for(election: Election, catalogue: Catalogue) -> scoring.Grading:
    edit = CatalogueEdit.objects.filter(election=election).first()
    if edit is None:
        return scoring.Grading(catalogue)
    return scoring.Grading(catalogue, rawan_at=edit.rawan_at, sangat_rawan_at=edit.sangat_rawan_at)


def edit_problems(edit: CatalogueEdit) -> list[str]:
    """Why an edit cannot be used (unknown codes, bad thresholds), as sentences."""
    base = PILKADA_2024 if edit.election.kind == Election.Kind.PILKADA else PEMILU_2024
    try:
        catalogue = apply_edit(base, edit)
    except (ValueError, KeyError, TypeError) as exc:
        return [str(exc)]
    grading = scoring.Grading(catalogue, rawan_at=edit.rawan_at, sangat_rawan_at=edit.sangat_rawan_at)
    return [p.render() for p in scoring.check_grading(grading)]


@dataclass
class RegionRisk:
    codes: list[str]
    matrix: np.ndarray
    grades: scoring.Grades
    grading: scoring.Grading
    assessed: np.ndarray  # TPS with at least one assessment


def region_risk(election: Election, prefix: str) -> RegionRisk:
    """Indicators per TPS (the union over sources) and the grades, for every TPS of a region."""
    catalogue = catalogue_for(election)
    codes = list(TPS.objects.filter(election=election, code__startswith=prefix)
                 .order_by("code").values_list("code", flat=True))
    present: dict[str, set[str]] = {code: set() for code in codes}
    for code, indicators in Assessment.objects.filter(
            tps__election=election, tps__code__startswith=prefix).values_list("tps__code", "indicators"):
        present[code].update(i for i in indicators if i in catalogue.codes)
    assessed = set(Assessment.objects.filter(tps__election=election, tps__code__startswith=prefix)
                   .values_list("tps__code", flat=True))
    matrix = scoring.as_matrix([present[c] for c in codes], catalogue)
    grading = grading_for(election, catalogue)
    return RegionRisk(codes, matrix, scoring.grade(matrix, grading), grading,
                      np.array([c in assessed for c in codes], dtype=bool))


def import_sheet(*, election: Election, filename: str, content: bytes, source: str, scope_code: str,
                 user=None, commit: bool) -> ParsedSheet:
    """Validate every cell; with commit, write every row's assessment in one transaction, or
    nothing at all when any cell is wrong."""
    try:
        rows = tps_table.read_rows(filename, content)
    except Exception as exc:  # the user's file, not our bug
        return ParsedSheet([], [Problem("unreadable", {"reason": str(exc) or type(exc).__name__})])
    known = set(TPS.objects.filter(election=election, code__startswith=scope_code)
                .values_list("code", flat=True))
    parsed = parse_sheet(rows, catalogue=catalogue_for(election), known_tps=known)
    if commit and parsed.ok:
        ids = dict(TPS.objects.filter(election=election, code__in=[a.tps_code for a in parsed.assessments])
                   .values_list("code", "id"))
        with transaction.atomic():
            for a in parsed.assessments:
                assessment, _ = Assessment.objects.get_or_create(
                    tps_id=ids[a.tps_code], source=source,
                    defaults={"assessed_on": datetime.date.today(), "updated_by": user})
                # Indicators the sheet has no column for keep what was recorded before.
                kept = [i for i in assessment.indicators if i not in a.assessed]
                assessment.indicators = sorted(set(kept) | set(a.present))
                assessment.assessed_on, assessment.updated_by = datetime.date.today(), user
                assessment.save()
    return parsed


def save_grid(*, election: Election, tps_codes: list[str], checked: set[tuple[str, str]], source: str,
              user=None) -> int:
    """The per-desa grid: for each TPS, exactly the checked indicators hold (for this source)."""
    catalogue = catalogue_for(election)
    changed = 0
    with transaction.atomic():
        for tps in TPS.objects.filter(election=election, code__in=tps_codes):
            wanted = sorted(code for code in catalogue.codes if (tps.code, code) in checked)
            assessment = Assessment.objects.filter(tps=tps, source=source).first()
            if assessment is None and not wanted:
                continue
            if assessment is None:
                assessment = Assessment(tps=tps, source=source)
            if assessment.pk and assessment.indicators == wanted:
                continue
            assessment.indicators, assessment.updated_by = wanted, user
            assessment.assessed_on = datetime.date.today()
            assessment.save()
            changed += 1
    return changed
