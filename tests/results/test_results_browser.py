"""End to end: the results map, the anomaly hints and the public results page in Debian
chromium, on `siaga serve` with the demo regency and its synthetic demo forms."""

import subprocess
import sys

import pytest
from tests.browser import SHOTS, demo_server, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LOAD_FORMS = ("from siaga.accounts.audit import acting_as; "
              "from siaga.regions.models import Election; "
              "from siaga.results.demo_forms import load_demo_forms; "
              "import sys\n"
              "with acting_as(label='uji browser'):\n"
              "    d = load_demo_forms(Election.objects.get(slug='pemilu-2024'))\n"
              "print('FORMS', d.counted, d.flagged, d.missing, d.low_turnout, d.one_pair)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(url, accounts, what the demo forms are): loading them again stores nothing new and
    tells their counts and the two planted TPS."""
    with demo_server(tmp_path_factory.mktemp("var")) as (url, accounts, env):
        loaded = subprocess.run([sys.executable, "-m", "siaga", "shell", "-c", LOAD_FORMS],
                                env=env, capture_output=True, text=True, check=True)
        line = next(x for x in loaded.stdout.splitlines() if x.startswith("FORMS "))
        counted, flagged, missing, low, one = line.split()[1:]
        yield url, accounts, {"counted": int(counted), "flagged": int(flagged),
                              "missing": int(missing), "low": low, "one": one}


def test_the_results_map_draws_every_tps_coloured_by_its_form(browser, server):
    url, _accounts, forms = server
    page, errors = signed_in(browser, server, "admin")
    page.goto(url + "/hasil/?wilayah=62.13&pemilu=pemilu-2024&kontes=PPWP")
    page.wait_for_selector("#map[data-loaded='387']")
    # preferCanvas: the points are drawn on a canvas; the kecamatan areas are its paths
    assert page.locator("#map canvas").count() > 0 or page.locator(
        "#map .leaflet-interactive").count() >= 387
    assert page.inner_text("#tps-in") == f"{forms['counted']}/387"
    assert page.inner_text("#tps-flagged") == str(forms["flagged"])
    assert page.locator("#results-legend li").count() == 3
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "results-map.png", full_page=True)
    assert errors == []


def test_the_map_of_a_kecamatan_shows_a_desas_leader_on_hover(browser, server):
    url = server[0]
    page, errors = signed_in(browser, server, "admin")
    page.goto(url + "/hasil/?wilayah=62.13.01&pemilu=pemilu-2024&kontes=PPWP")
    page.wait_for_selector("#map[data-loaded]")
    page.locator("#map").scroll_into_view_if_needed()
    box = page.locator("#map").bounding_box()
    for dx in range(-100, 101, 20):  # over the middle of the map until a desa answers
        page.mouse.move(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dx / 3)
        page.wait_for_timeout(100)
        if page.locator(".leaflet-tooltip").count():
            break
    tip = page.inner_text(".leaflet-tooltip")
    assert "02 Prabowo" in tip and "%" in tip and "TPS" in tip
    page.screenshot(path=SHOTS / "results-map-kecamatan.png", full_page=True)
    assert errors == []


def test_the_review_page_lists_the_planted_anomalies(browser, server):
    url, _accounts, forms = server
    page, errors = signed_in(browser, server, "admin")
    page.goto(url + "/hasil/tinjau/?pemilu=pemilu-2024&kontes=PPWP")
    assert "bukan putusan" in page.inner_text("#anomalies")
    assert page.locator(f"#hint-{forms['low'].replace('.', '\\.')}").count() == 1
    assert page.locator(f"#hint-{forms['one'].replace('.', '\\.')}").count() == 1
    page.screenshot(path=SHOTS / "results-review-hints.png", full_page=True)
    assert errors == []


def test_an_administrator_publishes_and_anyone_reads_the_public_page(browser, server):
    url = server[0]
    page, errors = signed_in(browser, server, "admin")
    public = browser.new_page()
    public.goto(url + "/publik/hasil/")
    assert public.locator("#nothing-published").count() == 1
    page.goto(url + "/hasil/?wilayah=62.13&pemilu=pemilu-2024&kontes=PPWP")
    counted = page.inner_text("#tps-in")
    page.click("#publication button[value=publish]")
    page.wait_for_selector("#publication button[value=withdraw]")
    public.goto(url + "/publik/hasil/")
    assert public.inner_text("[data-total=tps-in]") == counted
    assert "hasil sementara, bukan hasil resmi KPU" in public.inner_text("main")
    public.screenshot(path=SHOTS / "results-public.png", full_page=True)
    page.click("#publication button[value=withdraw]")
    page.wait_for_selector("#publication button[value=publish]")
    public.goto(url + "/publik/hasil/")
    assert public.locator("#nothing-published").count() == 1
    assert errors == []
