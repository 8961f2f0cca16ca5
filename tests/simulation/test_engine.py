"""The fast engine: published anchors, invariants, what-ifs and refusals."""

from dataclasses import replace

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from siaga.simulation import engine
from siaga.simulation.engine import simulate, suggest_fixes, summarize
from siaga.simulation.params import (
    CountingParams,
    Params,
    ServiceTime,
    SimulationInputError,
    TPSInputs,
    VotingParams,
)

DEFAULT = Params()
NO_BREAKS = Params(counting=replace(CountingParams(), breaks=()))
FIXED = Params(
    voting=replace(
        VotingParams(),
        desk=ServiceTime(1.0, 0.0),
        desk_unlisted=ServiceTime(2.0, 0.0),
        booth=ServiceTime(4.0, 0.0),
        booth_slow=ServiceTime(10.0, 0.0),
        box_and_ink=ServiceTime(0.5, 0.0),
    ),
    counting=replace(CountingParams(), ballot_cv=0.0, team_speed_cv=0.0, breaks=()),
)
quick = settings(max_examples=40, deadline=None)


def test_counting_five_ballots_at_250_voters_takes_about_ten_hours():
    results = simulate(TPSInputs(dpt=[250]), NO_BREAKS, replications=2000, seed=1)
    work = results.counting_end - results.voting_close
    assert 9.5 < work.mean() < 10.5
    per_ballot_type = work.mean() / 5
    assert per_ballot_type > 1.9 and per_ballot_type < 2.1  # about 2 h per ballot type


def test_a_kpps_working_day_at_250_voters_lasts_20_to_22_hours():
    results = simulate(TPSInputs(dpt=[250]), DEFAULT, replications=2000, seed=2)
    assert 20 <= results.duty_hours.mean() <= 22


def test_counting_time_is_the_sum_of_its_tasks_when_nothing_varies():
    results = simulate(TPSInputs(dpt=[200], turnout=[1.0]), FIXED, replications=3, seed=3)
    c = FIXED.counting
    minutes = sum(
        c.open_minutes
        + 200 * (k.seconds_per_ballot + k.seconds_per_option * k.options) / 60
        + k.plano_minutes
        + c.witness_copies * k.copy_minutes / c.copy_writers
        + k.upload_minutes
        for k in c.contests
    )
    np.testing.assert_allclose(results.counting_end - results.voting_close, minutes / 60)


def test_dki_counts_four_ballots_in_less_time_than_five():
    four = np.array([[True, True, True, True, False]])
    dki = simulate(TPSInputs(dpt=[250], contests=four), NO_BREAKS, replications=500, seed=4)
    rest = simulate(TPSInputs(dpt=[250]), NO_BREAKS, replications=500, seed=4)
    gap = (rest.counting_end - rest.voting_close) - (dki.counting_end - dki.voting_close)
    assert gap.mean() > 1.5 and gap.mean() < 3.5


def test_more_candidates_on_a_ballot_make_counting_longer():
    few = np.array([[3, 18, 10, 18, 18]])
    many = np.array([[3, 18, 60, 18, 18]])
    a = simulate(TPSInputs(dpt=[250], options=few), replications=200, seed=5)
    b = simulate(TPSInputs(dpt=[250], options=many), replications=200, seed=5)
    assert (b.counting_end > a.counting_end).all()


def _no_voters(breaks, **counting):
    params = Params(counting=replace(FIXED.counting, breaks=breaks, **counting))
    return simulate(TPSInputs(dpt=[0]), params, replications=1).counting_end[0, 0]


def test_a_break_pauses_counting_that_runs_through_it():
    without = _no_voters(())
    assert _no_voters(((14.0, 45.0),)) == pytest.approx(without + 0.75)


def test_a_break_due_before_counting_starts_is_taken_at_the_start():
    without = _no_voters(())
    assert _no_voters(((10.0, 30.0),)) == pytest.approx(without + 0.5)


def test_a_break_after_counting_has_ended_is_not_taken():
    without = _no_voters(())
    assert _no_voters(((without + 1.0, 30.0),)) == pytest.approx(without)


def test_overlapping_breaks_follow_one_another():
    without = _no_voters(())
    assert _no_voters(((13.0, 60.0), (13.5, 30.0))) == pytest.approx(without + 1.5)


@quick
@given(
    dpt=st.integers(0, 300),
    dptb=st.integers(0, 40),
    dpk=st.floats(0, 30),
    desks=st.integers(1, 3),
    booths=st.integers(1, 6),
    seed=st.integers(0, 2**32),
)
def test_counting_ends_after_voting_closes_which_is_never_before_13(dpt, dptb, dpk, desks,
                                                                     booths, seed):
    r = simulate(TPSInputs(dpt=[dpt], dptb=[dptb], dpk=[dpk], desks=[desks], booths=[booths]),
                 replications=4, seed=seed)
    assert (r.voting_close >= DEFAULT.voting.closes_at).all()
    assert (r.counting_end >= r.voting_close).all()
    np.testing.assert_allclose(r.duty_hours, r.counting_end + 2.0 - 6.0)
    assert (r.mean_wait >= 0).all() and (r.p95_wait >= 0).all()
    assert ((r.longest_queue >= 0) & (r.longest_queue <= np.maximum(r.voters, 0))).all()


@quick
@given(dpt=st.integers(0, 300), dptb=st.integers(0, 40), seed=st.integers(0, 2**32))
def test_everyone_registered_who_comes_before_close_votes(dpt, dptb, seed):
    params = Params(voting=replace(VotingParams(), dptb_turnout=1.0))
    r = simulate(TPSInputs(dpt=[dpt], dptb=[dptb], turnout=[1.0]), params, replications=3,
                 seed=seed)
    assert (r.voters == dpt + dptb).all()


@quick
@given(dpt=st.integers(0, 300), dpk=st.floats(0, 60), seed=st.integers(0, 2**32))
def test_dpk_vote_only_while_ballots_last(dpt, dpk, seed):
    r = simulate(TPSInputs(dpt=[dpt], dpk=[dpk], turnout=[1.0]), replications=3, seed=seed)
    ballots = int(np.ceil(dpt * 1.02 - 1e-9))
    assert (r.voters <= ballots).all()
    assert (r.voters >= dpt).all()
    # Nobody is turned away while a ballot is left.
    assert ((r.dpk_turned_away == 0) | (r.voters == ballots)).all()


@quick
@given(
    dpt=st.integers(1, 300),
    booths=st.integers(1, 5),
    extra=st.integers(1, 3),
    seed=st.integers(0, 2**32),
)
def test_more_booths_never_make_voting_or_counting_end_later_for_the_same_voters(dpt, booths,
                                                                                  extra, seed):
    # With one ink station the last stage is a single server, whose last departure cannot
    # grow when every voter reaches it earlier; a voter's own total wait can (see docs).
    few = simulate(TPSInputs(dpt=[dpt], booths=[booths]), replications=3, seed=seed)
    more = simulate(TPSInputs(dpt=[dpt], booths=[booths + extra]), replications=3, seed=seed)
    assert (more.voters == few.voters).all()
    assert (more.voting_close <= few.voting_close + 1e-12).all()
    assert (more.counting_end <= few.counting_end + 1e-12).all()


def test_results_do_not_depend_on_the_number_of_threads():
    tps = TPSInputs(dpt=np.arange(100, 300, 7))
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = simulate(tps, replications=50, seed=6)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = simulate(tps, replications=50, seed=6)
    finally:
        numba.set_num_threads(before)
    for name in ("voters", "voting_close", "counting_end", "p95_wait", "longest_queue"):
        np.testing.assert_array_equal(getattr(one, name), getattr(many, name))


def test_a_tps_meets_the_same_voters_wherever_it_sits_in_the_list():
    tps = TPSInputs(dpt=[120, 250, 300], dptb=[0, 10, 3], dpk=[0, 4, 1])
    alone = simulate(tps.take([1]), replications=20, seed=7)
    together = simulate(tps, replications=20, seed=7)
    np.testing.assert_array_equal(alone.counting_end[0], together.counting_end[1])


def test_another_seed_draws_other_days():
    a = simulate(TPSInputs(dpt=[250]), replications=20, seed=8)
    b = simulate(TPSInputs(dpt=[250]), replications=20, seed=9)
    assert not np.array_equal(a.counting_end, b.counting_end)


def test_summary_gives_the_risk_of_ending_after_midnight_and_after_the_deadline():
    r = simulate(TPSInputs(dpt=[60, 300]), replications=400, seed=10)
    s = summarize(r)
    assert s.p_after_midnight[0] < 0.05 < s.p_after_midnight[1]
    assert (s.p_after_deadline <= s.p_after_midnight).all()
    assert (s.counting_end_p10 <= s.counting_end_p90).all()


def test_splitting_a_crowded_tps_is_the_fix_that_moves_its_finish():
    fixes = suggest_fixes(TPSInputs(dpt=[300], dptb=[20]), 0, replications=200, seed=11)
    assert fixes[0].change == "as planned"
    assert fixes[1].change == "split into two TPS"
    assert fixes[1].p_after_midnight < fixes[0].p_after_midnight - 0.2


def test_bad_parameters_are_refused_with_every_problem_before_running():
    bad = Params(
        voting=replace(VotingParams(), booth=ServiceTime(-4.0), turnout=1.5),
        counting=replace(CountingParams(), copy_writers=0),
    )
    with pytest.raises(SimulationInputError) as refused:
        simulate(TPSInputs(dpt=[250, 301, -1], booths=[4, 0, 4]), bad)
    problems = " | ".join(refused.value.problems)
    for words in ("booth mean time", "turnout", "copy writers", "maximum of 300",
                  "DPT must not be negative", "at least one voting booth"):
        assert words in problems


def test_inputs_of_the_wrong_shape_are_refused():
    with pytest.raises(SimulationInputError, match="one entry per TPS"):
        simulate(TPSInputs(dpt=[250, 250], booths=[4]))


@pytest.mark.parametrize("cv", [0.3, 0.5, 1.0, 1.5])
def test_service_time_tables_hold_the_gamma_quantiles(cv):
    table, tail = engine.gamma_table(cv)
    shape = 1 / cv**2
    knots = len(table)
    exact = stats.gamma(shape, scale=1 / shape)
    np.testing.assert_allclose(exact.cdf(table[1:]), np.arange(1, knots) / knots, atol=1e-9)
    last = table[-1]
    mean_excess = exact.expect(lambda x: x - last, lb=last, conditional=True)
    assert tail == pytest.approx(mean_excess, rel=1e-6)


@pytest.mark.parametrize("cv", [0.2, 0.5, 1.0, 2.0])
def test_service_times_drawn_from_the_table_are_gamma_distributed(cv):
    # The sampler's CDF: linear between the knots, exponential beyond the last one.
    table, tail = engine.gamma_table(cv)
    knots = len(table)
    x = np.concatenate([np.linspace(0, table[-1], 100_001), table[-1] + np.linspace(0, 40 * tail)])
    sampler = np.where(
        x <= table[-1],
        np.interp(x, table, np.arange(knots) / knots),
        (knots - 1 + 1 - np.exp(-(x - table[-1]) / tail)) / knots,
    )
    shape = 1 / cv**2
    assert np.abs(sampler - stats.gamma(shape, scale=1 / shape).cdf(x)).max() < 5e-4
    # Its mean, cell by cell: the midpoints of the linear cells, then the tail's.
    mean = ((table[:-1] + table[1:]).sum() / 2 + table[-1] + tail) / knots
    assert mean == pytest.approx(1.0, abs=2e-4)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=1, max_size=300))
def test_the_95th_percentile_is_numpys(values):
    values = np.array(values)
    scratch = np.empty(len(values))
    got = engine._percentile(values, len(values), 0.95, scratch)
    assert got == pytest.approx(np.percentile(values, 95), abs=1e-9)
