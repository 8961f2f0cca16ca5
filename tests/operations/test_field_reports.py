"""Polling day in the web app: reports from the phone form and devices, the SMS webhook, the
live board, incidents and their follow-up."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from siaga.accounts.models import ApiToken, AuditEntry
from siaga.operations.api import sign
from siaga.operations.models import Assignment, FieldReport, Incident, Staff
from siaga.regions.models import TPS, Region

pytestmark = pytest.mark.django_db

SECRET = "rahasia-gerbang-sms"


@pytest.fixture
def tps(pemilu):
    return TPS.objects.filter(election=pemilu, code__startswith="62.13.01").order_by("code").first()


def post(client, body, **headers):
    return client.post("/api/v1/laporan", json.dumps(body), content_type="application/json",
                       **headers)


def report(tps, client_id="klien-0001", **fields):
    return {"client_id": client_id, "tps": tps.code, "kind": "BUKA", "time": "07.05",
            "election": "pemilu-2024"} | fields


def test_a_report_is_stored_once_however_often_the_phone_retries(login, tps):
    client = login("uji-field")
    first = post(client, report(tps))
    assert first.status_code == 201 and first.json()["stored"] is True
    for _ in range(3):
        again = post(client, report(tps))
        assert again.status_code == 200 and again.json()["stored"] is False
        assert again.json()["id"] == first.json()["id"]
    assert FieldReport.objects.filter(tps=tps).count() == 1
    assert first.json()["at"] == "2024-02-14T07:05:00+07:00"  # polling day, WIB
    assert AuditEntry.objects.filter(model="operations.FieldReport", action="create").count() == 1


def test_a_counting_finish_after_midnight_is_the_next_day(login, tps):
    answer = post(login("uji-field"), report(tps, kind="SUARA_SELESAI", time="01.30")).json()
    assert answer["at"] == "2024-02-15T01:30:00+07:00"


@pytest.mark.parametrize("fields, reason", [
    ({"kind": "TIDUR"}, "kind"),
    ({"kind": "HITUNG_SELESAI", "contest": "DPRD"}, "contest"),
    ({"time": "25.70"}, "time"),
    ({"kind": "HADIR", "time": "10.00"}, "count"),
    ({"kind": "HADIR", "time": "10.00", "count": 5000}, "count"),
    ({"client_id": "x"}, "client_id"),
    ({"count": "lima"}, "count"),
    ({"kind": None}, "kind"),
])
def test_bad_reports_are_refused_with_the_field_named_and_nothing_stored(login, tps, fields,
                                                                          reason):
    response = post(login("uji-field"), report(tps, **fields))
    assert response.status_code == 422
    assert response.json()["detail"].startswith(reason)
    assert not FieldReport.objects.exists()


def test_a_tps_outside_the_region_is_not_found(login, outside_tps):
    response = post(login("uji-field"), {"client_id": "klien-0002", "tps": outside_tps,
                                         "kind": "BUKA", "election": "pemilu-2024"})
    assert response.status_code == 404 and outside_tps in response.json()["detail"]
    assert not FieldReport.objects.exists()


def test_a_viewer_may_not_report(login, tps):
    assert post(login("uji-viewer"), report(tps)).status_code == 403


def test_the_browser_form_needs_its_csrf_token(tps):
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username="uji-field"))
    assert post(client, report(tps)).status_code == 403
    assert not FieldReport.objects.exists()


def test_a_device_reports_with_its_token(tps):
    _token, secret = ApiToken.issue(get_user_model().objects.get(username="uji-field"), "hp-1")
    response = post(Client(), report(tps, client_id="hp-1-0001"),
                    HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 201
    assert FieldReport.objects.get().source == "api"


def test_an_incident_is_stored_and_followed_up_to_closure(login, tps):
    post(login("uji-field"), report(tps, kind="KEJADIAN", category="POLITIK_UANG",
                                    severity="BERAT", text="Pembagian amplop di dekat TPS",
                                    time="09.40"))
    incident = Incident.objects.get()
    assert (incident.category, incident.severity, incident.status) == ("POLITIK_UANG", "BERAT",
                                                                        "open")
    coordinator = login("uji-coordinator")
    coordinator.post(f"/operasi/kejadian/{incident.pk}/",
                     {"status": "follow_up", "follow_up": "Panwascam diberi tahu"})
    coordinator.post(f"/operasi/kejadian/{incident.pk}/",
                     {"status": "closed", "follow_up": "Dilaporkan ke Gakkumdu"})
    incident.refresh_from_db()
    assert incident.status == "closed" and "Gakkumdu" in incident.follow_up
    assert AuditEntry.objects.filter(model="operations.Incident", action="update").count() == 2
    assert login("uji-field").post(f"/operasi/kejadian/{incident.pk}/",
                                   {"status": "open"}).status_code in (403, 404)


def sms(client, text, *, sender="081200000001", message_id="gw-1", secret=SECRET):
    body, signature = sign({"id": message_id, "sender": sender, "text": text,
                            "election": "pemilu-2024"}, secret)
    return client.post("/api/v1/sms", body, content_type="application/json",
                       HTTP_X_SIAGA_SIGNATURE=signature)


@pytest.fixture
def registered_phone(tps):
    """A staff member whose phone may report, on duty at a group with this TPS."""
    staff = Staff.objects.create(
        name="Staf Uji (sintetis)", nip="198001012006041001", phone="081200000001",
        opd_id=get_user_model().objects.get(username="uji-field").profile.agency_id,
        region=Region.objects.get(code="62.13"))
    Assignment.objects.create(election=tps.election, staff=staff, kind="tps_group", target="g1",
                              region=tps.village, tps=[tps.code])
    return staff


def test_an_sms_is_parsed_stored_once_answered_and_audited_to_the_sender(settings, tps,
                                                                          registered_phone):
    settings.SIAGA_SMS_SECRET = SECRET
    client = Client()
    answer = sms(client, f"TPS {tps.code} BUKA 07.05\nHADIR 10.00 150").json()
    assert answer["stored"] == 2 and answer["problems"] == 0
    assert "BUKA 07.05" in answer["reply"] and "150" in answer["reply"]
    again = sms(client, f"TPS {tps.code} BUKA 07.05\nHADIR 10.00 150").json()
    assert again["stored"] == 0 and again["duplicates"] == 2
    assert FieldReport.objects.filter(tps=tps).count() == 2
    actors = set(AuditEntry.objects.filter(model="operations.FieldReport")
                 .values_list("actor", flat=True))
    assert actors == {"SMS 0812*****001 (Staf Uji (sintetis))"}


def test_an_sms_from_an_unregistered_number_stores_nothing(settings, tps):
    settings.SIAGA_SMS_SECRET = SECRET
    answer = sms(Client(), f"TPS {tps.code} BUKA 07.05", sender="089999999999").json()
    assert answer["stored"] == 0 and "tidak terdaftar" in answer["reply"]
    assert not FieldReport.objects.exists()


def test_an_sms_that_is_not_understood_says_what_and_stores_nothing(settings, tps,
                                                                      registered_phone):
    settings.SIAGA_SMS_SECRET = SECRET
    answer = sms(Client(), f"TPS {tps.code} TIDUR 07.05").json()
    assert answer["stored"] == 0 and answer["problems"] >= 1
    assert "TIDUR" in answer["reply"]
    assert not FieldReport.objects.exists()


def test_an_unsigned_or_wrongly_signed_sms_is_refused(settings, tps):
    settings.SIAGA_SMS_SECRET = SECRET
    assert sms(Client(), f"TPS {tps.code} BUKA 07.05", secret="tebakan").status_code == 401
    settings.SIAGA_SMS_SECRET = ""
    assert sms(Client(), f"TPS {tps.code} BUKA 07.05").status_code == 401
    assert not FieldReport.objects.exists()


def test_a_registered_phone_may_name_its_tps_by_number_only(settings, tps, registered_phone):
    settings.SIAGA_SMS_SECRET = SECRET
    answer = sms(Client(), "SUARA SELESAI 23.40", sender="+6281200000001").json()
    assert answer["stored"] == 1, answer
    assert FieldReport.objects.get().kind == "SUARA_SELESAI"


def test_the_board_shows_reporting_silent_and_late_tps_and_open_incidents(login, pemilu, tps):
    client = login("uji-field")
    post(client, report(tps, client_id="klien-0010", time="07.40"))
    post(client, report(tps, client_id="klien-0011", kind="HADIR", time="12.00", count=150))
    post(client, report(tps, client_id="klien-0012", kind="KEJADIAN", category="KEKERASAN",
                        severity="BERAT", time="12.10"))
    page = login("uji-viewer").get(
        "/operasi/isi/?wilayah=62.13&pemilu=pemilu-2024&pada=13.00").content.decode()
    total = TPS.objects.filter(election=pemilu, code__startswith="62.13").count()
    assert f'id="reporting">1/{total}<' in page
    assert f'id="silent-count">{total - 1}<' in page  # everyone else said nothing since 07.00
    assert 'id="incident-count">1/0/0<' in page
    dusun_timur = page.split("Dusun Timur")[1].split("</tr>")[0]
    assert "1 (1)" in dusun_timur  # opened, and late (07.40 is after 07.15)
    turnout = 100 * 150 / tps.dpt
    assert f"{turnout:.1f}".replace(".", ",") + "%" in dusun_timur
    later = login("uji-viewer").get(
        "/operasi/isi/?wilayah=62.13&pemilu=pemilu-2024&pada=15.00").content.decode()
    assert f'id="silent-count">{total}<' in later  # 12.10 was its last word: silent at 15.00


def png_data_url() -> str:
    import base64
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_an_incident_keeps_its_photo_and_place(login, tps, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = post(login("uji-field"), report(
        tps, kind="KEJADIAN", category="LOGISTIK_RUSAK", text="Kotak suara basah",
        photo=png_data_url(), latitude=-2.1, longitude=115.2))
    assert response.status_code == 201
    incident = Incident.objects.get()
    assert incident.photo.name.endswith(".png") and incident.photo.size > 0
    assert (incident.latitude, incident.longitude) == (-2.1, 115.2)


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_stored(login, tps):
    import base64

    fake = "data:image/png;base64," + base64.b64encode(b"<script>alert(1)</script>").decode()
    response = post(login("uji-field"), report(tps, kind="KEJADIAN", category="LAIN",
                                               photo=fake))
    assert response.status_code == 422 and response.json()["detail"].startswith("photo")
    assert not Incident.objects.exists()


def test_reported_counting_ends_calibrate_the_simulation(login, pemilu):
    field = login("uji-field")
    codes = list(TPS.objects.filter(election=pemilu, code__startswith="62.13.01")
                 .order_by("code").values_list("code", flat=True)[:12])
    for n, code in enumerate(codes):
        # Every TPS reports finishing at 03.00 the next day: far later than the defaults.
        post(field, {"client_id": f"kalibrasi-{n:03d}", "tps": code, "kind": "SUARA_SELESAI",
                     "time": "03.00", "election": "pemilu-2024"})
    page = login("uji-coordinator").post(
        "/operasi/kalibrasi/?wilayah=62.13&pemilu=pemilu-2024").content.decode()
    assert 'id="calibration"' in page
    from siaga.operations.calibration import calibrate_region

    result, count = calibrate_region(pemilu, Region.objects.get(code="62.13"))
    assert count == 12
    assert result.counting_factor > 1  # counting is slower than the defaults say
    assert result.rmse_after_minutes < result.rmse_before_minutes


def test_under_a_desa_each_tps_shows_its_counting_progress_per_contest(login, tps):
    field = login("uji-field")
    for n, contest in enumerate(("PPWP", "DPR")):
        post(field, report(tps, client_id=f"hitung-{n:04d}", kind="HITUNG_SELESAI",
                           contest=contest, time=f"1{6 + n}.30"))
    page = login("uji-viewer").get(
        f"/operasi/isi/?wilayah={tps.village.code}&pemilu=pemilu-2024&pada=20.00").content.decode()
    row = page.split(f"<td>{tps.code}</td>")[1].split("</tr>")[0]
    assert '<td class="num">2/5</td>' in row and "17.30" in row


def test_a_report_without_its_tps_or_that_is_not_json_is_refused(login):
    client = login("uji-field")
    missing = post(client, {"client_id": "klien-0099", "kind": "BUKA"})
    assert missing.status_code == 422 and missing.json()["detail"].startswith("tps")
    garbled = client.post("/api/v1/laporan", "{bukan json", content_type="application/json")
    assert garbled.status_code == 422
    assert not FieldReport.objects.exists()


def test_the_api_documents_the_report_body(login):
    schema = login("uji-viewer").get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/laporan"]["post"]["requestBody"]
    assert "client_id" in body["content"]["application/json"]["schema"]["properties"]

