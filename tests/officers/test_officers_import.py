"""Importing officers: every row checked first, each problem listed, all or nothing; through
`siaga import-officers` and through the web preview."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from siaga.accounts.models import AuditEntry
from siaga.officers.models import Officer, Upload
from siaga.officers.nik import make_nik

from .conftest import officer_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_demo_officers")]

BORN = datetime.date(1990, 7, 18)
GOOD = make_nik("62.13.01", BORN, "P", 9001)


def good_rows(tps):
    rows = [["Ketua Uji (sintetis)", GOOD, "18-07-1990", "P", "081234567890", "Jl. Uji 1",
             "KPPS", "ya", tps, "", "", "ya", "2024-01-10"]]
    for k in range(2, 8):
        born = datetime.date(1980 + k, 1, 1 + k)
        rows.append([f"Anggota {k} (sintetis)", make_nik("62.13.01", born, "L", 9000 + k),
                     born.isoformat(), "L", f"0812000000{k:02d}", "", "KPPS", "", tps, "", "",
                     "ya" if k != 7 else "tidak", ""])
    return rows


def bad_rows(tps):
    old = datetime.date(1967, 6, 1)  # 56 on 14 February 2024
    return [
        ["Benar (sintetis)", GOOD, "1990-07-18", "P", "", "", "KPPS", "ya", tps, "", "", "ya", ""],
        ["NIK pendek (sintetis)", GOOD[:15], "1990-07-18", "P", "", "", "KPPS", "", tps, "", "",
         "ya", ""],
        ["Tanggal beda (sintetis)", make_nik("62.13.01", BORN, "L", 9101), "1990-07-19", "L", "",
         "", "KPPS", "", tps, "", "", "ya", ""],
        ["Umur 56 (sintetis)", make_nik("62.13.01", old, "L", 9102), old.isoformat(), "L", "", "",
         "KPPS", "", tps, "", "", "ya", ""],
        ["Orang sama (sintetis)", GOOD, "1990-07-18", "P", "", "", "LINMAS", "", tps, "", "", "",
         ""],
    ]


def problems_by_row(page: str) -> dict[int, str]:
    import re

    return {int(row): column for row, column in
            re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td>", page)}


def test_the_command_lists_each_problem_of_a_bad_file_and_writes_nothing(tmp_path, empty_tps,
                                                                        capsys):
    path = tmp_path / "petugas.xlsx"
    path.write_bytes(officer_file(bad_rows(empty_tps)).getvalue())
    before = (Officer.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError, match="4 kesalahan"):
        call_command("import_officers", str(path), "--election", "pemilu-2024")
    err = capsys.readouterr().err
    assert "baris 3, kolom nik" in err and "15" in err  # wrong length
    assert "baris 4, kolom tanggal lahir" in err and "1990-07-19" in err  # NIK says otherwise
    assert "baris 5, kolom tanggal lahir" in err and "56" in err  # too old on polling day
    assert "baris 6, kolom nik" in err and "baris 2" not in err.split("baris 6")[0]  # same person
    assert "6213****9001" in err and GOOD not in err  # the NIK masked even in errors
    assert (Officer.objects.count(), AuditEntry.objects.count()) == before


def test_the_web_import_lists_each_problem_of_a_bad_file_and_keeps_nothing(login, empty_tps):
    client = login("uji-coordinator")
    client.cookies["django_language"] = "en"
    before = Officer.objects.count()
    response = client.post("/petugas/impor/?wilayah=62.13&pemilu=pemilu-2024",
                           {"file": officer_file(bad_rows(empty_tps))})
    page = response.content.decode()
    assert 'id="officers-problems"' in page
    assert problems_by_row(page) == {3: "nik", 4: "tanggal lahir", 5: "tanggal lahir", 6: "nik"}
    assert "has 15" in page and "born 1990-07-18, the row says 1990-07-19" in page
    assert "at most 55 on polling day (age 56)" in page and "also in row 2" in page
    assert Officer.objects.count() == before and not Upload.objects.exists()


def test_a_dry_run_of_a_good_file_writes_nothing(tmp_path, empty_tps, capsys):
    path = tmp_path / "petugas.xlsx"
    path.write_bytes(officer_file(good_rows(empty_tps)).getvalue())
    before = Officer.objects.count()
    call_command("import_officers", str(path), "--dry-run", "--election", "pemilu-2024")
    assert "7 baris valid" in capsys.readouterr().out
    assert Officer.objects.count() == before


def test_a_good_file_is_previewed_then_saved_encrypted_and_audited(login, empty_tps, pemilu):
    client = login("uji-coordinator")
    response = client.post("/petugas/impor/?wilayah=62.13&pemilu=pemilu-2024",
                           {"file": officer_file(good_rows(empty_tps))})
    assert response.status_code == 302
    upload = Upload.objects.get()
    assert GOOD.encode() not in upload.content_cipher.encode()  # the kept file is encrypted
    preview = client.get(response["Location"]).content.decode()
    assert 'id="preview"' in preview and "6213****9001" in preview and GOOD not in preview
    assert not Officer.objects.filter(tps__code=empty_tps).exists()  # nothing saved yet
    saved = client.post(response["Location"])
    assert saved.status_code == 302 and not Upload.objects.exists()
    team = Officer.objects.filter(election=pemilu, tps__code=empty_tps)
    assert team.count() == 7 and team.filter(is_chair=True).count() == 1
    chair = team.get(is_chair=True)
    assert chair.nik == GOOD and chair.phone == "081234567890" and chair.sex == "P"
    entries = AuditEntry.objects.filter(model="officers.Officer", action="create",
                                        object_key__contains=empty_tps)
    assert entries.count() == 7
    assert all(GOOD not in str(e.after) and "081234567890" not in str(e.after) for e in entries)


def test_reimporting_the_same_file_changes_nothing(tmp_path, empty_tps, capsys):
    path = tmp_path / "petugas.xlsx"
    path.write_bytes(officer_file(good_rows(empty_tps)).getvalue())
    call_command("import_officers", str(path), "--election", "pemilu-2024")
    entries = AuditEntry.objects.count()
    call_command("import_officers", str(path), "--election", "pemilu-2024")
    assert "0 petugas baru, 0 diubah" in capsys.readouterr().out
    assert AuditEntry.objects.count() == entries


def test_a_csv_file_is_read_like_a_spreadsheet(tmp_path, empty_tps, pemilu):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["nama", "nik", "tanggal lahir", "jenis kelamin", "jabatan", "tps"])
    writer.writerow(["Linmas Uji (sintetis)", make_nik("62.13.01", BORN, "L", 9201),
                     "18/07/1990", "L", "Linmas", empty_tps])
    path = tmp_path / "petugas.csv"
    path.write_text(out.getvalue())
    call_command("import_officers", str(path), "--election", "pemilu-2024")
    assert Officer.objects.get(election=pemilu, tps__code=empty_tps).position == "LINMAS"


def test_one_person_in_a_second_post_is_refused(tmp_path, pemilu, empty_tps, capsys):
    other = Officer.objects.filter(election=pemilu, position="KPPS").exclude(
        tps__code=empty_tps).first()
    path = tmp_path / "petugas.xlsx"
    path.write_bytes(officer_file([[other.name, other.nik, other.birth_date.isoformat(),
                                    other.sex, "", "", "PTPS", "", empty_tps, "", "", "",
                                    ""]]).getvalue())
    with pytest.raises(CommandError):
        call_command("import_officers", str(path), "--election", "pemilu-2024")
    err = capsys.readouterr().err
    assert "baris 2, kolom nik" in err and f"KPPS di {other.tps.code}" in err


def test_an_eighth_kpps_or_a_second_chair_is_refused(tmp_path, pemilu, capsys):
    full = (Officer.objects.filter(election=pemilu, position="KPPS", tps__isnull=False)
            .values("tps__code").annotate(n=Count("id")).filter(n=7).order_by("tps__code"))
    code = full[0]["tps__code"]
    born = datetime.date(1985, 3, 3)
    path = tmp_path / "petugas.xlsx"
    path.write_bytes(officer_file([["Kelebihan (sintetis)", make_nik("62.13.01", born, "L", 9301),
                                    born.isoformat(), "L", "", "", "KPPS", "ya", code, "", "", "ya",
                                    ""]]).getvalue())
    with pytest.raises(CommandError, match="2 kesalahan"):
        call_command("import_officers", str(path), "--election", "pemilu-2024")
    err = capsys.readouterr().err
    assert "kolom jabatan" in err and "kolom ketua" in err


def test_a_nik_from_an_unknown_kecamatan_is_refused(tmp_path, empty_tps, capsys):
    path = tmp_path / "petugas.xlsx"
    path.write_bytes(officer_file([["Jauh (sintetis)", make_nik("62.13.99", BORN, "L", 9401),
                                    "", "", "", "", "KPPS", "", empty_tps, "", "", "ya",
                                    ""]]).getvalue())
    with pytest.raises(CommandError):
        call_command("import_officers", str(path), "--election", "pemilu-2024")
    assert "62.13.99" in capsys.readouterr().err


def test_a_viewer_may_not_import(login):
    response = login("uji-viewer").post("/petugas/impor/?wilayah=62.13&pemilu=pemilu-2024",
                                        {"file": officer_file([])})
    assert response.status_code == 403
