"""The permission matrix: each role x region inside/outside x read/write, on pages and the API."""

import json

import pytest
from django.test import Client

from siaga.regions.models import TPS

pytestmark = pytest.mark.django_db

OUTSIDE_TPS = "62.01.01.2001-001"  # made by conftest in another regency

ROLES = ["admin", "coordinator", "field", "viewer"]
WRITERS = {"admin", "coordinator"}


@pytest.fixture
def inside_tps(pemilu):
    return TPS.objects.filter(election=pemilu, code__startswith="62.13.01.").first().code


def where(code):
    return {"inside": code, "outside": OUTSIDE_TPS}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("place", ["inside", "outside"])
def test_page_read(role, place, inside_tps, login):
    code = where(inside_tps)[place]
    response = login(f"uji-{role}").get(f"/tps/{code}/?pemilu=pemilu-2024")
    assert response.status_code == (200 if place == "inside" else 404)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("place", ["inside", "outside"])
def test_page_write(role, place, inside_tps, login):
    code = where(inside_tps)[place]
    before = TPS.objects.get(code=code, election__slug="pemilu-2024")
    response = login(f"uji-{role}").post(
        f"/tps/{code}/ubah/?pemilu=pemilu-2024",
        {"dpt_men": 10, "dpt_women": 11, "address": "Diubah", "access": "darat", "travel_notes": ""})
    after = TPS.objects.get(pk=before.pk)
    if place == "inside" and role in WRITERS:
        assert response.status_code == 302
        assert (after.dpt, after.address) == (21, "Diubah")
    else:
        assert response.status_code in (403, 404)
        assert (after.dpt, after.address) == (before.dpt, before.address)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("place", ["inside", "outside"])
def test_api_read(role, place, inside_tps, login):
    code = where(inside_tps)[place]
    response = login(f"uji-{role}").get(f"/api/v1/tps/{code}?election=pemilu-2024")
    assert response.status_code == (200 if place == "inside" else 404)
    if place == "inside":
        assert response.json()["code"] == code


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("place", ["inside", "outside"])
def test_api_write(role, place, inside_tps, login):
    code = where(inside_tps)[place]
    before = TPS.objects.get(code=code, election__slug="pemilu-2024")
    client = login(f"uji-{role}")
    client.handler.enforce_csrf_checks = False
    response = client.patch(f"/api/v1/tps/{code}?election=pemilu-2024",
                            json.dumps({"address": "Lewat API"}), content_type="application/json")
    after = TPS.objects.get(pk=before.pk)
    if place == "inside" and role in WRITERS:
        assert response.status_code == 200
        assert after.address == "Lewat API"
    else:
        assert response.status_code in (403, 404)
        assert after.address == before.address


@pytest.mark.parametrize("role", ROLES)
def test_overview_of_another_regency_is_not_found(role, login):
    assert login(f"uji-{role}").get("/tps/?wilayah=62.01").status_code == 404


@pytest.mark.parametrize("role,status", [("admin", 200), ("coordinator", 200), ("field", 403),
                                         ("viewer", 403)])
def test_only_registry_writers_may_import(role, status, login):
    assert login(f"uji-{role}").get("/tps/impor/").status_code == status


@pytest.mark.parametrize("role,status", [("admin", 200), ("coordinator", 403), ("field", 403),
                                         ("viewer", 403)])
def test_only_administrators_see_the_audit_log(role, status, login):
    assert login(f"uji-{role}").get("/audit/").status_code == status


@pytest.mark.parametrize("role,allowed", [("admin", True), ("coordinator", False),
                                          ("viewer", False)])
def test_only_administrators_reach_the_admin_site(role, allowed, login):
    response = login(f"uji-{role}").get("/admin/")
    assert (response.status_code == 200) is allowed


def test_a_kecamatan_coordinator_sees_only_the_tps_of_that_kecamatan(login):
    client = login("uji-kecamatan")
    items = client.get("/api/v1/tps?election=pemilu-2024&limit=5000").json()
    assert items["count"] == TPS.objects.filter(election__slug="pemilu-2024",
                                                code__startswith="62.13.01.").count()
    assert client.get("/tps/?wilayah=62.13").status_code == 404
    assert client.get("/tps/?wilayah=62.13.01").status_code == 200


@pytest.mark.parametrize("path", ["/", "/tps/", "/tps/impor/", "/audit/", "/akun/token/",
                                  "/tps/ekspor.xlsx", "/tps/peta.json", "/admin/"])
def test_every_page_needs_a_login(path, db):
    response = Client().get(path)
    assert response.status_code == 302
    assert "/masuk/" in response["Location"] or "/admin/login/" in response["Location"]


@pytest.mark.parametrize("path", ["/api/v1/tps", "/api/v1/regions", "/api/v1/elections",
                                  f"/api/v1/tps/{OUTSIDE_TPS}"])
def test_every_api_endpoint_needs_credentials(path, db):
    assert Client().get(path).status_code == 401


def test_a_user_without_profile_is_refused(django_user_model):
    user = django_user_model.objects.create_user("tanpa-profil", password="x")
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 403
    assert client.get("/api/v1/tps").status_code == 403


def test_the_admin_site_lists_only_regions_in_the_administrators_scope(django_user_model):
    from siaga.accounts.models import Agency, Profile
    from siaga.regions.models import Region

    user = django_user_model.objects.create_superuser("super-bartim", password="x")
    Profile.objects.create(user=user, role="admin", agency=Agency.objects.first(),
                           region=Region.objects.get(code="62.13"))
    client = Client()
    client.force_login(user)
    page = client.get("/admin/regions/region/?q=62.01").content.decode()
    assert "62.01.01.2001" not in page
    assert "62.13.01" in client.get("/admin/regions/region/?q=62.13.01").content.decode()


def test_password_guessing_is_locked_out_after_five_failures(django_user_model):
    client = Client()
    for _ in range(5):
        client.post("/masuk/", {"username": "uji-viewer", "password": "tebak"})
    response = client.post("/masuk/", {"username": "uji-viewer", "password": "uji-rahasia-123"})
    assert response.status_code != 302 or "/masuk/" in response.get("Location", "")
    assert "_auth_user_id" not in client.session
