"""End to end: `siaga serve` on a fresh var/ directory, driven by Debian chromium via Playwright.

This is what a newcomer gets from `make run`: migrate, demo regency, generated passwords,
gunicorn + worker. The tests log in with the printed credentials like a person would.
"""

import re

import pytest
from tests.browser import SHOTS, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]



def test_demo_login_shows_tps_per_kecamatan_with_the_regency_totals(browser, server):
    page, errors = signed_in(browser, server, "koordinator")
    page.click("text=TPS per kecamatan")
    page.wait_for_selector("#tps-summary")
    assert page.inner_text("[data-total=tps]") == "387"
    assert page.inner_text("[data-total=dpt]") == "81.100"
    assert page.locator("#tps-summary tbody tr").count() == 10
    page.wait_for_selector("#map[data-loaded='387']")
    assert page.locator(".leaflet-interactive").count() >= 387 or page.locator("canvas").count() > 0
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "tps-per-kecamatan.png", full_page=True)
    assert errors == []


def test_drill_down_to_a_desa_and_a_tps_on_a_phone(browser, server):
    page, errors = signed_in(browser, server, "petugas", width=390)
    page.goto(server[0] + "/tps/")
    # The field officer's region is one kecamatan: the table lists its desa.
    assert "Dusun Timur" in page.inner_text("h1")
    page.click("#tps-summary tbody tr:first-child a")
    page.wait_for_selector("#tps-list")
    page.click("#tps-list tbody tr:first-child a")
    assert re.search(r"TPS \d{3} ·", page.inner_text("h1"))
    assert page.locator("text=Ubah").count() == 0  # a field officer may not edit the registry
    page.screenshot(path=SHOTS / "tps-detail-phone.png", full_page=True)
    assert errors == []


def test_a_wrong_password_is_refused_in_indonesian(browser, server):
    page = browser.new_page()
    page.goto(server[0] + "/masuk/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "salah-sekali")
    page.click("button[type=submit]")
    assert "kata sandi salah" in page.inner_text(".error")


def test_a_coordinator_runs_the_simulation_and_sees_the_tps_at_risk(browser, server):
    page, errors = signed_in(browser, server, "koordinator")
    page.click("text=Simulasi")
    page.select_option("select[name=region]", "62.13")
    page.select_option("select[name=election]", "pemilu-2024")
    page.click("text=Jalankan simulasi")
    page.wait_for_selector("#at-risk", timeout=60_000)  # the worker ran it; htmx reloaded the page
    assert page.locator("#per-kecamatan tbody tr").count() == 10
    assert int(page.inner_text("#after-midnight")) > 0
    page.screenshot(path=SHOTS / "simulation.png", full_page=True)
    page.click("#at-risk tbody tr:first-child a")
    page.wait_for_selector("#fixes")
    assert page.locator("#fixes tbody tr").count() == 4
    assert errors == []


def test_assessing_a_tps_shows_its_grade_and_changes_the_kecamatan_summary(browser, server):
    page, errors = signed_in(browser, server, "koordinator")
    url = server[0]
    page.goto(url + "/kerawanan/?wilayah=62.13.02&pemilu=pemilu-2024")
    first_desa = page.locator("#risk-areas tbody tr:first-child a")
    desa_name = first_desa.inner_text()
    before = page.locator("#risk-areas tbody tr:first-child td").nth(4).inner_text()  # sangat rawan
    first_desa.click()
    page.click("text=Nilai TPS di desa ini")
    row = page.locator("#risk-grid tbody tr").first
    row.locator("input[value$='|KA1']").check()
    row.locator("input[value$='|KA2']").check()
    page.click("button[type=submit]")
    page.goto(url + "/kerawanan/?wilayah=62.13.02&pemilu=pemilu-2024")
    cells = page.locator("#risk-areas tbody tr").filter(has_text=desa_name).first.locator("td")
    assert int(cells.nth(4).inner_text()) == int(before) + 1
    cells.first.locator("a").click()
    assert "Sangat rawan: Riwayat kekerasan di TPS + Riwayat intimidasi" in page.inner_text("#risk-tps")
    page.wait_for_selector("#map[data-loaded]")
    page.screenshot(path=SHOTS / "kerawanan-desa.png", full_page=True)
    assert errors == []


def test_a_distribution_plan_then_a_receipt_with_a_swapped_dapil_raises_an_alert(browser, server):
    url = server[0]
    page, errors = signed_in(browser, server, "koordinator")
    page.goto(url + "/logistik/rencana/?wilayah=62.13&pemilu=pemilu-2024")
    page.click("#plan-form button[type=submit]")
    page.wait_for_selector("#misses", timeout=120_000)  # the worker planned it; htmx reloaded
    assert page.inner_text("#late-count") == "0" and page.inner_text("#unserved-count") == "0"
    page.wait_for_selector("#plan-map[data-loaded]")
    page.screenshot(path=SHOTS / "logistics-plan.png", full_page=True)
    page.goto(url + "/logistik/papan/?wilayah=62.13&pemilu=pemilu-2024")
    page.click("#sync")
    assert page.locator("#board tbody tr").count() == 10

    phone, phone_errors = signed_in(browser, server, "petugas", width=390)
    phone.goto(url + "/logistik/papan/")
    code = "62.13.01.1012-001"  # a TPS in the field officer's kecamatan (Dusun Timur)
    phone.fill("#find-form input[name=kode]", code)
    phone.click("#find-form button[type=submit]")
    phone.wait_for_selector("#receipt-form")
    phone.fill(f"input[name='dapil-{code}|DPRD_KAB']", "BARTIM-3")
    phone.click("#receipt-form button[type=submit]")
    alert = phone.wait_for_selector("#alerts .alert-wrong_dapil")
    assert "BARTIM-3" in alert.inner_text() and "BARTIM-1" in alert.inner_text()
    phone.screenshot(path=SHOTS / "logistics-receipt-phone.png", full_page=True)

    page.goto(url + "/logistik/papan/?wilayah=62.13&pemilu=pemilu-2024")
    assert page.inner_text("#board tfoot th:last-child") == "1"
    assert page.locator("#alerts .alert-wrong_dapil").count() == 1
    assert errors == [] and phone_errors == []


def test_a_field_officer_reports_offline_then_online_and_the_board_updates(browser, server):
    from playwright.sync_api import expect

    url = server[0]
    board, errors = signed_in(browser, server, "koordinator")
    board.goto(url + "/operasi/?wilayah=62.13&pemilu=pemilu-2024")
    assert board.inner_text("#reporting") == "0/387"

    phone, phone_errors = signed_in(browser, server, "petugas", width=390)
    phone.goto(url + "/lapangan/?pemilu=pemilu-2024")
    phone.context.set_offline(True)
    phone.fill("#report-form input[name=tps]", "62.13.01.1012-001")
    phone.select_option("#report-form select[name=kind]", "BUKA")
    phone.fill("#report-form input[name=time]", "07.05")
    phone.click("#report-form button[type=submit]")
    assert phone.inner_text("#queue-count") == "1"  # waiting on the phone, no signal
    phone.screenshot(path=SHOTS / "field-offline.png", full_page=True)
    phone.context.set_offline(False)
    expect(phone.locator("#queue-count")).to_have_text("0", timeout=30_000)
    assert "62.13.01.1012-001" in phone.inner_text("#sent")
    phone.screenshot(path=SHOTS / "field-sent.png", full_page=True)

    # The board polls every 15 s: it shows the report without a reload.
    expect(board.locator("#reporting")).to_have_text("1/387", timeout=40_000)
    board.screenshot(path=SHOTS / "polling-day-board.png", full_page=True)
    # Service-worker registration or a fetch while offline must not raise page errors.
    assert errors == [] and [e for e in phone_errors if "INTERNET_DISCONNECTED" not in e] == []
