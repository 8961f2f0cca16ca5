"""Reading user spreadsheets: the rows under a recognised header, and cells checked one by
one, with problems as {row, column, reason} in the active language (imports write nothing
when there is any)."""

import io

from django.utils.translation import gettext as _


def read_table(content: bytes, aliases: dict[str, str], required: tuple[str, ...]
               ) -> tuple[list[tuple[int, dict]], list[dict]]:
    """The rows of the first sheet (XLSX) or of a CSV file (comma or semicolon) under its
    header row as (row number, {column: value}), blank rows skipped; or problems ({row,
    column, reason}) when the file or header is wrong."""
    try:
        rows = _xlsx_rows(content) if content[:2] == b"PK" else _csv_rows(content)
    except Exception as exc:  # noqa: BLE001 - any reader failure is the user's file
        return [], [{"row": 0, "column": "", "reason": _("The file cannot be read as XLSX or "
                                                         "CSV (%(e)s).")
                     % {"e": str(exc) or type(exc).__name__}}]

    def names(row):
        return [str(c or "").strip().lower() for c in row]

    header_at = next((i for i, r in enumerate(rows)
                      if sum(n in aliases for n in names(r)) >= len(required)), None)
    if header_at is None:
        return [], [{"row": 1, "column": "", "reason": _("No header row with the columns %(c)s.")
                     % {"c": ", ".join(required)}}]
    columns = {aliases[n]: i for i, n in enumerate(names(rows[header_at])) if n in aliases}
    problems = [{"row": header_at + 1, "column": c, "reason": _("Column '%(c)s' is missing.")
                 % {"c": c}} for c in required if c not in columns]
    table = []
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        value = {c: row[i] if i < len(row) else None for c, i in columns.items()}
        if not all(v in (None, "") for v in value.values()):
            table.append((number, value))
    return table, problems


def whole_number(value, number: int, column: str, problems: list, *, minimum: int = 0):
    """The cell as an int ≥ minimum, or None with the problem recorded."""
    try:
        result = int(value)
        if result != float(value):
            raise ValueError
    except (TypeError, ValueError):
        problems.append({"row": number, "column": column,
                         "reason": _("'%(v)s' is not a whole number.") % {"v": value}})
        return None
    if result < minimum:
        problems.append({"row": number, "column": column, "reason": (
            _("Stock cannot be negative (%(q)s).") if column == "quantity"
            else _("'%(v)s' must be at least %(min)s.")) % {"q": result, "v": result,
                                                            "min": minimum}})
        return None
    return result


def _xlsx_rows(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _csv_rows(content: bytes) -> list[list]:
    import csv

    text = content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    return [row for row in csv.reader(io.StringIO(text), dialect)]

