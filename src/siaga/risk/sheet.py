"""The kerawanan sheet Bawaslu field staff fill in: one row per TPS, one column per indicator.

Pure: no Django. Takes rows of cells (as `siaga.regions.tps_table.read_rows` gives them), the
catalogue and the TPS codes the caller knows; returns one assessment per good row and every
problem found (row, column, message code and values). Nothing is written: the caller shows the
problems and commits all or nothing.

Accepted cells: yes = `ya`, `y`, `1`, `v`, `x`, `✓`/`✔`/`√`, `ada`, `true`; no = `tidak`, `t`,
`tdk`, `0`, `-`, `tidak ada`, `false`, or an empty cell. Anything else (a count such as `3`,
`mungkin`) is reported: guessing would put a wrong grade on a TPS.
"""

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from siaga import problems
from siaga.problems import gettext_noop
from siaga.regions import codes
from siaga.regions.tps_table import ALIASES, HEADER_SCAN_ROWS, normalize_header
from siaga.risk.catalogue import Catalogue

MESSAGES = {
    "missing_columns": gettext_noop(
        "No header row with a TPS column (Kode TPS, or Kode Desa and No TPS) and at least one "
        "indicator column found in the first %(scanned)s rows."
    ),
    "empty_file": gettext_noop("The sheet contains no TPS rows."),
    "unreadable": gettext_noop("The file cannot be read as CSV or XLSX: %(reason)s"),
    "unknown_indicator": gettext_noop(
        "Column '%(header)s' is not an indicator of %(catalogue)s."
    ),
    "duplicate_indicator": gettext_noop(
        "Column '%(header)s' is indicator %(indicator)s again (also column '%(other)s')."
    ),
    "required": gettext_noop("Empty; this column is required."),
    "bad_tps_code": gettext_noop("'%(value)s' is not a TPS code (e.g. 62.13.01.2003-003)."),
    "bad_village_code": gettext_noop(
        "'%(value)s' is not a desa/kelurahan code (e.g. 62.13.01.2003)."
    ),
    "bad_tps_number": gettext_noop("'%(value)s' is not a TPS number (1-999)."),
    "unknown_tps": gettext_noop("TPS %(code)s is not known."),
    "duplicate_tps": gettext_noop("TPS %(code)s appears twice (also in row %(other_row)s)."),
    "unreadable_value": gettext_noop(
        "'%(value)s' is not yes or no; write ya/tidak, y/t, 1/0, v, x or leave it empty."
    ),
}

YES = {"ya", "y", "1", "v", "x", "ada", "true", "yes", "iya", "benar", "rawan"}
NO = {"", "tidak", "t", "tdk", "0", "tidak ada", "ga", "gak", "no", "n", "false", "bukan",
      "tidak rawan"}
YES_MARKS = {"✓", "✔", "√", "☑", "✅", "✗", "✘"}  # ✗ is how some sheets tick a box
NO_MARKS = {"-", "–", "—", "☐"}

# Identification columns, matched with tps_table's aliases; other columns the sheet may carry
# (numbering, names, notes) are read past silently, anything else must be an indicator.
_ID_FIELDS = ("tps_code", "village_code", "tps_number")
_IGNORED_FIELDS = ("kecamatan", "desa", "address", "latitude", "longitude", "access",
                   "travel_notes", "dpt_men", "dpt_women", "dpt_total")
_IGNORED_HEADERS = {"no urut", "nomor urut", "no", "nama pengawas", "pengawas", "ptps",
                    "nama ptps", "petugas", "sumber", "tanggal", "keterangan lain", "foto",
                    "bukti", "kabupaten", "kota", "kabupaten kota", "provinsi", "nama tps",
                    "jumlah indikator", "jumlah", "total", "skor"}
_NUMBERING = re.compile(r"^(?:[a-z]|\d+(?: \d+)*)\s+(?=\S)")  # "1 ", "1 2 ", "a " before the name


@dataclass(frozen=True)
class Problem(problems.Problem):
    """A problem with a cell: `row` as the spreadsheet numbers it (0 = the whole sheet),
    `column` the header as written ("" = the whole row)."""

    messages = MESSAGES

    row: int = 0
    column: str = ""


@dataclass(frozen=True)
class Assessment:
    row: int
    tps_code: str
    present: frozenset[str]  # indicator codes marked yes
    assessed: frozenset[str]  # indicator codes the sheet has a column for


@dataclass
class ParsedSheet:
    assessments: list[Assessment]
    problems: list[Problem]
    indicator_columns: dict[str, str] = field(default_factory=dict)  # code -> header as written
    missing_indicators: tuple[str, ...] = ()  # catalogue codes without a column
    header_row: int = 0  # the spreadsheet row number of the (last) header row

    @property
    def ok(self) -> bool:
        return not self.problems


def read_cell(value: object) -> bool | None:
    """True for yes, False for no (including empty), None when it is neither."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, (int, float)):
        return {0: False, 1: True}.get(value) if float(value).is_integer() else None
    text = str(value).strip()
    if text in YES_MARKS:
        return True
    if text in NO_MARKS:
        return False
    normalized = normalize_header(text)
    if normalized in YES:
        return True
    if normalized in NO:
        return False
    return None


class _IndicatorNames:
    """Lenient header -> indicator code: code, name or alias, ignoring case, punctuation,
    numbering ("1.", "a)") and spacing; a near spelling only when it points at one indicator."""

    def __init__(self, catalogue: Catalogue):
        self.exact: dict[str, str] = {}
        for ind in catalogue.indicators:
            for text in (ind.code, ind.name, *ind.aliases):
                key = normalize_header(text)
                self.exact.setdefault(key, ind.code)
                self.exact.setdefault(key.replace(" ", ""), ind.code)
        self.names = {normalize_header(ind.name): ind.code for ind in catalogue.indicators}

    def match(self, header: str) -> str | None:
        key = normalize_header(header)
        if not key:
            return None
        candidates = [key, _NUMBERING.sub("", key)]
        for candidate in candidates:
            for form in (candidate, candidate.replace(" ", "")):
                if form in self.exact:
                    return self.exact[form]
        close = difflib.get_close_matches(candidates[-1], list(self.names), n=2, cutoff=0.85)
        if len(close) == 1 or (len(close) == 2 and self.names[close[0]] == self.names[close[1]]):
            return self.names[close[0]]
        return None


def _id_field(header: str) -> tuple[str, int] | None:
    """(field, rank) when the header names a TPS identification column; lower rank = surer."""
    key = normalize_header(header)
    for name in _ID_FIELDS:
        if key in ALIASES[name]:
            return name, ALIASES[name].index(key)
    return None


def _is_ignored(header: str) -> bool:
    key = normalize_header(header)
    return not key or key in _IGNORED_HEADERS or any(key in ALIASES[f] for f in _IGNORED_FIELDS)


@dataclass
class _Layout:
    start: int  # index of the first data row
    header: list[str]  # per column, the header text as we show it
    ids: dict[str, int]  # identification field -> column
    indicators: dict[int, str]  # column -> indicator code
    unknown: list[int]  # columns that are neither
    duplicates: list[tuple[int, int]]  # (column, column it repeats)


def _read_header(texts: list[list[str]], names: _IndicatorNames, start: int) -> _Layout | None:
    """Each column is read from the most specific of the header texts given for it (the lower
    row of a two-row header first, then both rows together, then the upper row)."""
    width = max(len(t) for t in texts)
    header, ids, ranks, indicators, unknown, duplicates = [], {}, {}, {}, [], []
    seen: dict[str, int] = {}
    for col in range(width):
        options = [t[col] for t in texts if col < len(t) and t[col]]
        shown = options[0] if options else ""
        header.append(shown)
        id_hit = next((hit for o in options if (hit := _id_field(o))), None)
        code = None if id_hit else next((c for o in options if (c := names.match(o))), None)
        if id_hit:
            name, rank = id_hit
            if name not in ids or rank < ranks[name]:
                ids[name], ranks[name] = col, rank
        elif code:
            if code in seen:
                duplicates.append((col, seen[code]))
            else:
                seen[code] = col
                indicators[col] = code
        elif options and not any(_is_ignored(o) for o in options):
            unknown.append(col)
    usable = "tps_code" in ids or {"village_code", "tps_number"} <= ids.keys()
    if not usable or not indicators:
        return None
    return _Layout(start, header, ids, indicators, unknown, duplicates)


def _locate(rows: list[list[object]], names: _IndicatorNames) -> _Layout | None:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        top = [_text(c) for c in row]
        single = _read_header([top], names, index + 1)
        if index + 1 < len(rows):
            below = [_text(c) for c in rows[index + 1]]
            both = [f"{t} {b}".strip() if b and t != b else t
                    for t, b in zip(top + [""] * (len(below) - len(top)), below)]
            # A variable name merged over its indicators: the lower row names the indicator.
            # Taken only when it reads more indicators, so a first data row is never a header.
            double = _read_header([below, both, top], names, index + 2)
            if double and (single is None or len(double.indicators) > len(single.indicators)):
                return double
        if single:
            return single
    return None


def parse_sheet(rows: list[list[object]], *, catalogue: Catalogue,
                known_tps: Collection[str]) -> ParsedSheet:
    """Validate every cell of a kerawanan sheet; an assessment is returned only for a row
    without problems, and the caller should commit nothing while `problems` is not empty."""
    names = _IndicatorNames(catalogue)
    layout = _locate(rows, names)
    if layout is None:
        return ParsedSheet([], [Problem("missing_columns", {"scanned": HEADER_SCAN_ROWS})])
    header_row = layout.start  # 1-based number of the last header row
    found: list[Problem] = []
    for col in layout.unknown:
        found.append(Problem("unknown_indicator", {"header": layout.header[col],
                                                   "catalogue": catalogue.name},
                             row=header_row, column=layout.header[col]))
    for col, other in layout.duplicates:
        found.append(Problem("duplicate_indicator",
                             {"header": layout.header[col], "indicator": layout.indicators[other],
                              "other": layout.header[other]},
                             row=header_row, column=layout.header[col]))
    assessed = frozenset(layout.indicators.values())
    known = known_tps if isinstance(known_tps, (set, frozenset, dict)) else set(known_tps)
    assessments: list[Assessment] = []
    seen: dict[str, int] = {}
    for index in range(layout.start, len(rows)):
        row = rows[index]
        number = index + 1
        if _is_blank_or_total(row, layout):
            continue
        row_problems: list[Problem] = []

        def report(col: int | None, message: str, /, **params) -> None:
            column = layout.header[col] if col is not None else ""
            row_problems.append(Problem(message, params, row=number, column=column))

        tps = _tps_code(row, layout, report)
        if tps is not None:
            column = layout.ids.get("tps_code", layout.ids.get("tps_number"))
            if tps not in known:
                report(column, "unknown_tps", code=tps)
            elif tps in seen:
                report(column, "duplicate_tps", code=tps, other_row=seen[tps])
            else:
                seen[tps] = number
        present = set()
        for col, code in layout.indicators.items():
            value = row[col] if col < len(row) else None
            answer = read_cell(value)
            if answer is None:
                report(col, "unreadable_value", value=_text(value))
            elif answer:
                present.add(code)
        found.extend(row_problems)
        if not row_problems and tps is not None:
            assessments.append(Assessment(number, tps, frozenset(present), assessed))
    if not assessments and not found:
        found.append(Problem("empty_file"))
    return ParsedSheet(
        assessments, found,
        indicator_columns={code: layout.header[col] for col, code in layout.indicators.items()},
        missing_indicators=tuple(c for c in catalogue.codes if c not in assessed),
        header_row=header_row,
    )


def _cell(row: list[object], col: int | None) -> object:
    return row[col] if col is not None and col < len(row) else None


def _tps_code(row, layout: _Layout, report) -> str | None:
    raw = _cell(row, layout.ids.get("tps_code"))
    if raw not in (None, ""):
        split = codes.split_tps_code(_text(raw))
        if split is None:
            report(layout.ids["tps_code"], "bad_tps_code", value=_text(raw))
            return None
        return codes.tps_code(*split)
    village_col, number_col = layout.ids.get("village_code"), layout.ids.get("tps_number")
    raw_number = _cell(row, number_col)
    # Some sheets put the whole TPS code in the "TPS" column.
    if raw_number not in (None, "") and (split := codes.split_tps_code(_text(raw_number))):
        return codes.tps_code(*split)
    if village_col is None:
        report(layout.ids.get("tps_code"), "required")
        return None
    raw_village = _cell(row, village_col)
    village = codes.normalize_region_code(raw_village) if raw_village not in (None, "") else None
    ok = True
    if raw_village in (None, ""):
        report(village_col, "required")
        ok = False
    elif village is None or codes.level_of(village) != "desa":
        report(village_col, "bad_village_code", value=_text(raw_village))
        ok = False
    if raw_number in (None, ""):
        report(number_col, "required")
        return None
    tps_number = codes.parse_tps_number(raw_number)
    if tps_number is None:
        report(number_col, "bad_tps_number", value=_text(raw_number))
        return None
    return codes.tps_code(village, tps_number) if ok else None


def _is_blank_or_total(row: list[object], layout: _Layout) -> bool:
    values = [c for c in row if c not in (None, "") and str(c).strip()]
    if not values:
        return True
    # "Jumlah" can never be a TPS code, so a row starting with it is the sheet's totals.
    return normalize_header(values[0]) in {"jumlah", "total", "jumlah total", "grand total",
                                           "total keseluruhan"}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())
