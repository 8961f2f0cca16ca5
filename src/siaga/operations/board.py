"""The live board of polling day: per kecamatan (or desa) which TPS report and which went
silent, opened late, turnout, counting progress against the simulation's forecast, open
incidents by severity. `tally` is pure; `load` reads the database for it."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from siaga.operations.models import FieldReport, Incident
from siaga.operations.reports import minutes_of, polling_moment
from siaga.regions.models import TPS, Election, Level, Region

SILENT_MINUTES = 120  # no word from a TPS for two hours while it should be working
LATE_OPENING_MINUTES = 15  # opened more than 15 minutes after voting opens


@dataclass
class TPSState:
    code: str
    dpt: int
    last: int | None = None  # minutes after 00:00 of polling day of the latest report
    opened: int | None = None
    turnout: int | None = None
    closed: int | None = None
    finished: int | None = None  # all counting done
    contests_done: set = field(default_factory=set)
    forecast_end: float | None = None  # simulated mean counting end, minutes
    incidents: dict = field(default_factory=lambda: defaultdict(int))  # open, by severity


@dataclass
class Row:
    code: str
    name: str
    tps: int = 0
    reporting: int = 0
    silent: int = 0
    opened: int = 0
    opened_late: int = 0
    voters: int = 0
    dpt_reported: int = 0
    finished: int = 0
    forecast_finished: int = 0
    incidents: dict = field(default_factory=lambda: defaultdict(int))

    @property
    def turnout_pct(self) -> float | None:
        return 100 * self.voters / self.dpt_reported if self.dpt_reported else None


def is_silent(state: TPSState, as_of: int, opens: int) -> bool:
    """Should have said something (voting has been open half an hour) and has not for
    SILENT_MINUTES, unless counting is finished."""
    if state.finished is not None or as_of < opens + 30:
        return False
    last = state.last if state.last is not None else opens
    return as_of - last >= SILENT_MINUTES


def tally(states: list[TPSState], groups: dict[str, tuple[str, str]], as_of: int, opens: int
          ) -> tuple[list[Row], Row, list[TPSState]]:
    """Rows per group (`groups`: TPS code → (group code, name)), the total, and the silent TPS
    (longest silence first)."""
    rows: dict[str, Row] = {}
    total = Row("", "")
    silent = []
    for s in states:
        code, name = groups[s.code]
        row = rows.setdefault(code, Row(code, name))
        quiet = is_silent(s, as_of, opens)
        if quiet:
            silent.append(s)
        for r in (row, total):
            r.tps += 1
            r.reporting += s.last is not None
            r.silent += quiet
            r.opened += s.opened is not None
            r.opened_late += s.opened is not None and s.opened > opens + LATE_OPENING_MINUTES
            if s.turnout is not None:
                r.voters += s.turnout
                r.dpt_reported += s.dpt
            r.finished += s.finished is not None
            r.forecast_finished += s.forecast_end is not None and s.forecast_end <= as_of
            for severity, n in s.incidents.items():
                r.incidents[severity] += n
    silent.sort(key=lambda s: (s.last if s.last is not None else -1, s.code))
    return [rows[k] for k in sorted(rows)], total, silent


# --- the database side -------------------------------------------------------------------

def as_of_minutes(election: Election, tz: str, moment: datetime.datetime | None = None) -> int:
    """Now, in minutes after 00:00 of polling day, kept between H-1 and the legal limit."""
    minutes = minutes_of(election, tz, moment or timezone.now())
    return max(-24 * 60, min(minutes, (24 + election.counting_deadline_hours) * 60))


def forecast(election: Election, region: Region) -> tuple[dict[str, float], object]:
    """Mean simulated counting end per TPS (minutes) from the latest finished simulation run
    covering the region, and that run (None when there is none)."""
    from siaga.simulation.runs import latest_finished, results_of

    run = latest_finished(election, region)
    if run is None:
        return {}, None
    data = results_of(run)
    return {str(c): float(e) * 60 for c, e in zip(data["codes"], data["counting_end_mean"],
                                                   strict=True)}, run


def load(election: Election, region: Region, as_of: int
         ) -> tuple[list[Row], Row, list[TPSState], object, list[TPSState]]:
    tz = region.zoneinfo
    child = {Level.PROVINSI: Level.KABKOTA, Level.KABKOTA: Level.KECAMATAN}.get(region.level,
                                                                                 Level.DESA)
    names = dict(Region.objects.within(region).filter(level=child).values_list("code", "name"))
    width = {Level.KABKOTA: 5, Level.KECAMATAN: 8}.get(child, 13)
    states = {code: TPSState(code, men + women) for code, men, women in
              TPS.objects.filter(election=election, code__startswith=region.code)
              .values_list("code", "dpt_men", "dpt_women")}
    limit = polling_moment(election, tz, as_of)
    for code, kind, contest, at, count in (
            FieldReport.objects.filter(election=election, tps__code__startswith=region.code,
                                       at__lte=limit).order_by("at")
            .values_list("tps__code", "kind", "contest", "at", "count")):
        s = states[code]
        minute = minutes_of(election, tz, at)
        s.last = minute if s.last is None else max(s.last, minute)
        if kind == "BUKA":
            s.opened = minute if s.opened is None else min(s.opened, minute)
        elif kind == "HADIR":
            s.turnout = count
        elif kind == "TUTUP":
            s.closed = minute
        elif kind == "HITUNG_SELESAI":
            s.contests_done.add(contest)
        elif kind == "SUARA_SELESAI":
            s.finished = minute
    for code, severity, at in (Incident.objects.filter(
            election=election, tps__code__startswith=region.code, at__lte=limit)
            .exclude(status=Incident.Status.CLOSED).values_list("tps__code", "severity", "at")):
        states[code].incidents[severity] += 1
        minute = minutes_of(election, tz, at)
        states[code].last = max(states[code].last or minute, minute)
    ends, run = forecast(election, region)
    for code, end in ends.items():
        if code in states:
            states[code].forecast_end = end
    opens = election.voting_opens.hour * 60 + election.voting_opens.minute
    groups = {code: (code[:width], names.get(code[:width], code[:width])) for code in states}
    rows, total, silent = tally(list(states.values()), groups, as_of, opens)
    return rows, total, silent, run, sorted(states.values(), key=lambda s: s.code)

