import io

import openpyxl
import pytest
from pypdf import PdfReader

from siaga.regions.models import TPS

pytestmark = pytest.mark.django_db


def test_tps_per_kecamatan_shows_every_kecamatan_and_the_regency_totals(login):
    page = login("uji-viewer").get("/tps/?pemilu=pemilu-2024").content.decode()
    assert page.count('<tr><td><a href="?wilayah=62.13.') == 10
    assert '<th class="num" data-total="tps">387</th>' in page
    assert '<th class="num" data-total="dpt">81.100</th>' in page
    assert "14 Februari 2024" in page
    assert "<svg" in page and "Dusun Timur" in page
    assert "SINTETIS" in page


def test_drill_down_goes_from_kecamatan_to_desa_to_tps(login, pemilu):
    client = login("uji-viewer")
    kec = client.get("/tps/?wilayah=62.13.01&pemilu=pemilu-2024").content.decode()
    assert "Tamiang Layang" in kec and "TPS per desa/kelurahan" in kec
    desa = client.get("/tps/?wilayah=62.13.01.1012&pemilu=pemilu-2024").content.decode()
    first = TPS.objects.filter(election=pemilu, village__code="62.13.01.1012").first()
    assert f"/tps/{first.code}/" in desa
    detail = client.get(f"/tps/{first.code}/?pemilu=pemilu-2024").content.decode()
    assert "Tamiang Layang" in detail and "Dusun Timur" in detail


def test_the_page_speaks_english_when_asked(login):
    client = login("uji-viewer")
    client.post("/i18n/setlang/", {"language": "en", "next": "/tps/"})
    page = client.get("/tps/?pemilu=pemilu-2024").content.decode()
    assert "Export CSV" in page and "14 February 2024" in page and "81,100" in page


def test_map_data_has_kecamatan_boundaries_and_every_tps_point(login):
    data = login("uji-viewer").get("/tps/peta.json?wilayah=62.13&pemilu=pemilu-2024").json()
    levels = [f["properties"]["level"] for f in data["boundaries"]["features"]]
    assert (levels.count("kabkota"), levels.count("kecamatan"), levels.count("desa")) == (1, 10, 103)
    assert data["tps_count"] == data["tps_shown"] == 387
    lon, lat = data["tps"]["features"][0]["geometry"]["coordinates"]
    assert 114 < lon < 116 and -3 < lat < -1


def test_xlsx_export_opens_and_adds_up_to_the_regency_total(login):
    response = login("uji-viewer").get("/tps/ekspor.xlsx?wilayah=62.13&pemilu=pemilu-2024")
    assert response["Content-Disposition"].endswith('tps-pemilu-2024-62.13.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert sheet["A3"].value == "Kode Desa"
    assert len(rows) == 387
    assert sum(r[6] for r in rows) == 81_100


def test_csv_export_has_one_line_per_tps(login):
    response = login("uji-viewer").get("/tps/ekspor.csv?wilayah=62.13.05&pemilu=pemilu-2024")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Kode Desa,Kecamatan,Desa/Kelurahan,No TPS")
    assert len(lines) - 1 == TPS.objects.filter(code__startswith="62.13.05.").count()


def test_pdf_summary_is_a_real_pdf_with_the_table_and_totals(login):
    response = login("uji-viewer").get("/tps/ekspor.pdf?wilayah=62.13&pemilu=pemilu-2024")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Kabupaten Barito Timur" in text and "81.100" in text and "Pematang Karau" in text
    assert "Halaman 1 / " in text


def test_web_import_shows_the_errors_and_saves_nothing(login):
    client = login("uji-coordinator")
    upload = io.BytesIO(b"kode desa,no tps,dpt l,dpt p\r\n62.13.01.2003,1,400,1\r\n")
    upload.name = "salah.csv"
    response = client.post("/tps/impor/", {"election": "pemilu-2024", "file": upload}, follow=True)
    page = response.content.decode()
    assert "Ditemukan 1 kesalahan" in page
    assert "DPT 401 melebihi batas 300 pemilih per TPS untuk Pemilu 2024." in page
    assert "Simpan semua" not in page


def test_web_import_previews_then_saves_all(login):
    client = login("uji-coordinator")
    upload = io.BytesIO(b"kode desa;no tps;dpt l;dpt p\r\n62.13.01.2003;77;40;41\r\n")
    upload.name = "baru.csv"
    preview = client.post("/tps/impor/", {"election": "pemilu-2024", "file": upload}, follow=True)
    assert not TPS.objects.filter(code="62.13.01.2003-077").exists()
    assert '<li><b>1</b> TPS baru</li>' in preview.content.decode()
    batch = preview.redirect_chain[-1][0].rstrip("/").split("/")[-1]
    done = client.post(f"/tps/impor/{batch}/simpan/", follow=True)
    assert "Tersimpan: 1 TPS baru" in done.content.decode()
    assert TPS.objects.get(code="62.13.01.2003-077").dpt == 81


def test_another_users_import_preview_is_not_found(login):
    upload = io.BytesIO(b"kode desa,no tps,dpt l,dpt p\r\n62.13.01.2003,78,1,1\r\n")
    upload.name = "x.csv"
    preview = login("uji-coordinator").post("/tps/impor/", {"election": "pemilu-2024", "file": upload})
    assert login("uji-admin").get(preview["Location"]).status_code == 404


def test_edit_form_refuses_a_tps_over_the_maximum(login, pemilu):
    tps = TPS.objects.filter(election=pemilu, code__startswith="62.13.04").first()
    response = login("uji-admin").post(f"/tps/{tps.code}/ubah/?pemilu=pemilu-2024", {
        "dpt_men": 200, "dpt_women": 150, "access": "darat"})
    assert response.status_code == 200
    assert "DPT 350 melebihi batas 300 pemilih per TPS untuk Pemilu 2024." in response.content.decode()
    assert TPS.objects.get(pk=tps.pk).dpt == tps.dpt


def test_home_shows_the_users_region_at_a_glance(login):
    page = login("uji-field").get("/").content.decode()
    assert "Kabupaten Barito Timur" in page
    assert "<b>10</b><span>kecamatan</span>" in page
    assert "<b>387</b>" in page


def test_pages_forbid_inline_and_foreign_scripts(login):
    response = login("uji-viewer").get("/tps/?pemilu=pemilu-2024")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    page = response.content.decode()
    assert "<script>" not in page and "onclick=" not in page and "onchange=" not in page
    assert "http://" not in page.split("<svg")[0].replace("http://www.w3.org", "")
