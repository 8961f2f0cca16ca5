"""Fit the model's speed to finish times reported on polling day (pure: numpy, no Django).

Field reports give, per TPS, when voting closed and when counting finished. Two factors are
fitted, each by a bounded one-dimensional search with common random numbers (the same seed at
every trial, so the objective is smooth in the factor):

- `voting_factor` scales every service time of voting (desk, booth, box and ink), fitted to
  the reported voting close times where they are given;
- `counting_factor` scales every counting task (per ballot, per option, C.Hasil plano, copies,
  upload), fitted to the reported counting end times with the voting factor already applied.

The result is a new Params; everything else (arrivals, breaks, deadlines) stays as it was.
"""

import math
from dataclasses import dataclass, replace

import numpy as np

from siaga.simulation.engine import simulate
from siaga.simulation.params import Params, ServiceTime, TPSInputs

FACTOR_RANGE = (0.25, 4.0)


@dataclass(frozen=True)
class Calibration:
    params: Params
    voting_factor: float
    counting_factor: float
    rmse_before_minutes: float  # counting end, simulated mean vs observed
    rmse_after_minutes: float


def scale_voting(params: Params, factor: float) -> Params:
    v = params.voting

    def scaled(s: ServiceTime) -> ServiceTime:
        return replace(s, mean_minutes=s.mean_minutes * factor)

    return replace(params, voting=replace(
        v, desk=scaled(v.desk), desk_unlisted=scaled(v.desk_unlisted), booth=scaled(v.booth),
        booth_slow=scaled(v.booth_slow), box_and_ink=scaled(v.box_and_ink)))


def scale_counting(params: Params, factor: float) -> Params:
    c = params.counting
    contests = tuple(replace(
        k, seconds_per_ballot=k.seconds_per_ballot * factor,
        seconds_per_option=k.seconds_per_option * factor, plano_minutes=k.plano_minutes * factor,
        copy_minutes=k.copy_minutes * factor, upload_minutes=k.upload_minutes * factor,
    ) for k in c.contests)
    return replace(params, counting=replace(c, contests=contests,
                                            open_minutes=c.open_minutes * factor))


def _golden_search(loss, low: float, high: float, iterations: int = 24) -> float:
    """Minimum of a unimodal loss over log(factor) in [low, high]."""
    a, b = math.log(low), math.log(high)
    ratio = (math.sqrt(5) - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = loss(math.exp(c)), loss(math.exp(d))
    for _ in range(iterations):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = loss(math.exp(c))
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = loss(math.exp(d))
    return math.exp((a + b) / 2)


def _rmse(simulated: np.ndarray, observed: np.ndarray) -> float:
    mask = np.isfinite(observed)
    return float(np.sqrt(np.mean((simulated[mask] - observed[mask]) ** 2))) * 60


def calibrate(tps: TPSInputs, *, counting_end: np.ndarray, voting_close: np.ndarray | None = None,
              params: Params | None = None, replications: int = 20, seed: int = 0) -> Calibration:
    """Fit the voting and counting speed to observed times (hours after midnight of polling
    day, NaN where a TPS did not report). `tps` are the reporting TPS, in the same order."""
    params = params or Params()
    counting_end = np.asarray(counting_end, dtype=float)
    if len(counting_end) != len(tps) or not np.isfinite(counting_end).any():
        raise ValueError("one counting end per TPS is needed, at least one of them reported")

    def mean_of(p: Params, field: str) -> np.ndarray:
        return getattr(simulate(tps, p, replications, seed), field).mean(axis=1)

    voting_factor = 1.0
    if voting_close is not None and np.isfinite(np.asarray(voting_close, dtype=float)).any():
        observed_close = np.asarray(voting_close, dtype=float)
        voting_factor = _golden_search(
            lambda f: _rmse(mean_of(scale_voting(params, f), "voting_close"), observed_close),
            *FACTOR_RANGE)
    voted = scale_voting(params, voting_factor)
    counting_factor = _golden_search(
        lambda f: _rmse(mean_of(scale_counting(voted, f), "counting_end"), counting_end),
        *FACTOR_RANGE)
    fitted = scale_counting(voted, counting_factor)
    return Calibration(
        params=fitted, voting_factor=voting_factor, counting_factor=counting_factor,
        rmse_before_minutes=_rmse(mean_of(params, "counting_end"), counting_end),
        rmse_after_minutes=_rmse(mean_of(fitted, "counting_end"), counting_end),
    )
