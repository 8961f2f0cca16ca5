"""Anomaly hints over the counted forms of one contest in a region, for the reviewers.

The numbers come from the database (the form each TPS counts, `TpsResult.form`), the hints from
the pure core `checks.find_anomalies`: turnout far from the desa or kecamatan norm, all or none
of the votes for one choice, identical forms at several TPS of one kecamatan, uneven last
digits in a kecamatan. They are hints for a second look at the photo, never verdicts: nothing
here changes a form's status or the totals.

Every hint is computed within one kecamatan (the norms of its desa and of itself, identical
forms and digits in it), so a TPS gets the same hints whether the whole regency is looked at
or only its kecamatan.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from siaga.regions.models import Contest, Level, Region
from siaga.results import checks
from siaga.results.models import NUMBER_FIELDS, TpsResult


@dataclass(frozen=True)
class CountedForm:
    """The numbers of the form one TPS counts (plain data, as `find_anomalies` needs them)."""

    tps_code: str
    numbers: dict  # the ten counts of NUMBER_FIELDS
    votes: dict  # {ballot number: votes}

    @property
    def desa(self) -> str:
        return self.tps_code.split("-")[0]

    @property
    def kecamatan(self) -> str:
        return self.tps_code[:8]


@dataclass(frozen=True)
class TpsHints:
    tps_code: str
    turnout: float | None  # voters who voted / registered, None without registered voters
    findings: list[checks.Finding] = field(default_factory=list)


@dataclass(frozen=True)
class AnomalyReport:
    tps: list[TpsHints]  # every counted TPS, by code
    region_findings: list[checks.Finding]  # per kecamatan (uneven last digits)

    @property
    def hinted(self) -> list[TpsHints]:
        return [t for t in self.tps if t.findings]

    def of(self, tps_code: str) -> TpsHints | None:
        return next((t for t in self.tps if t.tps_code == tps_code), None)


def as_arrays(forms: Sequence[CountedForm]) -> checks.FormArrays:
    """The forms as arrays; the choices are every ballot number any form has (0 where a form
    lacks one: DPR/DPRD candidates differ by dapil)."""
    choices = sorted({n for f in forms for n in f.votes})
    columns = {name: np.array([f.numbers[name] for f in forms], dtype=np.int64)
               for name in NUMBER_FIELDS}
    votes = np.array([[f.votes.get(c, 0) for c in choices] for f in forms],
                     dtype=np.int64).reshape(len(forms), len(choices))
    return checks.FormArrays(**columns, votes=votes, choices=tuple(choices))


SETTINGS = checks.AnomalySettings()


def hints(forms: Sequence[CountedForm], kecamatan_names: dict[str, str] | None = None,
          settings: checks.AnomalySettings = SETTINGS) -> AnomalyReport:
    """The anomaly hints of each form (pure: plain data in, findings out)."""
    forms = sorted(forms, key=lambda f: f.tps_code)
    if not forms:
        return AnomalyReport(tps=[], region_findings=[])
    names = kecamatan_names or {}
    arrays = as_arrays(forms)
    _desa_codes, desa = np.unique([f.desa for f in forms], return_inverse=True)
    kec_codes, kecamatan = np.unique([f.kecamatan for f in forms], return_inverse=True)
    found = checks.find_anomalies(arrays, desa.ravel(), kecamatan.ravel(), settings=settings)
    out = []
    for i, form in enumerate(forms):
        findings = [
            x for x in found.findings_for(i, arrays, names.get(form.kecamatan, form.kecamatan))
            # a choice not on this TPS's ballot (another dapil's) has no votes by nature
            if x.code != "no_votes_for_choice" or x.params["choice"] in form.votes]
        turnout = float(found.turnout[i])
        out.append(TpsHints(form.tps_code, turnout if np.isfinite(turnout) else None, findings))
    regions = [names.get(code, code) for code in kec_codes]
    return AnomalyReport(tps=out, region_findings=found.region_findings(regions))


def counted_forms(contest: Contest, prefix: str) -> list[CountedForm]:
    """The form each TPS under `prefix` counts for the contest (accepted, current)."""
    rows = (TpsResult.objects
            .filter(contest=contest, state=TpsResult.State.ACCEPTED, form__isnull=False,
                    tps__code__startswith=prefix)
            .values_list("tps__code", "form__votes", *(f"form__{n}" for n in NUMBER_FIELDS)))
    return [CountedForm(code, dict(zip(NUMBER_FIELDS, numbers, strict=True)), votes or {})
            for code, votes, *numbers in rows]


def contest_anomalies(contest: Contest, prefix: str) -> AnomalyReport:
    """The anomaly hints of the counted forms of the contest in the region `prefix` (a desa's
    TPS are measured against their whole kecamatan)."""
    whole = prefix[:8]
    names = dict(Region.objects.filter(code__startswith=whole, level=Level.KECAMATAN)
                 .values_list("code", "name"))
    report = hints(counted_forms(contest, whole), names)
    if whole == prefix:
        return report
    return AnomalyReport(tps=[t for t in report.tps if t.tps_code.startswith(prefix)],
                         region_findings=report.region_findings)
