"""The voting-and-counting model written plainly in SimPy, one TPS at a time.

Pure: no Django. This is the yardstick for `simulation/engine.py`: the same model, written
the obvious way, with its own random draws (numpy's generator, exact gamma variates, arrival
times drawn one by one and sorted). Tests hold the two engines to the same distributions;
the benchmark compares their speed. It is thousands of times slower: use it for checking,
never for planning runs.
"""

import math

import numpy as np
import simpy

from siaga.simulation.engine import Results, checked_inputs
from siaga.simulation.params import (
    Params,
    ServiceTime,
    TPSInputs,
)


def _duration_hours(rng: np.random.Generator, service: ServiceTime) -> float:
    """A gamma duration with the given mean (minutes) and cv, in hours."""
    if service.cv == 0 or service.mean_minutes == 0:
        return service.mean_minutes / 60.0
    shape = 1.0 / service.cv**2
    return rng.gamma(shape, service.mean_minutes / shape) / 60.0


def _arrival_times(rng: np.random.Generator, count: int, start: float, end: float,
                   profile) -> np.ndarray:
    """`count` arrival times, sorted, with the given shares over equal slices of start..end."""
    shares = np.asarray(profile, dtype=float)
    shares = shares / shares.sum()
    width = (end - start) / len(shares)
    slices = rng.choice(len(shares), size=count, p=shares)
    return np.sort(start + (slices + rng.random(count)) * width)


class PollingStation:
    """One TPS on polling day: three stages of servers and what is recorded about them."""

    def __init__(self, env: simpy.Environment, desks: int, booths: int, inks: int):
        self.env = env
        self.desk = simpy.Resource(env, capacity=desks)
        self.booth = simpy.Resource(env, capacity=booths)
        self.ink = simpy.Resource(env, capacity=inks)
        self.waits: list[float] = []
        self.longest_queue = 0
        self.last_departure = -math.inf

    def voter(self, desk_time: float, booth_time: float, ink_time: float):
        """A voter goes to the desk, then a booth, then the boxes and the ink."""
        waited = 0.0
        for stage, duration in (
            (self.desk, desk_time),
            (self.booth, booth_time),
            (self.ink, ink_time),
        ):
            with stage.request() as turn:
                # The request is queued (or granted) at once: the queue now holds those
                # waiting, this voter included if no server is free.
                self.longest_queue = max(self.longest_queue, len(stage.queue))
                joined = self.env.now
                yield turn
                waited += self.env.now - joined
                yield self.env.timeout(duration)
        self.waits.append(waited)
        self.last_departure = max(self.last_departure, self.env.now)
        return waited


def _voter_comes(env, station, at, kind, rng, voting):
    yield env.timeout(at - env.now)
    desk = voting.desk if kind == "DPT" else voting.desk_unlisted
    booth = voting.booth_slow if rng.random() < voting.slow_share else voting.booth
    yield env.process(
        station.voter(
            _duration_hours(rng, desk),
            _duration_hours(rng, booth),
            _duration_hours(rng, voting.box_and_ink),
        )
    )


def _dpk_comes(env, station, at, spare_ballots, turned_away, rng, voting):
    """A DPK voter votes only if a ballot is left over for them (DOMAIN.md)."""
    yield env.timeout(at - env.now)
    if spare_ballots.level < 1:
        turned_away.append(at)
        return
    yield spare_ballots.get(1)
    yield env.process(_voter_comes(env, station, env.now, "DPK", rng, voting))


def _counting_team(env, tasks: list[float], done: dict):
    """Work through the tasks in order; a break (an interrupt) pauses the task in hand."""
    for duration in tasks:
        remaining = duration
        while remaining > 0:
            began = env.now
            try:
                yield env.timeout(remaining)
                remaining = 0.0
            except simpy.Interrupt as bell:
                remaining -= env.now - began
                yield env.timeout(bell.cause)
    done["end"] = env.now


def _break_bell(env, team, breaks):
    """Ring each break at its time, or at once if counting started after it; one at a time."""
    for at, minutes in sorted(breaks):
        yield env.timeout(max(0.0, at - env.now))
        if not team.is_alive:
            return
        team.interrupt(minutes / 60.0)
        yield env.timeout(minutes / 60.0)


def polling_day(row: dict, params: Params, rng: np.random.Generator) -> dict:
    """Simulate one TPS once. `row` holds this TPS's resolved inputs (see resolve_inputs)."""
    v, c = params.voting, params.counting
    env = simpy.Environment(initial_time=v.opens_at)
    station = PollingStation(env, int(row["desks"]), int(row["booths"]), v.ink_stations)

    n_dpt = rng.binomial(int(row["dpt"]), float(row["turnout"]))
    n_dptb = rng.binomial(int(row["dptb"]), v.dptb_turnout)
    n_dpk = rng.poisson(float(row["dpk"]))
    spare = max(0, int(row["ballots"]) - n_dpt - n_dptb)
    spare_ballots = simpy.Container(env, capacity=max(spare, 1), init=spare)
    turned_away: list[float] = []

    for at in _arrival_times(rng, n_dpt, v.opens_at, v.closes_at, v.arrival_profile):
        env.process(_voter_comes(env, station, at, "DPT", rng, v))
    for at in _arrival_times(rng, n_dptb, v.dptb_from, v.closes_at, [1.0]):
        env.process(_voter_comes(env, station, at, "DPTb", rng, v))
    for at in _arrival_times(rng, n_dpk, v.dpk_from, v.closes_at, [1.0]):
        env.process(_dpk_comes(env, station, at, spare_ballots, turned_away, rng, v))

    # The queue closes at 13:00, but everyone who came before votes.
    env.run()
    voting_close = max(v.closes_at, station.last_departure)

    voters = len(station.waits)
    team_factor = 1.0
    if c.team_speed_cv > 0:
        shape = 1.0 / c.team_speed_cv**2
        team_factor = rng.gamma(shape, 1.0 / shape)
    tasks = []
    for k, contest in enumerate(c.contests):
        if not row["contests"][k]:
            continue
        per_ballot = contest.seconds_per_ballot + contest.seconds_per_option * row["options"][k]
        if c.ballot_cv > 0 and per_ballot > 0:
            shape = 1.0 / c.ballot_cv**2
            reading = rng.gamma(shape, per_ballot / shape, size=voters).sum()
        else:
            reading = voters * per_ballot
        copies = row["copies"] * contest.copy_minutes / c.copy_writers
        minutes = c.open_minutes + reading / 60.0 + contest.plano_minutes + copies
        minutes += contest.upload_minutes
        tasks.append(team_factor * minutes / 60.0)

    counting = simpy.Environment(initial_time=voting_close)
    done: dict = {}
    team = counting.process(_counting_team(counting, tasks, done))
    counting.process(_break_bell(counting, team, c.breaks))
    counting.run()
    end = done["end"]

    waits = np.array(station.waits) * 60.0
    return {
        "voters": voters,
        "dpk_turned_away": len(turned_away),
        "voting_close": voting_close,
        "counting_end": end,
        "longest_queue": station.longest_queue,
        "mean_wait": float(waits.mean()) if voters else 0.0,
        "p95_wait": float(np.percentile(waits, 95)) if voters else 0.0,
        "duty_hours": end + c.handover_minutes / 60.0 - c.duty_start,
    }


def simulate(tps: TPSInputs, params: Params | None = None, replications: int = 1,
             seed: int = 0) -> Results:
    """Same inputs and outputs as engine.simulate; a TPS at a time, in SimPy.

    Each (TPS, replication) draws from numpy's generator seeded by (seed, key, replication):
    reproducible, but not the engine's stream (the two agree in distribution only).
    """
    params = params or Params()
    x = checked_inputs(tps, params, replications)
    m = len(x["dpt"])
    fields = {
        "voters": np.int32,
        "dpk_turned_away": np.int32,
        "voting_close": np.float64,
        "counting_end": np.float64,
        "longest_queue": np.int32,
        "mean_wait": np.float64,
        "p95_wait": np.float64,
        "duty_hours": np.float64,
    }
    out = {name: np.zeros((m, replications), dtype=dtype) for name, dtype in fields.items()}
    for i in range(m):
        row = {name: values[i] for name, values in x.items()}
        for r in range(replications):
            rng = np.random.default_rng([seed % 2**63, int(x["key"][i]), r])
            day = polling_day(row, params, rng)
            for name in fields:
                out[name][i, r] = day[name]
    return Results(**out)


def serve_voters(arrive, desk, booth, box, desks: int, booths: int, inks: int):
    """Given voters (sorted arrival times and service times, hours) through the stages.

    Returns (waits in hours per voter, last departure, longest queue): the SimPy side of the
    voter-by-voter test of the engine's queues.
    """
    env = simpy.Environment(initial_time=float(arrive[0]) if len(arrive) else 0.0)
    station = PollingStation(env, desks, booths, inks)
    waits = np.zeros(len(arrive))

    def comes(i):
        yield env.timeout(arrive[i] - env.now)
        waits[i] = yield env.process(station.voter(desk[i], booth[i], box[i]))

    for i in range(len(arrive)):
        env.process(comes(i))
    env.run()
    return waits, station.last_departure, station.longest_queue
