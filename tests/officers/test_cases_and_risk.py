"""Cases with the compensation due (never paid twice) and the list of TPS where officers are
most at risk from the latest simulation run."""

import datetime
import io

import numpy as np
import pytest
from django.utils import timezone

from siaga.accounts.models import AuditEntry
from siaga.officers.models import Case, Enrolment, Officer
from siaga.operations.models import Incident
from siaga.regions.models import Region
from siaga.simulation.models import SimulationRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_demo_officers")]

QUERY = "wilayah=62.13&pemilu=pemilu-2024"


@pytest.fixture
def kpps(pemilu):
    return Officer.objects.filter(election=pemilu, position="KPPS").order_by("pk").first()


def record(client, officer, **fields):
    data = {"officer": officer.pk, "kind": "accident", "severity": "moderate",
            "date": "2024-02-14", "place": "TPS", "claim_status": "none"} | fields
    return client.post(f"/petugas/kasus/?{QUERY}", data)


def test_a_death_after_an_injury_is_due_in_full_and_a_second_death_nothing(login, kpps):
    client = login("uji-coordinator")
    incident = Incident.objects.create(election=kpps.election, tps=kpps.tps, category="LAINNYA",
                                       at=timezone.now(), client_id="uji-kasus-1", source="web")
    record(client, kpps, severity="serious", date="2024-02-14", incident=incident.pk)
    record(client, kpps, kind="death", severity="", date="2024-02-16")
    record(client, kpps, kind="death", severity="", date="2024-02-17")
    record(client, kpps, kind="illness", severity="disability", date="2024-02-18")
    dues = list(Case.objects.filter(officer=kpps).order_by("date").values_list(
        "kind", "compensation_due", "due_reason"))
    assert dues == [("accident", 16_500_000, ""), ("death", 46_000_000, ""),
                    ("death", 0, "already_compensated"), ("illness", 0, "after_death")]
    assert Case.objects.get(officer=kpps, kind="accident").incident == incident
    assert AuditEntry.objects.filter(model="officers.Case", action="create").count() == 4


def test_a_payment_above_what_is_due_is_refused(login, kpps):
    client = login("uji-coordinator")
    record(client, kpps, severity="moderate")
    record(client, kpps, severity="moderate", date="2024-02-15")
    first, second = Case.objects.filter(officer=kpps).order_by("date")
    assert (first.compensation_due, second.compensation_due) == (8_250_000, 0)
    client.cookies["django_language"] = "en"
    refused = client.post(f"/petugas/kasus/{second.pk}/", {"claim_status": "paid",
                                                           "paid_amount": 8_250_000})
    assert "never paid twice" in refused.content.decode()
    assert Case.objects.get(pk=second.pk).paid_amount == 0
    assert client.post(f"/petugas/kasus/{first.pk}/", {"claim_status": "paid",
                                                       "paid_amount": 8_250_000}
                       ).status_code == 302
    assert Case.objects.get(pk=first.pk).paid_amount == 8_250_000


def test_a_payment_that_a_later_case_makes_undue_is_shown_as_overpaid(login, kpps):
    client = login("uji-coordinator")
    record(client, kpps, severity="moderate", date="2024-02-14")
    injury = Case.objects.get(officer=kpps)
    client.post(f"/petugas/kasus/{injury.pk}/", {"claim_status": "paid",
                                                 "paid_amount": 8_250_000})
    # A death found to have happened the day before: the injury is no longer due.
    record(client, kpps, kind="death", severity="", date="2024-02-13")
    injury.refresh_from_db()
    assert (injury.compensation_due, injury.paid_amount, injury.overpaid) == (0, 8_250_000,
                                                                              8_250_000)
    page = client.get(f"/petugas/kasus/?{QUERY}").content.decode()
    assert "kelebihan bayar Rp8.250.000" in page
    detail = client.get(f"/petugas/kasus/{injury.pk}/").content.decode()
    assert 'id="overpaid"' in detail


def test_a_graver_injury_later_tops_up_to_the_higher_class(login, kpps):
    client = login("uji-coordinator")
    record(client, kpps, severity="moderate", date="2024-02-14")
    record(client, kpps, severity="disability", date="2024-03-01")
    assert sorted(Case.objects.filter(officer=kpps).values_list("compensation_due", flat=True)) \
        == [8_250_000, 30_800_000 - 8_250_000]
    page = client.get(f"/petugas/kasus/?{QUERY}").content.decode()
    assert 'id="due-total">Rp30.800.000<' in page


def test_a_viewer_may_not_record_a_case(login, kpps):
    assert record(login("uji-viewer"), kpps).status_code == 403
    assert not Case.objects.exists()


def test_a_case_page_says_whether_bpjs_covered_the_day(login, kpps):
    Enrolment.objects.update_or_create(officer=kpps, defaults={
        "period_start": datetime.date(2024, 1, 1), "period_end": datetime.date(2024, 3, 31),
        "status": "active", "membership_number": "1"})
    client = login("uji-coordinator")
    record(client, kpps)
    case = Case.objects.get(officer=kpps)
    client.cookies["django_language"] = "en"
    page = client.get(f"/petugas/kasus/{case.pk}/").content.decode()
    assert "BPJS cover on that day</th><td>yes" in page


def test_without_a_simulation_the_risk_page_says_so(login):
    page = login("uji-viewer").get(f"/petugas/risiko/?{QUERY}").content.decode()
    assert 'id="no-run"' in page and 'id="risk-tps"' not in page


def finished_run(pemilu, ends: dict[str, tuple[float, float]]) -> SimulationRun:
    codes = sorted(ends)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, codes=np.asarray(codes),
                        counting_end_mean=np.array([ends[c][0] for c in codes]),
                        p_after_midnight=np.array([ends[c][1] for c in codes]))
    return SimulationRun.objects.create(election=pemilu, region=Region.objects.get(code="62.13"),
                                        status="done", results=buffer.getvalue(),
                                        finished_at=timezone.now(), summary={})


def test_a_late_tps_with_an_older_team_is_listed_for_relief_and_medical_standby(login, pemilu):
    old, young, early = "62.13.02.1001-001", "62.13.02.1001-002", "62.13.02.1001-003"
    assert Officer.objects.filter(tps__code__in=[old, young, early], position="KPPS").count() > 15
    for code, born in ((old, datetime.date(1970, 1, 1)), (early, datetime.date(1970, 1, 1)),
                       (young, datetime.date(1995, 1, 1))):
        Officer.objects.filter(election=pemilu, tps__code=code, position="KPPS").update(
            birth_date=born, has_health_certificate=True)
    finished_run(pemilu, {old: (25.5, 0.9), young: (25.6, 0.95), early: (22.0, 0.02)})
    client = login("uji-viewer")
    client.cookies["django_language"] = "en"
    page = client.get(f"/petugas/risiko/?{QUERY}").content.decode()
    table = page.split('id="risk-tps"')[1].split("</table>")[0]
    assert old in table and young not in table and early not in table
    assert "relief shift" in table and "medical standby" in table and "01.30 (+1)" in table
