"""The floor-game board in the web app: the page, its timeline JSON, scenarios of the logistics
and security plans injected with what they break, the region scope, and the A1 PDF."""

import io
import subprocess

import pytest
from django.db import transaction
from pypdf import PdfReader
from tests.plans import make_plan

from siaga.accounts.audit import acting_as
from siaga.accounts.models import AuditEntry
from siaga.logistics import registry
from siaga.logistics.models import DistributionPlan
from siaga.regions.models import TPS, Region
from siaga.risk.demo import load_demo_assessments
from siaga.security.demo import load_demo_personnel

pytestmark = pytest.mark.django_db
BOARD = "/kesiapan/permainan-lantai/"
A1_LANDSCAPE_PT = (2384, 1684)  # 841 × 594 mm


@pytest.fixture(scope="module")
def planned(django_db_setup, django_db_blocker):
    """The demo regency's base plan and a flooded Dusun Tengah (62.13.05), planned once for
    the module (10-20 s each) and rolled back; tests store copies of the results."""
    from siaga.regions.models import Election

    with django_db_blocker.unblock(), transaction.atomic():
        pemilu = Election.objects.get(slug="pemilu-2024")
        base = make_plan(pemilu, name="dasar")
        flood = make_plan(pemilu, name="banjir", flooded="62.13.05")
        stored = {"base": (base.result, base.summary), "flood": (flood.result, flood.summary)}
        transaction.set_rollback(True)
    assert base.status == flood.status == "done", (base.error, flood.error)
    return stored


def stored_plan(pemilu, planned, which="base", baseline=None, **scenario) -> DistributionPlan:
    regency = Region.objects.get(code="62.13")
    timing = registry.default_timing(pemilu, regency.zoneinfo)
    result, summary = planned[which]
    return DistributionPlan.objects.create(
        election=pemilu, region=regency, release=timing.release, ppk_deadline=timing.ppk_deadline,
        pps_deadline=timing.pps_deadline, tps_deadline=timing.tps_deadline, status="done",
        result=result, summary=summary, baseline=baseline, name=which, **scenario)


@pytest.fixture
def game(pemilu, planned):
    """Kerawanan, personnel (synthetic demo) and the finished base plan."""
    with acting_as(label="test setup"):
        load_demo_assessments(pemilu)
        load_demo_personnel(pemilu)
    return stored_plan(pemilu, planned)


def test_without_a_finished_plan_the_board_says_to_make_one_first(login):
    page = login("uji-viewer").get(BOARD + "?wilayah=62.13&pemilu=pemilu-2024").content.decode()
    assert 'id="no-plan"' in page and "/logistik/rencana/" in page


def test_the_board_shows_the_map_the_slider_and_no_scenario_yet(login, game):
    response = login("uji-viewer").get(BOARD + "?wilayah=62.13&pemilu=pemilu-2024")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="fg-map"' in page and 'id="fg-slider"' in page and 'id="no-scenario"' in page
    assert f"Rencana distribusi #{game.pk}" in page
    # No simulation: counting is assumed to end at midnight of polling day (14 Feb 2024).
    assert "Rab 14 Feb 24.00" not in page and "Kam 15 Feb 00.00" in page


def test_the_timeline_json_spans_release_to_end_of_counting_with_every_vehicle_and_tps(
        login, game, pemilu):
    data = login("uji-viewer").get(BOARD + "data.json?wilayah=62.13&pemilu=pemilu-2024").json()
    # Release H-5 08.00 (9 Feb) is minute 480 of the epoch; counting ends 15 Feb 00.00.
    assert data["start"] == 480 and data["end"] == 6 * 24 * 60
    assert data["steps"][0] == 480 and data["steps"][-1] == data["end"]
    assert data["labels"][0] == "Jum 9 Feb 08.00" and data["labels"][-1] == "Kam 15 Feb 00.00"
    assert len(data["counts"]) == len(data["steps"])
    routes = sum(len(leg["routes"]) for leg in game.result["legs"])
    assert len(data["vehicles"]) == routes
    assert len(data["tps"]) == TPS.objects.filter(election=pemilu, code__startswith="62.13").count()
    # At the start every shipment waits; at the end all 500 are delivered, none late.
    waiting, delivered = data["counts"][0][1], data["counts"][-1][3]
    assert waiting == delivered == len(game.result["deadlines"])
    assert data["counts"][-1][4] == data["counts"][-1][5] == 0
    # Waypoints are in time order and every TPS is graded; posts come from the security plan.
    assert all(a[0] <= b[0] for v in data["vehicles"] for a, b in zip(v["w"], v["w"][1:]))
    assert {t["grade"] for t in data["tps"]} == {0, 1}
    assert data["posts"] and all(p["from"] <= p["to"] for p in data["posts"])
    assert len(data["boundaries"]["features"]) == 10


def test_a_kecamatan_officer_sees_only_their_kecamatan_and_another_is_not_found(login, game):
    client = login("uji-kecamatan")
    data = client.get(BOARD + "data.json?pemilu=pemilu-2024").json()
    assert data["tps"] and all(t["code"].startswith("62.13.01") for t in data["tps"])
    assert all(p["name"].startswith("62.13.01") for p in data["posts"])
    assert client.get(BOARD + "?wilayah=62.13.02&pemilu=pemilu-2024").status_code == 404
    assert client.get(BOARD + "data.json?wilayah=62.13&pemilu=pemilu-2024").status_code == 404
    assert login("uji-viewer").get(BOARD + "?wilayah=62.01&pemilu=pemilu-2024").status_code == 404


def test_a_scenario_plan_of_another_regency_or_unknown_is_not_found(login, game):
    client = login("uji-viewer")
    assert client.get(BOARD + "?wilayah=62.13&pemilu=pemilu-2024&logistik=999999").status_code == 404


def test_a_flood_lists_the_tps_that_get_no_logistics_with_the_reason(login, game, pemilu,
                                                                     planned):
    flood = stored_plan(pemilu, planned, "flood", baseline=game, flooded="62.13.05")
    client = login("uji-viewer")
    page = client.get(BOARD + f"?wilayah=62.13&pemilu=pemilu-2024&logistik={flood.pk}").content.decode()
    flooded = TPS.objects.filter(election=pemilu, code__startswith="62.13.05").values_list("code", flat=True)
    listed = page.split('class="broken-tps_unserved"')[1].split("</ul>")[0]
    assert all(f'data-code="{code}"' in listed for code in flooded)
    assert "tidak mendapat logistik sama sekali" in listed
    # The reason is the routing core's: the flooded PPK's goods do not reach it, or no boat.
    assert "62.13.05" in listed and ("tidak semua barangnya" in listed or "perahu" in listed
                                     or "Tidak ada rute" in listed)
    data = client.get(BOARD + f"data.json?wilayah=62.13&pemilu=pemilu-2024&logistik={flood.pk}").json()
    assert data["counts"][-1][4] >= len(flooded)  # never served, at the end of the slider
    assert {t["code"] for t in data["tps"] if t["broken"]} >= set(flooded)


def test_withdrawing_police_leaves_posts_short_or_unmanned_and_names_the_cause(login, game):
    page = login("uji-viewer").get(
        BOARD + "?wilayah=62.13&pemilu=pemilu-2024&tarik_jenis=polri&tarik_jumlah=150").content.decode()
    assert 'id="breakage"' in page
    lost = page.split('id="breakage"')[1].split("</section>")[0]
    assert 'class="broken-post_short"' in lost or 'class="broken-post_unmanned"' in lost
    assert "150 Polri ditarik." in lost


def test_upgrading_a_tps_to_sangat_rawan_shows_the_new_pattern_of_its_post(login, game, pemilu):
    tps = TPS.objects.filter(election=pemilu, code__startswith="62.13.03").order_by("code").first()
    client = login("uji-viewer")
    page = client.get(BOARD + f"?wilayah=62.13&pemilu=pemilu-2024&naik={tps.code}"
                      "&tarik_jenis=polri&tarik_jumlah=190").content.decode()
    lost = page.split('id="breakage"')[1].split("</section>")[0]
    assert f"TPS {tps.code} dinaikkan menjadi sangat rawan" in lost
    data = client.get(BOARD + f"data.json?wilayah=62.13&pemilu=pemilu-2024&naik={tps.code}").json()
    assert next(t for t in data["tps"] if t["code"] == tps.code)["grade"] == 2


def test_an_unknown_tps_to_upgrade_is_named_and_ignored(login, game):
    page = login("uji-viewer").get(
        BOARD + "?wilayah=62.13&pemilu=pemilu-2024&naik=62.01.01.2001-001").content.decode()
    assert "62.01.01.2001-001" in page.split('class="errorlist"')[1]


@pytest.fixture
def tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_late_goods_are_planned_by_the_worker_and_the_board_shows_what_breaks(
        login, game, tasks_run_at_once, django_capture_on_commit_callbacks):
    client = login("uji-coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BOARD + "skenario/?wilayah=62.13&pemilu=pemilu-2024", {
            "delay_hours": 100, "tarik_jenis": "linmas", "tarik_jumlah": 40,
            "tarik_wilayah": "62.13.02"})
    scenario = DistributionPlan.objects.exclude(pk=game.pk).get()
    assert response.status_code == 302
    assert f"logistik={scenario.pk}" in response["Location"]
    assert "tarik_jenis=linmas" in response["Location"]
    assert (scenario.status, scenario.baseline, scenario.delay_hours) == ("done", game, 100)
    assert AuditEntry.objects.filter(model="logistics.DistributionPlan", action="create").exists()
    page = client.get(response["Location"]).content.decode()
    lost = page.split('id="breakage"')[1].split("</section>")[0]
    # Goods 100 h late: released H-1 12.00, so TPS get them after H-1 18.00.
    assert 'class="broken-tps_late"' in lost and "terlambat" in lost
    assert "40 Linmas ditarik (62.13.02)." in lost


def test_a_viewer_may_not_plan_a_logistics_scenario_but_may_play_security(login, game):
    client = login("uji-viewer")
    assert client.post(BOARD + "skenario/?wilayah=62.13&pemilu=pemilu-2024",
                       {"delay_hours": 5}).status_code == 403
    response = client.post(BOARD + "skenario/?wilayah=62.13&pemilu=pemilu-2024",
                           {"tarik_jenis": "tni", "tarik_jumlah": 10})
    assert response.status_code == 302 and "tarik_jenis=tni" in response["Location"]
    assert DistributionPlan.objects.count() == 1


def test_a_bad_scenario_is_refused_with_the_reason_and_nothing_is_planned(login, game):
    response = login("uji-coordinator").post(
        BOARD + "skenario/?wilayah=62.13&pemilu=pemilu-2024",
        {"flooded": "62.01.01", "closed_edges": "62.13.01"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "62.01.01" in page and "62.13.01" in page
    assert DistributionPlan.objects.count() == 1


def test_the_board_prints_as_an_a1_landscape_pdf_with_map_breakage_and_timeline(
        login, game, pemilu, planned, tmp_path):
    flood = stored_plan(pemilu, planned, "flood", baseline=game, flooded="62.13.05")
    response = login("uji-viewer").get(
        BOARD + f"papan.pdf?wilayah=62.13&pemilu=pemilu-2024&logistik={flood.pk}"
        "&tarik_jenis=polri&tarik_jumlah=150")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    width, height = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == A1_LANDSCAPE_PT
    first = reader.pages[0].extract_text()
    assert "Papan permainan lantai" in first and "Barito Timur" in first
    assert "TPS yang kini tidak mendapat logistik" in first
    assert "Pos yang kini kekurangan personel" in first or "Pos yang ditinggal" in first
    # The map is an SVG image: poppler reads its text (the legend, the kecamatan names).
    drawn = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-", "-"], input=response.content,
                           capture_output=True, check=True).stdout.decode()
    assert "Legenda" in drawn and "TPS sangat rawan" in drawn and "Dusun Timur" in drawn
    rest = "\n".join(p.extract_text() for p in reader.pages[1:])
    assert "Jum 9 Feb 08.00" in rest and "Truk boks KPU" in rest
    subprocess.run(["pdftoppm", "-png", "-r", "20", "-f", "1", "-l", "1", "-",
                    str(tmp_path / "papan")], input=response.content, check=True)
    assert (tmp_path / "papan-1.png").stat().st_size > 10_000
