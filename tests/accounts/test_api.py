import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from siaga.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def device():
    _, token = ApiToken.issue(get_user_model().objects.get(username="uji-coordinator"), "HP uji")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_device_token_reads_the_tps_of_its_users_region(device):
    data = Client().get("/api/v1/tps?election=pemilu-2024&region=62.13.02", **device).json()
    assert data["count"] == len(data["items"]) > 0
    assert all(item["code"].startswith("62.13.02.") for item in data["items"])
    assert all(item["is_synthetic"] for item in data["items"])


def test_a_device_token_needs_no_csrf_and_writes_within_the_role(device):
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/tps?election=pemilu-2024", json.dumps({"code": "6213012003-88", "dpt_men": 5,
                                                        "dpt_women": 6}),
        content_type="application/json", **device)
    assert response.status_code == 201
    assert response.json()["code"] == "62.13.01.2003-088"


def test_a_wrong_or_revoked_token_is_refused(device):
    ApiToken.objects.all().delete()
    assert Client().get("/api/v1/tps", **device).status_code == 401
    assert Client().get("/api/v1/tps", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_session_writes_need_the_csrf_token(login):
    client = login("uji-admin")
    client.handler.enforce_csrf_checks = True
    response = client.patch("/api/v1/tps/62.13.01.1012-001?election=pemilu-2024",
                            json.dumps({"address": "x"}), content_type="application/json")
    assert response.status_code == 403


def test_the_api_refuses_a_tps_over_the_maximum_and_a_duplicate(device):
    client = Client()
    over = client.post("/api/v1/tps?election=pemilu-2024", json.dumps(
        {"code": "62.13.01.2003-089", "dpt_men": 200, "dpt_women": 200}),
        content_type="application/json", **device)
    assert over.status_code == 422
    assert "300" in over.json()["detail"]
    twice = client.post("/api/v1/tps?election=pemilu-2024", json.dumps(
        {"code": "62.13.01.1012-001", "dpt_men": 1, "dpt_women": 1}),
        content_type="application/json", **device)
    assert twice.status_code == 409


def test_regions_and_elections_are_listed_with_their_codes(device):
    client = Client()
    kecamatan = client.get("/api/v1/regions?parent=62.13", **device).json()
    assert [r["code"] for r in kecamatan] == [f"62.13.{i:02d}" for i in range(1, 11)]
    assert kecamatan[0]["parent_code"] == "62.13"
    elections = client.get("/api/v1/elections", **device).json()
    assert {e["slug"]: e["max_voters_per_tps"] for e in elections} == {
        "pemilu-2024": 300, "pilkada-2024": 600}
    assert elections[1]["contests"] == ["PPWP", "DPR", "DPD", "DPRD_PROV", "DPRD_KAB"]


def test_the_openapi_schema_is_served_to_signed_in_users(login):
    schema = login("uji-viewer").get("/api/v1/openapi.json").json()
    assert {"/api/v1/tps", "/api/v1/tps/{code}", "/api/v1/regions", "/api/v1/elections"} <= set(schema["paths"])
    assert Client().get("/api/v1/openapi.json").status_code == 302
