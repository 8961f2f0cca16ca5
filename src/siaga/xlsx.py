"""The spreadsheets officials exchange: a title row, a bold header, the rows (pure: openpyxl,
loaded on first use because it costs a second at start-up)."""

import io


def new_book():
    """An empty workbook: every sheet comes from add_table."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    return book


def add_table(book, name: str, *, title: str | None, header: list[str], rows):
    """A sheet with an optional title above a bold header row; panes frozen below the header."""
    from openpyxl.styles import Font

    sheet = book.create_sheet(name)
    if title:
        sheet.append([title])
        sheet.append([])
    sheet.append(header)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    return sheet


def to_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
