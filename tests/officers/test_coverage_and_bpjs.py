"""Coverage per kecamatan and position, the readiness figures, the BPJS collective file and
BPJS's confirmation, for the demo regency: files opened and checked against the page."""

import io
import re

import openpyxl
import pytest

from siaga.accounts.models import AuditEntry
from siaga.officers.bpjs import COLLECTIVE_HEADER
from siaga.officers.models import Enrolment, Officer
from siaga.officers.summary import readiness_figures
from siaga.regions.models import Region

from .conftest import officer_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_demo_officers")]

QUERY = "wilayah=62.13&pemilu=pemilu-2024"


def number(text: str) -> float:
    return float(text.replace(".", "").replace(",", ".").rstrip("%"))


def test_the_readiness_figures_keep_their_contract(pemilu):
    figures = readiness_figures(region=Region.objects.get(code="62.13"), election=pemilu)
    keys = {"code", "name", "required", "present", "eligible", "insured", "coverage_pct", "gaps"}
    assert len(figures["rows"]) == 10 and all(set(r) == keys for r in figures["rows"])
    assert set(figures["totals"]) == keys - {"code", "name"}
    totals = figures["totals"]
    # 387 TPS x 10 + 103 desa x 3 + 10 kecamatan x 5 (DOMAIN.md quotas)
    assert totals["required"] == 387 * 10 + 103 * 3 + 10 * 5
    assert totals["present"] == Officer.objects.filter(election=pemilu).count()
    assert totals["required"] - totals["gaps"] <= totals["present"]
    assert 0 < totals["insured"] < totals["present"]
    assert any(r["coverage_pct"] < 50 for r in figures["rows"])  # fewer than half, as in 2024
    for key in ("required", "present", "eligible", "insured", "gaps"):
        assert totals[key] == sum(r[key] for r in figures["rows"])


def test_the_coverage_xlsx_equals_the_coverage_page(login, pemilu):
    client = login("uji-viewer")
    page = client.get(f"/petugas/cakupan/?{QUERY}").content.decode()
    table = page.split('id="coverage-kecamatan"')[1].split("</table>")[0]
    shown = {key: number(value) for key, value in re.findall(r'data-total="(\w+)">([^<]+)<',
                                                             table)}
    assert len(shown) == 6
    response = client.get(f"/petugas/cakupan.xlsx?{QUERY}")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Per kecamatan", "Per jabatan"]
    rows = list(book["Per kecamatan"].iter_rows(values_only=True))
    assert rows[2] == ("Kode", "Nama", "Kebutuhan", "Terdaftar", "Memenuhi syarat",
                       "Terlindungi BPJS", "Cakupan (%)", "Kekurangan")
    body, total = rows[3:-1], rows[-1]
    assert len(body) == 10 and total[1] == "Jumlah"
    for i, key in enumerate(["required", "present", "eligible", "insured", "coverage_pct",
                             "gaps"], start=2):
        assert total[i] == pytest.approx(shown[key])
        if key != "coverage_pct":
            assert total[i] == sum(r[i] for r in body)
    figures = readiness_figures(region=Region.objects.get(code="62.13"), election=pemilu)
    assert total[2:] == tuple(figures["totals"][k] for k in ("required", "present", "eligible",
                                                             "insured", "coverage_pct", "gaps"))
    positions = list(book["Per jabatan"].iter_rows(values_only=True))
    assert [r[0] for r in positions[3:-1]] == ["KPPS", "PTPS", "LINMAS", "PPS", "PPK"]
    assert positions[-1][2:] == total[2:]  # the same officers counted by position


def test_the_collective_file_for_bpjs_has_every_waiting_officer_with_nik_and_is_logged(
        login, pemilu):
    waiting = Enrolment.objects.filter(officer__election=pemilu, status="planned")
    expected = {e.officer.nik for e in waiting.select_related("officer")}
    client = login("uji-admin")
    response = client.post(f"/petugas/bpjs/kolektif.xlsx?{QUERY}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[2]) == COLLECTIVE_HEADER
    body = rows[3:]
    assert {r[2] for r in body} == expected and len(body) == len(expected) > 100
    first = body[0]
    assert first[10] == "JKK + JKM" and first[11] == 16_800
    assert first[15] == first[11] * first[14]
    assert "(sintetis)" in first[8]
    entry = AuditEntry.objects.get(model="officers.Officer", action="export")
    assert entry.user.username == "uji-admin" and entry.after["officers"] == len(expected)
    assert not any(nik in str(entry.after) for nik in expected)
    assert not Enrolment.objects.filter(officer__election=pemilu, status="planned").exists()
    assert AuditEntry.objects.filter(model="officers.Enrolment", action="update").count() \
        == len(expected)  # each one now "sent to BPJS"


def test_bpjs_confirmation_activates_enrolments_all_or_nothing(login, pemilu):
    waiting = list(Enrolment.objects.filter(officer__election=pemilu, status="planned")
                   .select_related("officer").order_by("pk")[:3])
    header = ["nik", "referensi", "nomor kepesertaan", "status", "tanggal"]
    good = [[waiting[0].officer.nik, "", "24010000001", "aktif", "2024-01-30"],
            ["", f"P{waiting[1].officer_id}", "24010000002", "aktif", "30-01-2024"],
            [waiting[2].officer.nik, "", "", "ditolak", ""]]
    bad = [*good[:2], ["6213999999990000", "", "24010000009", "aktif", ""],
           [waiting[2].officer.nik, "", "", "entah", ""]]
    client = login("uji-coordinator")
    url = f"/petugas/bpjs/?{QUERY}"
    page = client.post(url, {"action": "confirm", "file": officer_file(bad, header)})
    assert 'id="confirm-problems"' in page.content.decode()
    assert Enrolment.objects.get(pk=waiting[0].pk).status == "planned"  # nothing written
    assert client.post(url, {"action": "confirm", "file": officer_file(good, header)}
                       ).status_code == 302
    first = Enrolment.objects.get(pk=waiting[0].pk)
    assert (first.status, first.membership_number) == ("active", "24010000001")
    assert first.covers(pemilu.polling_date)
    assert Enrolment.objects.get(pk=waiting[1].pk).membership_number == "24010000002"
    assert Enrolment.objects.get(pk=waiting[2].pk).status == "rejected"


def test_enrolling_the_rest_adds_every_officer_without_cover_at_the_scheme_premium(login,
                                                                                  pemilu):
    missing = Officer.objects.filter(election=pemilu, enrolment__isnull=True).count()
    assert missing > 0
    response = login("uji-coordinator").post(f"/petugas/bpjs/?{QUERY}", {
        "action": "enrol", "period_start": "2024-01-01", "period_end": "2024-03-31",
        "payer": "apbd"})
    assert response.status_code == 302
    assert not Officer.objects.filter(election=pemilu, enrolment__isnull=True).exists()
    added = Enrolment.objects.filter(officer__election=pemilu, payer="apbd",
                                     period_start="2024-01-01", status="planned")
    assert added.count() >= missing and added.first().premium_total == 3 * 16_800
    assert AuditEntry.objects.filter(model="officers.Enrolment", action="create").count() \
        == missing
