"""The results map: each TPS coloured by the state of its form for the contest (counted,
flagged, missing), each area's tooltip with the leading pair and the TPS counted, only within
the user's region."""

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from siaga.regions.models import TPS, Contest
from siaga.results import mapdata, services
from siaga.results.demo import load_demo_candidates
from siaga.results.demo_forms import form_numbers


def test_the_leading_choice_is_the_one_with_most_votes_and_its_share():
    assert mapdata.leading({"01": 117, "02": 60, "03": 25}) == ("01", pytest.approx(100 * 117 / 202))
    assert mapdata.leading({"01": 0, "02": 0}) is None
    assert mapdata.leading({}) is None


def test_a_tie_is_led_by_the_lowest_ballot_number():
    assert mapdata.leading({"02": 50, "01": 50, "03": 1})[0] == "01"


@given(st.dictionaries(st.sampled_from(["01", "02", "03", "04"]), st.integers(0, 10**6),
                       min_size=1))
def test_the_leader_has_no_fewer_votes_than_any_other_and_its_share_is_a_percentage(votes):
    lead = mapdata.leading(votes)
    if sum(votes.values()) == 0:
        assert lead is None
        return
    number, pct = lead
    assert all(votes[number] >= v for v in votes.values())
    assert 100 / len(votes) - 1e-9 <= pct <= 100


def test_a_tps_point_carries_the_colour_and_label_of_its_state():
    counted = mapdata.tps_point("accepted", {"01": 117, "02": 60})
    assert counted["color"] == mapdata.STATE_COLORS["accepted"]
    assert counted["label"].splitlines() == ["counted (form accepted)", "01: 117 votes",
                                             "02: 60 votes"]
    assert mapdata.tps_point("flagged", {})["color"] == mapdata.STATE_COLORS["flagged"]
    assert mapdata.tps_point("none", {})["label"] == "missing (no form)"
    assert len(set(mapdata.STATE_COLORS.values())) == 3


def test_a_region_tooltip_names_the_leader_and_the_share_of_tps_counted():
    row = {"votes": {"01": 30, "02": 70}, "tps": 8, "tps_in": 2, "tps_flagged": 1}
    text = mapdata.region_tooltip("Dusun Timur", row, {"02": "Prabowo – Gibran"})
    assert text.splitlines() == ["Dusun Timur", "Leading: 02 Prabowo – Gibran, 70,0%",
                                 "2 of 8 TPS counted (25,0%)", "1 TPS flagged"]
    empty = {"votes": {}, "tps": 0, "tps_in": 0, "tps_flagged": 0}
    assert "No votes counted yet" in mapdata.region_tooltip("X", empty, {})


@pytest.fixture
def forms(pemilu):
    """In kecamatan 62.13.01: its first TPS counted, its second flagged, the rest missing."""
    load_demo_candidates(pemilu)
    contest = Contest.objects.get(election=pemilu, kind="PPWP")
    first, second = TPS.objects.filter(election=pemilu, code__startswith="62.13.01").order_by(
        "code")[:2]
    services.submit(tps=first, contest=contest, source="kpps", client_id="peta-1",
                    numbers=form_numbers(first.dpt, 0.8, [0.3, 0.6, 0.1]))
    wrong = form_numbers(second.dpt, 0.8, [0.3, 0.6, 0.1])
    wrong["votes"]["01"] += 500
    services.submit(tps=second, contest=contest, source="kpps", client_id="peta-2",
                    numbers=wrong)
    return first, second


def map_json(client, region="62.13.01", kontes="PPWP"):
    return client.get(f"/hasil/peta.json?wilayah={region}&pemilu=pemilu-2024&kontes={kontes}")


@pytest.mark.django_db
def test_the_map_colours_each_tps_counted_flagged_or_missing(login, forms):
    first, second = forms
    data = map_json(login("uji-viewer")).json()
    points = {f["properties"]["code"]: f["properties"] for f in data["tps"]["features"]}
    assert points[first.code]["state"] == "accepted"
    assert points[first.code]["color"] == mapdata.STATE_COLORS["accepted"]
    assert points[second.code]["state"] == "flagged"
    others = [p for code, p in points.items() if code not in (first.code, second.code)]
    assert others and all(p["state"] == "none" for p in others)
    assert data["tps_shown"] == TPS.objects.filter(code__startswith="62.13.01",
                                                   latitude__isnull=False).count()


@pytest.mark.django_db
def test_the_areas_tooltips_name_the_leader_and_the_tps_counted(login, forms):
    client = login("uji-viewer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = map_json(client, region="62.13").json()
    areas = {f["properties"]["code"]: f["properties"] for f in data["boundaries"]["features"]}
    tip = areas["62.13.01"]["tooltip"]
    assert tip.startswith(areas["62.13.01"]["name"])
    assert "Leading: 02 Prabowo Subianto – Gibran Rakabuming Raka, 60.0%" in tip
    tps = TPS.objects.filter(code__startswith="62.13.01").count()
    assert f"1 of {tps} TPS counted" in tip and "1 TPS flagged" in tip
    # desa lines under the kecamatan areas carry no tooltip of their own
    assert all("tooltip" not in p for p in areas.values() if p["level"] == "desa")


@pytest.mark.django_db
def test_the_map_of_a_region_outside_the_users_is_not_found(login, forms):
    assert map_json(login("uji-viewer"), region="62.01").status_code == 404
    assert map_json(login("uji-kecamatan"), region="62.13.02").status_code == 404


@pytest.mark.django_db
def test_a_kecamatan_user_gets_only_the_tps_of_the_kecamatan(login, forms):
    data = map_json(login("uji-kecamatan")).json()
    codes = [f["properties"]["code"] for f in data["tps"]["features"]]
    assert codes and all(code.startswith("62.13.01") for code in codes)


@pytest.mark.django_db
def test_the_results_page_has_the_map_and_its_legend(login, forms):
    page = login("uji-viewer").get(
        "/hasil/?wilayah=62.13&pemilu=pemilu-2024&kontes=PPWP").content.decode()
    assert 'id="map"' in page and "/hasil/peta.json?wilayah=62.13" in page
    assert 'data-query="kontes=PPWP"' in page
    legend = page[page.index('id="results-legend"'):]
    for color in mapdata.STATE_COLORS.values():
        assert color in legend
