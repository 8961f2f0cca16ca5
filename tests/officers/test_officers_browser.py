"""End to end: the officer list of the demo regency in Debian chromium (as tests/web/test_browser.py
drives `siaga serve` on a fresh var/ directory)."""

import re

import pytest
from tests.browser import SHOTS, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

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
