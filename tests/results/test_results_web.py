"""Results in the web app: C.Hasil forms posted from the field, checked, reviewed (accept,
correct, reject) and rolled up per region; the Sirekap misreads of 15 Feb 2024 through the API."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from siaga.accounts.models import AuditEntry
from siaga.regions.models import TPS
from siaga.results import services
from siaga.results.demo import load_demo_candidates
from siaga.results.models import Candidate, ResultForm, ResultTotal, TpsResult

pytestmark = pytest.mark.django_db


def user(name):
    return get_user_model().objects.get(username=name)


def kalibaru(tps, client_id="hasil-0001", **changes):
    """TPS 013 Kalibaru's PPWP form as it should have been read (DOMAIN.md: DPT 236, 117 for
    01, 202 valid votes; the other numbers invented so that the arithmetic adds up)."""
    body = {"client_id": client_id, "tps": tps.code, "contest": "PPWP", "source": "kpps",
            "election": "pemilu-2024", "dpt": 236, "dptb": 0, "dpk": 0, "voted": 212,
            "ballots_received": 241, "ballots_used": 212, "ballots_unused": 27,
            "ballots_damaged": 2, "valid": 202, "invalid": 10,
            "votes": {"01": 117, "02": 60, "03": 25}}
    return body | changes


def post(client, body):
    return client.post("/api/v1/hasil", json.dumps(body), content_type="application/json")


def total(client, wilayah="62.13.01", kontes="PPWP"):
    response = client.get("/api/v1/hasil/total", {"wilayah": wilayah, "kontes": kontes})
    assert response.status_code == 200, response.content
    return response.json()


def numbers(body):
    return {k: v for k, v in body.items()
            if k not in ("client_id", "tps", "contest", "source", "election")}


def submit(tps, contest, client_id, source="kpps", **changes):
    body = kalibaru(tps, client_id, **changes)
    return services.submit(tps=tps, contest=contest, numbers=numbers(body), source=source,
                           client_id=client_id)[0]


def nation(contest):
    return services.totals_snapshot(contest)["votes"], services.totals_snapshot(contest)["counts"]


# --- the Sirekap cases ------------------------------------------------------------------

def test_sirekap_617_for_117_is_flagged_with_the_likely_reading_and_not_counted(login, ppwp,
                                                                                 tps):
    client = login("uji-field")
    response = post(client, kalibaru(tps, votes={"01": 617, "02": 60, "03": 25}))
    assert response.status_code == 201
    answer = response.json()
    assert answer["status"] == "flagged" and answer["counted"] is False
    codes = [f["code"] for f in answer["findings"]]
    assert codes == ["votes_sum_valid", "votes_over_voters", "likely_misread"]
    hint = answer["findings"][-1]
    assert hint["params"] == {"field": "votes:01", "shown": 617, "probably": 117,
                              "rule": "digit"}
    # Rendered in the user's language (Bahasa Indonesia by default).
    assert answer["findings"][0]["message"] == (
        "Suara 01: 617 + 02: 60 + 03: 25 = 702 ≠ suara sah 202")
    assert "617" in hint["message"] and "117" in hint["message"]
    region = total(client)["region"]
    assert region["votes"] == {} and region["tps_in"] == 0 and region["tps_flagged"] == 1


def test_a_dpt_that_is_not_the_registers_is_a_hint_and_the_form_still_counts(login, ppwp,
                                                                                tps):
    """The sheet adds up around DPT 236, the register says 240 (moved voters, an old list): a
    hint for the reviewer naming both, not a reason to keep the form out."""
    TPS.objects.filter(pk=tps.pk).update(dpt_men=120, dpt_women=120)
    answer = post(login("uji-field"), kalibaru(tps)).json()
    assert answer["status"] == "accepted" and answer["counted"] is True
    assert [(f["code"], f["kind"], f["params"]) for f in answer["findings"]] == [
        ("dpt_not_register", "hint", {"form": 236, "register": 240})]
    message = answer["findings"][0]["message"]
    assert "236" in message and "240" in message
    assert "register" not in message  # said in Indonesian (the default language)


def test_sirekap_valid_2_for_202_is_flagged_with_the_value_the_sums_determine(login, ppwp, tps):
    answer = post(login("uji-field"), kalibaru(tps, valid=2)).json()
    assert answer["status"] == "flagged"
    assert {"valid_invalid_voted", "votes_sum_valid"} <= {f["code"] for f in answer["findings"]}
    hints = [f["params"] for f in answer["findings"] if f["code"] == "likely_misread"]
    assert hints == [{"field": "valid", "shown": 2, "probably": 202, "rule": "identity"}]


def test_a_form_whose_arithmetic_adds_up_is_accepted_and_counted(login, ppwp, tps):
    client = login("uji-field")
    answer = post(client, kalibaru(tps)).json()
    assert answer["status"] == "accepted" and answer["counted"] is True
    assert answer["findings"] == [] and answer["version"] == 1
    result = total(client)
    assert result["region"]["votes"] == {"01": 117, "02": 60, "03": 25}
    assert (result["region"]["valid"], result["region"]["invalid"]) == (202, 10)
    registered = TPS.objects.filter(election=ppwp.election, code__startswith="62.13.01").count()
    assert result["region"]["tps"] == registered
    assert result["region"]["tps_in"] == 1 and result["region"]["tps_missing"] == registered - 1
    desa = next(c for c in result["children"] if tps.code.startswith(c["code"]))
    assert desa["votes"]["01"] == 117 and desa["tps_in"] == 1
    assert sum(c["tps"] for c in result["children"]) == registered
    regency = total(client, wilayah="62.13")["region"]
    assert regency["votes"]["02"] == 60
    assert [c["number"] for c in result["candidates"]] == ["01", "02", "03"]


def test_a_retried_form_is_stored_once(login, ppwp, tps):
    client = login("uji-field")
    first = post(client, kalibaru(tps))
    assert first.status_code == 201 and first.json()["stored"] is True
    for _ in range(3):
        again = post(client, kalibaru(tps))
        assert again.status_code == 200 and again.json()["stored"] is False
        assert again.json()["id"] == first.json()["id"]
    assert ResultForm.objects.count() == 1
    assert AuditEntry.objects.filter(model="results.ResultForm", action="create").count() == 1
    assert total(client)["region"]["votes"]["01"] == 117


@pytest.mark.parametrize("changes, field", [
    ({"client_id": "x"}, "client_id"),
    ({"source": "kpu_import"}, "source"),
    ({"contest": "DPD"}, "contest"),
    ({"votes": {"01": 117, "02": 85}}, "votes"),
    ({"votes": {"01": 117, "02": 60, "03": 25, "04": 0}}, "votes"),
    ({"dpt": 10_000_000}, "dpt"),
    ({"voted_dpt": 212}, "voted_dpt"),
])
def test_bad_input_is_refused_with_the_field_named_and_nothing_stored(login, ppwp, tps, changes,
                                                                      field):
    response = post(login("uji-field"), kalibaru(tps, **changes))
    assert response.status_code == 422
    assert response.json()["detail"].startswith(field)
    assert not ResultForm.objects.exists()


def test_a_number_that_is_not_a_number_is_refused_naming_the_field(login, ppwp, tps):
    response = post(login("uji-field"), kalibaru(tps, valid="dua ratus"))
    assert response.status_code == 422
    assert "valid" in json.dumps(response.json()["detail"])


# --- scope and rights -------------------------------------------------------------------

def test_a_tps_outside_the_region_is_not_found(login, ppwp, outside_tps, tps_list):
    response = post(login("uji-field"), kalibaru(TPS.objects.get(code=outside_tps)))
    assert response.status_code == 404 and outside_tps in response.json()["detail"]
    other_kecamatan = TPS.objects.filter(code__startswith="62.13.02").first()
    assert post(login("uji-kecamatan"), kalibaru(other_kecamatan)).status_code == 404
    assert login("uji-field").get("/api/v1/hasil/total", {"wilayah": "62.01"}).status_code == 404
    assert not ResultForm.objects.exists()


def test_a_viewer_may_not_submit_and_a_field_officer_may_not_review(login, ppwp, tps):
    assert post(login("uji-viewer"), kalibaru(tps)).status_code == 403
    assert login("uji-viewer").get("/api/v1/hasil/total").status_code == 200
    form = submit(tps, ppwp, "hasil-0001", ballots_received=240, ballots_unused=26)
    with pytest.raises(PermissionDenied):
        services.accept(form, user("uji-field"))
    assert ResultForm.objects.get().status == "flagged"


# --- review -------------------------------------------------------------------------------

def test_a_flagged_form_is_not_in_the_totals_until_accepted(login, ppwp, tps):
    client = login("uji-field")
    # The reserve on the paper is one ballot short: flagged, not counted.
    answer = post(client, kalibaru(tps, ballots_received=240, ballots_unused=26)).json()
    assert answer["status"] == "flagged"
    assert [f["code"] for f in answer["findings"] if f["kind"] != "hint"] == ["received_reserve"]
    assert total(client)["region"]["tps_in"] == 0
    form = services.accept(ResultForm.objects.get(pk=answer["id"]), user("uji-coordinator"),
                           note="Sesuai foto C.Hasil")
    assert form.status == "accepted" and form.reviewed_by.username == "uji-coordinator"
    region = total(client)["region"]
    assert region["votes"] == {"01": 117, "02": 60, "03": 25}
    assert (region["tps_in"], region["tps_flagged"]) == (1, 0)
    entry = AuditEntry.objects.filter(model="results.ResultForm", action="update").get()
    assert entry.before["status"] == "flagged" and entry.after["status"] == "accepted"


def test_a_correction_keeps_the_old_version_and_moves_the_totals(login, ppwp, tps):
    client = login("uji-field")
    flagged = post(client, kalibaru(tps, votes={"01": 617, "02": 60, "03": 25})).json()
    coordinator = user("uji-coordinator")
    old = ResultForm.objects.get(pk=flagged["id"])
    new = services.correct(old, {"votes": {"01": 117}}, coordinator, note="01 dibaca 117")
    assert (new.version, new.status, new.supersedes_id) == (2, "accepted", old.pk)
    assert new.votes == {"01": 117, "02": 60, "03": 25} and new.findings == []
    old.refresh_from_db()
    assert old.status == "flagged" and old.current is False and old.votes["01"] == 617
    assert total(client)["region"]["votes"] == {"01": 117, "02": 60, "03": 25}
    # A second correction of the counted form: the totals move by the difference.
    third = services.correct(new, {"votes": {"01": 118, "02": 59}}, coordinator)
    assert third.version == 3 and ResultForm.objects.filter(tps=tps).count() == 3
    region = total(client)["region"]
    assert region["votes"] == {"01": 118, "02": 59, "03": 25} and region["tps_in"] == 1
    assert AuditEntry.objects.filter(model="results.ResultForm", action="create").count() == 3
    with pytest.raises(services.ReviewError):
        services.correct(new, {"votes": {"01": 119}}, coordinator)


def test_a_correction_that_still_does_not_add_up_stays_flagged_and_uncounted(ppwp, tps):
    form = submit(tps, ppwp, "hasil-0001")
    fixed = services.correct(form, {"valid": 2}, user("uji-coordinator"))
    assert fixed.status == "flagged"
    assert TpsResult.objects.get(tps=tps).state == "flagged"
    votes, counts = nation(ppwp)
    assert votes == {} and counts[""] == (0, 1, 0, 0, 0)


def test_a_rejected_form_leaves_the_totals_and_is_kept(login, ppwp, tps):
    client = login("uji-field")
    answer = post(client, kalibaru(tps)).json()
    assert total(client)["region"]["tps_in"] == 1
    form = services.reject(ResultForm.objects.get(pk=answer["id"]), user("uji-coordinator"),
                           note="Foto TPS lain")
    assert form.status == "rejected" and form.note == "Foto TPS lain"
    region = total(client)["region"]
    assert region["votes"] == {"01": 0, "02": 0, "03": 0}
    assert (region["tps_in"], region["tps_flagged"]) == (0, 0)
    assert ResultForm.objects.filter(pk=answer["id"]).exists()


# --- several sources ----------------------------------------------------------------------

def test_two_sources_that_disagree_are_reconciled_side_by_side(login, ppwp, tps):
    client = login("uji-field")
    kpps = post(client, kalibaru(tps)).json()
    assert kpps["status"] == "accepted"
    ptps = post(client, kalibaru(tps, client_id="hasil-ptps-1", source="ptps", valid=207,
                                 invalid=5, votes={"01": 117, "02": 65, "03": 25})).json()
    # Its own arithmetic holds, but it differs from the form counted: flagged, not counted.
    assert ptps["status"] == "flagged" and ptps["counted"] is False
    conflict = ptps["findings"][-1]
    assert conflict["code"] == "sources_disagree"
    assert conflict["params"] == {"source": "kpps", "fields": ["valid", "invalid", "votes:02"]}
    assert "Suara 02" in conflict["message"]
    assert total(client)["region"]["votes"]["02"] == 60

    side = services.reconcile(tps, ppwp)
    assert [f.source for f in side.forms] == ["kpps", "ptps"] and side.counted.source == "kpps"
    assert side.differences == {"valid": {"kpps": 202, "ptps": 207},
                                "invalid": {"kpps": 10, "ptps": 5},
                                "votes:02": {"kpps": 60, "ptps": 65}}
    # The reviewer decides for the Panwas reading: it counts in place of the KPPS one.
    services.accept(ResultForm.objects.get(pk=ptps["id"]), user("uji-coordinator"))
    region = total(client)["region"]
    assert region["votes"]["02"] == 65 and region["valid"] == 207 and region["tps_in"] == 1
    assert services.reconcile(tps, ppwp).counted.source == "ptps"


def test_a_second_source_that_agrees_is_accepted_without_counting_twice(login, ppwp, tps):
    client = login("uji-field")
    post(client, kalibaru(tps))
    answer = post(client, kalibaru(tps, client_id="hasil-pemda-1", source="pemda")).json()
    assert answer["status"] == "accepted" and answer["counted"] is False
    region = total(client)["region"]
    assert region["votes"]["01"] == 117 and region["tps_in"] == 1
    assert services.reconcile(tps, ppwp).agree


def test_a_source_sending_again_makes_its_next_version(login, ppwp, tps):
    client = login("uji-field")
    post(client, kalibaru(tps, votes={"01": 617, "02": 60, "03": 25}))
    answer = post(client, kalibaru(tps, client_id="hasil-0002")).json()
    assert answer["version"] == 2 and answer["status"] == "accepted" and answer["counted"]
    assert ResultForm.objects.filter(current=True).count() == 1
    assert total(client)["region"]["votes"]["01"] == 117


# --- totals -------------------------------------------------------------------------------

def test_incremental_totals_equal_a_rebuild_after_submits_reviews_and_corrections(ppwp,
                                                                                  tps_list):
    coordinator = user("uji-coordinator")
    a, b, c, d, e, f = tps_list
    submit(a, ppwp, "hasil-a-01")
    bad_b = submit(b, ppwp, "hasil-b-01", votes={"01": 617, "02": 60, "03": 25})
    reserve_c = submit(c, ppwp, "hasil-c-01", ballots_received=240, ballots_unused=26)
    accepted_d = submit(d, ppwp, "hasil-d-01")
    submit(e, ppwp, "hasil-e-01", valid=2)
    kpps_f = submit(f, ppwp, "hasil-f-01")
    ptps_f = submit(f, ppwp, "hasil-f-02", source="ptps", valid=207, invalid=5,
                    votes={"01": 117, "02": 65, "03": 25})
    services.correct(bad_b, {"votes": {"01": 117}}, coordinator)
    services.accept(reserve_c, coordinator)
    second_d = services.correct(accepted_d, {"votes": {"01": 100, "03": 42}}, coordinator)
    services.reject(second_d, coordinator, "salah TPS")
    services.accept(ptps_f, coordinator)
    services.reject(kpps_f, coordinator, "dobel")
    submit(d, ppwp, "hasil-d-03", votes={"01": 120, "02": 57, "03": 25})

    incremental = services.totals_snapshot(ppwp)
    states = {r.tps_id: (r.state, r.form_id) for r in TpsResult.objects.all()}
    services.rebuild(ppwp.election, ppwp)
    assert services.totals_snapshot(ppwp) == incremental
    assert {r.tps_id: (r.state, r.form_id) for r in TpsResult.objects.all()} == states
    # a, b (corrected), c (accepted), d (third version), f (Panwas) count; e is flagged.
    votes, counts = incremental["votes"], incremental["counts"]
    assert votes[("", "01")] == 117 * 4 + 120
    assert votes[("", "02")] == 60 * 3 + 57 + 65
    assert counts["62.13.01"][:2] == (5, 1)
    assert counts[""][2:] == (5 * 212, 4 * 202 + 207 + 0, 4 * 10 + 5)


def test_rebuild_repairs_totals_that_were_damaged(ppwp, tps_list):
    for i, tps in enumerate(tps_list[:3]):
        submit(tps, ppwp, f"hasil-{i:04d}")
    good = services.totals_snapshot(ppwp)
    ResultTotal.objects.filter(contest=ppwp, region_code="").update(votes=1)
    services.rebuild(ppwp.election, ppwp)
    assert services.totals_snapshot(ppwp) == good


def test_the_demo_candidates_are_the_three_2024_pairs(pemilu):
    assert load_demo_candidates(pemilu) == 3
    assert load_demo_candidates(pemilu) == 0
    names = dict(Candidate.objects.values_list("number", "name"))
    assert names["01"].startswith("Anies") and "Muhaimin" in names["01"]
    assert names["02"].startswith("Prabowo") and "Gibran" in names["02"]
    assert names["03"].startswith("Ganjar") and "Mahfud" in names["03"]
