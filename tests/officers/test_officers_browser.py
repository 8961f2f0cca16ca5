"""End to end: the officer list of the demo regency in Debian chromium (as tests/web/test_browser.py
drives `siaga serve` on a fresh var/ directory)."""

import os
import re
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
LOAD = "from siaga.officers.demo import load_demo_officers; load_demo_officers()"


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
        # Until `siaga demo` loads the officers itself (idempotent either way).
        subprocess.run([sys.executable, "-m", "siaga", "shell", "-c", LOAD], env=env,
                       check=True, capture_output=True)
        accounts = {line.split()[0]: line.split()[1]
                    for line in (var / "demo-accounts.txt").read_text().splitlines()}
        yield url, accounts
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
    url, accounts = server
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", accounts[username])
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    return page, errors


def test_the_officer_list_shows_the_regency_masked_with_its_gaps(browser, server):
    page, errors = signed_in(browser, server, "pemantau")
    page.goto(server[0] + "/petugas/?wilayah=62.13&pemilu=pemilu-2024")
    page.wait_for_selector("#officers")
    assert page.inner_text("[data-total=required]") == "4.229"  # 387 TPS, 103 desa, 10 kec.
    assert int(page.inner_text("[data-total=gaps]")) > 0
    assert page.locator("#officers tbody tr").count() == 500
    niks = page.locator("#officers tbody tr td:nth-child(4)").all_inner_texts()
    assert all(re.fullmatch(r"\d{4}\*{4}\d{4}", nik) for nik in niks)
    assert page.locator("#gaps tbody tr").count() > 0
    assert "sintetis" in page.inner_text(".synthetic")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "officers-list.png", full_page=False)
    page.select_option("select[name=status]", "ineligible")
    page.click("#officer-filter button")
    page.wait_for_selector("#officers")
    assert page.locator("#officers tbody tr").count() < 500
    page.click("#officers tbody tr:first-child a")
    page.wait_for_selector("#officer")
    assert re.fullmatch(r"\d{4}\*{4}\d{4}", page.inner_text("#nik"))
    assert page.locator("#unmask").count() == 0  # a viewer may not unmask
    assert errors == []


def test_an_administrator_unmasks_one_officer(browser, server):
    page, errors = signed_in(browser, server, "admin")
    page.goto(server[0] + "/petugas/?wilayah=62.13.01&pemilu=pemilu-2024")
    page.click("#officers tbody tr:first-child a")
    page.wait_for_selector("#unmask")
    page.click("#unmask")
    page.wait_for_selector("#unmask-logged")
    assert re.fullmatch(r"\d{16}", page.inner_text("#nik"))
    page.screenshot(path=SHOTS / "officer-unmasked.png", full_page=True)
    page.goto(server[0] + "/petugas/cakupan/?wilayah=62.13&pemilu=pemilu-2024")
    assert page.locator("#coverage-kecamatan tbody tr").count() == 10
    page.screenshot(path=SHOTS / "officers-coverage.png", full_page=True)
    assert errors == []
