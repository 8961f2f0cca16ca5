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
    """Six TPS whose register says DPT 236, as the Kalibaru sheet the tests send does."""
    found = list(TPS.objects.filter(election=pemilu, code__startswith="62.13.01")
                 .order_by("code")[:6])
    TPS.objects.filter(pk__in=[t.pk for t in found]).update(dpt_men=118, dpt_women=118)
    for tps in found:
        tps.dpt_men = tps.dpt_women = 118
    return found


@pytest.fixture
def tps(tps_list):
    return tps_list[0]
