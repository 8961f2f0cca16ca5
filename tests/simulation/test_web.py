"""The simulation from the planner's side: runs from the web and the command line."""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from pypdf import PdfReader

from siaga.simulation.models import SimulationRun

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def start(client, capture, **fields):
    data = {"region": "62.13", "election": "pemilu-2024", "replications": 20, "seed": 1} | fields
    with capture(execute=True):
        return client.post("/simulasi/", {k: v for k, v in data.items() if v is not None})


def test_a_run_from_the_web_simulates_every_tps_and_lists_those_at_risk(
        login, django_capture_on_commit_callbacks):
    client = login("uji-coordinator")
    response = start(client, django_capture_on_commit_callbacks)
    run = SimulationRun.objects.get()
    assert response["Location"] == f"/simulasi/{run.pk}/"
    assert (run.status, run.progress, run.tps_count) == ("done", 100, 387)
    assert sum(k["tps"] for k in run.summary["kecamatan"]) == 387
    page = client.get(response["Location"]).content.decode()
    assert "Dusun Timur" in page and "<svg" in page
    assert page.count('href="/simulasi/%d/tps/' % run.pk) == min(30, run.summary["at_risk"])
    assert "TPS berisiko" in page


def test_bad_parameters_get_a_clear_error_and_no_run(login, django_capture_on_commit_callbacks):
    client = login("uji-coordinator")
    page = start(client, django_capture_on_commit_callbacks, booths=0, replications=0)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Antara 1 dan 1000 ulangan." in text
    assert "Sebuah TPS memerlukan paling sedikit satu." in text
    assert not SimulationRun.objects.exists()


def test_splitting_large_tps_moves_the_risk_down(login, django_capture_on_commit_callbacks):
    client = login("uji-coordinator")
    start(client, django_capture_on_commit_callbacks)
    base = SimulationRun.objects.get()
    start(client, django_capture_on_commit_callbacks, split_above=200, compared_with=base.pk)
    split = SimulationRun.objects.exclude(pk=base.pk).get()
    assert split.compared_with == base
    assert split.summary["after_midnight"] < base.summary["after_midnight"]
    page = client.get(f"/simulasi/{split.pk}/").content.decode()
    assert "dibanding simulasi" in page


def test_a_viewer_sees_runs_but_may_not_start_one(login, django_capture_on_commit_callbacks):
    start(login("uji-coordinator"), django_capture_on_commit_callbacks)
    viewer = login("uji-viewer")
    run = SimulationRun.objects.get()
    assert viewer.get(f"/simulasi/{run.pk}/").status_code == 200
    assert start(viewer, django_capture_on_commit_callbacks).status_code == 403
    assert SimulationRun.objects.count() == 1


def test_runs_of_another_region_are_not_found(login, django_capture_on_commit_callbacks):
    start(login("uji-coordinator"), django_capture_on_commit_callbacks, region="62.13.02")
    run = SimulationRun.objects.get()
    assert run.tps_count > 0
    kecamatan_user = login("uji-kecamatan")  # scope 62.13.01
    assert kecamatan_user.get(f"/simulasi/{run.pk}/").status_code == 404


def test_exports_open_as_real_xlsx_and_pdf(login, django_capture_on_commit_callbacks):
    client = login("uji-coordinator")
    start(client, django_capture_on_commit_callbacks)
    run = SimulationRun.objects.get()
    sheet = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/simulasi/{run.pk}/ekspor.xlsx").content)).active
    assert sheet["A3"].value == "Kode TPS"
    assert len(list(sheet.iter_rows(min_row=4))) == 387
    pdf = PdfReader(io.BytesIO(client.get(f"/simulasi/{run.pk}/ekspor.pdf").content))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Simulasi pemungutan dan penghitungan suara" in text and "Pematang Karau" in text


def test_the_fixes_page_compares_the_tps_with_more_desks_booths_and_a_split(
        login, django_capture_on_commit_callbacks):
    client = login("uji-coordinator")
    start(client, django_capture_on_commit_callbacks)
    run = SimulationRun.objects.get()
    code = "62.13.01.1012-001"
    page = client.get(f"/simulasi/{run.pk}/tps/{code}/").content.decode()
    for change in ("sesuai rencana", "tambah satu meja pendaftaran", "tambah satu bilik suara",
                   "pecah menjadi dua TPS"):
        assert change in page


def test_the_command_line_prints_a_json_summary(capsys):
    call_command("simulate", "--region", "62.13.05", "--election", "pemilu-2024",
                 "--replications", "10", "--json")
    summary = json.loads(capsys.readouterr().out)
    assert summary["tps"] == sum(k["tps"] for k in summary["kecamatan"]) > 0
    assert summary["kecamatan"][0]["code"] == "62.13.05"


def test_the_command_line_refuses_zero_booths():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="booth"):
        call_command("simulate", "--region", "62.13", "--election", "pemilu-2024",
                     "--booths", "0")


def test_a_relief_shift_shortens_the_kpps_day_but_not_the_count(login, django_capture_on_commit_callbacks):
    client = login("uji-coordinator")
    start(client, django_capture_on_commit_callbacks, region="62.13.03")
    base = SimulationRun.objects.get()
    start(client, django_capture_on_commit_callbacks, region="62.13.03", relief_at=18)
    relief = SimulationRun.objects.exclude(pk=base.pk).get()
    assert relief.summary["duty_hours_median"] < base.summary["duty_hours_median"] - 4
    assert relief.summary["end_median"] == base.summary["end_median"]
    assert "18.00" in relief.settings_text()
