"""The public results page: nothing until an administrator publishes a contest's totals for
a regency, then the same totals as the staff page, marked provisional; gone when withdrawn."""

import pytest
from django.test import Client

from siaga.accounts.models import AuditEntry
from siaga.regions.models import TPS, Contest
from siaga.results import services
from siaga.results.demo import load_demo_candidates
from siaga.results.demo_forms import form_numbers
from siaga.results.models import Publication

pytestmark = pytest.mark.django_db

STAFF_PAGE = "/hasil/?wilayah=62.13&pemilu=pemilu-2024&kontes=PPWP"
PUBLISH = "/hasil/terbitkan/"
ORDER = {"wilayah": "62.13", "pemilu": "pemilu-2024", "kontes": "PPWP"}


@pytest.fixture
def counted(pemilu):
    """Forms at four TPS of 62.13.01: three counted, one flagged (a reviewer's name on it)."""
    load_demo_candidates(pemilu)
    contest = Contest.objects.get(election=pemilu, kind="PPWP")
    tps = list(TPS.objects.filter(election=pemilu, code__startswith="62.13.01")
               .order_by("code")[:4])
    for i, t in enumerate(tps[:3]):
        services.submit(tps=t, contest=contest, source="kpps", client_id=f"publik-{i}",
                        numbers=form_numbers(t.dpt, 0.7 + i / 20, [0.3, 0.5, 0.2]))
    wrong = form_numbers(tps[3].dpt, 0.8, [0.3, 0.5, 0.2])
    wrong["valid"] -= 100
    services.submit(tps=tps[3], contest=contest, source="kpps", client_id="publik-3",
                    numbers=wrong, note="catatan peninjau rahasia")
    return contest


def public_page():
    return Client().get("/publik/hasil/")


def test_anyone_may_read_the_public_page_and_it_says_when_nothing_is_published(counted):
    response = public_page()
    assert response.status_code == 200
    assert 'id="nothing-published"' in response.content.decode()
    assert response.context["publications"] == []


def test_unpublished_totals_are_not_shown(login, counted):
    page = public_page().content.decode()
    assert "62.13.01" not in page and 'id="publication-' not in page


def test_published_totals_equal_the_staff_pages(login, counted):
    admin = login("uji-admin")
    assert admin.post(PUBLISH, ORDER | {"action": "publish"}).status_code == 302
    staff = admin.get(STAFF_PAGE).context
    response = public_page()
    [shown] = response.context["publications"]
    assert shown["total"] == staff["total"]
    assert shown["rows"] == staff["rows"]
    assert (shown["total"]["tps_in"], shown["total"]["tps_flagged"]) == (3, 1)
    assert shown["total"]["tps_missing"] == shown["total"]["tps"] - 3
    page = response.content.decode()
    assert "hasil sementara, bukan hasil resmi KPU" in page
    assert 'data-total="tps-in">3/' in page and "<svg" in page
    assert "Dusun Timur" in page  # the kecamatan rows
    assert "uji-admin" not in page and "catatan peninjau rahasia" not in page
    assert "/media/" not in page and "/hasil/tps/" not in page  # no forms, no photos


def test_publishing_is_audited_and_publishing_twice_keeps_one_publication(login, counted):
    admin = login("uji-admin")
    admin.post(PUBLISH, ORDER | {"action": "publish"})
    admin.post(PUBLISH, ORDER | {"action": "publish"})
    assert Publication.objects.filter(withdrawn_at=None).count() == 1
    entry = AuditEntry.objects.get(model="results.Publication", action="create")
    assert entry.actor == "uji-admin" and entry.region_code == "62.13"


def test_a_withdrawn_publication_is_gone_from_the_public_page_and_kept_in_the_log(login,
                                                                                  counted):
    admin = login("uji-admin")
    admin.post(PUBLISH, ORDER | {"action": "publish"})
    admin.post(PUBLISH, ORDER | {"action": "withdraw"})
    response = public_page()
    assert response.context["publications"] == []
    assert 'id="nothing-published"' in response.content.decode()
    pub = Publication.objects.get()
    assert pub.withdrawn_at is not None and pub.withdrawn_by.username == "uji-admin"
    assert AuditEntry.objects.filter(model="results.Publication", action="update").exists()
    # published again later: a new publication, the withdrawn one kept
    admin.post(PUBLISH, ORDER | {"action": "publish"})
    assert Publication.objects.count() == 2 and len(public_page().context["publications"]) == 1


@pytest.mark.parametrize("username", ["uji-coordinator", "uji-viewer", "uji-field"])
def test_only_an_administrator_may_publish(login, counted, username):
    assert login(username).post(PUBLISH, ORDER | {"action": "publish"}).status_code == 403
    assert not Publication.objects.exists()


def test_a_non_administrator_sees_no_publish_button(login, counted):
    page = login("uji-coordinator").get(STAFF_PAGE).content.decode()
    assert 'id="publication"' not in page
    assert 'id="publication"' in login("uji-admin").get(STAFF_PAGE).content.decode()


def test_a_region_outside_the_administrators_cannot_be_published(login, counted):
    response = login("uji-admin").post(PUBLISH, ORDER | {"wilayah": "62.01", "action": "publish"})
    assert response.status_code == 404
    assert not Publication.objects.exists()


def test_only_a_regency_or_province_is_published(login, counted):
    login("uji-admin").post(PUBLISH, ORDER | {"wilayah": "62.13.01", "action": "publish"})
    assert not Publication.objects.exists()


def test_anonymous_visitors_may_not_publish(counted):
    response = Client().post(PUBLISH, ORDER | {"action": "publish"})
    assert response.status_code == 302 and "/masuk/" in response["Location"]
    assert not Publication.objects.exists()
