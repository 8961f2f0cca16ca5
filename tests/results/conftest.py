"""Fixtures of the results tests: the presidential contest with its candidates, TPS of one
kecamatan, and the API's per-process caches emptied around every test."""

import pytest

from siaga.regions.models import TPS, Contest
from siaga.results import api as results_api
from siaga.results.demo import load_demo_candidates


@pytest.fixture(autouse=True)
def _fresh_caches():
    for cache in (results_api.TPS_LOOKUP, results_api.CONTESTS, results_api.BALLOTS):
        cache.clear()
    yield


@pytest.fixture
def ppwp(pemilu):
    load_demo_candidates(pemilu)
    return Contest.objects.get(election=pemilu, kind="PPWP")


@pytest.fixture
def tps_list(pemilu):
    return list(TPS.objects.filter(election=pemilu, code__startswith="62.13.01")
                .order_by("code")[:6])


@pytest.fixture
def tps(tps_list):
    return tps_list[0]
