"""Kerawanan from the desk's side: the per-desa grid, the Bawaslu sheet import, the summaries."""

import io

import pytest

from siaga.accounts.models import AuditEntry
from siaga.regions.models import TPS
from siaga.risk.models import Assessment

pytestmark = pytest.mark.django_db

DESA = "62.13.01.1012"  # Tamiang Layang


@pytest.fixture
def first_tps(pemilu):
    return TPS.objects.filter(election=pemilu, village__code=DESA).order_by("code").first().code


def test_ticking_indicators_in_the_grid_grades_the_tps_and_moves_the_kecamatan_summary(login, first_tps):
    client = login("uji-field")
    before = client.get("/kerawanan/?wilayah=62.13&pemilu=pemilu-2024").content.decode()
    assert "Dusun Timur" in before
    response = client.post(f"/kerawanan/desa/{DESA}/?pemilu=pemilu-2024", {
        "source": "bawaslu", "holds": [f"{first_tps}|LK1", f"{first_tps}|LI2"]})
    assert response.status_code == 302
    desa = client.get(f"/kerawanan/?wilayah={DESA}&pemilu=pemilu-2024").content.decode()
    assert "Rawan: TPS sulit dijangkau + Kendala jaringan internet" in desa
    regency = client.get("/kerawanan/?wilayah=62.13&pemilu=pemilu-2024").content.decode()
    assert "TPS sulit dijangkau (1)" in regency
    entry = AuditEntry.objects.get(model="risk.Assessment", object_key=f"{first_tps}/bawaslu")
    assert entry.after["indicators"] == ["LI2", "LK1"] and entry.actor == "uji-field"


def test_a_viewer_may_look_but_not_assess(login, first_tps):
    client = login("uji-viewer")
    assert client.get(f"/kerawanan/desa/{DESA}/?pemilu=pemilu-2024").status_code == 200
    response = client.post(f"/kerawanan/desa/{DESA}/?pemilu=pemilu-2024",
                           {"source": "bawaslu", "holds": [f"{first_tps}|KA1"]})
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def upload(client, text: str):
    sheet = io.BytesIO(text.encode())
    sheet.name = "kerawanan.csv"
    return client.post("/kerawanan/impor/", {"election": "pemilu-2024", "source": "bawaslu",
                                              "file": sheet})


def test_a_malformed_sheet_reports_every_bad_cell_and_writes_nothing(login, first_tps):
    response = upload(login("uji-coordinator"),
                      "Kode TPS,TPS sulit dijangkau,Kendala jaringan internet,Hujan lebat\r\n"
                      f"{first_tps},ya,mungkin,\r\n"
                      "62.13.01.1012-999,ya,tidak,\r\n")
    page = response.content.decode()
    assert "Hujan lebat" in page  # an unknown indicator column
    assert "mungkin" in page  # an unreadable value
    assert "62.13.01.1012-999" in page  # an unknown TPS
    assert "kesalahan; tidak ada yang disimpan" in page
    assert not Assessment.objects.exists()


def test_a_good_sheet_is_saved_whole(login, first_tps, pemilu):
    second = TPS.objects.filter(election=pemilu, village__code=DESA).order_by("code")[1].code
    response = upload(login("uji-coordinator"),
                      "Kode TPS,TPS sulit dijangkau,Riwayat kekerasan di TPS,Riwayat intimidasi terhadap penyelenggara\r\n"
                      f"{first_tps},ya,v,1\r\n{second},tidak,,0\r\n")
    assert response.status_code == 302
    assert Assessment.objects.get(tps__code=first_tps).indicators == ["KA1", "KA2", "LK1"]
    assert Assessment.objects.get(tps__code=second).indicators == []
    desa = login("uji-viewer").get(f"/kerawanan/?wilayah={DESA}&pemilu=pemilu-2024").content.decode()
    assert "Sangat rawan: Riwayat kekerasan di TPS" in desa


def test_the_map_colours_each_tps_by_its_grade(login, first_tps):
    client = login("uji-coordinator")
    client.post(f"/kerawanan/desa/{DESA}/?pemilu=pemilu-2024",
                {"source": "polres", "holds": [f"{first_tps}|KA1", f"{first_tps}|KA2"]})
    data = client.get(f"/kerawanan/peta.json?wilayah={DESA}&pemilu=pemilu-2024").json()
    grades = {f["properties"]["code"]: f["properties"]["grade"] for f in data["tps"]["features"]}
    assert grades[first_tps] == 2
    assert set(grades.values()) == {0, 2}


def test_a_region_edits_the_catalogue_of_its_election(login, first_tps, pemilu):
    from django.core.exceptions import ValidationError

    from siaga.risk.models import CatalogueEdit

    edit = CatalogueEdit(election=pemilu, removed=["LK4"], weights={"LI2": 3},
                         added=[{"code": "KT1", "name": "Konflik antarwarga", "variable": "keamanan",
                                 "weight": 2}])
    edit.full_clean()
    edit.save()
    client = login("uji-field")
    grid = client.get(f"/kerawanan/desa/{DESA}/?pemilu=pemilu-2024").content.decode()
    assert "Konflik antarwarga" in grid and "lokasi khusus" not in grid
    client.post(f"/kerawanan/desa/{DESA}/?pemilu=pemilu-2024",
                {"source": "bawaslu", "holds": [f"{first_tps}|LI2"]})
    desa = client.get(f"/kerawanan/?wilayah={DESA}&pemilu=pemilu-2024").content.decode()
    assert "Rawan: Kendala jaringan internet" in desa  # weight 3 alone makes it rawan
    from siaga.regions.models import Election

    with pytest.raises(ValidationError, match="XX9"):
        CatalogueEdit(election=Election.objects.get(slug="pilkada-2024"), weights={"XX9": 1}).full_clean()


def test_exports_open_as_real_xlsx_and_pdf(login, first_tps):
    import openpyxl
    from pypdf import PdfReader

    client = login("uji-coordinator")
    client.post(f"/kerawanan/desa/{DESA}/?pemilu=pemilu-2024",
                {"source": "bawaslu", "holds": [f"{first_tps}|LK1", f"{first_tps}|LI2"]})
    book = openpyxl.load_workbook(io.BytesIO(
        client.get("/kerawanan/ekspor.xlsx?wilayah=62.13&pemilu=pemilu-2024").content))
    rows = {r[0]: r for r in book.active.iter_rows(min_row=4, values_only=True)}
    assert len(rows) == 387 and rows[first_tps][1] == "Rawan"
    per_kecamatan = list(book["Per kecamatan"].iter_rows(values_only=True))
    header, dusun_timur = per_kecamatan[0], per_kecamatan[1]
    assert dusun_timur[0] == "Dusun Timur" and dusun_timur[header.index("TPS sulit dijangkau")] == 1
    assert sum(r[1] for r in per_kecamatan[1:]) == 387
    pdf = PdfReader(io.BytesIO(client.get("/kerawanan/ekspor.pdf?wilayah=62.13&pemilu=pemilu-2024").content))
    assert "Dusun Timur" in "".join(p.extract_text() for p in pdf.pages)


def test_one_tps_gets_a_note_a_date_and_an_evidence_photo(login, first_tps, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = login("uji-field")
    png = SimpleUploadedFile("bukti.png", b"\\x89PNG\\r\\n\\x1a\\n" + b"0" * 64, content_type="image/png")
    response = client.post(f"/kerawanan/tps/{first_tps}/?pemilu=pemilu-2024", {
        "source": "bawaslu", "note": "Jembatan putus", "assessed_on": "2024-02-05",
        "evidence": png, "holds": ["LK1", "LK2"]})
    assert response.status_code == 302
    assessment = Assessment.objects.get(tps__code=first_tps)
    assert (assessment.note, assessment.indicators) == ("Jembatan putus", ["LK1", "LK2"])
    photo = client.get(f"/kerawanan/foto/{assessment.pk}/")
    assert photo.status_code == 200 and b"".join(photo.streaming_content).startswith(b"\\x89PNG")
    assert login("uji-kecamatan").get(f"/kerawanan/foto/{assessment.pk}/").status_code == 200
    other = client.post(f"/kerawanan/tps/{first_tps}/?pemilu=pemilu-2024", {
        "source": "polres", "assessed_on": "2024-02-05",
        "evidence": SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")})
    assert "JPEG, PNG atau WebP" in other.content.decode()
