"""Warehouse stock: imported from XLSX (validate every row, then write all or nothing) and
compared with the needs per item, contest and dapil."""

import io

from django.db import transaction
from django.utils.translation import gettext as _

from siaga.logistics import needs
from siaga.logistics.models import Stock, Warehouse
from siaga.regions.models import Election, Region

COLUMNS = ("item", "contest", "dapil", "quantity")
HEADER_ALIASES = {"barang": "item", "jenis": "contest", "jenis surat suara": "contest",
                  "pemilihan": "contest", "dapil": "dapil", "jumlah": "quantity",
                  "item": "item", "contest": "contest", "quantity": "quantity"}


def lines_of(election: Election, regency: Region) -> list[Stock]:
    return list(Stock.objects.filter(warehouse__election=election, warehouse__region=regency))


def import_xlsx(election: Election, regency: Region, content: bytes) -> tuple[int, list[dict]]:
    """(lines written, problems). Problems are {row, column, reason} in the active language;
    when there is any, nothing is written."""
    from openpyxl import load_workbook

    warehouse = Warehouse.objects.filter(election=election, region=regency).first()
    if warehouse is None:
        return 0, [{"row": 0, "column": "", "reason": _("This regency has no warehouse yet.")}]
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # noqa: BLE001 - any reader failure is the user's file
        return 0, [{"row": 0, "column": "", "reason": _("The file cannot be read as XLSX (%(e)s).")
                    % {"e": str(exc) or type(exc).__name__}}]
    problems, parsed = [], {}
    header_at = next((i for i, r in enumerate(rows)
                      if sum(str(c or "").strip().lower() in HEADER_ALIASES for c in r) >= 3), None)
    if header_at is None:
        return 0, [{"row": 1, "column": "", "reason": _(
            "No header row with the columns item (barang), contest (jenis), dapil, quantity (jumlah).")}]
    columns = {HEADER_ALIASES[str(c).strip().lower()]: i for i, c in enumerate(rows[header_at])
               if str(c or "").strip().lower() in HEADER_ALIASES}
    for missing in set(COLUMNS) - set(columns):
        problems.append({"row": header_at + 1, "column": missing,
                         "reason": _("Column '%(c)s' is missing.") % {"c": missing}})
    if problems:
        return 0, problems
    known = set(needs.DEFAULT_ITEMS) | {needs.BALLOT}
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        value = {c: row[i] if i < len(row) else None for c, i in columns.items()}
        if all(v in (None, "") for v in value.values()):
            continue
        item = str(value["item"] or "").strip()
        if item not in known:
            problems.append({"row": number, "column": "item", "reason": _(
                "Unknown item '%(item)s' (e.g. ballot, ballot_box, booth, ink).") % {"item": item}})
        try:
            quantity = int(value["quantity"])
            if quantity < 0:
                problems.append({"row": number, "column": "quantity", "reason": _(
                    "Stock cannot be negative (%(q)s).") % {"q": quantity}})
        except (TypeError, ValueError):
            problems.append({"row": number, "column": "quantity", "reason": _(
                "'%(v)s' is not a whole number.") % {"v": value["quantity"]}})
            continue
        key = (item, str(value["contest"] or "").strip(), str(value["dapil"] or "").strip())
        if key in parsed:
            problems.append({"row": number, "column": "item", "reason": _(
                "The same item, contest and dapil appear twice.")})
        parsed[key] = quantity
    if problems:
        return 0, problems
    with transaction.atomic():
        for (item, contest, dapil), quantity in parsed.items():
            line = Stock.objects.filter(warehouse=warehouse, item=item, contest=contest,
                                        dapil=dapil).first() or Stock(
                warehouse=warehouse, item=item, contest=contest, dapil=dapil)
            line.quantity = quantity
            line.save()  # one by one: each change is audited
    return len(parsed), []


def compare(election: Election, regency: Region, required: tuple[needs.Line, ...]) -> list[dict]:
    """Ballots per contest and dapil (with the PSU reserve) and every other item: needed,
    in stock, short. Empty when no stock has been entered."""
    held = {(s.item, s.contest, s.dapil): s.quantity for s in lines_of(election, regency)}
    if not held:
        return []
    wanted: dict[tuple[str, str, str], int] = {}
    for line in required:
        key = line.key if line.item == needs.BALLOT else (line.item, "", "")
        wanted[key] = wanted.get(key, 0) + line.quantity
    return [{"item": item, "contest": contest, "dapil": dapil, "need": need,
             "stock": held.get((item, contest, dapil), 0),
             "short": max(0, need - held.get((item, contest, dapil), 0))}
            for (item, contest, dapil), need in sorted(wanted.items())]
