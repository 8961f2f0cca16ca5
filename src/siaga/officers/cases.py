"""Cases and the compensation due: every case of the officer is settled again whenever one
changes, so a new case can never bring a benefit already owed on another (compensation.py)."""

from django.db import transaction
from django.utils.translation import gettext_lazy

from siaga.officers import compensation
from siaga.officers.models import Case, Officer, scheme_for

REASONS = {
    "after_death": gettext_lazy("nothing due: the officer died on or before this date"),
    "already_compensated": gettext_lazy("nothing more due: this harm is already compensated "
                                        "by another case"),
    "no_benefit": gettext_lazy("no benefit for a case without lasting harm"),
}


def facts(case: Case) -> compensation.CaseFacts:
    return compensation.CaseFacts(key=f"{case.pk or 0:09d}", kind=case.kind,
                                  severity=case.severity or "none", date=case.date,
                                  paid=case.paid_amount)


def settlements(officer: Officer, extra: Case | None = None) -> dict[int | None, object]:
    """Each case's settlement (by pk; None for `extra`, an unsaved case being checked)."""
    cases = list(officer.cases.exclude(pk=getattr(extra, "pk", None) or 0))
    if extra is not None:
        cases.append(extra)
    settled = compensation.settle([facts(c) for c in cases],
                                  scheme_for(officer.election).table())
    return {c.pk: s for c, s in zip(cases, settled, strict=True)}


@transaction.atomic
def save_case(case: Case) -> Case:
    """Save the case and settle all the officer's cases again (each saved, so audited, only
    when its due changed)."""
    if case.kind == Case.Kind.DEATH:
        case.severity = Case.Severity.NONE
    case.save()
    officer = Officer.objects.select_related("election").get(pk=case.officer_id)
    settled = settlements(officer)
    for other in officer.cases.all():
        s = settled[other.pk]
        if (other.compensation_due, other.due_reason) != (s.due, s.reason):
            other.compensation_due, other.due_reason = s.due, s.reason
            other.save(update_fields=["compensation_due", "due_reason"])
            if other.pk == case.pk:
                case.compensation_due, case.due_reason = s.due, s.reason
    return case


def payable(case: Case, amount: int) -> bool:
    """A payment may bring the case's total paid up to its due, never beyond."""
    return 0 <= amount <= case.compensation_due
