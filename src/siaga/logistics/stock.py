"""Warehouse stock: imported from XLSX (validate every row, then write all or nothing) and
compared with the needs per item, contest and dapil."""

import io

from django.db import transaction
from django.utils.translation import gettext as _

from siaga.logistics import needs
from siaga.logistics.models import Stock, TravelTime, Vehicle, Warehouse
from siaga.regions.models import TPS, Election, Region

COLUMNS = ("item", "contest", "dapil", "quantity")
HEADER_ALIASES = {"barang": "item", "jenis": "contest", "jenis surat suara": "contest",
                  "pemilihan": "contest", "dapil": "dapil", "jumlah": "quantity",
                  "item": "item", "contest": "contest", "quantity": "quantity"}


def lines_of(election: Election, regency: Region) -> list[Stock]:
    return list(Stock.objects.filter(warehouse__election=election, warehouse__region=regency))


def read_table(content: bytes, aliases: dict[str, str], required: tuple[str, ...]
               ) -> tuple[list[tuple[int, dict]], list[dict]]:
    """The rows of the first sheet under its header row as (row number, {column: value}),
    blank rows skipped; or problems ({row, column, reason}) when the file or header is wrong."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # noqa: BLE001 - any reader failure is the user's file
        return [], [{"row": 0, "column": "", "reason": _("The file cannot be read as XLSX (%(e)s).")
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


def import_xlsx(election: Election, regency: Region, content: bytes) -> tuple[int, list[dict]]:
    """(lines written, problems). Problems are {row, column, reason} in the active language;
    when there is any, nothing is written."""
    warehouse = Warehouse.objects.filter(election=election, region=regency).first()
    if warehouse is None:
        return 0, [{"row": 0, "column": "", "reason": _("This regency has no warehouse yet.")}]
    table, problems = read_table(content, HEADER_ALIASES, COLUMNS)
    if problems:
        return 0, problems
    known = set(needs.DEFAULT_ITEMS) | {needs.BALLOT}
    parsed = {}
    for number, value in table:
        item = str(value["item"] or "").strip()
        if item not in known:
            problems.append({"row": number, "column": "item", "reason": _(
                "Unknown item '%(item)s' (e.g. ballot, ballot_box, booth, ink).") % {"item": item}})
        quantity = whole_number(value["quantity"], number, "quantity", problems)
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


TRAVEL_ALIASES = {"dari": "origin", "ke": "destination", "menit": "minutes", "km": "km",
                  "moda": "mode", "from": "origin", "to": "destination", "minutes": "minutes",
                  "mode": "mode"}


def import_travel_times(election: Election, regency: Region, content: bytes
                        ) -> tuple[int, list[dict]]:
    """Known travel times (from, to, minutes[, km][, mode]) between sites of the regency: every
    code must be the regency, one of its kecamatan or desa, or one of its TPS."""
    table, problems = read_table(content, TRAVEL_ALIASES, ("origin", "destination", "minutes"))
    if problems:
        return 0, problems
    sites = set(Region.objects.within(regency).values_list("code", flat=True)) | set(
        TPS.objects.filter(election=election, code__startswith=regency.code)
        .values_list("code", flat=True))
    modes = {m for m, _label in Vehicle.Mode.choices}
    parsed = {}
    for number, value in table:
        codes = {}
        for column in ("origin", "destination"):
            codes[column] = str(value[column] or "").strip()
            if codes[column] not in sites:
                problems.append({"row": number, "column": column, "reason": _(
                    "Unknown code '%(code)s': not the regency, nor one of its kecamatan, desa "
                    "or TPS.") % {"code": codes[column]}})
        minutes = whole_number(value["minutes"], number, "minutes", problems, minimum=1)
        km = value.get("km")
        if km not in (None, ""):
            try:
                km = float(km)
                if km < 0:
                    raise ValueError
            except (TypeError, ValueError):
                problems.append({"row": number, "column": "km", "reason": _(
                    "'%(v)s' is not a distance in km.") % {"v": km}})
        else:
            km = None
        mode = str(value.get("mode") or "").strip().lower()
        if mode and mode not in modes:
            problems.append({"row": number, "column": "mode", "reason": _(
                "Unknown mode '%(m)s' (truck, pickup, boat, motorbike, foot).") % {"m": mode}})
        parsed[(codes["origin"], codes["destination"], mode)] = (minutes, km)
    if problems:
        return 0, problems
    with transaction.atomic():
        for (origin, destination, mode), (minutes, km) in parsed.items():
            TravelTime.objects.update_or_create(
                election=election, origin=origin, destination=destination, mode=mode,
                defaults={"minutes": minutes, "km": km})
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
