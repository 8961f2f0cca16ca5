"""Parameters of the voting-and-counting model of one TPS, with their defaults and sources.

Pure: no Django. Every number here is a configurable default, never a constant of the law of
nature. Each default says where it comes from: a figure in shared/DOMAIN.md, or an assumption
(stated as such) that calibration against reported finish times should replace.

Clock times are hours after midnight at the start of polling day in the TPS's own time zone:
13.0 is 13:00, 24.0 is midnight, 36.0 is 12:00 the next day.
"""

from dataclasses import dataclass, field

import numpy as np

# Contests of the 2024 general election in the legal order of counting (DOMAIN.md: five ballots
# per voter; four in DKI Jakarta, which has no DPRD Kab/Kota).
CONTESTS = ("PPWP", "DPR", "DPD", "DPRD_PROV", "DPRD_KAB")


@dataclass(frozen=True)
class ServiceTime:
    """A gamma-distributed duration given by its mean (minutes) and coefficient of variation.

    cv = 0 makes it fixed, cv = 1 exponential; above 1 it is more spread than exponential.
    """

    mean_minutes: float
    cv: float = 0.5


@dataclass(frozen=True)
class VotingParams:
    # DOMAIN.md: voting 07:00-13:00 local time.
    opens_at: float = 7.0
    closes_at: float = 13.0
    # Share of DPT arrivals in each equal slice of the voting hours (here: each hour from 07:00).
    # Assumption: a morning peak, as the issue and field reports describe; no published
    # hourly counts were found. Calibrate from polling-day field reports.
    arrival_profile: tuple[float, ...] = (0.24, 0.22, 0.18, 0.14, 0.12, 0.10)
    # Share of DPT who come. DOMAIN.md: 164,227,475 valid presidential votes over a DPT of
    # 204,807,222 is 80.2%, a floor (invalid ballots are not in it); 82% assumed.
    turnout: float = 0.82
    # DOMAIN.md: DPTb are served in the last two hours.
    dptb_from: float = 11.0
    # Assumption: 90% of moved-in voters who asked for the move come to vote.
    dptb_turnout: float = 0.9
    # DOMAIN.md: DPK (ID card only) vote from 12:00 while ballots last.
    dpk_from: float = 12.0
    # DOMAIN.md: ballots per TPS = DPT + 2% reserve (per ballot type).
    ballot_reserve: float = 0.02
    # DOMAIN.md: at most 300 voters per TPS in Pemilu 2024 (Pilkada 2024: 600).
    max_voters: int = 300
    # Assumption: share of voters who need much longer in the booth (elderly, disabled,
    # assisted). DOMAIN.md gives the time for disabled voters but not their share.
    slow_share: float = 0.10
    # Assumption: the KPPS at the desk checks the notice and ID card, finds the name in the
    # list and hands over five ballots.
    desk: ServiceTime = ServiceTime(1.0, 0.5)
    # Assumption: DPTb and DPK take twice as long at the desk (A-form or ID card checked against
    # the rules and written into the additional list).
    desk_unlisted: ServiceTime = ServiceTime(2.0, 0.5)
    # DOMAIN.md (Jembrana 2024): 3-5 minutes per voter; 4 in the booth for five ballots.
    booth: ServiceTime = ServiceTime(4.0, 0.5)
    # DOMAIN.md (2017 simulation): 9-11 minutes for disabled voters.
    booth_slow: ServiceTime = ServiceTime(10.0, 0.3)
    # Assumption: dropping five ballots in five boxes and dipping a finger in ink, one KPPS
    # member at the ink (DOMAIN.md: 5 boxes, 2 bottles of ink per TPS).
    box_and_ink: ServiceTime = ServiceTime(0.5, 0.5)
    ink_stations: int = 1
    # Defaults per TPS when the TPS data does not say (DOMAIN.md: 4 voting booths per TPS).
    desks: int = 1  # assumption: one registration desk
    booths: int = 4


@dataclass(frozen=True)
class ContestParams:
    """Counting one contest: ballots read out and tallied, then C.Hasil, copies and upload."""

    name: str
    # Per ballot: open it, show it to witnesses, read the choice aloud, tally it on the C.Hasil
    # plano. Time = seconds_per_ballot + seconds_per_option * options on the ballot.
    seconds_per_ballot: float
    seconds_per_option: float
    options: int  # parties / candidates / pairs, when the TPS data does not say
    plano_minutes: float  # adding up, checking and signing the C.Hasil plano
    copy_minutes: float  # writing one C.Hasil Salinan by hand
    upload_minutes: float  # photographing the plano and uploading it (Sirekap)


# Calibrated together so that the five contests take ~10 h of work at a TPS of 250 DPT with
# default turnout, about 2 h per ballot type on average (DOMAIN.md: KPU simulations in Kudus
# and Cirebon, 2024); the split between contests is an assumption: the president ballot has
# three pairs, the legislative ballots 18 national parties with their candidates.
# docs/simulation.md shows how close the defaults come.
DEFAULT_CONTESTS = (
    ContestParams("PPWP", 9.0, 1.0, 3, plano_minutes=10.0, copy_minutes=4.0, upload_minutes=5.0),
    ContestParams("DPR", 16.0, 0.5, 18, plano_minutes=20.0, copy_minutes=10.0, upload_minutes=5.0),
    ContestParams("DPD", 10.0, 0.5, 20, plano_minutes=15.0, copy_minutes=6.0, upload_minutes=5.0),
    ContestParams(
        "DPRD_PROV", 16.0, 0.5, 18, plano_minutes=20.0, copy_minutes=10.0, upload_minutes=5.0
    ),
    ContestParams(
        "DPRD_KAB", 16.0, 0.5, 18, plano_minutes=20.0, copy_minutes=10.0, upload_minutes=5.0
    ),
)


@dataclass(frozen=True)
class CountingParams:
    contests: tuple[ContestParams, ...] = DEFAULT_CONTESTS
    # Assumption: opening each contest's box, counting used, unused and damaged ballots and
    # matching them with the attendance list before reading any ballot.
    open_minutes: float = 10.0
    # Assumption: variation from ballot to ballot (most are quick, some are argued over).
    ballot_cv: float = 0.5
    # Assumption: one TPS's team is faster or slower than another on every task (experience,
    # fatigue, witnesses who object); this factor, shared by all tasks, drives most of the
    # spread of finish times.
    team_speed_cv: float = 0.2
    # Assumption: copies of C.Hasil Salinan written per contest (witnesses present, the PTPS
    # and one for display), shared among KPPS members who write in parallel.
    witness_copies: int = 8
    copy_writers: int = 4
    # Breaks as (clock time, minutes): counting stops for each when it is running at that
    # time, or takes it at its start when it starts later. Assumption: a rest, prayer and meal
    # break after voting closes, and a Maghrib and dinner break at 18:00.
    breaks: tuple[tuple[float, float], ...] = ((13.0, 60.0), (18.0, 30.0))
    # Assumption: the KPPS gather at 06:00 to set up the TPS before the 07:00 opening.
    duty_start: float = 6.0
    # Assumption: after counting, boxes are packed, sealed and taken to the PPS.
    handover_minutes: float = 120.0
    # DOMAIN.md: MK 20/PUU-XVII/2019 lets counting run at most 12 h past midnight.
    legal_deadline: float = 36.0


@dataclass(frozen=True)
class Params:
    """All parameters of the model; the defaults are the documented ones."""

    voting: VotingParams = field(default_factory=VotingParams)
    counting: CountingParams = field(default_factory=CountingParams)


def check_params(params: Params) -> list[str]:
    """Problems with the parameters, as sentences; an empty list means they can be run."""
    problems: list[str] = []
    v, c = params.voting, params.counting

    def nonnegative(name: str, value: float) -> None:
        if not (value >= 0):  # also catches NaN
            problems.append(f"{name} must not be negative (got {value})")

    def service(name: str, s: ServiceTime) -> None:
        nonnegative(f"{name} mean time", s.mean_minutes)
        if not (0 <= s.cv <= 2):
            problems.append(f"{name} coefficient of variation must be within 0..2 (got {s.cv})")

    if not (0 <= v.opens_at < v.closes_at <= 24):
        problems.append(
            f"voting must open before it closes, within the day (got {v.opens_at}-{v.closes_at})"
        )
    if not v.arrival_profile or any(not (w >= 0) for w in v.arrival_profile) or not (
        sum(v.arrival_profile) > 0
    ):
        problems.append("the arrival profile needs non-negative shares with a positive sum")
    for name, share in (
        ("turnout", v.turnout),
        ("DPTb turnout", v.dptb_turnout),
        ("share of slow voters", v.slow_share),
    ):
        if not (0 <= share <= 1):
            problems.append(f"{name} must be within 0..1 (got {share})")
    for name, start in (("DPTb", v.dptb_from), ("DPK", v.dpk_from)):
        if not (v.opens_at <= start < v.closes_at):
            problems.append(f"{name} voting must start within the voting hours (got {start})")
    nonnegative("ballot reserve", v.ballot_reserve)
    if v.max_voters < 1:
        problems.append(f"the maximum of voters per TPS must be at least 1 (got {v.max_voters})")
    for name, s in (
        ("desk", v.desk),
        ("desk for DPTb and DPK", v.desk_unlisted),
        ("booth", v.booth),
        ("booth for slow voters", v.booth_slow),
        ("ballot box and ink", v.box_and_ink),
    ):
        service(name, s)
    for name, count in (("ink stations", v.ink_stations), ("desks", v.desks), ("booths", v.booths)):
        if count < 1:
            problems.append(f"{name} must be at least 1 (got {count})")

    if not c.contests:
        problems.append("at least one contest must be counted")
    for k in c.contests:
        for name in (
            "seconds_per_ballot",
            "seconds_per_option",
            "options",
            "plano_minutes",
            "copy_minutes",
            "upload_minutes",
        ):
            nonnegative(f"{k.name} {name.replace('_', ' ')}", getattr(k, name))
    nonnegative("opening minutes", c.open_minutes)
    for name, cv in (("ballot", c.ballot_cv), ("team speed", c.team_speed_cv)):
        if not (0 <= cv <= 2):
            problems.append(f"{name} coefficient of variation must be within 0..2 (got {cv})")
    nonnegative("witness copies", c.witness_copies)
    if c.copy_writers < 1:
        problems.append(f"copy writers must be at least 1 (got {c.copy_writers})")
    for at, minutes in c.breaks:
        nonnegative(f"break at {at}", minutes)
    nonnegative("handover minutes", c.handover_minutes)
    if not (c.duty_start <= v.opens_at):
        problems.append("the KPPS must be on duty by the time voting opens")
    return problems


@dataclass(frozen=True)
class TPSInputs:
    """What differs from one TPS to the next, one array entry per TPS.

    Only `dpt` is required; every other array may be left out (None) and then takes the
    default from the parameters (or zero, for DPTb and DPK). Array-likes are accepted and
    turned into numpy arrays of the right type.
    """

    dpt: np.ndarray  # voters on the DPT of this TPS
    dptb: np.ndarray | None = None  # moved-in voters registered here
    dpk: np.ndarray | None = None  # expected ID-card-only voters (mean of a Poisson count)
    turnout: np.ndarray | None = None  # share of the DPT who come
    desks: np.ndarray | None = None
    booths: np.ndarray | None = None
    # (TPS, contest) booleans: contests held here, in the order of CountingParams.contests
    # (DKI Jakarta has no DPRD Kab/Kota).
    contests: np.ndarray | None = None
    # (TPS, contest) parties / candidates on each ballot, where they differ by dapil.
    options: np.ndarray | None = None
    witness_copies: np.ndarray | None = None
    # Key of each TPS's random stream. Results for a TPS depend on its key, not on its
    # position, so a what-if on one TPS replays the same voters; default: the position.
    key: np.ndarray | None = None

    def __post_init__(self) -> None:
        types = {
            "dpt": np.int64,
            "dptb": np.int64,
            "dpk": np.float64,
            "turnout": np.float64,
            "desks": np.int64,
            "booths": np.int64,
            "contests": np.bool_,
            "options": np.float64,
            "witness_copies": np.float64,
            "key": np.uint64,
        }
        for name, dtype in types.items():
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, np.atleast_1d(np.asarray(value, dtype=dtype)))

    def __len__(self) -> int:
        return len(self.dpt)

    def take(self, indices) -> "TPSInputs":
        """The same inputs restricted to some TPS (their stream keys go with them)."""
        indices = np.asarray(indices)
        keys = self.key if self.key is not None else np.arange(len(self), dtype=np.uint64)
        picked = {
            name: (None if getattr(self, name) is None else getattr(self, name)[indices])
            for name in self.__dataclass_fields__
            if name != "key"
        }
        return TPSInputs(**picked, key=keys[indices])


class SimulationInputError(ValueError):
    """Raised instead of running when parameters or TPS inputs are not valid."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _where(mask: np.ndarray) -> str:
    positions = np.flatnonzero(mask)
    shown = ", ".join(f"#{p}" for p in positions[:5])
    more = f" and {len(positions) - 5} more" if len(positions) > 5 else ""
    return f"TPS {shown}{more}"


def check_inputs(tps: TPSInputs, params: Params) -> list[str]:
    """Problems with the parameters and the TPS inputs, as sentences (TPS by position)."""
    problems = check_params(params)
    m = len(tps.dpt)
    k = len(params.counting.contests)
    if tps.dpt.ndim != 1:
        return problems + ["dpt must be a one-dimensional array, one entry per TPS"]
    shapes: list[str] = []
    for name in ("dptb", "dpk", "turnout", "desks", "booths", "witness_copies", "key"):
        value = getattr(tps, name)
        if value is not None and value.shape != (m,):
            shapes.append(f"{name} must have one entry per TPS ({m}), got shape {value.shape}")
    for name in ("contests", "options"):
        value = getattr(tps, name)
        if value is not None and value.shape != (m, k):
            shapes.append(f"{name} must have shape (TPS, contests) = ({m}, {k}), got {value.shape}")
    if shapes:
        # Values cannot be checked against arrays of the wrong shape.
        return problems + shapes

    def flag(mask: np.ndarray, sentence: str) -> None:
        if mask.any():
            problems.append(f"{sentence}: {_where(mask)}")

    flag(tps.dpt < 0, "DPT must not be negative")
    flag(
        tps.dpt > params.voting.max_voters,
        f"DPT above the maximum of {params.voting.max_voters} voters per TPS (split the TPS)",
    )
    if tps.dptb is not None:
        flag(tps.dptb < 0, "DPTb must not be negative")
    if tps.dpk is not None:
        flag(~(tps.dpk >= 0), "expected DPK must not be negative")
    if tps.turnout is not None:
        flag(~((tps.turnout >= 0) & (tps.turnout <= 1)), "turnout must be within 0..1")
    if tps.desks is not None:
        flag(tps.desks < 1, "a TPS needs at least one registration desk")
    if tps.booths is not None:
        flag(tps.booths < 1, "a TPS needs at least one voting booth")
    if tps.options is not None:
        flag(~(tps.options >= 0).all(axis=1), "options on a ballot must not be negative")
    if tps.witness_copies is not None:
        flag(~(tps.witness_copies >= 0), "witness copies must not be negative")
    return problems
