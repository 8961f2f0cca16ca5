import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from siaga.accounts.models import AuditEntry
from siaga.officers.models import Officer
from siaga.regions import tps_table
from siaga.regions.imports import tps_export, tps_import_check, tps_import_commit
from siaga.regions.models import TPS, ImportBatch, Region

pytestmark = pytest.mark.django_db

HEADER = "kode desa,no tps,dpt l,dpt p,jumlah dpt,alamat\r\n"


def csv_file(*rows):
    return (HEADER + "".join(r + "\r\n" for r in rows)).encode()


def test_a_good_file_creates_its_tps_and_audits_each_one(pemilu):
    content = csv_file("62.13.01.2003,901,100,100,200,Balai Desa", "6213012004,902,50,60,110,")
    result = tps_import_commit(election=pemilu, filename="baru.csv", content=content)
    assert result.committed
    tps = TPS.objects.get(election=pemilu, code="62.13.01.2003-901")
    assert (tps.dpt, tps.address, tps.is_synthetic) == (200, "Balai Desa", False)
    entry = AuditEntry.objects.get(model="regions.TPS", object_key="62.13.01.2004-902")
    assert (entry.action, entry.actor, entry.before) == ("create", "sistem", None)
    assert entry.after["dpt_women"] == 60


def test_a_file_with_one_bad_row_changes_nothing(pemilu):
    before = TPS.objects.count(), AuditEntry.objects.count()
    content = csv_file("62.13.01.2003,901,100,100,200,", "62.13.01.2003,902,200,200,400,")
    result = tps_import_commit(election=pemilu, filename="salah.csv", content=content)
    assert not result.committed
    assert (TPS.objects.count(), AuditEntry.objects.count()) == before
    assert not ImportBatch.objects.filter(filename="salah.csv").exists()


def test_errors_are_reported_in_indonesian_with_row_and_column(pemilu):
    content = csv_file("62.13.01.2999,1,1,1,2,", "62.13.01.2003,1,x,1,,")
    messages = tps_import_check(election=pemilu, filename="f.csv", content=content).messages()
    assert messages == [
        {"row": 2, "column": "kode desa", "reason": "Kode desa/kelurahan 62.13.01.2999 tidak dikenal."},
        {"row": 3, "column": "dpt l", "reason": "'x' bukan bilangan bulat."},
    ]


def test_an_unreadable_file_is_one_clear_problem(pemilu):
    result = tps_import_check(election=pemilu, filename="rusak.xlsx", content=b"bukan zip")
    assert [p.code for p in result.parsed.problems] == ["unreadable"]


def test_reimporting_the_exported_regency_changes_nothing(pemilu):
    regency = Region.objects.get(code="62.13")
    audits = AuditEntry.objects.count()
    for fmt in ("xlsx", "csv"):
        content = tps_export(pemilu, regency, fmt)
        result = tps_import_commit(election=pemilu, filename=f"bartim.{fmt}", content=content)
        c = result.comparison
        assert (len(c.created), len(c.updated), len(c.unchanged)) == (0, 0, 387)
    assert AuditEntry.objects.count() == audits


def test_export_import_export_gives_identical_csv(pemilu):
    regency = Region.objects.get(code="62.13")
    first = tps_export(pemilu, regency, "csv")
    # Officers hold on to their TPS (a TPS with officers cannot be deleted by mistake).
    Officer.objects.filter(tps__code__startswith="62.13").delete()
    TPS.objects.filter(code__startswith="62.13").delete()
    tps_import_commit(election=pemilu, filename="bartim.csv", content=first)
    assert tps_export(pemilu, regency, "csv") == first


def test_an_updated_file_updates_only_what_changed_and_audits_before_and_after(pemilu):
    regency = Region.objects.get(code="62.13")
    book = openpyxl.load_workbook(io.BytesIO(tps_export(pemilu, regency, "xlsx")))
    sheet = book.active
    header = [c.value for c in sheet[3]]
    row = 4
    code = f"{sheet.cell(row, 1).value}-{sheet.cell(row, 4).value}"
    old = TPS.objects.get(election=pemilu, code=code)
    sheet.cell(row, header.index("Alamat") + 1, "Gedung SD Negeri 1")
    out = io.BytesIO()
    book.save(out)
    result = tps_import_commit(election=pemilu, filename="ubah.xlsx", content=out.getvalue())
    c = result.comparison
    assert (len(c.created), len(c.updated), len(c.unchanged)) == (0, 1, 386)
    entry = AuditEntry.objects.get(model="regions.TPS", object_key=code, action="update")
    assert (entry.before["address"], entry.after["address"]) == (old.address, "Gedung SD Negeri 1")
    assert entry.before["dpt_men"] == entry.after["dpt_men"] == old.dpt_men


def test_the_same_file_twice_is_recognised_by_its_hash(pemilu):
    content = csv_file("62.13.01.2003,901,100,100,200,")
    tps_import_commit(election=pemilu, filename="a.csv", content=content)
    again = tps_import_check(election=pemilu, filename="a-lagi.csv", content=content)
    assert again.previously_imported_at is not None
    assert len(again.comparison.unchanged) == 1


def test_cli_dry_run_reports_and_writes_nothing(pemilu, tmp_path, capsys):
    path = tmp_path / "tps.csv"
    path.write_bytes(csv_file("62.13.01.2003,901,100,100,200,"))
    call_command("import_tps", str(path), "--dry-run", "--election", "pemilu-2024")
    assert "1 baris valid untuk Pemilu 2024: 1 TPS baru" in capsys.readouterr().out
    assert not TPS.objects.filter(code="62.13.01.2003-901").exists()
    call_command("import_tps", str(path), "--election", "pemilu-2024")
    assert TPS.objects.filter(election=pemilu, code="62.13.01.2003-901").exists()


def test_cli_imports_into_the_latest_election_unless_told_otherwise(pemilu, tmp_path, capsys):
    path = tmp_path / "tps.csv"
    path.write_bytes(csv_file("62.13.01.2003,1,300,250,550,"))
    call_command("import_tps", str(path))
    assert "untuk Pilkada 2024" in capsys.readouterr().out
    assert TPS.objects.get(election__slug="pilkada-2024", code="62.13.01.2003-001").dpt == 550


def test_cli_refuses_a_bad_file_with_row_column_and_reason(pemilu, tmp_path, capsys):
    path = tmp_path / "tps.csv"
    path.write_bytes(csv_file("62.13.01.2003,901,200,200,400,"))
    with pytest.raises(CommandError, match="tidak ada yang disimpan"):
        call_command("import_tps", str(path), "--election", "pemilu-2024")
    err = capsys.readouterr().err
    assert "baris 2, kolom jumlah dpt: DPT 400 melebihi batas 300 pemilih per TPS untuk Pemilu 2024." in err


def test_cli_export_writes_a_file_the_import_reads_back(pemilu, tmp_path):
    path = tmp_path / "kec.xlsx"
    call_command("export_tps", str(path), "--region", "62.13.01", "--election", "pemilu-2024")
    rows = tps_table.read_rows(path.name, path.read_bytes())
    assert rows[0][0].startswith("Daftar TPS Pemilu 2024")
    result = tps_import_check(election=pemilu, filename=path.name, content=path.read_bytes())
    assert len(result.comparison.unchanged) == TPS.objects.filter(code__startswith="62.13.01.").count()
