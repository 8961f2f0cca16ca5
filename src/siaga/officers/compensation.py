"""Compensation (santunan) due to officers and their families, and the BPJS premium (pure).

The KPU's 2024 table (Surat Menkeu S-647/MK.02/2022; Keputusan KPU 472/2022, DOMAIN.md
"Insurance and compensation"): death Rp36,000,000 plus Rp10,000,000 for the funeral;
permanent disability Rp30,800,000; serious injury Rp16,500,000; moderate injury Rp8,250,000.
BPJS Ketenagakerjaan for non-wage workers: JKK Rp10,000 + JKM Rp6,800 = Rp16,800 a month
(lowest band). Every figure is a default that an election's scheme may change.

Nothing is paid twice. For one officer in one election, cases are taken in date order and:
1. Death pays the death benefit and the funeral once. A second death case, or any other case
   dated on or after the day of death (the same harm, recorded twice), is due nothing.
2. The injury classes (moderate < serious < permanent disability) answer the same harm: the
   officer is owed the highest class reached, once. A later case of a higher class is due
   the difference (a top-up); a case of the same or a lower class is due nothing.
3. Illness and accident are both classed by severity; "no benefit" (treated, no lasting
   harm) is due nothing.
4. What was already paid on a case counts against that case's due; the outstanding amount is
   never negative, and a payment above the due is refused by the Django layer.
So the total due to one officer is at most death + funeral + the disability benefit, and
each benefit appears at most once.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_MONTHLY_PREMIUM = 16_800  # JKK 10,000 + JKM 6,800 (BPU, lowest band)
JKK_PREMIUM = 10_000
JKM_PREMIUM = 6_800


class Kind(StrEnum):
    ILLNESS = "illness"
    ACCIDENT = "accident"
    DEATH = "death"


class Severity(StrEnum):
    NONE = "none"
    MODERATE = "moderate"
    SERIOUS = "serious"
    DISABILITY = "disability"


@dataclass(frozen=True)
class Table:
    """Rupiah per benefit."""

    death: int = 36_000_000
    funeral: int = 10_000_000
    disability: int = 30_800_000
    serious: int = 16_500_000
    moderate: int = 8_250_000

    def injury(self, severity: str) -> int:
        return {Severity.NONE: 0, Severity.MODERATE: self.moderate,
                Severity.SERIOUS: self.serious, Severity.DISABILITY: self.disability}[severity]

    @property
    def most(self) -> int:
        """The most one officer can be owed."""
        return self.death + self.funeral + max(self.disability, self.serious, self.moderate)


DEFAULT_TABLE = Table()


@dataclass(frozen=True)
class CaseFacts:
    key: str  # the case's id, for stable ordering and the reason text
    kind: str
    severity: str
    date: datetime.date
    paid: int = 0


@dataclass(frozen=True)
class Settlement:
    key: str
    due: int
    items: tuple[tuple[str, int], ...]  # (benefit, rupiah)
    reason: str  # "", "after_death", "already_compensated", "no_benefit"
    paid: int

    @property
    def outstanding(self) -> int:
        return max(0, self.due - self.paid)

    @property
    def overpaid(self) -> int:
        return max(0, self.paid - self.due)


def settle(cases: Sequence[CaseFacts], table: Table = DEFAULT_TABLE) -> list[Settlement]:
    """What each of one officer's cases is due under the table (rules in the module text),
    in the order the cases were given."""
    order = sorted(range(len(cases)), key=lambda i: (cases[i].date, cases[i].kind != Kind.DEATH,
                                                     cases[i].key))
    dead_on: datetime.date | None = None
    injury_owed = 0
    results: dict[int, Settlement] = {}
    for i in order:
        case = cases[i]
        items: tuple[tuple[str, int], ...] = ()
        reason = ""
        if dead_on is not None and (case.kind == Kind.DEATH or case.date >= dead_on):
            reason = "after_death" if case.kind != Kind.DEATH else "already_compensated"
        elif case.kind == Kind.DEATH:
            dead_on = case.date
            items = (("death", table.death), ("funeral", table.funeral))
        else:
            amount = table.injury(case.severity)
            if amount == 0:
                reason = "no_benefit"
            elif amount <= injury_owed:
                reason = "already_compensated"
            else:
                items = ((str(case.severity), amount - injury_owed),)
                injury_owed = amount
        results[i] = Settlement(case.key, sum(v for _, v in items), items, reason, case.paid)
    return [results[i] for i in range(len(cases))]


def months_covered(start: datetime.date, end: datetime.date) -> int:
    """Calendar months a cover from `start` to `end` (inclusive) is paid for; a started month
    counts whole, as BPJS bills by the month."""
    if end < start:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def premium_due(monthly: int, start: datetime.date, end: datetime.date) -> int:
    """The premium for the whole period in rupiah."""
    return monthly * months_covered(start, end)


def is_covered(*, status_active: bool, start: datetime.date | None, end: datetime.date | None,
               on: datetime.date) -> bool:
    """Insured on that day: the enrolment is confirmed active and its period contains it."""
    return bool(status_active and start and end and start <= on <= end)
