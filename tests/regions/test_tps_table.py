import io

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from siaga.regions import tps_table
from siaga.regions.tps_table import TPSRecord, Village

VILLAGES = {
    "62.13.01.2003": Village("62.13.01.2003", "Pulau Patai", "Dusun Timur"),
    "62.13.01.2004": Village("62.13.01.2004", "Sarapat", "Dusun Timur"),
    "62.13.02.2001": Village("62.13.02.2001", "Banua Lima", "Banua Lima"),
}
HEADER = ["Kode Desa", "Kecamatan", "Desa/Kelurahan", "No TPS", "DPT L", "DPT P", "Jumlah DPT",
          "Alamat", "Latitude", "Longitude"]


def parse(rows, max_voters=300, scope=""):
    return tps_table.parse_tps_table(rows, villages=VILLAGES, max_voters=max_voters,
                                     election_name="Pemilu 2024", scope_code=scope)


def only_problem(rows, **kwargs):
    parsed = parse(rows, **kwargs)
    assert len(parsed.problems) == 1, [p.render() for p in parsed.problems]
    return parsed.problems[0]


def row(**overrides):
    values = dict(zip(HEADER, ["62.13.01.2003", "Dusun Timur", "Pulau Patai", "001", 100, 110, 210,
                               "Balai desa", -2.17, 115.09]))
    values.update(overrides)
    return [values[h] for h in HEADER]


def test_a_clean_sheet_gives_one_record_per_row():
    parsed = parse([HEADER, row(), row(**{"No TPS": "002"})])
    assert parsed.problems == []
    assert [r.code for _, r in parsed.records] == ["62.13.01.2003-001", "62.13.01.2003-002"]
    assert parsed.records[0] == (2, TPSRecord("62.13.01.2003", 1, 100, 110, "Balai desa", -2.17,
                                              115.09, "darat", ""))


def test_header_variants_from_kpu_and_disdukcapil_are_recognised():
    header = ["kode_wilayah", "KECAMATAN", "DESA/KELURAHAN", "TPS", "Laki-laki", "Perempuan",
              "Jumlah", "alamat", "lat", "lng"]
    parsed = parse([header, ["6213012003", "Dusun Timur", "Pulau Patai", 3, 90, 95, 185, "", "", ""]])
    assert parsed.problems == []
    assert parsed.records[0][1].code == "62.13.01.2003-003"


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_sheet_numbers():
    parsed = parse([["DAFTAR TPS PEMILU 2024"], ["KABUPATEN BARITO TIMUR"], [], HEADER,
                    row(), row(**{"No TPS": "x"})])
    assert parsed.problems[0].row == 6
    assert parsed.problems[0].column == "No TPS"


def test_two_row_header_with_dpt_merged_over_l_p_total_is_understood():
    top = ["No", "Kode Desa", "No TPS", "DPT", "DPT", "DPT"]
    below = ["", "", "", "L", "P", "L+P"]
    parsed = parse([top, below, [1, "62.13.01.2004", "1", 120, 100, 220]])
    assert parsed.problems == []
    assert parsed.records[0][1].dpt_men == 120


def xlsx_bytes(rows, merges=()):
    book = openpyxl.Workbook()
    sheet = book.active
    for r in rows:
        sheet.append(r)
    for merge in merges:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_merged_cells_in_xlsx_are_filled_from_their_top_left_cell():
    content = xlsx_bytes([
        ["Daftar TPS (judul digabung)"], HEADER,
        ["62.13.01.2003", "Dusun Timur", "Pulau Patai", "001", 100, 110, 210, "", None, None],
        [None, None, None, "002", 90, 90, 180, "", None, None],
    ], merges=["A1:J1", "A3:A4", "B3:B4", "C3:C4"])
    parsed = parse(tps_table.read_rows("tps.xlsx", content))
    assert parsed.problems == []
    assert [r.code for _, r in parsed.records] == ["62.13.01.2003-001", "62.13.01.2003-002"]


def test_semicolon_csv_from_indonesian_excel_is_read():
    content = ("Kode Desa;No TPS;DPT L;DPT P;Latitude;Longitude\r\n"
               "62.13.01.2003;001;100;110;-2,17;115,09\r\n").encode("utf-8-sig")
    parsed = parse(tps_table.read_rows("tps.csv", content))
    assert parsed.problems == []
    assert parsed.records[0][1].latitude == -2.17


def test_villages_can_be_found_by_kecamatan_and_desa_name_when_codes_are_missing():
    parsed = parse([["Kecamatan", "Desa", "No TPS", "DPT L", "DPT P"],
                    ["DUSUN TIMUR", "Desa Sarapat", "4", 10, 10]])
    assert parsed.records[0][1].code == "62.13.01.2004-004"


def test_total_rows_at_the_bottom_are_not_read_as_tps():
    parsed = parse([HEADER, row(), ["JUMLAH", "", "", "", 100, 110, 210, "", "", ""]])
    assert parsed.problems == []
    assert len(parsed.records) == 1


def test_import_rejects_tps_over_300_voters():
    problem = only_problem([HEADER, row(**{"DPT L": 160, "DPT P": 150, "Jumlah DPT": 310})])
    assert problem.code == "over_max"
    assert problem.column == "Jumlah DPT"
    assert problem.render() == "DPT 310 exceeds the maximum of 300 voters per TPS for Pemilu 2024."


def test_pilkada_allows_up_to_its_own_maximum():
    assert parse([HEADER, row(**{"DPT L": 300, "DPT P": 250, "Jumlah DPT": 550})],
                 max_voters=600).problems == []


def test_import_rejects_an_unknown_village():
    problem = only_problem([HEADER, row(**{"Kode Desa": "62.13.01.2999"})])
    assert (problem.code, problem.column, problem.params) == (
        "unknown_village", "Kode Desa", {"value": "62.13.01.2999"})


def test_import_rejects_a_code_that_is_not_a_desa_code():
    assert only_problem([HEADER, row(**{"Kode Desa": "62.13.01"})]).code == "bad_village_code"


def test_import_rejects_a_desa_name_that_contradicts_the_code():
    assert only_problem([HEADER, row(**{"Desa/Kelurahan": "Sarapat"})]).code == "name_mismatch"


def test_import_rejects_duplicate_tps_and_names_both_rows():
    parsed = parse([HEADER, row(), row(**{"No TPS": 1})])
    assert [(p.row, p.code, p.params["other_row"]) for p in parsed.problems] == [
        (3, "duplicate_tps", 2)]


def test_import_rejects_a_total_that_is_not_men_plus_women():
    problem = only_problem([HEADER, row(**{"Jumlah DPT": 200})])
    assert problem.code == "total_mismatch"
    assert problem.params == {"total": 200, "men": 100, "women": 110, "sum": 210}


def test_import_rejects_coordinates_outside_indonesia():
    assert only_problem([HEADER, row(Latitude=48.85, Longitude=2.35)]).code == "outside_indonesia"


def test_import_suspects_swapped_coordinates():
    assert only_problem([HEADER, row(Latitude=115.09, Longitude=-2.17)]).code == "swapped_coordinates"


def test_import_rejects_non_numeric_counts():
    problem = only_problem([HEADER, row(**{"DPT L": "seratus", "Jumlah DPT": None})])
    assert (problem.code, problem.column, problem.params) == (
        "not_integer", "DPT L", {"value": "seratus"})


def test_import_rejects_negative_and_fractional_counts():
    parsed = parse([HEADER, row(**{"DPT L": -5, "Jumlah DPT": None}),
                    row(**{"No TPS": 2, "DPT P": 10.5, "Jumlah DPT": None})])
    assert [p.code for p in parsed.problems] == ["negative", "not_integer"]


def test_import_rejects_empty_required_cells():
    problem = only_problem([HEADER, row(**{"DPT P": None, "Jumlah DPT": None})])
    assert (problem.code, problem.column) == ("required", "DPT P")


def test_import_rejects_half_a_coordinate():
    assert only_problem([HEADER, row(Longitude=None)]).code == "half_coordinate"


def test_import_rejects_unknown_access_modes():
    parsed = parse([HEADER + ["Akses"], row() + ["helikopter"]])
    assert parsed.problems[0].code == "bad_access"


def test_import_rejects_villages_outside_the_users_region():
    problem = only_problem([HEADER, row(**{"Kode Desa": "62.13.02.2001", "Kecamatan": "Banua Lima",
                                           "Desa/Kelurahan": "Banua Lima"})], scope="62.13.01")
    assert problem.code == "outside_scope"


def test_a_sheet_without_the_required_columns_is_one_clear_problem():
    problem = only_problem([["Nama", "Alamat"], ["x", "y"]])
    assert problem.row == 0 and problem.code == "missing_columns"
    assert "No TPS" in problem.params["columns"]


def test_every_bad_row_is_reported_not_only_the_first():
    parsed = parse([HEADER, row(**{"Kode Desa": "99.99.99.9999"}), row(**{"No TPS": 2, "DPT L": "x",
                                                                         "Jumlah DPT": None})])
    assert [p.row for p in parsed.problems] == [2, 3]
    assert parsed.records == []


def test_compare_says_what_is_new_changed_and_unchanged():
    old = TPSRecord("62.13.01.2003", 1, 100, 110)
    changed = TPSRecord("62.13.01.2003", 2, 50, 50, address="Baru")
    existing = {old.code: old, changed.code: TPSRecord("62.13.01.2003", 2, 50, 50)}
    new = TPSRecord("62.13.01.2004", 1, 10, 10)
    result = tps_table.compare([old, changed, new], existing)
    assert result.unchanged == [old]
    assert result.updated == [(changed, {"address": ("", "Baru")})]
    assert result.created == [new]


records = st.builds(
    TPSRecord,
    village_code=st.sampled_from(sorted(VILLAGES)),
    number=st.integers(1, 999),
    dpt_men=st.integers(0, 150),
    dpt_women=st.integers(0, 150),
    address=st.one_of(st.sampled_from(["=1+1", "-5", "@SUM(A1)", "+62 811", "'=x", "''-x", "'a"]), st.text(
        st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"]), max_size=30,
    )).map(lambda s: " ".join(s.split())),
    latitude=st.one_of(st.none(), st.floats(-11, 6).map(lambda x: round(x, 6))),
    longitude=st.floats(95, 141).map(lambda x: round(x, 6)),
    access=st.sampled_from(["darat", "sungai", "laut", "udara", "jalan_kaki"]),
    travel_notes=st.just(""),
).map(lambda r: r if r.latitude is not None else TPSRecord(
    r.village_code, r.number, r.dpt_men, r.dpt_women, r.address, None, None, r.access))


@settings(max_examples=30, deadline=None)
@given(st.lists(records, max_size=12, unique_by=lambda r: r.code), st.sampled_from(["csv", "xlsx"]))
def test_export_then_import_gives_back_exactly_the_same_records(items, fmt):
    rows = tps_table.table_rows(items, VILLAGES)
    content = tps_table.write_csv(rows) if fmt == "csv" else tps_table.write_xlsx(rows, title="Uji")
    parsed = tps_table.parse_tps_table(tps_table.read_rows(f"tps.{fmt}", content), villages=VILLAGES,
                                       max_voters=300, election_name="Pemilu 2024")
    if not items:
        assert [p.code for p in parsed.problems] == ["empty_file"]
        return
    assert parsed.problems == []
    assert sorted((r for _, r in parsed.records), key=lambda r: r.code) == sorted(
        items, key=lambda r: r.code)


def test_csv_export_defuses_text_that_a_spreadsheet_would_run_as_a_formula():
    rows = tps_table.table_rows([TPSRecord("62.13.01.2003", 1, 1, 1, address="=HYPERLINK(1)")],
                                VILLAGES)
    assert b"'=HYPERLINK(1)" in tps_table.write_csv(rows)
    book = openpyxl.load_workbook(io.BytesIO(tps_table.write_xlsx(rows, title="t")))
    assert book.active["H4"].data_type == "s"
