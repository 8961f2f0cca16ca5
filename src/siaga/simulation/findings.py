"""What a planner reads from a simulation run: TPS at risk and why, per-kecamatan figures,
and the what-if of splitting large TPS. Pure: numpy only, no Django."""

from dataclasses import dataclass, replace

import numpy as np

from siaga.problems import gettext_noop
from siaga.simulation.params import Params, TPSInputs

REASONS = {
    "many_voters": gettext_noop("many voters (%(dpt)s on the DPT, regency median %(median)s)"),
    "voters_per_booth": gettext_noop("%(per_booth)s voters per booth"),
    "voters_per_desk": gettext_noop("%(per_desk)s voters per registration desk"),
    "long_queue": gettext_noop("queue of %(queue)s voters at its longest"),
    "late_close": gettext_noop("voting ends at %(close)s: counting starts late"),
    "long_duty": gettext_noop("KPPS on duty %(hours)s hours"),
}

# Thresholds for naming a cause; each is a plain planning rule of thumb, not a law.
MANY_VOTERS_FACTOR = 1.25  # this much above the median DPT of the run
VOTERS_PER_BOOTH = 60
VOTERS_PER_DESK = 220
LONG_QUEUE = 25
LATE_CLOSE = 13.5  # 13:30
LONG_DUTY_HOURS = 20.0


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict

    def render(self, translate=gettext_noop) -> str:
        return translate(REASONS[self.code]) % self.params


def clock(hours: float) -> str:
    """36.25 -> '12.15 (+1)': polling-day clock, '+1' for the next day."""
    minutes = int(round(hours * 60))
    day, minutes = divmod(minutes, 24 * 60)
    text = f"{minutes // 60:02d}.{minutes % 60:02d}"
    return text + (f" (+{day})" if day else "")


def risk_reasons(*, dpt: np.ndarray, booths: np.ndarray, desks: np.ndarray,
                 voting_close: np.ndarray, longest_queue: np.ndarray,
                 duty_hours: np.ndarray) -> list[list[Reason]]:
    """For every TPS, the causes a planner can act on, most important first."""
    median = float(np.median(dpt)) if len(dpt) else 0.0
    reasons: list[list[Reason]] = []
    for i in range(len(dpt)):
        found = []
        if median and dpt[i] > MANY_VOTERS_FACTOR * median:
            found.append(Reason("many_voters", {"dpt": int(dpt[i]), "median": int(median)}))
        if dpt[i] / booths[i] > VOTERS_PER_BOOTH:
            found.append(Reason("voters_per_booth", {"per_booth": int(dpt[i] // booths[i])}))
        if dpt[i] / desks[i] > VOTERS_PER_DESK:
            found.append(Reason("voters_per_desk", {"per_desk": int(dpt[i] // desks[i])}))
        if longest_queue[i] > LONG_QUEUE:
            found.append(Reason("long_queue", {"queue": int(round(longest_queue[i]))}))
        if voting_close[i] > LATE_CLOSE:
            found.append(Reason("late_close", {"close": clock(float(voting_close[i]))}))
        if duty_hours[i] > LONG_DUTY_HOURS:
            found.append(Reason("long_duty", {"hours": f"{duty_hours[i]:.1f}"}))
        reasons.append(found)
    return reasons


def split_large(tps: TPSInputs, above: int) -> tuple[TPSInputs, np.ndarray]:
    """What-if: every TPS with more than `above` voters on the DPT becomes two TPS.

    Returns the new inputs and, for each new entry, the index of the TPS it came from, so that
    results can be folded back (a split TPS finishes when its later half finishes).
    """
    keys = tps.key if tps.key is not None else np.arange(len(tps), dtype=np.uint64)
    origin = []
    fields = {name: [] for name in tps.__dataclass_fields__ if getattr(tps, name) is not None}
    fields["key"] = []
    for i in range(len(tps)):
        halves = [i, i] if tps.dpt[i] > above else [i]
        for half, _ in enumerate(halves):
            origin.append(i)
            for name in fields:
                if name == "key":
                    fields[name].append(keys[i] ^ np.uint64(0x5B117 * half))
                elif name in ("dpt", "dptb") and len(halves) == 2:
                    value = int(getattr(tps, name)[i])
                    fields[name].append(value // 2 if half == 0 else value - value // 2)
                elif name == "dpk" and len(halves) == 2:
                    fields[name].append(float(tps.dpk[i]) / 2)
                else:
                    fields[name].append(getattr(tps, name)[i])
    return TPSInputs(**{name: np.asarray(values) for name, values in fields.items()}), np.asarray(
        origin, dtype=np.int64)


def with_relief_shift(duty_hours: np.ndarray, duty_start: float, relief_at: float) -> np.ndarray:
    """Hours on duty per KPPS member when a second team takes over at `relief_at` (clock
    hours): the first team works until then, the second from then to the end."""
    end = duty_start + duty_hours
    first = np.clip(relief_at, duty_start, end) - duty_start
    second = end - np.clip(relief_at, duty_start, end)
    return np.maximum(first, second)


def fold_split(values: np.ndarray, origin: np.ndarray, count: int, how=np.maximum) -> np.ndarray:
    """Per original TPS, the later (or larger) of its halves: values shaped (entries, ...)."""
    out = np.full((count,) + values.shape[1:], -np.inf)
    how.at(out, origin, values)
    return out


# A TPS is likely to count past midnight at this probability, and at risk of passing the
# legal deadline at this (lower: missing it has legal consequences).
LIKELY_AFTER_MIDNIGHT = 0.5
RISK_AFTER_DEADLINE = 0.05


@dataclass(frozen=True)
class GroupFigures:
    key: str
    tps: int
    end_median: float
    end_p90: float
    after_midnight: int  # TPS whose counting ends after midnight in at least half the runs
    after_deadline: int  # ... after the legal deadline in at least 5% of the runs


def group_figures(keys: list[str], end_mean: np.ndarray, p_midnight: np.ndarray,
                  p_deadline: np.ndarray) -> list[GroupFigures]:
    """Per group (kecamatan): TPS, median and 90th percentile of the mean finish, TPS at risk."""
    keys_array = np.asarray(keys)
    figures = []
    for key in dict.fromkeys(keys):
        mask = keys_array == key
        figures.append(GroupFigures(
            key=key, tps=int(mask.sum()),
            end_median=float(np.median(end_mean[mask])),
            end_p90=float(np.percentile(end_mean[mask], 90)),
            after_midnight=int((p_midnight[mask] >= LIKELY_AFTER_MIDNIGHT).sum()),
            after_deadline=int((p_deadline[mask] >= RISK_AFTER_DEADLINE).sum()),
        ))
    return figures


def at_risk(p_midnight: np.ndarray, p_deadline: np.ndarray) -> np.ndarray:
    """Indices of TPS at risk, worst first: deadline risk, then midnight risk."""
    risky = np.flatnonzero((p_midnight >= LIKELY_AFTER_MIDNIGHT)
                           | (p_deadline >= RISK_AFTER_DEADLINE))
    order = np.lexsort((-p_midnight[risky], -p_deadline[risky]))
    return risky[order]


def default_params(max_voters: int) -> Params:
    """The documented defaults with the election's maximum voters per TPS."""
    params = Params()
    return replace(params, voting=replace(params.voting, max_voters=max_voters))

