"""End to end in Debian chromium: `siaga serve` on a fresh var/ directory; the coordinator
writes the agenda from the template, sees the timeline, makes the readiness report in one
click (the worker makes it) and downloads the PDF."""

from pathlib import Path

import pytest
from tests.browser import SHOTS, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]



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
    assert page.locator("#reminders-overdue li").count() in range(1, 9)
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
