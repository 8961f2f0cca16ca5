"""Anomaly hints on the review and TPS pages: over the counted forms of a contest, a TPS whose
turnout is far from its kecamatan's and one giving every vote to one pair are listed with the
reason, labelled as hints for review and not verdicts; an ordinary TPS is not."""

import re

import numpy as np
import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from siaga.regions.models import TPS, Contest
from siaga.results import anomalies, checks
from siaga.results.demo_forms import form_numbers, load_demo_forms

REVIEW = "/hasil/tinjau/?pemilu=pemilu-2024&kontes=PPWP"


def counted(code, dpt=250, turnout=0.8, shares=(0.3, 0.5, 0.2)):
    numbers = form_numbers(dpt, turnout, shares)
    votes = numbers.pop("votes")
    return anomalies.CountedForm(code, numbers, votes)


def kecamatan(n=12, **planted):
    """n TPS in two desa of one kecamatan, turnout 78–82%; `planted` {index: changes}."""
    forms = []
    for i in range(n):
        code = f"62.13.01.{2001 + i % 2}-{i + 1:03d}"
        changes = planted.get(i, {})
        forms.append(counted(code, dpt=240 + i, turnout=changes.get("turnout", 0.78 + i % 5 / 100),
                             shares=changes.get("shares", (0.3 + i / 100, 0.5, 0.2 - i / 200))))
    return forms


def test_a_turnout_far_from_the_kecamatan_norm_is_a_hint():
    assert anomalies.hints(kecamatan()).hinted == []
    forms = kecamatan()
    forms[3] = counted(forms[3].tps_code, dpt=243, turnout=0.3)
    report = anomalies.hints(forms, {"62.13.01": "Dusun Timur"})
    [hinted] = report.hinted
    assert hinted.tps_code == forms[3].tps_code
    # six TPS in its desa and twelve in its kecamatan: far from both norms
    assert {(f.code, f.params["level"]) for f in hinted.findings} == {
        ("turnout_outlier", "desa"), ("turnout_outlier", "kecamatan")}
    assert hinted.findings[0].params["turnout"] == pytest.approx(30.0, abs=0.5)


def test_all_votes_for_one_pair_is_a_hint_naming_the_pair():
    forms = kecamatan()
    forms[5] = counted(forms[5].tps_code, dpt=245, turnout=0.8, shares=(0, 1, 0))
    [hinted] = anomalies.hints(forms).hinted
    codes = [f.code for f in hinted.findings]
    assert codes[0] == "all_votes_one_choice" and hinted.findings[0].params["choice"] == "02"
    assert sorted(f.params["choice"] for f in hinted.findings[1:]) == ["01", "03"]


def test_a_choice_not_on_the_tps_ballot_is_not_a_hint_of_no_votes():
    forms = kecamatan()
    other_dapil = forms[0]
    forms[0] = anomalies.CountedForm(other_dapil.tps_code, other_dapil.numbers,
                                     {"01": 100, "04": other_dapil.numbers["valid"] - 100})
    report = anomalies.hints(forms)
    codes = {f.code for t in report.tps for f in t.findings if f.params.get("choice") == "04"}
    assert "no_votes_for_choice" not in codes


def test_no_counted_forms_give_no_hints():
    report = anomalies.hints([])
    assert report.tps == [] and report.region_findings == []


@given(st.lists(st.tuples(st.integers(100, 300), st.floats(0.5, 0.95)), min_size=1,
                max_size=30))
def test_every_counted_form_is_reported_once_with_its_turnout(rows):
    forms = [counted(f"62.13.01.2001-{i + 1:03d}", dpt=dpt, turnout=t)
             for i, (dpt, t) in enumerate(rows)]
    report = anomalies.hints(forms)
    assert [t.tps_code for t in report.tps] == sorted(f.tps_code for f in forms)
    for t, f in zip(report.tps, sorted(forms, key=lambda f: f.tps_code), strict=True):
        assert t.turnout == pytest.approx(f.numbers["voted"] / f.numbers["dpt"])
        assert all(x.kind == "hint" for x in t.findings)


def test_the_arrays_put_a_missing_choice_at_zero():
    a = anomalies.as_arrays([anomalies.CountedForm("x", counted("x").numbers, {"01": 5}),
                             anomalies.CountedForm("y", counted("y").numbers, {"02": 7})])
    assert a.choices == ("01", "02")
    assert np.array_equal(a.votes, [[5, 0], [0, 7]])
    assert isinstance(a, checks.FormArrays)


@pytest.fixture
def demo(pemilu):
    return load_demo_forms(pemilu, prefix="62.13.01")


@pytest.mark.django_db
def test_the_review_page_lists_the_planted_tps_with_the_right_hint_and_not_a_normal_one(
        login, demo):
    client = login("uji-coordinator")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(REVIEW)
    page = response.content.decode()
    assert "Hints for review, not verdicts." in page
    rows = {r["code"]: r for r in response.context["hint_rows"]}
    assert re.search(r"Turnout \d+\.\d% is far from the kecamatan median",
                     " ".join(rows[demo.low_turnout]["hints"]))
    one_pair = rows[demo.one_pair]["hints"]
    assert any(h.startswith("All ") and h.endswith("valid votes went to 02") for h in one_pair)
    assert f'id="hint-{demo.low_turnout}"' in page and f'id="hint-{demo.one_pair}"' in page
    normal = next(t.code for t in TPS.objects.filter(code__startswith="62.13.01")
                  .order_by("code") if t.code not in rows)
    assert f'id="hint-{normal}"' not in page


@pytest.mark.django_db
def test_the_filter_shows_every_counted_tps_when_asked(login, demo):
    client = login("uji-coordinator")
    hinted = client.get(REVIEW).context["hint_rows"]
    everyone = client.get(REVIEW + "&petunjuk=semua").context["hint_rows"]
    assert len(everyone) == demo.counted > len(hinted) >= 2
    assert {r["code"] for r in hinted} <= {r["code"] for r in everyone}
    assert all(r["hints"] for r in hinted)


@pytest.mark.django_db
def test_the_hints_are_in_indonesian_by_default(login, demo):
    page = login("uji-coordinator").get(REVIEW).content.decode().lower()
    assert "petunjuk untuk ditinjau, bukan putusan" in page


@pytest.mark.django_db
def test_the_tps_page_shows_its_hints(login, demo):
    client = login("uji-viewer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/hasil/tps/{demo.one_pair}/?pemilu=pemilu-2024&kontes=PPWP")
    assert any("went to 02" in h for h in response.context["hints"])
    assert 'id="anomaly-hints"' in response.content.decode()
    plain = next(t.code for t in TPS.objects.filter(code__startswith="62.13.01").order_by("code")
                 if t.code not in (demo.one_pair, demo.low_turnout))
    assert not client.get(f"/hasil/tps/{plain}/?pemilu=pemilu-2024&kontes=PPWP").context["hints"]


@pytest.mark.django_db
def test_a_kecamatan_user_sees_hints_of_the_kecamatan_only(login, pemilu, demo):
    load_demo_forms(pemilu, prefix="62.13.02", seed=7)
    rows = login("uji-kecamatan").get(REVIEW + "&petunjuk=semua").context["hint_rows"]
    assert rows and all(r["code"].startswith("62.13.01") for r in rows)
    everyone = login("uji-coordinator").get(REVIEW + "&petunjuk=semua").context["hint_rows"]
    assert any(r["code"].startswith("62.13.02") for r in everyone)


@pytest.mark.django_db
def test_the_demo_forms_load_once(pemilu, demo):
    again = load_demo_forms(pemilu, prefix="62.13.01")
    assert again == demo
    contest = Contest.objects.get(election=pemilu, kind="PPWP")
    assert contest.result_forms.count() == demo.counted + demo.flagged
