"""End to end in Debian chromium: `siaga serve` on a fresh var/ directory; the coordinator
writes the agenda from the template, sees the timeline, makes the readiness report in one
click (the worker makes it) and downloads the PDF."""

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
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", accounts[username])
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    return page, errors


def test_the_agenda_from_the_template_then_the_report_in_one_click(browser, server):
    url = server[0]
    page, errors = signed_in(browser, server, "koordinator")
    page.goto(url + "/kesiapan/agenda/?wilayah=62.13&pemilu=pemilu-2024")
    page.click("#template-form button")
    page.wait_for_selector("#timeline li[data-status]")
    assert page.locator("#timeline li[data-status]").count() == 12
    assert "H-79" in page.inner_text("#timeline")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "readiness-agenda.png", full_page=True)
    # Pemilu 2024 lies in the past: the home page lists the planned activities as overdue
    # (the first 8 of them).
    page.goto(url + "/")
    assert 1 <= page.locator("#reminders-overdue li").count() <= 8
    page.screenshot(path=SHOTS / "readiness-home-reminders.png", full_page=True)

    page.goto(url + "/kesiapan/laporan/?wilayah=62.13&pemilu=pemilu-2024")
    page.fill("#report-form input[name=as_of]", "2024-02-07")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#download-pdf, #report-error", timeout=180_000)  # the worker
    assert page.locator("#report-error").count() == 0, page.inner_text("#report-error")
    assert "81.100" in page.inner_text("#report-figures")
    page.screenshot(path=SHOTS / "readiness-report.png", full_page=True)
    with page.expect_download() as download:
        page.click("#download-pdf")
    path = download.value.path()
    assert Path(path).read_bytes()[:4] == b"%PDF"
    assert errors == []
