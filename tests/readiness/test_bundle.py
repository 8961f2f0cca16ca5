"""Signed report bundles: accepted only whole and untouched; and who is behind on what."""

import json

from hypothesis import given
from hypothesis import strategies as st

from siaga.readiness import bundle
from siaga.readiness.tables import cell_text, total_row

KEY = b"kunci-bersama-provinsi-uji"


def figures(**changes):
    return {"code": "62.03", "name": "Kabupaten Uji (sintetis)", "tps": 500, "dpt": 120_000,
            "rawan_tps": 31, "logistics_pct": 87.5, "staff_pct": 100.0, "officers_pct": None,
            "security_short": 4, "sim_at_risk": 12, "agenda_done": 5, "agenda_planned": 12,
            "open_problems": 3, "is_synthetic": True} | changes


def signed(**changes) -> bytes:
    return bundle.make_bundle(figures(**changes), election="pemilu-2024", as_of="2024-02-07",
                              made_at="2024-02-07T10:00:00+07:00", key=KEY)


def codes(problems):
    return [p.code for p in problems]


def test_a_signed_bundle_is_read_back_whole():
    verified, problems = bundle.read_bundle(signed(), key=KEY, province="62")
    assert problems == []
    assert verified.figures == figures() and verified.as_of == "2024-02-07"


def test_a_bundle_whose_figure_was_changed_after_signing_is_refused():
    payload = json.loads(signed())
    payload["figures"]["logistics_pct"] = 100.0
    verified, problems = bundle.read_bundle(json.dumps(payload).encode(), key=KEY,
                                            province="62")
    assert verified is None and codes(problems) == ["bad_signature"]


def test_a_bundle_signed_with_another_key_is_refused():
    verified, problems = bundle.read_bundle(signed(), key=b"kunci-lain", province="62")
    assert verified is None and codes(problems) == ["bad_signature"]


def test_a_bundle_without_signature_or_of_another_schema_or_not_json_is_refused():
    payload = json.loads(signed())
    del payload["signature"]
    assert codes(bundle.read_bundle(json.dumps(payload).encode(), key=KEY,
                                    province="62")[1]) == ["no_signature"]
    payload["schema"] = "something-else/9"
    assert codes(bundle.read_bundle(json.dumps(payload).encode(), key=KEY,
                                    province="62")[1]) == ["wrong_schema"]
    assert codes(bundle.read_bundle(b"PK\x03\x04", key=KEY, province="62")[1]) == ["not_json"]


def test_a_correctly_signed_bundle_with_impossible_figures_is_refused_with_each_reason():
    content = signed(tps="banyak", staff_pct=140.0, open_problems=-1, rawan_tps=600)
    verified, problems = bundle.read_bundle(content, key=KEY, province="62")
    assert verified is None
    assert set(codes(problems)) == {"wrong_type", "not_percent", "negative"}


def test_a_regency_of_another_province_is_refused():
    verified, problems = bundle.read_bundle(signed(code="63.01"), key=KEY, province="62")
    assert verified is None and codes(problems) == ["outside"]


def test_the_messages_render_with_their_numbers():
    _, problems = bundle.read_bundle(signed(code="63.01"), key=KEY, province="62")
    assert problems[0].render() == "Regency 63.01 does not belong to province 62."


def test_a_regency_worse_than_the_median_is_behind_and_the_best_is_not():
    rows = [figures(name="A", logistics_pct=100.0, open_problems=0),
            figures(name="B", logistics_pct=50.0, open_problems=9),
            figures(name="C", logistics_pct=80.0, open_problems=2)]
    marks = bundle.behind(rows)
    assert "logistics_pct" in marks[1] and "open_problems" in marks[1]
    assert "logistics_pct" not in marks[0] and "open_problems" not in marks[0]


measure_values = st.lists(st.one_of(st.none(), st.floats(0, 100)), min_size=1, max_size=12)


@given(measure_values)
def test_nobody_is_behind_when_all_are_equal_and_the_best_never_is(values):
    rows = [figures(logistics_pct=v) for v in values]
    marks = bundle.behind(rows)
    known = [v for v in values if v is not None]
    behind = [v for v, m in zip(values, marks, strict=True) if "logistics_pct" in m]
    if known:
        assert max(known) not in behind
    if len(set(known)) <= 1:
        assert behind == []
    assert all(v is not None for v in behind)


@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)), max_size=20))
def test_a_total_row_adds_the_columns_and_recomputes_the_percentages(pairs):
    rows = [["x", a, b, None] for a, b in pairs]
    total = total_row(rows, 4, (1, 2), {3: (1, 2)}, "Jumlah")
    if not pairs:
        assert total[1:] == [None, None, None]
        return
    assert total[1] == sum(a for a, _ in pairs) and total[2] == sum(b for _, b in pairs)
    assert total[3] == (round(100 * total[1] / total[2], 1) if total[2] else None)


def test_cells_are_written_as_an_indonesian_reader_expects():
    assert cell_text(81100) == "81.100"
    assert cell_text(87.5) == "87,5"
    assert cell_text(1234.25) == "1.234,2"
    assert cell_text(None) == "-"
