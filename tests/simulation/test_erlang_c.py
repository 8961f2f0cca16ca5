"""In a stationary single-stage M/M/c case, the mean wait is the Erlang C formula's."""

import math
from dataclasses import replace

import pytest

from siaga.simulation import engine, reference
from siaga.simulation.params import (
    CountingParams,
    Params,
    ServiceTime,
    TPSInputs,
    VotingParams,
)


def erlang_c_wait(arrivals_per_minute: float, service_minutes: float, servers: int) -> float:
    """Mean wait in queue (minutes) of an M/M/c queue."""
    load = arrivals_per_minute * service_minutes
    rho = load / servers
    top = load**servers / math.factorial(servers) / (1 - rho)
    waiting = top / (sum(load**k / math.factorial(k) for k in range(servers)) + top)
    return waiting / (servers / service_minutes - arrivals_per_minute)


def single_stage(stage: str, servers: int, rho: float, hours: float, service: float = 1.0):
    """One exponential stage with `servers` servers, the others instant, arrivals at a constant
    rate all day long: the voting day becomes a long run of an M/M/c queue."""
    zero = ServiceTime(0.0, 0.0)
    exponential = ServiceTime(service, 1.0)
    voting = replace(
        VotingParams(),
        opens_at=0.0,
        closes_at=hours,
        arrival_profile=(1.0,),
        dptb_from=0.0,
        dpk_from=0.0,
        max_voters=100_000,
        slow_share=0.0,
        desk=exponential if stage == "desk" else zero,
        booth=exponential if stage == "booth" else zero,
        box_and_ink=zero,
    )
    rate = rho * servers / service
    voters = round(rate * 60 * hours)
    tps = TPSInputs(
        dpt=[voters],
        turnout=[1.0],
        desks=[servers if stage == "desk" else 1],
        booths=[servers if stage == "booth" else 1],
    )
    return tps, Params(voting=voting, counting=replace(CountingParams(), duty_start=0.0)), rate


@pytest.mark.parametrize(
    "stage,servers,rho",
    [("desk", 1, 0.6), ("desk", 2, 0.75), ("booth", 4, 0.8), ("booth", 3, 0.6)],
)
def test_the_engines_mean_wait_is_erlang_c(stage, servers, rho):
    tps, params, rate = single_stage(stage, servers, rho, hours=24.0)
    results = engine.simulate(tps, params, replications=300, seed=31)
    expected = erlang_c_wait(rate, 1.0, servers)
    # The day starts with an empty TPS, so the first hour waits a little less than a
    # stationary queue: 4% covers that bias and the sampling error at these loads.
    assert results.mean_wait.mean() == pytest.approx(expected, rel=0.04)


def test_the_references_mean_wait_is_erlang_c():
    tps, params, rate = single_stage("booth", 2, 0.7, hours=12.0)
    results = reference.simulate(tps, params, replications=40, seed=32)
    # Fewer, costlier replications: 12% is three standard errors here.
    assert results.mean_wait.mean() == pytest.approx(erlang_c_wait(rate, 1.0, 2), rel=0.12)


def test_erlang_c_gives_the_textbook_value():
    # M/M/1 at rho = 0.5 with unit service: Wq = rho / (mu - lambda) = 1.
    assert erlang_c_wait(0.5, 1.0, 1) == pytest.approx(1.0)
