"""End to end on `siaga serve` with Debian chromium: a coordinator posts news through the staff
form; one browser reads it twice and another once, and the page says 2 reads; a visitor's
comment stays hidden until a moderator approves it."""

import io
from pathlib import Path

import pytest
from tests.browser import SHOTS, signed_in, watched

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Headless chromium names itself "HeadlessChrome", which the read counter rightly takes for a
# robot; the visitors here present themselves as the phone browser a person would use.
PHONE_UA = ("Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Mobile Safari/537.36")


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
