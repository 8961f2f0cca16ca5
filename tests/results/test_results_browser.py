"""End to end: the results map, the anomaly hints and the public results page in Debian
chromium, on `siaga serve` with the demo regency and its synthetic demo forms."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-results"
LOAD_FORMS = ("from siaga.accounts.audit import acting_as; "
              "from siaga.regions.models import Election; "
              "from siaga.results.demo_forms import load_demo_forms; "
              "import sys\n"
              "with acting_as(label='uji browser'):\n"
              "    d = load_demo_forms(Election.objects.get(slug='pemilu-2024'))\n"
              "print('FORMS', d.counted, d.flagged, d.missing, d.low_turnout, d.one_pair)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    port = free_port()
    env = dict(os.environ, SIAGA_VAR_DIR=str(var), SIAGA_DATABASE_URL="")
    process = subprocess.Popen(
        [sys.executable, "-m", "siaga", "serve", "--port", str(port), "--insecure-http"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(url + "/masuk/", timeout=2)
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(process.stdout.read()) from None
                time.sleep(0.5)
        loaded = subprocess.run([sys.executable, "-m", "siaga", "shell", "-c", LOAD_FORMS],
                                env=env, capture_output=True, text=True, check=True)
        line = next(x for x in loaded.stdout.splitlines() if x.startswith("FORMS "))
        counted, flagged, missing, low, one = line.split()[1:]
        accounts = {line.split()[0]: line.split()[1]
                    for line in (var / "demo-accounts.txt").read_text().splitlines()}
        yield url, accounts, {"counted": int(counted), "flagged": int(flagged),
                              "missing": int(missing), "low": low, "one": one}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def signed_in(browser, server, username, width=1280):
    url, accounts, _forms = server
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", accounts[username])
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    return page, errors


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
