"""End to end in Debian chromium: `siaga serve` on a fresh var/ directory with the demo regency
and one finished distribution plan; the coordinator opens the floor-game board, moves the time
slider (the clock and a truck move), and injects a flood and a withdrawal of police (the worker
plans the flood) and sees what they break."""

import subprocess
import sys

import pytest
from tests.browser import SHOTS, demo_server, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MAKE_PLAN = ("from siaga.accounts.audit import acting_as\n"
             "from siaga.logistics import plans, registry\n"
             "from siaga.logistics.models import DistributionPlan\n"
             "from siaga.regions.models import Election, Region\n"
             "e = Election.objects.get(slug='pemilu-2024'); r = Region.objects.get(code='62.13')\n"
             "t = registry.default_timing(e, r.zoneinfo)\n"
             "with acting_as(label='uji browser'):\n"
             "    p = DistributionPlan.objects.create(election=e, region=r, name='dasar',\n"
             "        release=t.release, ppk_deadline=t.ppk_deadline, pps_deadline=t.pps_deadline,\n"
             "        tps_deadline=t.tps_deadline)\n"
             "    plans.execute(p)\n"
             "print('PLAN', p.pk, p.status)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(url, accounts) of the demo server with one finished distribution plan."""
    with demo_server(tmp_path_factory.mktemp("var")) as (url, accounts, env):
        made = subprocess.run([sys.executable, "-m", "siaga", "shell", "-c", MAKE_PLAN], env=env,
                              capture_output=True, text=True, check=True)
        assert "done" in next(x for x in made.stdout.splitlines() if x.startswith("PLAN ")), made
        yield url, accounts


def slide_to(page, step: int) -> None:
    page.eval_on_selector("#fg-slider", "(el, v) => { el.value = String(v); "
                          "el.dispatchEvent(new Event('input')); }", step)


def test_the_slider_moves_a_truck_and_a_scenario_lists_what_it_breaks(browser, server):
    url = server[0]
    page, errors = signed_in(browser, server, "koordinator")
    page.goto(url + "/kesiapan/permainan-lantai/?wilayah=62.13&pemilu=pemilu-2024")
    page.wait_for_selector("#fg-map[data-loaded]", timeout=60_000)
    assert int(page.get_attribute("#fg-map", "data-loaded")) > 0
    assert page.inner_text("#fg-clock-label") == "Jum 9 Feb 08.00"
    assert page.locator("#no-scenario").count() == 1

    # A warehouse truck on its way from the warehouse to its first PPK: at two slider stops
    # of that leg it is drawn in two places, and the clock says when.
    trucks = [v for v in page.evaluate("window.floorgame.all()") if v["level"] == "gudang"]
    truck = max(trucks, key=lambda v: v["w"][2][0] - v["w"][1][0])  # the longest first leg
    departs, arrives = truck["w"][1][0], truck["w"][2][0]
    steps = [page.evaluate(f"window.floorgame.stepOf({t})")
             for t in (departs + (arrives - departs) // 4, departs + 3 * (arrives - departs) // 4)]
    assert steps[0] < steps[1]
    slide_to(page, steps[0])
    first_label = page.inner_text("#fg-clock-label")
    first = page.evaluate(f"window.floorgame.where('{truck['key']}')")
    slide_to(page, steps[1])
    second = page.evaluate(f"window.floorgame.where('{truck['key']}')")
    assert first is not None and second is not None and first != second
    assert page.inner_text("#fg-clock-label") != first_label
    assert int(page.inner_text("[data-count='0']")) >= 1  # vehicles on the road
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "floorgame-board.png", full_page=True)

    page.fill("#id_flooded", "62.13.05")
    page.select_option("#id_tarik_jenis", "polri")
    page.fill("#id_tarik_jumlah", "150")
    page.click("#scenario-form button[type=submit]")
    # The worker plans the flood; the page polls it and reloads when it is done.
    page.wait_for_selector("#breakage .broken-tps_unserved", timeout=180_000)
    lost = page.inner_text("#breakage")
    flooded = page.locator("#breakage .broken-tps_unserved li")
    assert flooded.count() >= 30
    assert all(code.startswith("62.13.05") for code in
               flooded.evaluate_all("items => items.map(i => i.dataset.code)"))
    assert "150 Polri" in lost  # the cause named under each post left short
    assert page.locator("#breakage .broken-post_short li, #breakage .broken-post_unmanned li").count() > 0
    page.wait_for_selector("#fg-map[data-loaded]")
    slide_to(page, 10_000)  # the end of counting: the flooded TPS are still not served
    assert int(page.inner_text("[data-count='4']")) >= 30
    page.screenshot(path=SHOTS / "floorgame-scenario.png", full_page=True)
    assert errors == []
