"""TPS where the officers are most at risk (pure: no Django).

Polling day is 20-22 hours of work for a KPPS (UGM 2019, DOMAIN.md) and the risk factors are
age, illness and too little sleep (FKUI). A TPS is listed when the simulation puts its counting
end late (likely past midnight) AND its KPPS team is older or lacks health certificates; the
list says why and what to do: a relief shift, medical standby.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from siaga.problems import Problem, gettext_noop


@dataclass(frozen=True)
class Thresholds:
    """When a counting end is late and a team older: configurable defaults, not findings."""

    p_after_midnight: float = 0.5  # the simulation's own "likely past midnight"
    late_end_hour: float = 24.0  # or a mean counting end at or after midnight
    older_age: int = 50  # FKUI names age as a risk factor; KPPS 2024 may be up to 55
    older_count: int = 3  # this many KPPS above older_age
    older_mean_age: float = 45.0  # or a team this old on average


@dataclass(frozen=True)
class Team:
    """A TPS's KPPS team as the risk list needs it."""

    ages: tuple[int, ...]
    without_certificate: int
    missing: int = 0


@dataclass(frozen=True)
class Finish:
    counting_end_mean: float  # polling-day hours (25.5 = 01.30 the next day)
    p_after_midnight: float


class Reason(Problem):
    messages: ClassVar[dict[str, str]] = {
        "late": gettext_noop("counting likely ends after midnight (%(p)s%% of runs; mean end "
                             "%(end)s)"),
        "older": gettext_noop("%(n)s of %(size)s KPPS older than %(age)s"),
        "older_mean": gettext_noop("KPPS mean age %(mean)s"),
        "no_certificate": gettext_noop("%(n)s KPPS without a health certificate"),
        "short": gettext_noop("%(n)s KPPS post(s) empty"),
    }


ACTIONS = {
    "relief": gettext_noop("relief shift for the counting"),
    "medical": gettext_noop("medical standby (puskesmas on call)"),
}


@dataclass(frozen=True)
class Flag:
    code: str
    finish: Finish
    team: Team
    reasons: tuple[Reason, ...]
    actions: tuple[str, ...]

    @property
    def mean_age(self) -> float:
        return sum(self.team.ages) / len(self.team.ages) if self.team.ages else 0.0


def clock(hours: float) -> str:
    """25.5 -> '01.30 (+1)'."""
    minutes = round(hours * 60)
    day, minutes = divmod(minutes, 24 * 60)
    return f"{minutes // 60:02d}.{minutes % 60:02d}" + (f" (+{day})" if day else "")


def flag_teams(teams: Mapping[str, Team], finishes: Mapping[str, Finish],
               thresholds: Thresholds | None = None) -> list[Flag]:
    """TPS with a late counting end and an older or uncertified team, worst first."""
    thresholds = thresholds or Thresholds()
    flags = []
    for code, finish in finishes.items():
        late = (finish.p_after_midnight >= thresholds.p_after_midnight
                or finish.counting_end_mean >= thresholds.late_end_hour)
        team = teams.get(code)
        if not late or team is None:
            continue
        older = sum(age > thresholds.older_age for age in team.ages)
        mean = sum(team.ages) / len(team.ages) if team.ages else 0.0
        is_older = older >= thresholds.older_count or mean >= thresholds.older_mean_age
        if not (is_older or team.without_certificate):
            continue
        reasons = [Reason("late", {"p": round(100 * finish.p_after_midnight),
                                   "end": clock(finish.counting_end_mean)})]
        if older >= thresholds.older_count:
            reasons.append(Reason("older", {"n": older, "size": len(team.ages),
                                            "age": thresholds.older_age}))
        if mean >= thresholds.older_mean_age:
            reasons.append(Reason("older_mean", {"mean": round(mean, 1)}))
        if team.without_certificate:
            reasons.append(Reason("no_certificate", {"n": team.without_certificate}))
        if team.missing:
            reasons.append(Reason("short", {"n": team.missing}))
        actions = []
        if is_older or team.missing:
            actions.append("relief")
        if is_older or team.without_certificate:
            actions.append("medical")
        flags.append(Flag(code, finish, team, tuple(reasons), tuple(actions)))
    flags.sort(key=lambda f: (-f.finish.p_after_midnight, -f.finish.counting_end_mean,
                              -f.mean_age, f.code))
    return flags
