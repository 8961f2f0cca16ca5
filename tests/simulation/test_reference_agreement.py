"""The fast engine and the SimPy reference are one model: voter by voter, and in distribution."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from siaga.simulation import engine, reference
from siaga.simulation.params import CountingParams, Params, ServiceTime, TPSInputs, VotingParams

times = st.lists(st.floats(1e-3, 0.3), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    gaps=times,
    desk=times,
    booth=times,
    box=times,
    jitter=st.integers(0, 2**32),
    desks=st.integers(1, 3),
    booths=st.integers(1, 5),
    inks=st.integers(1, 2),
)
def test_every_voter_waits_the_same_in_both_engines(gaps, desk, booth, box, jitter, desks,
                                                    booths, inks):
    n = min(len(gaps), len(desk), len(booth), len(box))
    # Two voters leaving a stage at the very same instant have probability zero in the model
    # and the engines may order them differently; a tiny random stretch of every time keeps
    # such exact ties (which equal drawn floats would make) out of the comparison.
    stretch = 1 + 1e-6 * np.random.default_rng(jitter).random((4, n))
    arrive = 7.0 + np.cumsum(np.array(gaps[:n]) * stretch[0])
    desk, booth, box = (np.array(x[:n]) * k for x, k in zip((desk, booth, box), stretch[1:]))
    got = engine.serve_voters(arrive, desk, booth, box, desks, booths, inks)
    want = reference.serve_voters(arrive, desk, booth, box, desks, booths, inks)
    np.testing.assert_allclose(got[0], want[0], atol=1e-9)
    assert got[1] == pytest.approx(want[1], abs=1e-9)
    assert got[2] == want[2]


SCENARIOS = {
    "a TPS of 250 voters with the defaults": (TPSInputs(dpt=[250]), Params()),
    "a crowded TPS with two booths": (
        TPSInputs(dpt=[300], turnout=[0.9], booths=[2]),
        Params(),
    ),
    "DPK turned away when ballots run out, two desks": (
        TPSInputs(dpt=[120], dptb=[15], dpk=[25.0], desks=[2]),
        Params(),
    ),
    "Jakarta: four ballots, many slow voters, two ink stations": (
        TPSInputs(
            dpt=[200],
            booths=[3],
            contests=[[True, True, True, True, False]],
            options=[[3, 18, 40, 18, 0]],
            witness_copies=[12],
        ),
        Params(
            voting=replace(
                VotingParams(),
                slow_share=0.3,
                ink_stations=2,
                booth=ServiceTime(5.0, 1.0),
                desk=ServiceTime(1.5, 0.2),
            ),
            counting=replace(CountingParams(), breaks=((18.0, 30.0), (21.0, 20.0))),
        ),
    ),
}

CONTINUOUS = ("voting_close", "counting_end", "mean_wait", "duty_hours")
COUNTS = ("voters", "dpk_turned_away", "longest_queue", "p95_wait")


@pytest.fixture(scope="module", params=list(SCENARIOS), ids=list(SCENARIOS))
def both(request):
    tps, params = SCENARIOS[request.param]
    fast = engine.simulate(tps, params, replications=4000, seed=21)
    slow = reference.simulate(tps, params, replications=120, seed=22)
    return fast, slow


@pytest.mark.parametrize("name", CONTINUOUS)
def test_continuous_outputs_have_the_same_distribution(both, name):
    fast, slow = both
    result = stats.ks_2samp(getattr(fast, name)[0], getattr(slow, name)[0])
    assert result.pvalue > 1e-3, (name, result)


@pytest.mark.parametrize("name", COUNTS)
def test_counts_and_percentiles_have_the_same_mean(both, name):
    fast, slow = both
    a = getattr(fast, name)[0].astype(float)
    b = getattr(slow, name)[0].astype(float)
    spread = np.sqrt(a.var() / len(a) + b.var() / len(b))
    assert abs(a.mean() - b.mean()) <= 4 * spread + 1e-9, (name, a.mean(), b.mean())


@pytest.mark.parametrize("name", ("counting_end", "mean_wait"))
def test_the_engines_quantiles_cut_the_reference_sample_in_the_same_shares(both, name):
    # A quantile band: below the engine's q-quantile should fall a share q of the reference
    # draws, give or take four binomial standard deviations.
    fast, slow = both
    sample = getattr(slow, name)[0]
    for q in (0.1, 0.5, 0.9):
        share = (sample <= np.quantile(getattr(fast, name)[0], q)).mean()
        assert abs(share - q) <= 4 * np.sqrt(q * (1 - q) / len(sample)), (name, q, share)
