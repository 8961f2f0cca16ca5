import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from siaga.simulation import findings
from siaga.simulation.params import TPSInputs


def test_clock_shows_the_next_day():
    assert findings.clock(23.7) == "23.42"
    assert findings.clock(36.25) == "12.15 (+1)"


@given(st.lists(st.integers(0, 300), min_size=1, max_size=40), st.integers(0, 300))
def test_splitting_keeps_every_voter_and_folds_back_to_each_tps(dpt, above):
    tps = TPSInputs(dpt=np.array(dpt))
    split, origin = findings.split_large(tps, above)
    assert split.dpt.sum() == sum(dpt)
    assert np.bincount(origin, minlength=len(dpt)).tolist() == [2 if d > above else 1 for d in dpt]
    assert len(set(split.key.tolist())) == len(split.dpt)  # every half has its own stream
    folded = findings.fold_split(split.dpt.astype(float), origin, len(dpt))
    assert (folded <= np.array(dpt)).all()


@given(st.floats(0, 30), st.floats(6, 36))
def test_a_relief_shift_never_lengthens_anyones_day(duty, relief_at):
    hours = findings.with_relief_shift(np.array([duty]), 6.0, relief_at)[0]
    assert 0 <= hours <= duty + 1e-9
    assert hours >= duty / 2 - 1e-9


def test_reasons_name_what_a_planner_can_change():
    reasons = findings.risk_reasons(
        dpt=np.array([300, 150]), booths=np.array([4, 4]), desks=np.array([1, 1]),
        voting_close=np.array([13.8, 13.0]), longest_queue=np.array([30, 2]),
        duty_hours=np.array([22.0, 18.0]))
    assert [r.code for r in reasons[0]] == ["many_voters", "voters_per_booth", "voters_per_desk",
                                           "long_queue", "late_close", "long_duty"]
    assert reasons[1] == []
    assert reasons[0][0].render() == "many voters (300 on the DPT, regency median 225)"
