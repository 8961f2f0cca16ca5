"""Warehouse stock: imported from XLSX (validate every row, then write all or nothing) and
compared with the needs per item, contest and dapil."""

from django.db import transaction
from django.utils.translation import gettext as _

from siaga.logistics import needs
from siaga.logistics.models import Stock, TravelTime, Vehicle, Warehouse
from siaga.regions.models import TPS, Election, Region
from siaga.tables import read_table, whole_number

COLUMNS = ("item", "contest", "dapil", "quantity")
HEADER_ALIASES = {"barang": "item", "jenis": "contest", "jenis surat suara": "contest",
                  "pemilihan": "contest", "dapil": "dapil", "jumlah": "quantity",
                  "item": "item", "contest": "contest", "quantity": "quantity"}


def lines_of(election: Election, regency: Region) -> list[Stock]:
    return list(Stock.objects.filter(warehouse__election=election, warehouse__region=regency))


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
