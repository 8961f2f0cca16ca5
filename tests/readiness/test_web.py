"""Agenda, reminders, the one-click report made by the worker, the province roll-up with
uploaded bundles, and who may do what."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from siaga.accounts.models import Agency, AuditEntry, Profile, Role
from siaga.readiness import bundle, keys
from siaga.readiness.models import Activity, RegencyBundle, ReportRun
from siaga.readiness.timetable import PEMILU
from siaga.regions.models import Region

pytestmark = pytest.mark.django_db
AGENDA = "/kesiapan/agenda/?wilayah=62.13&pemilu=pemilu-2024"
REPORTS = "/kesiapan/laporan/?wilayah=62.13&pemilu=pemilu-2024"


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_the_agenda_is_created_from_the_template_once_and_audited(login, pemilu):
    client = login("uji-coordinator")
    client.post(AGENDA, {"action": "template"})
    assert Activity.objects.filter(region__code="62.13", election=pemilu).count() == len(PEMILU)
    client.post(AGENDA, {"action": "template"})
    assert Activity.objects.filter(region__code="62.13", election=pemilu).count() == len(PEMILU)
    polling = Activity.objects.get(template_key="pemungutan")
    assert timezone.localtime(polling.starts_at) == datetime.datetime(
        2024, 2, 14, 7, tzinfo=timezone.get_current_timezone())
    assert AuditEntry.objects.filter(model="readiness.Activity").count() == len(PEMILU)
    page = client.get(AGENDA).content.decode()
    assert page.count('data-status="planned"') == len(PEMILU)
    assert "H-79" in page and 'id="timeline"' in page


def test_an_activity_is_marked_done_with_its_outcome(login, pemilu):
    client = login("uji-coordinator")
    client.post(AGENDA, {"action": "template"})
    tfg = Activity.objects.get(template_key="tfg")
    response = client.post(f"/kesiapan/agenda/{tfg.pk}/", {
        "kind": "tfg", "title": tfg.title, "starts_at": "2024-01-15T09:00",
        "place": "Aula Polres Barito Timur", "status": "done",
        "outcome": "Rute sungai Paju Epat butuh klotok cadangan."})
    assert response.status_code == 302
    tfg.refresh_from_db()
    assert tfg.status == "done" and "klotok" in tfg.outcome
    assert AuditEntry.objects.filter(model="readiness.Activity", action="update").exists()


def test_a_viewer_reads_the_agenda_but_may_not_change_it(login, pemilu):
    viewer = login("uji-viewer")
    assert viewer.get(AGENDA).status_code == 200
    assert viewer.post(AGENDA, {"action": "template"}).status_code == 403
    assert not Activity.objects.exists()


def test_the_home_page_reminds_of_what_is_overdue_and_due_in_the_next_7_days(login, pemilu):
    regency = Region.objects.get(code="62.13")
    now = timezone.now()
    for title, days, status in (("Rakor logistik (uji)", 3, "planned"),
                                ("Simulasi (uji)", -2, "planned"),
                                ("Deklarasi damai (uji)", -5, "done"),
                                ("TFG bulan depan (uji)", 20, "planned")):
        Activity.objects.create(region=regency, election=pemilu, kind="other", title=title,
                                starts_at=now + datetime.timedelta(days=days), status=status)
    page = login("uji-viewer").get("/").content.decode()
    overdue = page.split('id="reminders-overdue"')[1].split("</ul>")[0]
    upcoming = page.split('id="reminders-upcoming"')[1].split("</ul>")[0]
    assert "Simulasi (uji)" in overdue and "Rakor logistik (uji)" in upcoming
    assert "Deklarasi damai (uji)" not in page and "TFG bulan depan (uji)" not in page


def test_one_click_makes_the_report_in_the_worker_and_keeps_it_downloadable(
        login, demo_readiness, django_capture_on_commit_callbacks):
    client = login("uji-coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REPORTS, {"as_of": "2024-02-07"})
    run = ReportRun.objects.get()
    assert response.url == f"/kesiapan/laporan/{run.pk}/"
    assert run.status == "done" and run.pages >= 12 and run.as_of == datetime.date(2024, 2, 7)
    pdf = client.get(f"/kesiapan/laporan/{run.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    assert "laporan-kesiapan-62.13-2024-02-07.pdf" in pdf["Content-Disposition"]
    assert client.get(f"/kesiapan/laporan/{run.pk}.xlsx").content[:2] == b"PK"
    page = client.get(REPORTS).content.decode()
    assert f'/kesiapan/laporan/{run.pk}.pdf' in page
    detail = client.get(f"/kesiapan/laporan/{run.pk}/").content.decode()
    assert 'id="report-figures"' in detail and "81.100" in detail
    # A viewer downloads it; a kecamatan user sees no regency report; neither may make one.
    assert login("uji-viewer").get(f"/kesiapan/laporan/{run.pk}.pdf").status_code == 200
    assert login("uji-kecamatan").get(f"/kesiapan/laporan/{run.pk}.pdf").status_code == 404
    assert login("uji-viewer").post(REPORTS, {"as_of": "2024-02-07"}).status_code == 403


def test_only_the_latest_reports_of_a_region_are_kept(demo_readiness, pemilu):
    from siaga.readiness import runs

    old = [ReportRun.objects.create(region=demo_readiness, election=pemilu, as_of="2024-01-01",
                                    status="done") for _ in range(runs.KEEP)]
    run = ReportRun.objects.create(region=demo_readiness, election=pemilu,
                                   as_of=datetime.date(2024, 2, 7))
    runs.execute(run)
    assert ReportRun.objects.count() == runs.KEEP
    assert not ReportRun.objects.filter(pk=old[0].pk).exists()


@pytest.fixture
def province_user(db):
    user = get_user_model().objects.create_user("uji-provinsi")
    Profile.objects.create(user=user, role=Role.COORDINATOR, region=Region.objects.get(code="62"),
                           agency=Agency.objects.get(code="kesbangpol-uji"))
    return user


def other_regency_bundle(**changes) -> bytes:
    figures = {"code": "62.03", "name": "Kabupaten Kapuas (bundel uji)", "tps": 1500,
               "dpt": 300_000, "rawan_tps": 90, "logistics_pct": 10.0, "staff_pct": 40.0,
               "officers_pct": 55.0, "security_short": 120, "sim_at_risk": 30,
               "agenda_done": 2, "agenda_planned": 12, "open_problems": 25,
               "is_synthetic": True} | changes
    return bundle.make_bundle(figures, election="pemilu-2024", as_of="2024-02-06",
                              made_at="2024-02-06T10:00:00+07:00", key=keys.bundle_key())


def upload(client, content: bytes):
    return client.post("/kesiapan/laporan/?wilayah=62&pemilu=pemilu-2024", {
        "action": "bundle", "file": SimpleUploadedFile("bundel.json", content)})


def test_the_province_accepts_a_signed_bundle_and_refuses_a_tampered_one(province_user, pemilu):
    from django.test import Client

    client = Client()
    client.force_login(province_user)
    payload = json.loads(other_regency_bundle())
    payload["figures"]["logistics_pct"] = 100.0  # made to look ready after signing
    page = upload(client, json.dumps(payload).encode()).content.decode()
    assert 'id="bundle-problems"' in page and not RegencyBundle.objects.exists()
    assert upload(client, other_regency_bundle()).status_code == 302
    stored = RegencyBundle.objects.get()
    assert stored.regency_code == "62.03" and stored.figures["tps"] == 1500
    assert AuditEntry.objects.filter(model="readiness.RegencyBundle").exists()


def test_a_regency_user_may_not_upload_to_the_province(login, pemilu):
    assert upload(login("uji-admin"), other_regency_bundle()).status_code == 404


def test_the_province_report_puts_local_regencies_and_bundles_side_by_side(
        demo_readiness, pemilu, province_user):
    from django.utils import translation

    from siaga.readiness.report import build

    RegencyBundle.objects.create(
        province=Region.objects.get(code="62"), election=pemilu, regency_code="62.03",
        regency_name="Kabupaten Kapuas (bundel uji)", as_of="2024-02-06", sha256="0" * 64,
        figures=json.loads(other_regency_bundle())["figures"])
    with translation.override("id"):
        report = build(Region.objects.get(code="62"), pemilu, datetime.date(2024, 2, 7))
    comparison = report.sections[0].tables[0]
    names = [r[0] for r in comparison.rows]
    assert names == ["Kabupaten Kotawaringin Barat", "Kabupaten Barito Timur",
                     "Kabupaten Kapuas (bundel uji)"]
    assert comparison.total[2] == 1 + 387 + 1500
    kapuas = comparison.marks[2]
    assert 6 in kapuas and 11 in kapuas  # behind on security and on open problems
    assert comparison.rows[2][-1] != "-"
    tps = next(t for t in report.tables() if t.key == "tps")
    assert [r[0] for r in tps.rows] == names[:2] and tps.total[2] == 388


def test_a_regency_exports_a_bundle_its_province_verifies(login, demo_readiness, pemilu):
    response = login("uji-viewer").post(
        "/kesiapan/bundel/?wilayah=62.13&pemilu=pemilu-2024", {"as_of": "2024-02-07"})
    verified, problems = bundle.read_bundle(response.content, key=keys.bundle_key(),
                                            province="62")
    assert problems == [] and verified.figures["tps"] == 387 and verified.figures["dpt"] == 81_100


def test_a_queued_report_page_polls_its_status_until_the_worker_is_done(login, pemilu):
    run = ReportRun.objects.create(region=Region.objects.get(code="62.13"), election=pemilu,
                                   as_of=datetime.date(2024, 2, 7))
    client = login("uji-viewer")
    page = client.get(f"/kesiapan/laporan/{run.pk}/").content.decode()
    assert f'hx-get="/kesiapan/laporan/{run.pk}/status/"' in page and "htmx-2.min.js" in page
    run.status = "done"
    run.save()
    assert client.get(f"/kesiapan/laporan/{run.pk}/status/")["HX-Refresh"] == "true"
