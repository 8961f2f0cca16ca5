import json

import pytest

from siaga.accounts.models import AuditEntry
from siaga.regions.models import TPS, Region

pytestmark = pytest.mark.django_db


def test_editing_a_tps_records_who_when_and_before_after(pemilu, login):
    tps = TPS.objects.filter(election=pemilu, code__startswith="62.13.02").first()
    client = login("uji-coordinator")
    client.post(f"/tps/{tps.code}/ubah/?pemilu=pemilu-2024", {
        "dpt_men": tps.dpt_men, "dpt_women": tps.dpt_women, "address": "Aula Kecamatan",
        "latitude": tps.latitude, "longitude": tps.longitude, "access": "sungai",
        "travel_notes": "kelotok 40 menit"})
    entry = AuditEntry.objects.get(model="regions.TPS", object_key=tps.code)
    assert (entry.user.username, entry.actor, entry.action) == ("uji-coordinator", "uji-coordinator", "update")
    assert entry.before["access"] == tps.access and entry.after["access"] == "sungai"
    assert entry.after["travel_notes"] == "kelotok 40 menit"
    assert entry.region_code == tps.code.split("-")[0]
    assert {name for name, _, _ in entry.changed_fields()} >= {"address", "access", "travel_notes"}


def test_creating_through_the_api_and_deleting_are_audited(pemilu, login):
    client = login("uji-admin")
    client.handler.enforce_csrf_checks = False
    response = client.post("/api/v1/tps?election=pemilu-2024", json.dumps(
        {"code": "62.13.03.2001-950", "dpt_men": 10, "dpt_women": 12}), content_type="application/json")
    assert response.status_code == 201, response.content
    TPS.objects.get(code="62.13.03.2001-950").delete()
    actions = list(AuditEntry.objects.filter(object_key="62.13.03.2001-950").order_by("id")
                   .values_list("action", "actor"))
    assert actions == [("create", "uji-admin"), ("delete", "sistem")]


def test_a_save_that_changes_nothing_writes_no_entry():
    region = Region.objects.get(code="62.13.01")
    count = AuditEntry.objects.count()
    region.save()
    assert AuditEntry.objects.count() == count


def test_the_audit_page_shows_changes_in_the_admins_region_only(pemilu, login):
    inside = TPS.objects.filter(election=pemilu, code__startswith="62.13").first()
    inside.address = "Terlihat"
    inside.save()
    outside = TPS.objects.get(code="62.01.01.2001-001")
    outside.address = "Tersembunyi"
    outside.save()
    page = login("uji-admin").get("/audit/?data=regions.TPS").content.decode()
    assert "Terlihat" in page and inside.code in page
    assert "Tersembunyi" not in page
