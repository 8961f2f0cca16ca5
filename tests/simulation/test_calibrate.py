import numpy as np
import pytest

from siaga.simulation.calibrate import calibrate, scale_counting, scale_voting
from siaga.simulation.engine import simulate
from siaga.simulation.params import Params, TPSInputs


@pytest.fixture(scope="module")
def tps():
    return TPSInputs(dpt=np.linspace(120, 290, 24).astype(int))


@pytest.mark.parametrize("true_voting,true_counting", [(1.0, 1.3), (1.4, 0.8)])
def test_calibration_recovers_the_speed_that_produced_the_reports(tps, true_voting, true_counting):
    truth = scale_counting(scale_voting(Params(), true_voting), true_counting)
    reported = simulate(tps, truth, 20, seed=7)  # other seed: reports are not the fit's draws
    fit = calibrate(tps, counting_end=reported.counting_end.mean(axis=1),
                    voting_close=reported.voting_close.mean(axis=1), replications=20, seed=0)
    assert fit.counting_factor == pytest.approx(true_counting, rel=0.1)
    assert fit.voting_factor == pytest.approx(true_voting, rel=0.25)
    assert fit.rmse_after_minutes < fit.rmse_before_minutes


def test_tps_that_did_not_report_are_left_out_of_the_fit(tps):
    reported = simulate(tps, scale_counting(Params(), 1.2), 20, seed=3).counting_end.mean(axis=1)
    reported[::2] = np.nan
    fit = calibrate(tps, counting_end=reported, replications=10)
    assert fit.counting_factor == pytest.approx(1.2, rel=0.1)
    assert fit.voting_factor == 1.0


def test_calibration_needs_at_least_one_report(tps):
    with pytest.raises(ValueError, match="at least one"):
        calibrate(tps, counting_end=np.full(len(tps), np.nan))
