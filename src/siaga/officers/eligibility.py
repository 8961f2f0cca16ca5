"""Who may serve and how many are needed: each election's rules as data (pure: no Django).

Quotas (PKPU 8/2022 as summarised in DOMAIN.md "Levels and people"): KPPS 7 per TPS with one
chair, PPS 3 per desa/kelurahan, PPK 5 per kecamatan, Bawaslu's PTPS 1 per TPS, Linmas 2 per
TPS. KPPS 2024: 17-55 years old on polling day with a health certificate (kompas 2022-11-18,
DOMAIN.md); 2019 had no upper limit. For the other positions DOMAIN.md records no age limit
or certificate rule, so only the voting age (17) applies to them here: a configurable default,
not a finding.
"""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar

from siaga.problems import Problem, gettext_noop


class Position(StrEnum):
    KPPS = "KPPS"
    PPS = "PPS"
    PPK = "PPK"
    PTPS = "PTPS"
    LINMAS = "LINMAS"


class Unit(StrEnum):
    """Where a post is counted: at a TPS, a desa/kelurahan or a kecamatan."""

    TPS = "tps"
    DESA = "desa"
    KECAMATAN = "kecamatan"


@dataclass(frozen=True)
class PositionRule:
    position: Position
    unit: Unit
    per_unit: int
    chairs: int = 0  # exactly this many chairs per unit (0: not checked)
    min_age: int = 17
    max_age: int | None = None
    health_certificate: bool = False


@dataclass(frozen=True)
class Rules:
    """One election's rules for its ad hoc officers."""

    name: str
    positions: tuple[PositionRule, ...]

    def rule(self, position: str) -> PositionRule:
        return next(r for r in self.positions if r.position == position)

    @property
    def tps_positions(self) -> tuple[PositionRule, ...]:
        return tuple(r for r in self.positions if r.unit == Unit.TPS)


PEMILU_2024 = Rules("KPPS 2024 (PKPU 8/2022)", (
    PositionRule(Position.KPPS, Unit.TPS, 7, chairs=1, min_age=17, max_age=55,
                 health_certificate=True),
    PositionRule(Position.PTPS, Unit.TPS, 1),
    PositionRule(Position.LINMAS, Unit.TPS, 2),
    PositionRule(Position.PPS, Unit.DESA, 3),
    PositionRule(Position.PPK, Unit.KECAMATAN, 5),
))
PEMILU_2019 = Rules("KPPS 2019 (no upper age limit)", tuple(
    PositionRule(r.position, r.unit, r.per_unit, r.chairs, r.min_age, None, False)
    for r in PEMILU_2024.positions))

# Rules by election code; an election without its own entry gets DEFAULT_RULES.
RULES_BY_ELECTION: dict[str, Rules] = {"pemilu-2024": PEMILU_2024, "pilkada-2024": PEMILU_2024,
                                       "pemilu-2019": PEMILU_2019}
DEFAULT_RULES = PEMILU_2024


def rules_for(election_slug: str) -> Rules:
    """The rules of this election (the 2024 rules when it has none of its own)."""
    return RULES_BY_ELECTION.get(election_slug, DEFAULT_RULES)


class EligibilityProblem(Problem):
    messages: ClassVar[dict[str, str]] = {
        "too_young": gettext_noop("%(position)s must be at least %(min)s on polling day "
                                  "(age %(age)s)."),
        "too_old": gettext_noop("%(position)s may be at most %(max)s on polling day "
                                "(age %(age)s)."),
        "no_health_certificate": gettext_noop("%(position)s needs a health certificate."),
    }


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Whole years completed on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_problems(rule: PositionRule, birth_date: datetime.date,
                 polling_date: datetime.date) -> list[EligibilityProblem]:
    """The age limits of the position, checked on polling day."""
    age = age_on(birth_date, polling_date)
    params = {"position": rule.position.value, "age": age, "min": rule.min_age,
              "max": rule.max_age}
    if age < rule.min_age:
        return [EligibilityProblem("too_young", params)]
    if rule.max_age is not None and age > rule.max_age:
        return [EligibilityProblem("too_old", params)]
    return []


def check_officer(rules: Rules, *, position: str, birth_date: datetime.date,
                  has_health_certificate: bool,
                  polling_date: datetime.date) -> list[EligibilityProblem]:
    """Everything that makes this officer ineligible under the rules (empty: eligible)."""
    rule = rules.rule(position)
    problems = age_problems(rule, birth_date, polling_date)
    if rule.health_certificate and not has_health_certificate:
        problems.append(EligibilityProblem("no_health_certificate",
                                           {"position": rule.position.value}))
    return problems


@dataclass(frozen=True)
class Gap:
    """Posts missing at one unit (or a chair missing / doubled)."""

    position: Position
    unit_code: str
    required: int
    present: int
    chairs: int = 0
    chairs_required: int = 0

    @property
    def missing(self) -> int:
        return max(0, self.required - self.present)

    @property
    def surplus(self) -> int:
        return max(0, self.present - self.required)

    @property
    def chair_problem(self) -> bool:
        return bool(self.chairs_required) and self.chairs != self.chairs_required


@dataclass
class Units:
    """The units of an area: TPS codes, desa codes, kecamatan codes."""

    tps: list[str] = field(default_factory=list)
    desa: list[str] = field(default_factory=list)
    kecamatan: list[str] = field(default_factory=list)

    def of(self, unit: Unit) -> list[str]:
        return {Unit.TPS: self.tps, Unit.DESA: self.desa, Unit.KECAMATAN: self.kecamatan}[unit]


def requirements(rules: Rules, units: Units) -> dict[tuple[str, str], int]:
    """(position, unit code) → posts required."""
    return {(r.position.value, code): r.per_unit for r in rules.positions
            for code in units.of(r.unit)}


def completeness(rules: Rules, units: Units, present: Counter,
                 chairs: Counter | None = None) -> list[Gap]:
    """Every unit whose team is short, too large, or has not exactly its chairs.
    `present` counts officers by (position, unit code); `chairs` counts the chairs."""
    chairs = chairs or Counter()
    gaps = []
    for r in rules.positions:
        for code in units.of(r.unit):
            key = (r.position.value, code)
            gap = Gap(r.position, code, r.per_unit, present.get(key, 0), chairs.get(key, 0),
                      r.chairs)
            if gap.missing or gap.surplus or gap.chair_problem:
                gaps.append(gap)
    return gaps


def count_posts(rows: Iterable[tuple[str, str, bool]]) -> tuple[Counter, Counter]:
    """(position, unit code, is_chair) rows → (present, chairs) counters for completeness."""
    present, chairs = Counter(), Counter()
    for position, unit_code, is_chair in rows:
        present[(position, unit_code)] += 1
        if is_chair:
            chairs[(position, unit_code)] += 1
    return present, chairs
