"""End to end on `siaga serve` with Debian chromium: a coordinator posts news through the staff
form; one browser reads it twice and another once, and the page says 2 reads; a visitor's
comment stays hidden until a moderator approves it."""

import io
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
# Headless chromium names itself "HeadlessChrome", which the read counter rightly takes for a
# robot; the visitors here present themselves as the phone browser a person would use.
PHONE_UA = ("Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Mobile Safari/537.36")


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
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
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
        pytest.fail("Debian chromium is missing: apt-get install chromium (make test does this as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def watched(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


def signed_in(browser, server, username, width=1280):
    url, accounts = server
    page, errors = watched(browser.new_context(viewport={"width": width, "height": 900}).new_page())
    page.goto(url + "/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", accounts[username])
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    return page, errors


def visitor(browser, width=390):
    """A fresh browser (its own cookies), as on a visitor's phone."""
    context = browser.new_context(user_agent=PHONE_UA, locale="id-ID",
                                  viewport={"width": width, "height": 860})
    return watched(context.new_page())


def png_file(tmp_path) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 360), (31, 95, 139))
    ImageDraw.Draw(image).rectangle((40, 120, 600, 240), fill=(255, 240, 214))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path = tmp_path / "bimtek-kpps.png"
    path.write_bytes(buffer.getvalue())
    return path


def test_news_is_posted_read_by_two_browsers_and_a_comment_waits_for_approval(
        browser, server, tmp_path):
    url = server[0]
    SHOTS.mkdir(exist_ok=True)

    # A coordinator writes and publishes the item through the staff form.
    staff, staff_errors = signed_in(browser, server, "koordinator")
    staff.goto(url + "/publik/kelola/baru/")
    staff.select_option("select[name=kind]", "news")
    staff.fill("input[name=title]", "Bimtek KPPS se-Kecamatan Dusun Timur")
    staff.fill("textarea[name=body]", "KPPS mengikuti bimbingan teknis pemungutan dan "
               "penghitungan suara.\n\n## Materi\n- Membuka TPS\n- Menghitung suara")
    staff.fill("input[name=tag_names]", "KPPS, bimtek")
    staff.set_input_files("input[name=photo]", str(png_file(tmp_path)))
    staff.screenshot(path=SHOTS / "public-staff-form.png", full_page=True)
    staff.click("button[value=publish]")
    staff.wait_for_url(url + "/publik/kelola/")
    link = staff.locator("#manage-items a", has_text="Bimtek KPPS se-Kecamatan Dusun Timur")
    detail = url + link.get_attribute("href")

    # One browser reads it twice, another once: two reads.
    first, first_errors = visitor(browser)
    first.goto(detail)
    assert first.inner_text("[data-reads=total]") == "1"
    first.reload()
    assert first.inner_text("[data-reads=total]") == "1"
    second, second_errors = visitor(browser)
    second.goto(detail)
    assert second.inner_text("[data-reads=total]") == "2"
    assert second.inner_text("[data-reads=today]") == "2"
    first.reload()
    assert first.inner_text("[data-reads=total]") == "2"
    assert first.locator("#news-item figure.photo img").evaluate("img => img.naturalWidth") == 640
    first.screenshot(path=SHOTS / "public-news-phone.png", full_page=True)

    # A visitor's comment is held for moderation.
    second.fill("#comment-form input[name=name]", "Rina")
    second.fill("#comment-form textarea[name=body]", "Semoga KPPS sehat selalu.")
    second.wait_for_timeout(3200)  # a person takes a few seconds to write (spam.MIN_SECONDS)
    second.click("#comment-form button[type=submit]")
    second.wait_for_selector(".messages li")
    assert "Semoga KPPS sehat selalu." not in second.inner_text("#comments")
    honeypot = second.locator("#comment-form input[name=website]").bounding_box()
    assert honeypot["x"] + honeypot["width"] <= 0  # off the screen: people never see it
    second.screenshot(path=SHOTS / "public-comment-pending.png", full_page=True)

    # The moderator approves it; then everyone sees it.
    staff.goto(url + "/publik/moderasi/")
    entry = staff.locator("#moderation li", has_text="Semoga KPPS sehat selalu.")
    staff.screenshot(path=SHOTS / "public-moderation.png", full_page=True)
    entry.locator("button[value=approved]").click()
    staff.wait_for_selector(".messages li")
    assert staff.locator("#moderation li", has_text="Semoga KPPS sehat selalu.").count() == 0

    second.reload()
    assert "Semoga KPPS sehat selalu." in second.inner_text("#comments")
    assert "Rina" in second.inner_text("#comments")
    second.screenshot(path=SHOTS / "public-comment-approved.png", full_page=True)
    assert second.inner_text("[data-reads=total]") == "2"  # the reload was no new read
    assert staff_errors == [] and first_errors == [] and second_errors == []


def test_the_public_board_on_a_phone_shows_tps_per_kecamatan_without_the_staff_menu(browser,
                                                                                   server):
    page, errors = visitor(browser)
    page.goto(server[0] + "/publik/?pemilu=pemilu-2024")
    assert page.inner_text("#public-tps [data-total=tps]") == "387"
    assert page.inner_text("#public-tps [data-total=dpt]") == "81.100"
    assert page.locator("#public-tps tbody tr").count() == 10
    assert page.locator("header.top nav").count() == 0  # no staff menu for visitors
    page.screenshot(path=SHOTS / "public-board-phone.png", full_page=True)
    page.goto(server[0] + "/publik/warta/")
    page.screenshot(path=SHOTS / "public-news-list-phone.png", full_page=True)
    assert errors == []
