"""Reviewing C.Hasil over the API: the queue of flagged forms, accept, reject and correct,
each with the same rights, scope and audit as the review page."""

import json

import pytest

from siaga.accounts.models import AuditEntry
from siaga.results.models import ResultForm

from .test_results_web import kalibaru, post, total

pytestmark = pytest.mark.django_db


def flagged_617(login, tps):
    answer = post(login("uji-field"), kalibaru(tps, votes={"01": 617, "02": 60, "03": 25}))
    assert answer.json()["status"] == "flagged"
    return answer.json()["id"]


def send(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_the_review_queue_lists_flagged_forms_with_their_findings(login, ppwp, tps):
    form_id = flagged_617(login, tps)
    post(login("uji-field"), kalibaru(tps.__class__.objects.exclude(pk=tps.pk).filter(
        code__startswith="62.13.01", election=tps.election).first(), client_id="hasil-ok-01"))
    queue = login("uji-coordinator").get("/api/v1/hasil/tinjau", {"kontes": "PPWP"}).json()
    assert [f["id"] for f in queue["forms"]] == [form_id]
    assert queue["forms"][0]["findings"][-1]["code"] == "likely_misread"


def test_a_correction_over_the_api_makes_a_new_version_that_counts(login, ppwp, tps):
    form_id = flagged_617(login, tps)
    client = login("uji-coordinator")
    body = {"client_id": "koreksi-api-0001", "votes": {"01": 117}, "note": "dibaca ulang"}
    answer = send(client, f"/api/v1/hasil/{form_id}/koreksi", body).json()
    assert (answer["status"], answer["version"], answer["counted"]) == ("accepted", 2, True)
    assert answer["numbers"]["votes"] == {"01": 117, "02": 60, "03": 25}
    again = send(client, f"/api/v1/hasil/{form_id}/koreksi", body)
    assert again.status_code == 200 and again.json()["id"] == answer["id"]  # a retry
    assert ResultForm.objects.filter(tps=tps).count() == 2
    assert not ResultForm.objects.get(pk=form_id).current
    assert total(client)["region"]["votes"]["01"] == 117
    entries = AuditEntry.objects.filter(model="results.ResultForm",
                                        object_key="koreksi-api-0001")
    assert entries.get().actor == "uji-coordinator"


def test_accepting_an_old_version_is_refused_as_a_conflict(login, ppwp, tps):
    form_id = flagged_617(login, tps)
    client = login("uji-coordinator")
    send(client, f"/api/v1/hasil/{form_id}/koreksi", {"votes": {"01": 117}})
    response = send(client, f"/api/v1/hasil/{form_id}/terima", {})
    assert response.status_code == 409
    assert "versi formulir yang berlaku" in response.json()["detail"]


def test_accept_counts_a_flagged_form_and_reject_needs_a_reason(login, ppwp, tps):
    form_id = flagged_617(login, tps)
    client = login("uji-coordinator")
    refused = send(client, f"/api/v1/hasil/{form_id}/tolak", {"note": " "})
    assert refused.status_code == 422
    accepted = send(client, f"/api/v1/hasil/{form_id}/terima", {"note": "sesuai foto"}).json()
    assert accepted["status"] == "accepted" and accepted["counted"] is True
    rejected = send(client, f"/api/v1/hasil/{form_id}/tolak", {"note": "foto TPS lain"}).json()
    assert rejected["status"] == "rejected" and rejected["counted"] is False
    assert total(client)["region"]["tps_in"] == 0


def test_a_field_officer_may_not_review_and_another_region_sees_nothing(login, ppwp, tps):
    form_id = flagged_617(login, tps)
    assert send(login("uji-field"), f"/api/v1/hasil/{form_id}/terima", {}).status_code == 403
    assert login("uji-field").get("/api/v1/hasil/tinjau").status_code == 403
    other = ResultForm.objects.get(pk=form_id)
    other_kecamatan = "62.13.02" if not other.tps.code.startswith("62.13.02") else "62.13.03"
    assert not other.tps.code.startswith(other_kecamatan)
    # The kecamatan coordinator of 62.13.01 sees forms of 62.13.01 only.
    queue = login("uji-kecamatan").get("/api/v1/hasil/tinjau").json()["forms"]
    assert [f["id"] for f in queue] == ([form_id] if other.tps.code.startswith("62.13.01")
                                        else [])
    assert send(login("uji-viewer"), f"/api/v1/hasil/{form_id}/koreksi",
                {"votes": {"01": 117}}).status_code == 403
