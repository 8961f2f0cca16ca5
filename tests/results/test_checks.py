"""The C.Hasil checks: every identity and bound of DOMAIN.md ("Results"), the Sirekap misreads of
15 Feb 2024, the likely-misread hints, the vectorised checks, and the anomaly hints."""

from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from siaga.logistics.needs import ballots_for
from siaga.results.checks import (
    KINDS,
    MESSAGES,
    Form,
    FormArrays,
    Rules,
    ballots_expected,
    ballots_expected_array,
    check,
    check_arrays,
    chi2_sf,
    digit_variants,
    find_anomalies,
    flags,
    last_digit_test,
    robust_z,
)


def kalibaru(**changes) -> Form:
    """A PPWP form as TPS 013 Kalibaru (Depok) might have read before Sirekap misread it. DPT
    236 and the true readings 117 and 202 are the reported ones (DOMAIN.md); the other numbers
    are invented so that the arithmetic adds up."""
    form = Form(dpt=236, dptb=0, dpk=0, voted=212, ballots_received=241, ballots_used=212,
                ballots_unused=27, ballots_damaged=2, valid=202, invalid=10,
                votes={"01": 117, "02": 60, "03": 25})
    return replace(form, **changes)


def with_categories(**changes) -> Form:
    form = kalibaru(dptb=3, dpk=1, voted_dpt=208, voted_dptb=3, voted_dpk=1)
    return replace(form, **changes)


def dpr(**changes) -> Form:
    """A DPR form with two parties: per party, party vote + candidates = the party total."""
    form = kalibaru(
        votes={"PKB": 120, "PDIP": 82},
        party_votes={"PKB": 20, "PDIP": 30},
        candidate_votes={"PKB": {"1": 60, "2": 40}, "PDIP": {"1": 50, "2": 2}},
    )
    return replace(form, **changes)


def codes(findings, kind=None):
    return [f.code for f in findings if kind is None or f.kind == kind]


def errors(findings):
    return [f.code for f in findings if f.kind != "hint"]


def hints(findings):
    return [(f.params["field"], f.params["shown"], f.params["probably"], f.params["rule"])
            for f in findings if f.code == "likely_misread"]


def indonesian(translations):
    return lambda msgid: translations.get(msgid, msgid)


# --- a form that adds up --------------------------------------------------------------------

@pytest.mark.parametrize("form", [kalibaru(), with_categories(), dpr()])
def test_a_form_whose_arithmetic_adds_up_has_no_findings(form):
    assert check(form) == []
    assert not flags(check(form))


# --- Sirekap, 15 Feb 2024 -------------------------------------------------------------------

def test_sirekap_617_for_117_is_flagged_with_the_likely_reading():
    findings = check(kalibaru(votes={"01": 617, "02": 60, "03": 25}))
    assert errors(findings) == ["votes_sum_valid", "votes_over_voters"]
    assert flags(findings)
    assert hints(findings) == [("votes:01", 617, 117, "digit")]
    assert [f.render() for f in findings] == [
        "Votes 01: 617 + 02: 60 + 03: 25 = 702 ≠ valid votes 202",
        "Votes for 01 617 > voters who voted 212",
        "Votes for 01 shows 617; probably 117 (one digit misread)",
    ]


def test_sirekap_valid_votes_2_for_202_is_flagged_and_the_sums_determine_202():
    findings = check(kalibaru(valid=2))
    assert errors(findings) == ["valid_invalid_voted", "votes_sum_valid"]
    # "2" is not one slip from "202": the value comes from the two sums that both need 202.
    assert hints(findings) == [("valid", 2, 202, "identity")]
    assert findings[0].render() == "Valid votes 2 + invalid 10 ≠ voters who voted 212"


def test_the_recount_message_reads_as_on_the_indonesian_form():
    finding = check(kalibaru(valid=2))[0]
    translate = indonesian({MESSAGES["valid_invalid_voted"]:
                            "Suara sah %(valid)s + tidak sah %(invalid)s ≠ pengguna hak pilih "
                            "%(voted)s"})
    assert finding.render(translate) == "Suara sah 2 + tidak sah 10 ≠ pengguna hak pilih 212"


def test_sirekap_301_voters_against_a_dpt_of_236_is_flagged():
    findings = check(kalibaru(voted=301))
    assert errors(findings) == ["valid_invalid_voted", "used_voted", "voted_over_registered",
                                "voted_over_received"]
    assert "Voters who voted 301 > DPT 236 + DPTb 0 + DPK 0 = 236" in [f.render() for f in findings]
    assert hints(findings) == [("voted", 301, 212, "identity")]


def test_301_voters_are_flagged_even_when_the_votes_and_ballots_were_written_to_match():
    form = kalibaru(voted=301, ballots_used=301, valid=291, invalid=10, ballots_received=310,
                    ballots_unused=7, ballots_damaged=2, votes={"01": 117, "02": 149, "03": 25})
    findings = check(form)
    assert errors(findings) == ["received_reserve", "voted_over_registered"]
    # The sums agree with 301 voters; only a DPT of 303 (303 + 2% = 310) would fit them, and
    # the hint says so: the DPT list (236), not the form, is then the one to believe.
    assert hints(findings) == [("dpt", 236, 303, "identity")]


# --- every check, failing alone -------------------------------------------------------------

ALONE = [
    ("valid_invalid_voted", kalibaru(invalid=11)),
    ("used_voted", kalibaru(ballots_used=213, ballots_unused=26)),
    ("ballot_balance", kalibaru(ballots_damaged=3)),
    ("received_reserve", kalibaru(ballots_received=242, ballots_unused=28)),
    ("votes_sum_valid", kalibaru(votes={"01": 117, "02": 61, "03": 25})),
    ("party_total", dpr(party_votes={"PKB": 21, "PDIP": 30})),
    ("voted_categories", with_categories(voted_dpt=207)),
    ("category_over_registered", with_categories(voted_dpt=207, voted_dptb=4)),
    ("voted_over_registered", kalibaru(voted=240, ballots_used=240, ballots_unused=0,
                                       ballots_damaged=1, invalid=38)),
    ("negative", kalibaru(dpk=-1)),
]


@pytest.mark.parametrize("code,form", ALONE, ids=[code for code, _ in ALONE])
def test_each_check_fails_alone_when_only_its_rule_is_broken(code, form):
    findings = check(form)
    assert errors(findings) == [code]
    assert flags(findings)
    assert all(f.render() for f in findings)


def test_every_identity_and_bound_has_a_test_of_its_own():
    tested = {code for code, _ in ALONE} | {"votes_over_voters", "voted_over_received"}
    assert tested == {code for code, kind in KINDS.items() if kind != "hint"}


def test_votes_over_voters_comes_with_the_broken_sum_that_implies_it():
    assert errors(check(kalibaru(votes={"01": 213, "02": 60, "03": 25}))) == [
        "votes_sum_valid", "votes_over_voters"]


def test_more_voters_than_ballots_received_comes_with_a_negative_count():
    # With every identity holding, voted = used ≤ used + unused + damaged = received unless a
    # count is negative: this bound cannot fail alone (see the property below).
    form = kalibaru(dptb=10, voted=245, ballots_used=245, valid=235, ballots_unused=-6,
                    ballots_damaged=2, votes={"01": 150, "02": 60, "03": 25})
    assert errors(check(form)) == ["voted_over_received", "negative"]


@given(st.lists(st.integers(0, 400), min_size=1, max_size=5), st.integers(0, 40),
       st.integers(0, 1000), st.integers(0, 20), st.integers(0, 20), st.integers(0, 10))
def test_the_two_implied_bounds_never_fire_when_the_identities_hold(votes, invalid, dpt, dptb,
                                                                     dpk, damaged):
    voted = sum(votes) + invalid
    received = ballots_expected(dpt)
    assume(received - voted - damaged >= 0)
    form = Form(dpt=dpt, dptb=dptb, dpk=dpk, voted=voted, ballots_received=received,
                ballots_used=voted, ballots_unused=received - voted - damaged,
                ballots_damaged=damaged, valid=sum(votes), invalid=invalid,
                votes={f"{i:02d}": v for i, v in enumerate(votes, 1)})
    assert not {"votes_over_voters", "voted_over_received"} & set(codes(check(form)))


# --- messages -------------------------------------------------------------------------------

def test_messages_name_the_fields_and_their_numbers():
    rendered = {f.code: f.render() for _, form in ALONE for f in check(form, hints=False)}
    assert rendered == {
        "valid_invalid_voted": "Valid votes 202 + invalid 11 ≠ voters who voted 212",
        "used_voted": "Ballots used 213 ≠ voters who voted 212",
        "ballot_balance": "Ballots used 212 + unused 27 + damaged/returned 3 ≠ received 241",
        "received_reserve": "Ballots received 242 ≠ DPT 236 + 2% reserve 5 = 241",
        "votes_sum_valid": "Votes 01: 117 + 02: 61 + 03: 25 = 203 ≠ valid votes 202",
        "party_total": "PKB: party vote 21 + candidates 100 = 121 ≠ party total 120",
        "voted_categories": "Voters who voted from the DPT 207 + DPTb 3 + DPK 1 ≠ voters who "
                            "voted 212",
        "category_over_registered": "Voters who voted from the DPTb 4 > registered in the DPTb 3",
        "voted_over_registered": "Voters who voted 240 > DPT 236 + DPTb 0 + DPK 0 = 236",
        "negative": "DPK is negative: -1",
    }


def test_field_names_in_messages_are_translated_too():
    hint = check(kalibaru(votes={"01": 617, "02": 60, "03": 25}))[-1]
    translate = indonesian({
        MESSAGES["likely_misread"]: "%(field)s tertulis %(shown)s; kemungkinan %(probably)s "
                                    "(%(rule)s)",
        "Votes for %(choice)s": "Suara %(choice)s",
        "one digit misread": "satu angka salah baca",
    })
    assert hint.render(translate) == (
        "Suara 01 tertulis 617; kemungkinan 117 (satu angka salah baca)")


# --- the ballot reserve ---------------------------------------------------------------------

def test_ballots_received_are_dpt_plus_two_percent_rounded_up_exactly():
    assert ballots_expected(236) == 241  # 4.72 → 5
    assert ballots_expected(250) == 255
    assert ballots_expected(251) == 257  # 5.02 → 6
    assert ballots_expected(0) == 0
    # 100 × 7% is 7.000000000000001 in floating point; the rule gives 7 extra ballots, not 8.
    assert ballots_expected(100, Fraction(7)) == 107
    assert Rules(reserve_pct="2.5").reserve_pct == Fraction(5, 2)


@given(st.integers(-2000, 100_000), st.sampled_from(["2", "0", "2.5", "7", "2.2"]))
def test_the_reserve_rule_agrees_with_logistics_and_with_its_array_form(dpt, pct):
    expected = ballots_expected(dpt, Fraction(pct))
    if dpt >= 0:
        assert expected == ballots_for(dpt, pct)
    assert ballots_expected_array(np.array([dpt]), Fraction(pct))[0] == expected


def test_a_different_reserve_is_a_rule_not_a_constant():
    form = kalibaru(ballots_received=243, ballots_unused=29)  # 236 + 3% (7.08 → 8) = 244
    assert errors(check(form)) == ["received_reserve"]
    assert errors(check(replace(form, ballots_received=244, ballots_unused=30),
                       Rules(reserve_pct=3))) == []


# --- likely misreads ------------------------------------------------------------------------

def test_one_digit_readings_replace_a_digit_or_drop_the_leading_one():
    assert {117, 17, 607, 611} <= digit_variants(617)
    assert 17 in digit_variants(617) and 1617 not in digit_variants(617)
    assert digit_variants(2) == {0, 1, 3, 4, 5, 6, 7, 8, 9}
    assert 2 in digit_variants(202)  # a leading "2" dropped leaves "02"
    assert 202 not in digit_variants(2)
    assert all(len(str(v)) == 3 for v in digit_variants(617) - {17})  # no new leading zero
    assert digit_variants(-5) == set()


def test_no_reading_is_proposed_when_two_numbers_could_be_wrong():
    # 02 shown as 95 instead of 60: both 01 → 82 and 02 → 60 repair the sum, neither is one
    # slip away, so the form is flagged without a guess.
    findings = check(kalibaru(votes={"01": 117, "02": 95, "03": 25}))
    assert errors(findings) == ["votes_sum_valid"]
    assert hints(findings) == []


def test_a_bound_broken_alone_gets_no_reading():
    form = dict(ALONE)["voted_over_registered"]
    assert hints(check(form)) == []


def test_a_misread_dpr_candidate_is_traced_to_the_candidate_not_the_party():
    form = dpr(party_votes={"PKB": 23, "PDIP": 30},
               candidate_votes={"PKB": {"1": 58, "2": 39}, "PDIP": {"1": 50, "2": 2}})
    assert check(form) == []
    findings = check(form.with_value("candidate_votes:PKB:1", 98))
    assert errors(findings) == ["party_total"]  # the party total 120 was read right
    assert hints(findings) == [("candidate_votes:PKB:1", 98, 58, "digit")]
    assert findings[-1].render() == ("Votes for candidate 1 of PKB shows 98; probably 58 (one "
                                     "digit misread)")


def test_a_misread_dpt_is_traced_through_the_ballot_reserve():
    findings = check(kalibaru(dpt=286))  # 236 read as 286: 286 + 6 ≠ 241
    assert errors(findings) == ["received_reserve"]
    assert hints(findings) == [("dpt", 286, 236, "digit")]


@st.composite
def consistent_forms(draw, categories=False, choices=3):
    votes = draw(st.lists(st.integers(0, 400), min_size=choices, max_size=choices))
    invalid = draw(st.integers(0, 30))
    voted = sum(votes) + invalid
    dptb, dpk = draw(st.integers(0, 10)), draw(st.integers(0, 10))
    dpt = draw(st.integers(voted, voted + 300))
    received = ballots_expected(dpt)
    damaged = draw(st.integers(0, min(5, received - voted)))
    extra = {}
    if categories:
        voted_dpk = draw(st.integers(0, min(dpk, voted)))
        voted_dptb = draw(st.integers(0, min(dptb, voted - voted_dpk)))
        extra = {"voted_dpt": voted - voted_dptb - voted_dpk, "voted_dptb": voted_dptb,
                     "voted_dpk": voted_dpk}
    return Form(dpt=dpt, dptb=dptb, dpk=dpk, voted=voted, ballots_received=received,
                ballots_used=voted, ballots_unused=received - voted - damaged,
                ballots_damaged=damaged, valid=sum(votes), invalid=invalid,
                votes={f"{i:02d}": v for i, v in enumerate(votes, 1)}, **extra)


IN_IDENTITIES = ["dpt", "voted", "ballots_received", "ballots_used", "ballots_unused",
                 "ballots_damaged", "valid", "invalid", "votes:01", "votes:02", "votes:03",
                 "voted_dpt", "voted_dptb", "voted_dpk"]


@settings(max_examples=300)
@given(consistent_forms(categories=True), st.sampled_from(IN_IDENTITIES), st.data())
def test_any_one_digit_misread_is_flagged_and_its_true_value_proposed(form, key, data):
    true = form.values()[key]
    text = str(true)
    if data.draw(st.booleans(), label="add a leading digit"):
        shown = int(data.draw(st.sampled_from("123456789")) + text)  # 17 → 617
    else:
        i = data.draw(st.integers(0, len(text) - 1))
        digits = "123456789" if i == 0 and len(text) > 1 else "0123456789"
        other = data.draw(st.sampled_from([d for d in digits if d != text[i]]))
        shown = int(text[:i] + other + text[i + 1:])
    assert check(form) == []
    findings = check(form.with_value(key, shown))
    assert flags(findings)
    assert (key, shown, true, "digit") in hints(findings)


def brute_force_digit_readings(form):
    """Every field, every one-slip reading: kept if no identity breaks and no rule is added."""
    before = {f.key for f in check(form, hints=False)}
    found = set()
    for key, shown in form.values().items():
        for value in digit_variants(shown):
            after = check(form.with_value(key, value), hints=False)
            if not codes(after, "identity") and {f.key for f in after} < before:
                found.add((key, shown, value, "digit"))
    return found


@settings(max_examples=150)
@given(consistent_forms(categories=True), st.sampled_from(IN_IDENTITIES + ["dptb", "dpk"]),
       st.integers(0, 999))
def test_the_digit_rule_finds_exactly_what_trying_every_field_and_digit_finds(form, key, shown):
    broken = form.with_value(key, shown)
    assume(codes(check(broken, hints=False), "identity"))
    proposed = {h for h in hints(check(broken)) if h[3] == "digit"}
    assert proposed == brute_force_digit_readings(broken)


# --- national scale: the arrays agree with the form-by-form check ---------------------------

FIELDS = ["dpt", "dptb", "dpk", "voted", "ballots_received", "ballots_used", "ballots_unused",
          "ballots_damaged", "valid", "invalid", "votes:01", "votes:02", "votes:03"]


@st.composite
def forms_some_broken(draw, categories):
    form = draw(consistent_forms(categories=categories))
    keys = FIELDS + (["voted_dpt", "voted_dptb", "voted_dpk"] if categories else [])
    for key in draw(st.lists(st.sampled_from(keys), max_size=3)):
        form = form.with_value(key, draw(st.integers(-3, 1500)))
    return form


@settings(max_examples=200)
@given(st.booleans().flatmap(lambda c: st.lists(forms_some_broken(c), min_size=1,
                                                max_size=12)))
def test_check_arrays_agrees_with_check_form_by_form(forms):
    arrays = FormArrays.from_forms(forms, ("01", "02", "03"))
    result = check_arrays(arrays)
    for i, form in enumerate(forms):
        found = set(errors(check(form)))
        assert bool(result.flagged[i]) == bool(found)
        assert {code for code, mask in result.masks.items() if mask[i]} == found
    assert sum(result.counts.values()) >= int(result.flagged.sum())


def test_check_arrays_counts_each_check_and_flags_the_misread_forms():
    arrays = FormArrays.from_forms([kalibaru()] * 5, ("01", "02", "03"), dtype=np.int32)
    shown = arrays.with_rows([1, 3], valid=[2, 202]).with_rows([3], dpk=[-1])
    result = check_arrays(shown)
    assert result.flagged.tolist() == [False, True, False, True, False]
    assert result.counts["valid_invalid_voted"] == 1
    assert result.counts["negative"] == 1
    assert arrays.form(0) == kalibaru()


# --- anomaly hints --------------------------------------------------------------------------

def test_robust_z_uses_the_median_and_mad_of_each_group():
    x = np.array([0.80, 0.82, 0.78, 0.81, 0.79, 0.99, 0.5, 0.5, 0.5])
    group = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1])
    z, median = robust_z(x, group, min_group=5)
    assert median[0] == pytest.approx(0.805)
    assert z[5] > 3.5 and abs(z[0]) < 1
    assert np.isnan(z[6:]).all()  # three TPS are no norm


def test_chi_square_tail_matches_scipy():
    stats = pytest.importorskip("scipy.stats")
    for dof in (1, 2, 3, 9, 10):
        for x in (0.5, 3.0, 9.0, 16.9, 27.9, 60.0):
            assert chi2_sf(x, dof) == pytest.approx(stats.chi2.sf(x, dof), rel=1e-9, abs=1e-15)


def test_last_digits_uneven_only_where_they_are():
    rng = np.random.default_rng(1)
    fair = rng.integers(10, 400, (400, 3))
    rigged = (fair // 10) * 10 + 5  # every count ends in 5
    n, _chi2, p = last_digit_test(np.vstack([fair, rigged]), np.repeat([0, 1], 400), 2)
    assert n.tolist() == [1200, 1200]
    assert p[0] > 0.001 and p[1] < 1e-100


def national_like(n_kec=20, per_kec=30, seed=3):
    """Ordinary synthetic forms, 3 choices, a desa per 10 TPS."""
    rng = np.random.default_rng(seed)
    n = n_kec * per_kec
    dpt = rng.integers(200, 280, n)
    voted = (dpt * rng.normal(0.8, 0.03, n)).astype(int)
    invalid = rng.integers(0, 8, n)
    valid = voted - invalid
    a = (valid * rng.uniform(0.2, 0.4, n)).astype(int)
    b = (valid * rng.uniform(0.3, 0.5, n)).astype(int)
    votes = np.column_stack([a, b, valid - a - b])
    received = ballots_expected_array(dpt)
    zero = np.zeros(n, dtype=int)
    forms = FormArrays(dpt=dpt, dptb=zero, dpk=zero, voted=voted, ballots_received=received,
                       ballots_used=voted, ballots_unused=received - voted,
                       ballots_damaged=zero, valid=valid, invalid=invalid, votes=votes,
                       choices=("01", "02", "03"))
    return forms, np.arange(n) // 10, np.arange(n) // per_kec


def test_anomaly_hints_point_at_the_odd_forms_and_not_at_the_ordinary_ones():
    forms, desa, kec = national_like()
    assert not check_arrays(forms).flagged.any()
    # TPS 5: 100% turnout, all votes to 02. TPS 40, 41, 42: one form copied three times.
    dpt = int(forms.dpt[5])
    forms = forms.with_rows([5], voted=[dpt], ballots_used=[dpt], invalid=[0], valid=[dpt],
                            ballots_unused=[int(forms.ballots_received[5]) - dpt])
    forms = replace(forms, votes=forms.votes.copy())
    forms.votes[5] = [0, dpt, 0]
    for i in (41, 42):
        for name in ("dpt", "voted", "ballots_received", "ballots_used", "ballots_unused",
                     "valid", "invalid"):
            getattr(forms, name)[i] = getattr(forms, name)[40]
        forms.votes[i] = forms.votes[40]
    assert not check_arrays(forms).flagged.any()  # all plausible, one by one
    found = find_anomalies(forms, desa, kec)
    assert set(np.flatnonzero(found.hinted)) >= {5, 40, 41, 42}
    assert found.all_one[5] == 1
    assert found.identical[[40, 41, 42]].tolist() == [3, 3, 3]
    assert found.hinted.sum() <= 10
    rendered = [f.render() for f in found.findings_for(5, forms)]
    assert f"All {dpt} valid votes went to 02" in rendered
    assert any(r.startswith("Turnout 100.0% is far from the") for r in rendered)
    assert "01 has no votes out of" in " ".join(rendered)
    copied = found.findings_for(40, forms, "62.13.01")[0].render()
    assert "appear at 3 TPS of kecamatan 62.13.01" in copied
    assert all(f.kind == "hint" for f in found.findings_for(5, forms))
