from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siaga.logistics import needs
from siaga.logistics.needs import (
    BALLOT,
    TPS,
    Bundle,
    Contest,
    Line,
    ballots_for,
    bundles_from,
    check_bundles,
    compute_needs,
    measure,
    packing_list,
    packing_lists,
    pemilu_rules,
    stop_loads,
    total_lines,
)

RULES = pemilu_rules()
DAPILS = {"PPWP": "INDONESIA", "DPR": "KALTENG", "DPD": "KALTENG",
          "DPRD_PROV": "KALTENG-5", "DPRD_KAB": "BARTIM-1"}


def tps(code="62.13.01.2003-003", dpt=251, **dapils):
    return TPS(code, dpt, {**DAPILS, **dapils})


def quantity(lines, item, contest=""):
    return sum(line.quantity for line in lines if line.item == item and line.contest == contest)


# --- ballots ---------------------------------------------------------------------------------

def test_ballots_are_dpt_plus_two_percent_rounded_up():
    assert ballots_for(250) == 255  # 5.00 exactly
    assert ballots_for(251) == 257  # 5.02 → 6
    assert ballots_for(300) == 306
    assert ballots_for(1) == 2  # 0.02 → 1
    assert ballots_for(0) == 0


def test_reserve_rounding_is_exact_not_floating_point():
    # In floating point 100 × 0.07 is 7.000000000000001 and 500 × 0.022 is 11.000000000000002:
    # a float ceil would add a ballot that the rule does not.
    assert ballots_for(100, "7") == 107
    assert ballots_for(500, "2.2") == 511
    assert ballots_for(150, "2.5") == 154  # 3.75 → 4
    assert ballots_for(200, Decimal("0")) == 200


@given(st.integers(min_value=0, max_value=1000))
def test_the_reserve_is_never_short_and_never_a_whole_ballot_too_many(dpt):
    exact = dpt * 102 / 100
    assert exact <= ballots_for(dpt) < exact + 1


def test_ballots_carry_the_tps_dapil_for_each_contest():
    lines = needs.tps_lines(tps(DPRD_KAB="BARTIM-3"), RULES)
    ballots = {line.contest: line for line in lines if line.item == BALLOT}
    assert set(ballots) == {"PPWP", "DPR", "DPD", "DPRD_PROV", "DPRD_KAB"}
    assert ballots["DPRD_KAB"].dapil == "BARTIM-3"
    assert ballots["PPWP"].dapil == "INDONESIA"
    assert all(line.quantity == 257 for line in ballots.values())


def test_a_hand_checked_tps_gets_what_the_rules_say():
    # TPS 003 of desa 62.13.01.2003, DPT 251, Pemilu 2024 defaults (docs/logistics.md).
    lines = needs.tps_lines(tps(), RULES)
    assert quantity(lines, "ballot_box", "DPR") == 1
    assert sum(line.quantity for line in lines if line.item == "ballot_box") == 5
    assert quantity(lines, "booth") == 4
    assert quantity(lines, "ink") == 2
    assert quantity(lines, "punch_tool") == 4
    assert quantity(lines, "id_tag") == 9
    assert quantity(lines, "c_hasil_plano", "DPD") == 1
    # C.Hasil Salinan: one per witness (3 pairs, 18 parties) plus PTPS and PPS.
    assert quantity(lines, "c_hasil_salinan", "PPWP") == 3 + 2
    assert quantity(lines, "c_hasil_salinan", "DPR") == 18 + 2
    assert quantity(lines, "c_hasil_salinan", "DPD") == 0 + 2
    assert quantity(lines, "braille_template", "PPWP") == 1
    assert quantity(lines, "braille_template", "DPR") == 0
    assert quantity(lines, "envelope", "DPRD_KAB") == 10
    assert all(line.quantity > 0 for line in lines)


def test_dki_has_four_boxes_from_the_election_items_per_tps():
    rules = pemilu_rules(contests=[c for c in needs.PEMILU_CONTESTS if c.code != "DPRD_KAB"],
                         items_per_tps={"ballot_box": 4})
    lines = needs.tps_lines(tps(), rules)
    assert sum(line.quantity for line in lines if line.item == "ballot_box") == 4
    assert {line.contest for line in lines if line.item == BALLOT} == {
        "PPWP", "DPR", "DPD", "DPRD_PROV"}


def test_a_pilkada_has_its_own_contests_and_boxes():
    rules = pemilu_rules(contests=[Contest("GUBERNUR", "Gubernur", witnesses=3),
                                   Contest("BUPATI", "Bupati", witnesses=4)])
    lines = needs.tps_lines(TPS("62.13.01.2003-001", 500, {"GUBERNUR": "KALTENG",
                                                          "BUPATI": "BARTIM"}), rules)
    assert sum(line.quantity for line in lines if line.item == "ballot_box") == 2
    assert quantity(lines, BALLOT, "BUPATI") == 510
    assert quantity(lines, "c_hasil_salinan", "BUPATI") == 6


# --- PSU reserve and totals ------------------------------------------------------------------

def test_psu_reserve_is_1000_per_dapil_per_contest_at_the_warehouse():
    result = compute_needs([tps("62.13.01.2003-001", DPRD_KAB="BARTIM-1"),
                            tps("62.13.01.2003-002", DPRD_KAB="BARTIM-1"),
                            tps("62.13.02.2001-001", DPRD_KAB="BARTIM-2")], RULES)
    reserve = {(line.contest, line.dapil): line.quantity for line in result.psu_reserve}
    assert reserve == {("PPWP", "INDONESIA"): 1000, ("DPR", "KALTENG"): 1000,
                       ("DPD", "KALTENG"): 1000, ("DPRD_PROV", "KALTENG-5"): 1000,
                       ("DPRD_KAB", "BARTIM-1"): 1000, ("DPRD_KAB", "BARTIM-2"): 1000}


def test_psu_reserve_can_differ_per_contest():
    contests = [replace(c, psu_ballots_per_dapil=0) if c.code == "PPWP" else c
                for c in needs.PEMILU_CONTESTS]
    result = compute_needs([tps()], pemilu_rules(contests=contests, psu_ballots_per_dapil=500))
    reserve = {line.contest: line.quantity for line in result.psu_reserve}
    assert "PPWP" not in reserve
    assert reserve["DPR"] == 500


def test_warehouse_totals_include_the_psu_reserve():
    result = compute_needs([tps(dpt=100)], RULES)
    warehouse = {line.key: line.quantity for line in result.warehouse()}
    assert warehouse[(BALLOT, "DPR", "KALTENG")] == 102 + 1000
    assert warehouse[("booth", "", "")] == 4


tps_codes = st.builds(
    lambda kec, desa, number: f"62.13.{kec:02d}.{2000 + desa:04d}-{number:03d}",
    st.integers(1, 3), st.integers(1, 4), st.integers(1, 20))
tps_lists = st.lists(
    st.builds(lambda code, dpt, kab: TPS(code, dpt, {**DAPILS, "DPRD_KAB": f"BARTIM-{kab}"}),
              tps_codes, st.integers(0, 600), st.integers(1, 3)),
    max_size=25, unique_by=lambda t: t.code)


@settings(max_examples=40, deadline=None)
@given(tps_lists)
def test_totals_per_kecamatan_and_desa_equal_the_sum_over_their_tps(tps_list):
    result = compute_needs(tps_list, RULES)
    for level_totals, key in ((result.per_kecamatan(), lambda n: n.kecamatan),
                              (result.per_desa(), lambda n: n.village)):
        for code, lines in level_totals.items():
            expected = Counter()
            for n in result.per_tps:
                if key(n) == code:
                    for line in n.lines:
                        expected[line.key] += line.quantity
            assert {line.key: line.quantity for line in lines} == dict(expected)
    everything = Counter()
    for n in result.per_tps:
        for line in n.lines:
            everything[line.key] += line.quantity
    for line in result.psu_reserve:
        everything[line.key] += line.quantity
    assert {line.key: line.quantity for line in result.warehouse()} == dict(everything)
    assert result.problems == ()


def test_total_lines_merges_by_item_contest_and_dapil():
    merged = total_lines([Line(BALLOT, "DPR", "A", 3), Line(BALLOT, "DPR", "A", 4),
                          Line(BALLOT, "DPR", "B", 1), Line("ink", quantity=2)])
    assert merged == (Line(BALLOT, "DPR", "A", 7), Line(BALLOT, "DPR", "B", 1),
                      Line("ink", quantity=2))


# --- bad input --------------------------------------------------------------------------------

def test_bad_tps_are_problems_with_codes_and_numbers_not_exceptions():
    result = compute_needs([
        TPS("62.13.01.2003-3", 100, DAPILS),  # not canonical
        TPS("62.13.01-003", 100, DAPILS),  # not a desa
        tps("62.13.01.2003-004", dpt=-5),
        TPS("62.13.01.2003-005", 100, {**DAPILS, "DPD": ""}),
        TPS("62.13.01.2003-006", 100, {**DAPILS, "BUPATI": "X"}),
        tps("62.13.01.2003-007"), tps("62.13.01.2003-007"),
    ], RULES)
    found = {(p.code, p.params.get("tps")) for p in result.problems}
    assert ("bad_tps_code", "62.13.01.2003-3") in found
    assert ("bad_tps_code", "62.13.01-003") in found
    assert ("negative_dpt", "62.13.01.2003-004") in found
    assert ("missing_dapil", "62.13.01.2003-005") in found
    assert ("unknown_contest", "62.13.01.2003-006") in found
    assert ("duplicate_tps", "62.13.01.2003-007") in found
    assert [n.tps for n in result.per_tps] == [
        "62.13.01.2003-005", "62.13.01.2003-006", "62.13.01.2003-007"]
    assert next(p for p in result.problems if p.code == "negative_dpt").params["dpt"] == -5
    for problem in result.problems:
        assert problem.render()


def test_rules_that_name_an_unknown_item_or_a_negative_count_are_problems():
    rules = replace(RULES, item_rules=(needs.ItemRule("helicopter", per_tps=1),
                                       needs.ItemRule("ink", per_tps=-2)),
                    reserve_pct=Decimal("150"))
    codes = {p.code for p in needs.check_rules(rules)}
    assert codes == {"unknown_item", "negative_quantity", "bad_reserve"}


# --- bundle check -----------------------------------------------------------------------------

def test_correct_bundles_raise_no_problem():
    tps_list = [tps("62.13.01.2003-001"), tps("62.13.01.2003-002", dpt=80)]
    result = compute_needs(tps_list, RULES)
    assert check_bundles(bundles_from(result), tps_list, RULES) == []


def test_a_swapped_dapil_bundle_is_reported_with_the_numbers():
    tps_list = [tps("62.13.01.2003-001", dpt=100, DPRD_KAB="BARTIM-1")]
    bundles = [b if b.contest != "DPRD_KAB" else replace(b, dapil="BARTIM-2")
               for b in bundles_from(compute_needs(tps_list, RULES))]
    problems = check_bundles(bundles, tps_list, RULES)
    assert [(p.code, p.params) for p in problems] == [
        ("wrong_dapil", {"tps": "62.13.01.2003-001", "contest": "DPRD_KAB", "quantity": 102,
                         "expected": "BARTIM-1", "found": "BARTIM-2"}),
        ("short", {"tps": "62.13.01.2003-001", "contest": "DPRD_KAB", "dapil": "BARTIM-1",
                   "expected": 102, "found": 0, "missing": 102}),
    ]
    assert "BARTIM-2" in problems[0].render()


def test_short_surplus_missing_and_unknown_bundles_are_reported():
    tps_list = [tps("62.13.01.2003-001", dpt=100)]
    bundles = [Bundle("62.13.01.2003-001", "PPWP", "INDONESIA", 100),
               Bundle("62.13.01.2003-001", "DPR", "KALTENG", 110),
               Bundle("62.13.01.2003-001", "DPD", "KALTENG", 102),
               Bundle("62.13.01.2003-001", "DPRD_PROV", "KALTENG-5", 102),
               Bundle("62.13.01.2003-009", "DPR", "KALTENG", 102),
               Bundle("62.13.01.2003-001", "WALIKOTA", "X", 5)]
    found = {(p.code, p.params.get("contest")): p.params for p in
             check_bundles(bundles, tps_list, RULES)}
    assert found[("short", "PPWP")]["missing"] == 2
    assert found[("surplus", "DPR")]["extra"] == 8
    assert found[("short", "DPRD_KAB")]["found"] == 0
    assert ("unknown_tps", "DPR") in found
    assert ("unknown_bundle_contest", "WALIKOTA") in found
    assert len(found) == 5


@settings(max_examples=30, deadline=None)
@given(tps_lists.filter(lambda tps_list: any(t.dpt for t in tps_list)), st.data())
def test_exactly_the_swapped_bundle_is_flagged(tps_list, data):
    result = compute_needs(tps_list, RULES)
    bundles = bundles_from(result)
    k = data.draw(st.integers(0, len(bundles) - 1))
    bundles[k] = replace(bundles[k], dapil=bundles[k].dapil + "-X")
    problems = check_bundles(bundles, tps_list, RULES)
    wrong = [p for p in problems if p.code == "wrong_dapil"]
    assert [(p.params["tps"], p.params["contest"]) for p in wrong] == [
        (bundles[k].tps, bundles[k].contest)]
    assert {p.code for p in problems} <= {"wrong_dapil", "short"}


# --- volume, weight, packing lists --------------------------------------------------------------

def test_items_inside_the_boxes_add_weight_but_no_volume_until_the_boxes_are_full():
    boxes = [Line("ballot_box", "DPR", quantity=1)]
    small = measure(boxes + [Line("ink", quantity=2)], RULES)
    assert small.volume_l == pytest.approx(96.0)
    assert small.weight_kg == pytest.approx(2.26 + 0.2)
    # 1000 DPR ballots are 42 l: still inside one 88 l box; 3000 overflow by 38 l.
    assert measure(boxes + [Line(BALLOT, "DPR", "X", 1000)], RULES).volume_l == pytest.approx(96)
    assert measure(boxes + [Line(BALLOT, "DPR", "X", 3000)], RULES).volume_l == pytest.approx(
        96 + 126 - 88)


def test_a_tps_package_is_about_half_a_cubic_metre_and_seventy_kilograms():
    load = measure(needs.tps_lines(tps(dpt=300), RULES), RULES)
    assert 5 * 96 + 4 * 16.2 == pytest.approx(load.volume_l)
    assert 60 < load.weight_kg < 80


def test_packing_lists_per_pps_and_ppk_hold_each_tps_package_with_dapil_labels():
    tps_list = [tps("62.13.01.2003-001", DPRD_KAB="BARTIM-1"),
                tps("62.13.01.2003-002", DPRD_KAB="BARTIM-1"),
                tps("62.13.01.2004-001", DPRD_KAB="BARTIM-2")]
    result = compute_needs(tps_list, RULES)
    pps = packing_list(result, RULES, "pps", "62.13.01.2003")
    assert [p.tps for p in pps.packages] == ["62.13.01.2003-001", "62.13.01.2003-002"]
    assert "TPS 62.13.01.2003-001 | DPRD_KAB | Dapil BARTIM-1 | 257" in pps.packages[0].labels
    ppk = packing_list(result, RULES, "ppk", "62.13.01")
    assert len(ppk.packages) == 3
    assert ppk.load.volume_l == pytest.approx(sum(p.load.volume_l for p in ppk.packages))
    assert quantity(ppk.totals, "booth") == 12
    assert {line.dapil for line in ppk.totals
            if line.item == BALLOT and line.contest == "DPRD_KAB"} == {
        "BARTIM-1", "BARTIM-2"}
    assert [pl.code for pl in packing_lists(result, RULES, "pps")] == [
        "62.13.01.2003", "62.13.01.2004"]
    assert set(stop_loads(result, RULES, "tps")) == {t.code for t in tps_list}
    with pytest.raises(ValueError):
        packing_list(result, RULES, "province", "62")


def test_every_message_renders():
    params = {"tps": "T", "dpt": 1, "contest": "C", "item": "I", "reserve_pct": 1, "psu": 1,
              "quantity": 1, "found": 1, "expected": 1, "dapil": "D", "missing": 1, "extra": 1}
    for code in needs.MESSAGES:
        assert needs.Problem(code, params).render()
