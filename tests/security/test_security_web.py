import pytest

from siaga.regions.models import TPS
from siaga.risk.demo import load_demo_assessments
from siaga.risk.models import Assessment

pytestmark = pytest.mark.django_db


def test_the_plan_covers_every_tps_and_flags_the_linmas_shortfall_of_the_2024_figures(login, pemilu):
    assert load_demo_assessments(pemilu) == 20
    page = login("uji-viewer").get("/pengamanan/?wilayah=62.13&pemilu=pemilu-2024").content.decode()
    assert "kalteng.antaranews.com 674916" in page
    # 387 TPS x 2 Linmas needed against the 702 reported for 351 TPS: 72 short.
    assert '<td class="num grade-2">72</td>' in page
    assert page.count("Rawan</td>") >= 1


def test_a_what_if_with_another_pattern_is_shown_side_by_side(login, pemilu):
    load_demo_assessments(pemilu)
    query = ("wilayah=62.13&pemilu=pemilu-2024&a_preset=ponorogo-2024&a_police=197&a_tni=70"
             "&a_linmas=702&b_preset=polri-2019&b_police=100&b_tni=70&b_linmas=800")
    page = login("uji-viewer").get(f"/pengamanan/?{query}").content.decode()
    assert 'id="plan-A"' in page and 'id="plan-B"' in page
    assert "Polri, Pemilu 2019 (nasional)" in page
    assert 'data-short="police"' in page and 'id="moved"' in page


def test_the_demo_marks_its_rawan_tps_as_synthetic(pemilu):
    load_demo_assessments(pemilu)
    notes = set(Assessment.objects.values_list("note", flat=True))
    assert len(notes) == 1 and notes.pop().startswith("data sintetis")
    assert TPS.objects.filter(assessments__isnull=False).distinct().count() == 20


def test_the_posts_go_to_polres_as_a_spreadsheet_with_every_tps_once(login, pemilu):
    import io

    import openpyxl

    load_demo_assessments(pemilu)
    content = login("uji-viewer").get("/pengamanan/pos.xlsx?wilayah=62.13&pemilu=pemilu-2024").content
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(min_row=4, values_only=True))
    codes = [r[6] for r in rows]
    assert len(codes) == len(set(codes)) == 387
    assert {r[1] for r in rows} == {"Kurang rawan", "Rawan"}


def test_the_demo_personnel_are_named_on_the_posts(login, pemilu):
    from siaga.security.demo import load_demo_personnel

    load_demo_assessments(pemilu)
    assert load_demo_personnel(pemilu) == 197 + 70 + 702
    page = login("uji-viewer").get("/pengamanan/?wilayah=62.13&pemilu=pemilu-2024").content.decode()
    assert "Personel Polri 001 (sintetis)" in page
    assert 'id="open-slots"' in page


def test_the_map_names_each_tps_post(login, pemilu):
    load_demo_assessments(pemilu)
    data = login("uji-viewer").get("/pengamanan/peta.json?wilayah=62.13&pemilu=pemilu-2024").json()
    whys = {f["properties"]["code"]: f["properties"]["why"] for f in data["tps"]["features"]}
    assert len(whys) == data["tps_count"] == 387
    assert all(why.startswith(code[:8] + "/P") for code, why in whys.items())
    posts = [f for f in data["tps"]["features"] if f["properties"]["post"]]
    assert len(posts) == len({f["properties"]["why"] for f in data["tps"]["features"]})


def test_a_kecamatan_is_planned_as_part_of_its_regency(login):
    page = login("uji-viewer").get("/pengamanan/?wilayah=62.13.01&pemilu=pemilu-2024").content.decode()
    assert "pilih kabupaten/kota atau provinsi" in page


def test_bko_reinforcements_cover_a_police_shortfall(login, pemilu):
    base = ("wilayah=62.13&pemilu=pemilu-2024&a_preset=polri-2019&a_police=100&a_tni=0&a_linmas=800")
    client = login("uji-viewer")
    short = client.get(f"/pengamanan/?{base}").content.decode()
    helped = client.get(f"/pengamanan/?{base}&a_bko_police=300").content.decode()
    assert '<td class="num grade-2" data-short="police">' in short
    assert '<td class="num" data-short="police">0</td>' in helped


def test_a_what_if_pattern_and_tni_ratio_change_the_needs(login, pemilu):
    load_demo_assessments(pemilu)
    base = "wilayah=62.13&pemilu=pemilu-2024&a_preset=ponorogo-2024&a_police=197&a_tni=70&a_linmas=702"
    client = login("uji-viewer")
    page = client.get(f"/pengamanan/?{base}&a_pattern_0=2-6-12&a_tni_per_police=1/2").content.decode()
    assert "Kurang rawan 2-6-12" in page
    assert client.get(f"/pengamanan/?{base}&a_pattern_0=dua-enam").status_code == 400
