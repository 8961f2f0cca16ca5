import pytest

from siaga.risk.catalogue import PEMILU_2024
from siaga.risk.sheet import parse_sheet, read_cell

KNOWN = {"62.13.01.2003-001", "62.13.01.2003-002", "62.13.01.2003-003"}


def parse(rows, known=KNOWN):
    return parse_sheet(rows, catalogue=PEMILU_2024, known_tps=known)


@pytest.mark.parametrize("value", ["ya", "YA", "y", "1", 1, 1.0, True, "v", "V", "x", "✓", "√",
                                   " ya ", "Ada"])
def test_yes_is_read_from_every_way_field_staff_write_it(value):
    assert read_cell(value) is True


@pytest.mark.parametrize("value", [None, "", "  ", "tidak", "Tidak", "t", "0", 0, 0.0, False,
                                   "-", "tdk", "tidak ada"])
def test_no_and_empty_cells_are_read_as_no(value):
    assert read_cell(value) is False


@pytest.mark.parametrize("value", ["mungkin", 3, "2", 0.5, "yaa tidak"])
def test_anything_else_is_unreadable(value):
    assert read_cell(value) is None


def test_a_clean_sheet_gives_one_assessment_per_tps():
    rows = [
        ["Kode TPS", "Riwayat kekerasan", "LK1", "kendala jaringan internet", "Keterangan"],
        ["62.13.01.2003-001", "ya", "", "v", "jalan rusak"],
        ["6213012003-2", "tidak", "1", "0", ""],
    ]
    parsed = parse(rows)
    assert parsed.problems == []
    assert [(a.row, a.tps_code, sorted(a.present)) for a in parsed.assessments] == [
        (2, "62.13.01.2003-001", ["KA1", "LI2"]),
        (3, "62.13.01.2003-002", ["LK1"]),
    ]
    assert parsed.indicator_columns == {"KA1": "Riwayat kekerasan", "LK1": "LK1",
                                        "LI2": "kendala jaringan internet"}
    assert len(parsed.missing_indicators) == 19


def test_village_code_and_tps_number_columns_identify_the_tps():
    rows = [["No", "Kode Desa", "No TPS", "HP-1"],
            [1, "62.13.01.2003", "003", "x"]]
    parsed = parse(rows)
    assert parsed.problems == []
    assert parsed.assessments[0].tps_code == "62.13.01.2003-003"
    assert parsed.assessments[0].present == {"HP1"}


def test_a_title_row_and_variables_merged_over_their_indicators_are_understood():
    rows = [
        ["PEMETAAN KERAWANAN TPS PEMILU 2024", None, None, None],
        ["Kode TPS", "Keamanan", "Keamanan", "Lokasi TPS"],
        ["Kode TPS", "1. Riwayat Kekerasan", "2. Riwayat intimidasi", "Sulit dijangkau"],
        ["62.13.01.2003-001", "", "ya", "ya"],
    ]
    parsed = parse(rows)
    assert parsed.problems == []
    assert parsed.header_row == 3
    assert parsed.assessments[0].present == {"KA2", "LK1"}


def test_importing_a_malformed_sheet_reports_every_bad_cell_and_returns_nothing_for_bad_rows():
    rows = [
        ["Kode TPS", "Riwayat kekerasan", "Warna kotak", "Sulit dijangkau", "Kekerasan"],
        ["62.13.01.2003-001", "mungkin", "", "ya", ""],
        ["62.13.01.2003-009", "ya", "", "2", ""],
        ["62.13.01.2003-001", "", "", "", ""],
        ["bukan kode", "", "", "", ""],
        ["62.13.01.2003-002", "t", "", "v", ""],
    ]
    parsed = parse(rows)
    found = {(p.row, p.column, p.code) for p in parsed.problems}
    assert found == {
        (1, "Warna kotak", "unknown_indicator"),
        (1, "Kekerasan", "duplicate_indicator"),
        (2, "Riwayat kekerasan", "unreadable_value"),
        (3, "Kode TPS", "unknown_tps"),
        (3, "Sulit dijangkau", "unreadable_value"),
        (4, "Kode TPS", "duplicate_tps"),
        (5, "Kode TPS", "bad_tps_code"),
    }
    assert not parsed.ok
    assert [a.tps_code for a in parsed.assessments] == ["62.13.01.2003-002"]
    for problem in parsed.problems:
        assert problem.render()


def test_a_sheet_without_a_tps_column_is_refused_as_a_whole():
    parsed = parse([["Desa", "Riwayat kekerasan"], ["Melingkin", "ya"]])
    assert [(p.row, p.code) for p in parsed.problems] == [(0, "missing_columns")]


def test_blank_and_total_rows_are_skipped():
    rows = [["Kode TPS", "LK1"], ["62.13.01.2003-001", "ya"], [None, None], ["Jumlah", 1]]
    parsed = parse(rows)
    assert parsed.problems == [] and len(parsed.assessments) == 1


def test_a_sheet_with_no_rows_says_so():
    assert [p.code for p in parse([["Kode TPS", "LK1"]]).problems] == ["empty_file"]
