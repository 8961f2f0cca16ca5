"""TPS lists as KPU and Disdukcapil keep them in spreadsheets: read, validate, compare, write.

Pure: no Django. The caller gives the villages it knows and the rules of the election; it gets
back records and problems (row, column, message code and values). Nothing here writes anywhere.
"""

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields

from siaga.problems import gettext_noop
from siaga.regions import codes

MESSAGES = {
    "missing_columns": gettext_noop(
        "Required column not found: %(columns)s. Header row not recognised in the first "
        "%(scanned)s rows."
    ),
    "unreadable": gettext_noop("The file cannot be read as CSV or XLSX: %(reason)s"),
    "empty_file": gettext_noop("The file contains no TPS rows."),
    "required": gettext_noop("Empty; this column is required."),
    "not_integer": gettext_noop("'%(value)s' is not a whole number."),
    "negative": gettext_noop("%(value)s is negative."),
    "bad_village_code": gettext_noop("'%(value)s' is not a desa/kelurahan code (e.g. 62.13.01.2003)."),
    "unknown_village": gettext_noop("Desa/kelurahan code %(value)s is not known."),
    "unknown_village_name": gettext_noop(
        "Desa/kelurahan '%(desa)s' in kecamatan '%(kecamatan)s' is not known."
    ),
    "outside_scope": gettext_noop("Desa/kelurahan %(value)s is outside your region (%(scope)s)."),
    "bad_tps_number": gettext_noop("'%(value)s' is not a TPS number (1-999)."),
    "bad_tps_code": gettext_noop("'%(value)s' is not a TPS code (e.g. 62.13.01.2003-003)."),
    "duplicate_tps": gettext_noop("TPS %(code)s appears twice (also in row %(other_row)s)."),
    "total_mismatch": gettext_noop(
        "Total DPT %(total)s differs from men %(men)s + women %(women)s = %(sum)s."
    ),
    "over_max": gettext_noop(
        "DPT %(dpt)s exceeds the maximum of %(max)s voters per TPS for %(election)s."
    ),
    "bad_coordinate": gettext_noop("'%(value)s' is not a coordinate."),
    "half_coordinate": gettext_noop("Latitude and longitude must both be given, or neither."),
    "outside_indonesia": gettext_noop(
        "Coordinates (%(lat)s, %(lon)s) are outside Indonesia."
    ),
    "swapped_coordinates": gettext_noop(
        "Coordinates (%(lat)s, %(lon)s) are outside Indonesia; latitude and longitude swapped?"
    ),
    "bad_access": gettext_noop("Access '%(value)s' is unknown; use one of: %(choices)s."),
    "name_mismatch": gettext_noop(
        "Desa/kelurahan code %(code)s is %(known)s, not '%(value)s'."
    ),
}

# Canonical columns, in the order we write them, with the header we write.
COLUMNS = {
    "village_code": "Kode Desa",
    "kecamatan": "Kecamatan",
    "desa": "Desa/Kelurahan",
    "tps_number": "No TPS",
    "dpt_men": "DPT L",
    "dpt_women": "DPT P",
    "dpt_total": "Jumlah DPT",
    "address": "Alamat",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "access": "Akses",
    "travel_notes": "Catatan Perjalanan",
}

# Header variants seen in KPU, Disdukcapil and Bawaslu sheets, after normalize_header().
ALIASES = {
    "village_code": ["kode desa", "kode wilayah", "kode desa kelurahan", "kode kelurahan",
                     "kode kel", "kode desa kel", "kd desa", "kode"],
    "tps_code": ["kode tps", "id tps"],
    "kecamatan": ["kecamatan", "nama kecamatan", "kec"],
    "desa": ["desa", "kelurahan", "desa kelurahan", "nama desa", "nama desa kelurahan",
             "kelurahan desa", "desa kel", "nama kelurahan"],
    "tps_number": ["no tps", "tps", "nomor tps", "nomer tps", "no"],
    "dpt_men": ["dpt l", "laki laki", "l", "dpt laki laki", "pemilih laki laki", "lk",
                "jumlah dpt l", "dpt lk"],
    "dpt_women": ["dpt p", "perempuan", "p", "dpt perempuan", "pemilih perempuan", "pr",
                  "jumlah dpt p", "dpt pr"],
    "dpt_total": ["jumlah dpt", "dpt", "total dpt", "dpt l p", "l p", "jumlah", "jml",
                  "dpt jumlah", "dpt jml", "dpt total", "total", "jumlah pemilih"],
    "address": ["alamat", "alamat tps", "lokasi", "lokasi tps"],
    "latitude": ["latitude", "lat", "lintang"],
    "longitude": ["longitude", "lon", "long", "lng", "bujur"],
    "access": ["akses", "moda", "jalur", "akses tps", "moda transportasi"],
    "travel_notes": ["catatan perjalanan", "catatan", "keterangan", "ket"],
}
_ALIAS_TO_FIELD = {alias: name for name, aliases in ALIASES.items() for alias in aliases}

ACCESS_VALUES = {
    "darat": "darat", "jalan": "darat", "jalan darat": "darat", "road": "darat",
    "sungai": "sungai", "river": "sungai", "perahu": "sungai", "kelotok": "sungai",
    "laut": "laut", "sea": "laut", "udara": "udara", "air": "udara", "pesawat": "udara",
    "jalan kaki": "jalan_kaki", "jalan_kaki": "jalan_kaki", "on foot": "jalan_kaki",
}
ACCESS_WRITTEN = {"darat": "darat", "sungai": "sungai", "laut": "laut", "udara": "udara",
                  "jalan_kaki": "jalan kaki"}

# A generous box around Indonesia's outermost islands (Weh to Merauke, Miangas to Rote).
LAT_RANGE = (-11.5, 6.5)
LON_RANGE = (94.5, 141.5)
HEADER_SCAN_ROWS = 20
# Six decimals is about 11 cm: more than any GPS on a phone gives, and it survives every
# spreadsheet program's float formatting, so export -> import round-trips exactly.
COORDINATE_DECIMALS = 6


@dataclass(frozen=True)
class Problem:
    row: int  # as the spreadsheet numbers it (1 = first line of the file); 0 = the whole file
    column: str  # the header as written in the file, or "" for the whole row
    code: str
    params: dict = field(default_factory=dict)

    def render(self, translate=gettext_noop) -> str:
        return translate(MESSAGES[self.code]) % self.params


@dataclass(frozen=True)
class TPSRecord:
    village_code: str
    number: int
    dpt_men: int
    dpt_women: int
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    access: str = "darat"
    travel_notes: str = ""

    @property
    def code(self) -> str:
        return codes.tps_code(self.village_code, self.number)

    @property
    def dpt(self) -> int:
        return self.dpt_men + self.dpt_women

    def changes_from(self, other: "TPSRecord") -> dict[str, tuple]:
        """Field → (other's value, this value) for every field that differs."""
        return {
            f.name: (getattr(other, f.name), getattr(self, f.name))
            for f in fields(self)
            if getattr(other, f.name) != getattr(self, f.name)
        }


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    kecamatan: str


@dataclass
class ParsedTable:
    records: list[tuple[int, TPSRecord]]  # (spreadsheet row, record)
    problems: list[Problem]
    header_row: int = 0


@dataclass
class Comparison:
    created: list[TPSRecord]
    updated: list[tuple[TPSRecord, dict]]  # record, changes
    unchanged: list[TPSRecord]


# --- reading -------------------------------------------------------------------------------

def read_rows(filename: str, content: bytes) -> list[list[object]]:
    """The cells of the first sheet (XLSX) or of a CSV file, merged cells filled in."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    return _read_csv(content)


def _read_csv(content: bytes) -> list[list[object]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:4096]
    # Indonesian Excel writes ';' because ',' is the decimal separator.
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    if "\t" in sample and sample.count("\t") > sample.count(delimiter):
        delimiter = "\t"
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(content: bytes) -> list[list[object]]:
    import openpyxl  # here, not at the top: it costs a second at every start-up
    from openpyxl.utils import range_boundaries

    # read_only is three times faster on large sheets, but does not report merged cells;
    # those are read from the sheet's XML (<mergeCell ref="A1:J1"/>) instead.
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = archive.read(sheet._worksheet_path).decode("utf-8", "replace")
    finally:
        book.close()
    merges = [range_boundaries(ref) for ref in _MERGE_REF.findall(xml)]
    height = max([len(rows)] + [bottom for _, _, _, bottom in merges])
    width = max([len(r) for r in rows] + [right for _, _, right, _ in merges] + [0])
    rows += [[] for _ in range(height - len(rows))]
    rows = [row + [None] * (width - len(row)) for row in rows]
    for left, top, right, bottom in merges:
        value = rows[top - 1][left - 1]
        for r in range(top - 1, bottom):
            for c in range(left - 1, right):
                rows[r][c] = value
    return rows


_MERGE_REF = re.compile(r'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')


def normalize_header(cell: object) -> str:
    text = str(cell or "").lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def normalize_name(text: object) -> str:
    """For comparing place names: case, punctuation and 'desa'/'kelurahan' prefixes ignored."""
    words = normalize_header(text).split()
    while words and words[0] in {"desa", "kelurahan", "kel", "kecamatan", "kec"}:
        words = words[1:]
    return " ".join(words)


def _match_header(cells: list[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = _ALIAS_TO_FIELD.get(normalize_header(cell))
        if name and name not in found:
            found[name] = index
    return found


def locate_header(rows: list[list[object]]) -> tuple[int, dict[str, int], list[str]] | None:
    """(index of the first data row, field → column index, header texts) or None.

    Handles title rows above the header and two-row headers (`DPT` merged over `L | P | JML`).
    """
    best = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        single = _match_header(row)
        candidates = [(single, index + 1, [str(c or "").strip() for c in row])]
        if index + 1 < len(rows):
            below = rows[index + 1]
            combined = [
                f"{top or ''} {bottom or ''}".strip() if bottom not in (None, "") and top != bottom
                else (top or "")
                for top, bottom in zip(row, below + [None] * (len(row) - len(below)))
            ]
            candidates.append((_match_header(combined), index + 2, [str(c).strip() for c in combined]))
        for found, start, texts in candidates:
            if _is_usable(found) and (best is None or len(found) > len(best[1])):
                best = (start, found, texts)
        if best:
            return best
    return None


def _is_usable(found: dict[str, int]) -> bool:
    has_village = "village_code" in found or "tps_code" in found or {"kecamatan", "desa"} <= found.keys()
    has_number = "tps_number" in found or "tps_code" in found
    return has_village and has_number and {"dpt_men", "dpt_women"} <= found.keys()


# --- validating ----------------------------------------------------------------------------

def parse_tps_table(
    rows: list[list[object]],
    *,
    villages: Mapping[str, Village],
    max_voters: int,
    election_name: str,
    scope_code: str = "",
) -> ParsedTable:
    """Validate every row; a record is returned only for a row without problems."""
    located = locate_header(rows)
    if located is None:
        missing = [COLUMNS["village_code"], COLUMNS["tps_number"], COLUMNS["dpt_men"],
                   COLUMNS["dpt_women"]]
        return ParsedTable([], [Problem(0, "", "missing_columns",
                                        {"columns": ", ".join(missing), "scanned": HEADER_SCAN_ROWS})])
    start, columns, header = located
    by_name = {(normalize_name(v.kecamatan), normalize_name(v.name)): v for v in villages.values()}
    records: list[tuple[int, TPSRecord]] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index in range(start, len(rows)):
        row = rows[index]
        row_number = index + 1
        cells = {name: (row[col] if col < len(row) else None) for name, col in columns.items()}
        if _is_blank_or_total(row, cells):
            continue
        report = _RowReport(row_number, header, columns)
        row_problems = report.problems

        village, number = _village_and_number(cells, villages, by_name, report)
        if village and scope_code and not village.code.startswith(scope_code):
            report("village_code" if "village_code" in columns else "desa", "outside_scope",
                   value=village.code, scope=scope_code)
        men = _count(cells, "dpt_men", report)
        women = _count(cells, "dpt_women", report)
        total = _count(cells, "dpt_total", report, required=False)
        if men is not None and women is not None:
            if total is not None and total != men + women:
                report("dpt_total", "total_mismatch", total=total, men=men, women=women,
                       sum=men + women)
            elif men + women > max_voters:
                report("dpt_total" if "dpt_total" in columns else "dpt_men", "over_max",
                       dpt=men + women, max=max_voters, election=election_name)
        latitude, longitude = _coordinates(cells, report)
        access = _access(cells, report)
        if village and number:
            code = codes.tps_code(village.code, number)
            if code in seen:
                report("tps_number" if "tps_number" in columns else "tps_code", "duplicate_tps",
                       code=code, other_row=seen[code])
            else:
                seen[code] = row_number
        problems.extend(row_problems)
        if not row_problems:
            records.append((row_number, TPSRecord(
                village_code=village.code, number=number, dpt_men=men, dpt_women=women,
                address=_text(cells.get("address")), latitude=latitude, longitude=longitude,
                access=access, travel_notes=_text(cells.get("travel_notes")),
            )))
    if not records and not problems:
        problems.append(Problem(0, "", "empty_file"))
    return ParsedTable(records, problems, header_row=start)


@dataclass
class _RowReport:
    """Collects one row's problems, naming the column as the file's header writes it."""

    row: int
    header: list[str]
    columns: dict[str, int]
    problems: list[Problem] = field(default_factory=list)

    def __call__(self, name: str, problem: str, /, **params) -> None:
        column = self.header[self.columns[name]] if name in self.columns else ""
        self.problems.append(Problem(self.row, column, problem, params))


def _is_blank_or_total(row: list[object], cells: dict) -> bool:
    values = [c for c in row if c not in (None, "") and str(c).strip()]
    if not values:
        return True
    first = normalize_header(values[0])
    return first in {"jumlah", "total", "jumlah total", "grand total", "total keseluruhan"} and not (
        cells.get("tps_number") not in (None, "") and codes.parse_tps_number(cells["tps_number"])
    )


# Text starting with = + - @ is run as a formula by spreadsheet programs (CSV injection). The
# CSV we write puts such text behind an apostrophe, as Excel itself does, and reading removes
# one apostrophe again; text that already starts with apostrophes before such a character gets
# one more in both formats, so every text survives export -> import unchanged.
_FORMULA = re.compile(r"^'*[=+\-@]")
_ESCAPED_FORMULA = re.compile(r"^'+[=+\-@]")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    return text[1:] if _ESCAPED_FORMULA.match(text) else text


def _defused(value: object, *, csv: bool) -> object:
    if isinstance(value, str) and (_ESCAPED_FORMULA.match(value) or csv and _FORMULA.match(value)):
        return "'" + value
    return value


def _village_and_number(cells, villages, by_name, report) -> tuple[Village | None, int | None]:
    village = number = None
    if (raw_tps := cells.get("tps_code")) not in (None, ""):
        split = codes.split_tps_code(str(raw_tps))
        if split is None:
            report("tps_code", "bad_tps_code", value=_text(raw_tps))
            return None, None
        village_code, number = split
        village = villages.get(village_code)
        if village is None:
            report("tps_code", "unknown_village", value=village_code)
    elif (raw_code := cells.get("village_code")) not in (None, ""):
        village_code = codes.normalize_region_code(raw_code)
        if village_code is None or codes.level_of(village_code) != "desa":
            report("village_code", "bad_village_code", value=_text(raw_code))
        elif (village := villages.get(village_code)) is None:
            report("village_code", "unknown_village", value=village_code)
        elif cells.get("desa") not in (None, "") and normalize_name(cells["desa"]) != normalize_name(village.name):
            report("desa", "name_mismatch", code=village_code, known=village.name,
                   value=_text(cells["desa"]))
            village = None
    elif "village_code" in cells and "desa" not in cells:
        report("village_code", "required")
    else:
        kecamatan, desa = cells.get("kecamatan"), cells.get("desa")
        if desa in (None, ""):
            report("desa", "required")
        else:
            village = by_name.get((normalize_name(kecamatan), normalize_name(desa)))
            if village is None:
                report("desa", "unknown_village_name", desa=_text(desa), kecamatan=_text(kecamatan))
    if "tps_code" not in cells or cells.get("tps_code") in (None, ""):
        raw_number = cells.get("tps_number")
        if raw_number in (None, ""):
            report("tps_number", "required")
        elif (number := codes.parse_tps_number(raw_number)) is None:
            report("tps_number", "bad_tps_number", value=_text(raw_number))
    return village, number


def _count(cells, name, report, required=True) -> int | None:
    value = cells.get(name)
    if value in (None, ""):
        if required:
            report(name, "required")
        return None
    if isinstance(value, bool):
        report(name, "not_integer", value=value)
        return None
    if isinstance(value, float):
        if not value.is_integer():
            report(name, "not_integer", value=_text(value))
            return None
        value = int(value)
    if isinstance(value, str):
        text = value.strip().replace(".", "") if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", value.strip()) else value.strip()
        if not re.fullmatch(r"-?\d+", text):
            report(name, "not_integer", value=_text(value))
            return None
        value = int(text)
    if not isinstance(value, int):
        report(name, "not_integer", value=_text(value))
        return None
    if value < 0:
        report(name, "negative", value=value)
        return None
    return value


def _coordinate(cells, name, report) -> float | None:
    value = cells.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        text = str(value).strip().replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            report(name, "bad_coordinate", value=_text(value))
            return None
    if not math.isfinite(number):
        report(name, "bad_coordinate", value=_text(value))
        return None
    return round(number, COORDINATE_DECIMALS)


def _coordinates(cells, report) -> tuple[float | None, float | None]:
    lat = _coordinate(cells, "latitude", report)
    lon = _coordinate(cells, "longitude", report)
    raw_lat, raw_lon = cells.get("latitude"), cells.get("longitude")
    if (raw_lat in (None, "")) != (raw_lon in (None, "")):
        report("latitude" if raw_lat in (None, "") else "longitude", "half_coordinate")
        return None, None
    if lat is None or lon is None:
        return None, None
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        swapped = LAT_RANGE[0] <= lon <= LAT_RANGE[1] and LON_RANGE[0] <= lat <= LON_RANGE[1]
        report("latitude", "swapped_coordinates" if swapped else "outside_indonesia", lat=lat, lon=lon)
        return None, None
    return lat, lon


def _access(cells, report) -> str:
    raw = cells.get("access")
    if raw in (None, ""):
        return "darat"
    value = ACCESS_VALUES.get(normalize_header(raw))
    if value is None:
        report("access", "bad_access", value=_text(raw), choices=", ".join(ACCESS_WRITTEN.values()))
        return "darat"
    return value


# --- comparing and writing -----------------------------------------------------------------

def compare(records: Iterable[TPSRecord], existing: Mapping[str, TPSRecord]) -> Comparison:
    """What saving these records would do to the existing ones (nothing is ever deleted)."""
    result = Comparison([], [], [])
    for record in records:
        before = existing.get(record.code)
        if before is None:
            result.created.append(record)
        elif changes := record.changes_from(before):
            result.updated.append((record, changes))
        else:
            result.unchanged.append(record)
    return result


def table_rows(records: Iterable[TPSRecord], villages: Mapping[str, Village]) -> list[list[object]]:
    """Header plus one row per TPS, in the format read_rows/parse_tps_table accept."""
    rows: list[list[object]] = [list(COLUMNS.values())]
    for r in sorted(records, key=lambda r: r.code):
        village = villages[r.village_code]
        rows.append([r.village_code, village.kecamatan, village.name, f"{r.number:03d}",
                     r.dpt_men, r.dpt_women, r.dpt, r.address,
                     r.latitude, r.longitude, ACCESS_WRITTEN[r.access], r.travel_notes])
    return rows


def write_csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else repr(v) if isinstance(v, float) else _defused(v, csv=True)
                         for v in row])
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(rows: list[list[object]], *, title: str, sheet_name: str = "TPS") -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    sheet.append([title])
    sheet.append([])
    for row in rows:
        sheet.append([_defused(v, csv=False) for v in row])
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            if cell.data_type == "f":  # user text that merely starts with '=' stays text
                cell.data_type = "s"
    header_row = 3
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJKL", (15, 18, 22, 8, 8, 8, 11, 30, 12, 12, 11, 30)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=header_row + 1, min_col=4, max_col=4):
        for cell in row:
            cell.number_format = "@"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
