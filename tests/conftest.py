"""Shared fixtures: the demo regency is loaded once per test database, plus a second regency
(Kotawaringin Barat, 62.01) with one desa and TPS so "outside my region" can be tested."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.utils import translation
from tests.browser import chromium, demo_server

from siaga.accounts.audit import acting_as
from siaga.accounts.models import Agency, Profile, Role
from siaga.logistics.demo import load_demo_logistics
from siaga.officers.demo import load_demo_officers
from siaga.regions.demo import load_demo
from siaga.regions.models import TPS, Election, Level, Region

PASSWORD = "uji-rahasia-123"
OUTSIDE_DESA = "62.01.01.2001"
OUTSIDE_TPS = "62.01.01.2001-001"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), acting_as(label="test setup"), fast:
        load_demo_logistics(load_demo()["pemilu"])
        load_demo_officers()
        kobar = Region.objects.get(code="62.01")
        kec = Region.objects.create(code="62.01.01", name="Kecamatan Uji (sintetis)",
                                    level=Level.KECAMATAN, parent=kobar, timezone="WIB",
                                    is_synthetic=True)
        desa = Region.objects.create(code=OUTSIDE_DESA, name="Desa Uji (sintetis)",
                                     level=Level.DESA, parent=kec, timezone="WIB",
                                     is_synthetic=True)
        TPS.objects.create(election=Election.objects.get(slug="pemilu-2024"), village=desa,
                           number=1, code=OUTSIDE_TPS, dpt_men=100, dpt_women=100,
                           is_synthetic=True)
        regency = Region.objects.get(code="62.13")
        agency = Agency.objects.create(code="kesbangpol-uji", name="Kesbangpol (uji)",
                                       kind="pemda", region=regency)
        User = get_user_model()
        for role in Role.values:
            user = User.objects.create_user(f"uji-{role}", password=PASSWORD,
                                            is_staff=role == Role.ADMINISTRATOR)
            Profile.objects.create(user=user, agency=agency, role=role, region=regency)
        kec_user = User.objects.create_user("uji-kecamatan", password=PASSWORD)
        Profile.objects.create(user=kec_user, agency=agency, role=Role.COORDINATOR,
                               region=Region.objects.get(code="62.13.01"))


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client and the live server speak plain http; production redirects to https.
    settings.SECURE_SSL_REDIRECT = False
    # Each test its own cache (production shares a file cache between server processes).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "test"}}
    # A request in English leaves English active in this thread: start every test as a user
    # without a language choice would.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def pemilu(db):
    return Election.objects.get(slug="pemilu-2024")


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def login(db):
    """login("uji-admin") -> a test client signed in as that user."""
    return client_for


@pytest.fixture
def outside_tps():
    return OUTSIDE_TPS


# --- browser tests (tests/browser.py): one server and one chromium per test module ---------

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(url, demo accounts) of `siaga serve` on a fresh var/ directory."""
    with demo_server(tmp_path_factory.mktemp("var")) as (url, accounts, _env):
        yield url, accounts


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched
