"""Personal data (UU PDP 27/2022): no NIK or phone in clear in the database, masked on pages
and in exports, unmasked only for the administrator's right, and every such view logged."""

import io

import openpyxl
import pytest
from django.db import connection

from siaga.accounts.models import AuditEntry
from siaga.officers.models import Officer

from .conftest import officer_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_demo_officers")]

LIST = "/petugas/?wilayah=62.13&pemilu=pemilu-2024"


def raw_rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM " + connection.ops.quote_name(table))
        return cursor.fetchall()


def some_officers(pemilu, n=50):
    return list(Officer.objects.filter(election=pemilu).order_by("pk")[:n])


def test_the_database_holds_no_nik_or_phone_in_clear_text(pemilu, login, empty_tps):
    # Also what an import, its kept upload and the audit log write.
    login("uji-coordinator").post("/petugas/impor/?wilayah=62.13&pemilu=pemilu-2024", {
        "file": officer_file([["Uji (sintetis)", "6213015807909999", "1990-07-18", "P",
                               "081299990000", "", "KPPS", "", empty_tps, "", "", "ya", ""]])})
    people = some_officers(pemilu, 400)
    secrets = {o.nik for o in people} | {o.phone for o in people} | {"6213015807909999",
                                                                     "081299990000"}
    assert all(len(s) >= 12 for s in secrets)
    tables = ["officers_officer", "officers_upload", "officers_enrolment", "officers_case",
              "accounts_auditentry"]
    dumped = "\n".join(repr(row) for table in tables for row in raw_rows(table))
    assert len(raw_rows("officers_officer")) > 4000
    found = [s for s in secrets if s in dumped]
    assert found == []


def test_pages_show_nik_and_phone_masked(pemilu, login):
    officer = some_officers(pemilu, 1)[0]
    client = login("uji-admin")  # even the administrator sees them masked until asking
    page = client.get(f"{LIST}&nama={officer.name}").content.decode()
    assert officer.nik_masked in page and officer.nik not in page
    detail = client.get(f"/petugas/{officer.pk}/").content.decode()
    assert officer.nik_masked in detail and officer.nik not in detail
    assert officer.phone not in detail and officer.phone_masked in detail


def test_the_officer_export_is_masked(pemilu, login):
    response = login("uji-admin").get("/petugas/daftar.xlsx?wilayah=62.13.01&pemilu=pemilu-2024")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = {str(c) for row in sheet.iter_rows(values_only=True) for c in row}
    people = Officer.objects.filter(election=pemilu, region__code__startswith="62.13.01")
    assert sheet.max_row == people.count() + 3  # title, blank line, header
    first = people.first()
    assert first.nik_masked in values and first.nik not in values


def test_an_administrator_unmasks_an_officer_and_the_view_is_logged(pemilu, login):
    officer = some_officers(pemilu, 1)[0]
    client = login("uji-admin")
    response = client.post(f"/petugas/{officer.pk}/", {"action": "unmask"})
    page = response.content.decode()
    assert f'<td id="nik">{officer.nik}</td>' in page and officer.phone in page
    assert "no-store" in response["Cache-Control"]  # not kept by the browser or a proxy
    entry = AuditEntry.objects.filter(model="officers.Officer", action="view").latest("id")
    assert entry.user.username == "uji-admin" and str(officer.pk) in entry.object_key
    assert entry.after == {"unmasked": ["nik", "phone"], "page": "officer_detail"}
    assert officer.nik not in str(entry.after) and officer.nik not in entry.object_key


@pytest.mark.parametrize("user", ["uji-viewer", "uji-coordinator", "uji-field"])
def test_other_roles_cannot_unmask(pemilu, login, user):
    officer = Officer.objects.filter(election=pemilu, region__code__startswith="62.13.01").first()
    client = login(user)
    assert "unmask" not in client.get(f"/petugas/{officer.pk}/").content.decode()
    response = client.post(f"/petugas/{officer.pk}/", {"action": "unmask"})
    assert response.status_code == 403 and officer.nik not in response.content.decode()
    assert not AuditEntry.objects.filter(model="officers.Officer", action="view").exists()


def test_an_officer_outside_the_users_region_is_not_found(pemilu, login):
    elsewhere = Officer.objects.filter(election=pemilu, region__code__startswith="62.13.02").first()
    client = login("uji-kecamatan")  # scope: 62.13.01
    assert client.get(f"/petugas/{elsewhere.pk}/").status_code == 404
    assert client.get("/petugas/?wilayah=62.13.02").status_code == 404
    assert client.get("/petugas/cakupan.xlsx?wilayah=62.13").status_code == 404


@pytest.mark.parametrize("url", ["/petugas/", "/petugas/1/", "/petugas/cakupan/",
                                 "/petugas/cakupan.xlsx", "/petugas/daftar.xlsx",
                                 "/petugas/bpjs/", "/petugas/kasus/", "/petugas/risiko/",
                                 "/petugas/impor/"])
def test_the_public_sees_no_officer_page_or_export(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/masuk/" in response["Location"]


def test_the_bpjs_collective_file_is_refused_to_a_coordinator(login):
    response = login("uji-coordinator").post("/petugas/bpjs/kolektif.xlsx?wilayah=62.13")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(model="officers.Officer", action="export").exists()
