"""Staff registry, the assignment proposal with changes by hand, and the Surat Tugas."""

import io

import openpyxl
import pytest
from django.db import connection
from pypdf import PdfReader

from siaga.accounts.models import AuditEntry
from siaga.operations.api import sender_defaults
from siaga.operations.models import Assignment, Document, Staff
from siaga.operations.staff import load_demo_staff
from siaga.regions.models import TPS, Election

pytestmark = pytest.mark.django_db

HEADER = ["nama", "nip", "opd", "jabatan", "kepala", "telepon", "desa"]


def staff_file(rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "asn.xlsx"
    return out


def test_a_staff_file_with_a_bad_nip_an_unknown_opd_and_a_twice_listed_person_writes_nothing(
        login):
    response = login("uji-coordinator").post("/operasi/staf/?wilayah=62.13", {"file": staff_file([
        ["Ani (sintetis)", "198001012006042001", "kesbangpol-uji", "Staf", "tidak",
         "081234567890", "62.13.01.2003"],
        ["Budi (sintetis)", "19800101", "kesbangpol-uji", "Staf", "", "", ""],
        ["Citra (sintetis)", "198001012006042002", "Dinas Rahasia", "Staf", "", "", ""],
        ["Ani lagi (sintetis)", "198001012006042001", "kesbangpol-uji", "Staf", "", "",
         "62.99.01.2003"]])})
    page = response.content.decode()
    assert 'id="staff-problems"' in page
    assert "<td>3</td><td>nip</td>" in page and "<td>4</td><td>opd</td>" in page
    assert "<td>5</td><td>nip</td>" in page and "<td>5</td><td>home</td>" in page
    assert not Staff.objects.exists()


def test_a_good_staff_file_is_saved_audited_and_shown_with_masked_phones(login):
    client = login("uji-coordinator")
    response = client.post("/operasi/staf/?wilayah=62.13", {"file": staff_file([
        ["Ani (sintetis)", "198001012006042001", "kesbangpol-uji", "Kepala", "ya",
         "081234567890", "62.13.01.2003"]])})
    assert response.status_code == 302
    ani = Staff.objects.get()
    assert ani.is_head and ani.home.code == "62.13.01.2003"
    assert AuditEntry.objects.filter(model="operations.Staff", object_key=ani.nip).exists()
    page = client.get("/operasi/staf/?wilayah=62.13").content.decode()
    assert "0812*****890" in page and "081234567890" not in page


def test_staff_phones_are_stored_encrypted_and_still_find_their_sender(login):
    """UU PDP: neither the staff table nor the audit of the import holds a phone in clear;
    the SMS gateway still finds the sender by the number (its blind index); importing the
    same file again records no change."""
    client = login("uji-coordinator")
    row = ["Ani (sintetis)", "198001012006042001", "kesbangpol-uji", "Kepala", "ya",
           "0812-3456-7890", "62.13.01.2003"]
    client.post("/operasi/staf/?wilayah=62.13", {"file": staff_file([row])})
    client.post("/operasi/staf/?wilayah=62.13", {"file": staff_file([row])})
    dumped = "\n".join(repr(r) for table in ("operations_staff", "accounts_auditentry")
                       for r in raw_rows(table))
    ani = Staff.objects.get()
    assert ani.phone == "081234567890" and "081234567890" not in dumped
    assert "1234567890" not in dumped
    assert sender_defaults(Election.objects.get(slug="pemilu-2024"), "+62 812 3456 7890")[0] \
        == ani
    assert AuditEntry.objects.filter(model="operations.Staff", object_key=ani.nip).count() == 1


def raw_rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM " + connection.ops.quote_name(table))
        return cursor.fetchall()


def test_the_proposal_covers_every_tps_once_and_puts_a_head_over_every_kecamatan(login, pemilu):
    load_demo_staff()
    client = login("uji-coordinator")
    client.post("/operasi/penugasan/?wilayah=62.13&pemilu=pemilu-2024", {"action": "propose"})
    rows = list(Assignment.objects.filter(election=pemilu))
    watched = [code for a in rows if a.kind == "tps_group" for code in a.tps]
    tps = set(TPS.objects.filter(election=pemilu, code__startswith="62.13")
              .values_list("code", flat=True))
    assert sorted(watched) == sorted(tps)  # each exactly once
    heads = {a.target for a in rows if a.kind == "kecamatan"}
    assert len(heads) == 10
    assert AuditEntry.objects.filter(model="operations.Assignment", action="create").count() \
        == len(rows)
    page = client.get("/operasi/penugasan/?wilayah=62.13&pemilu=pemilu-2024").content.decode()
    assert 'id="conflicts"' not in page or "dua kali" not in page


def test_a_change_by_hand_that_assigns_one_person_twice_is_flagged_and_survives_a_new_proposal(
        login, pemilu):
    load_demo_staff()
    client = login("uji-coordinator")
    url = "/operasi/penugasan/?wilayah=62.13&pemilu=pemilu-2024"
    client.post(url, {"action": "propose"})
    first, second = Assignment.objects.filter(election=pemilu, kind="tps_group")[:2]
    client.post(url, {"action": "change", "assignment": second.pk, "nip": first.staff.nip})
    page = client.get(url).content.decode()
    assert 'id="conflicts"' in page and first.staff.name in page
    client.post(url, {"action": "propose"})
    kept = Assignment.objects.get(pk=second.pk)
    assert kept.manual and kept.staff_id == first.staff_id


def test_surat_tugas_are_numbered_in_the_regency_scheme_and_printed_in_indonesian(login, pemilu):
    load_demo_staff()
    client = login("uji-coordinator")
    client.post("/operasi/penugasan/?wilayah=62.13&pemilu=pemilu-2024", {"action": "propose"})
    client.post("/operasi/dokumen/?wilayah=62.13&pemilu=pemilu-2024", {
        "kind": "instruksi", "number": "130/21/Pem", "date": "2024-01-20",
        "subject": "Pengawasan TPS oleh ASN", "signatory": "Bupati Barito Timur"})
    client.post("/operasi/dokumen/?wilayah=62.13&pemilu=pemilu-2024", {
        "action": "letters", "pattern": "800/{n}/Kesbangpol/{bulan}/{tahun}",
        "date": "2024-02-05", "signatory": "Nama Sekda (sintetis)"})
    letters = Document.objects.filter(kind="surat_tugas").order_by("pk")
    assert letters.count() == 12  # one per OPD of the demo
    assert letters[0].number == "800/1/Kesbangpol/II/2024"
    personal = Assignment.objects.filter(election=pemilu).exclude(letter_number="")
    assert personal.count() == Assignment.objects.filter(election=pemilu).count()
    numbers = {a.letter_number for a in personal} | {d.number for d in letters}
    assert len(numbers) == personal.count() + 12  # every number used once
    client.cookies["django_language"] = "en"  # the user reads English; the letter stays Indonesian
    response = client.get(f"/operasi/surat-tugas/{letters[0].pk}.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "SURAT TUGAS" in text and "800/1/Kesbangpol/II/2024" in text
    assert "130/21/Pem" in text and "MENUGASKAN" in text and "Instruksi Bupati" in text
    assert "Lampiran" in text and len(reader.pages) >= 2
    person = personal.first()
    one = PdfReader(io.BytesIO(client.get(f"/operasi/surat-tugas/orang/{person.pk}.pdf").content))
    assert person.staff.nip in one.pages[0].extract_text()


def test_a_bad_numbering_pattern_issues_nothing(login, pemilu):
    load_demo_staff()
    client = login("uji-coordinator")
    client.post("/operasi/penugasan/?wilayah=62.13&pemilu=pemilu-2024", {"action": "propose"})
    client.post("/operasi/dokumen/?wilayah=62.13&pemilu=pemilu-2024", {
        "action": "letters", "pattern": "800/Kesbangpol/{tahun}", "date": "2024-02-05"})
    assert not Document.objects.filter(kind="surat_tugas").exists()
