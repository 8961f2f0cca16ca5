"""Shipments per leg, receipts checked against the packing list, alerts with what to send
where, and the board per kecamatan. The checking itself is `needs.check_bundles` (pure)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siaga.logistics import needs, registry
from siaga.logistics.models import Alert, DistributionPlan, Receipt, Shipment, ShipmentEvent
from siaga.logistics.plans import clock
from siaga.problems import gettext_noop
from siaga.regions.models import Election, Level, Region

RECEIVED = (Shipment.Status.RECEIVED, Shipment.Status.CHECKED)


@transaction.atomic
def sync(election: Election, regency: Region, plan: DistributionPlan | None = None) -> int:
    """One shipment per PPK, PPS and TPS of the regency, expecting its packing list's ballot
    bundles; planned arrival and deadline from `plan` when given. Returns shipments created."""
    nd, _rules = registry.needs_for(election, regency.code)
    names = dict(Region.objects.within(regency).values_list("code", "name"))
    existing = {s.destination: s for s in Shipment.objects.filter(
        election=election, destination__startswith=regency.code)}
    wanted = []
    for level, attr in (("ppk", "kecamatan"), ("pps", "village"), ("tps", "tps")):
        groups: dict[str, list] = defaultdict(list)
        for n in nd.per_tps:
            groups[getattr(n, attr)].extend(
                [n.tps, line.contest, line.dapil, line.quantity]
                for line in n.lines if line.item == needs.BALLOT)
        for code, bundles in groups.items():
            origin = {"ppk": regency.code, "pps": code[:8], "tps": code.split("-")[0]}[level]
            name = f"TPS {code[-3:]} {names.get(code.split('-')[0], '')}" if level == "tps" \
                else names.get(code, code)
            wanted.append((level, code, origin, name, bundles))
    created = 0
    for level, code, origin, name, bundles in wanted:
        shipment = existing.get(code)
        if shipment is None:
            shipment = Shipment(election=election, level=level, destination=code, origin=origin)
            created += 1
        shipment.destination_name, shipment.expected = name, bundles
        if plan is not None and plan.status == plan.Status.DONE:
            shipment.planned_arrival = clock(plan, plan.result["arrivals"].get(code))
            shipment.deadline = clock(plan, plan.result["deadlines"].get(code))
        shipment.save()
    return created


def move(shipment: Shipment, status: str, user, note: str = "") -> bool:
    """Move a shipment forward (never back); False when it is already there or beyond."""
    if not shipment.may_move_to(status):
        return False
    shipment.status, shipment.updated_by = status, user
    shipment.save()
    ShipmentEvent.objects.create(shipment=shipment, status=status, by=user, note=note)
    return True


@dataclass
class ReceiptInput:
    """What a receiver counted: per bundle the dapil on its label and the count, and how many
    sheets were damaged."""

    bundles: list[dict]  # {tps, contest, dapil, quantity, damaged}
    items: dict = field(default_factory=dict)
    note: str = ""


def receive(shipment: Shipment, data: ReceiptInput, user, client_id: str) -> tuple[Receipt, bool]:
    """Store a receipt and raise its alerts, once per client id: a retry returns the receipt
    already stored (and False). The shipment becomes `received` while an alert is open,
    else `checked`."""
    if found := Receipt.objects.filter(client_id=client_id).first():
        return found, False
    try:
        with transaction.atomic():
            receipt = Receipt.objects.create(shipment=shipment, client_id=client_id,
                                             created_by=user, bundles=data.bundles,
                                             items=data.items, note=data.note)
            alerts = alerts_for(shipment, receipt)
            for alert in alerts:
                alert.save()  # one by one: each is audited
            move(shipment, Shipment.Status.RECEIVED, user)
            if not alerts:
                move(shipment, Shipment.Status.CHECKED, user)
    except IntegrityError:  # the same client id raced in from a second request
        return Receipt.objects.get(client_id=client_id), False
    return receipt, True


def alerts_for(shipment: Shipment, receipt: Receipt) -> list[Alert]:
    """Compare the receipt with the packing list. A swapped bundle is one alert (send the right
    dapil, return the wrong one), not also a shortage; damaged sheets are sent again."""
    expected = {(t, c): q for t, c, _d, q in shipment.expected}
    dapils: dict[str, dict[str, str]] = defaultdict(dict)
    for t, c, d, _q in shipment.expected:
        dapils[t][c] = d
    tps_list = [needs.TPS(t, 0, d) for t, d in sorted(dapils.items())]
    contests = sorted({c for _t, c, _d, _q in shipment.expected})
    rules = needs.Rules(contests=tuple(needs.Contest(c, c) for c in contests), items={},
                        item_rules=())
    bundles = [needs.Bundle(b["tps"], b["contest"], b["dapil"], int(b["quantity"]))
               for b in receipt.bundles]
    problems = needs.check_bundles(bundles, tps_list, rules, expected=expected)
    swapped = {(p.params["tps"], p.params["contest"]): p for p in problems
               if p.code == "wrong_dapil"}
    short = {(p.params["tps"], p.params["contest"]): p for p in problems if p.code == "short"}
    send_from = shipment.destination[:5]  # the regency warehouse holds the spare ballots
    alerts = []
    for p in problems:
        key = (p.params.get("tps"), p.params.get("contest"))
        if p.code == "short" and key in swapped:
            continue  # the swapped bundle's alert carries the replacement
        quantity = {"wrong_dapil": short[key].params["missing"] if key in short else 0,
                    "short": p.params.get("missing", 0)}.get(p.code, 0)
        dapil = dapils.get(key[0], {}).get(key[1], "")
        alerts.append(Alert(shipment=shipment, receipt=receipt, code=p.code, params=p.params,
                            tps=key[0] or "", contest=key[1] or "", dapil=dapil,
                            quantity=quantity, send_from=send_from if quantity else ""))
    for b in receipt.bundles:
        if int(b.get("damaged") or 0) > 0:
            alerts.append(Alert(shipment=shipment, receipt=receipt, code="damaged",
                                params={"tps": b["tps"], "contest": b["contest"],
                                        "damaged": int(b["damaged"])},
                                tps=b["tps"], contest=b["contest"],
                                dapil=dapils.get(b["tps"], {}).get(b["contest"], ""),
                                quantity=int(b["damaged"]), send_from=send_from))
    return alerts


ALERT_MESSAGES = {
    "damaged": gettext_noop("TPS %(tps)s, %(contest)s: %(damaged)s ballots damaged."),
}


def alert_text(alert: Alert) -> str:
    template = needs.MESSAGES.get(alert.code) or ALERT_MESSAGES[alert.code]
    return _(template) % alert.params


def remedy_text(alert: Alert, warehouse_name: str) -> str:
    """What to send where (and what to send back)."""
    parts = []
    if alert.quantity:
        parts.append(_("Send %(n)s ballots %(contest)s dapil %(dapil)s from %(src)s to TPS "
                       "%(tps)s.") % {"n": alert.quantity, "contest": alert.contest,
                                       "dapil": alert.dapil, "src": warehouse_name,
                                       "tps": alert.tps})
    if alert.code == "wrong_dapil":
        parts.append(_("Return the %(n)s ballots of dapil %(found)s to %(src)s.") % {
            "n": alert.params["quantity"], "found": alert.params["found"], "src": warehouse_name})
    if alert.code == "surplus":
        parts.append(_("Return %(n)s surplus ballots to %(src)s.") % {
            "n": alert.params["extra"], "src": warehouse_name})
    return " ".join(parts)


def set_alert_status(alert: Alert, status: str, user, note: str = "") -> None:
    """Request, fulfil or close; the shipment is checked when no alert of it is open."""
    alert.status, alert.updated_by = status, user
    if note:
        alert.note = note
    alert.save()
    shipment = alert.shipment
    if not shipment.alerts.filter(status__in=[Alert.Status.OPEN, Alert.Status.REQUESTED]).exists():
        move(shipment, Shipment.Status.CHECKED, user, note=_("all problems resolved"))


# --- the board -----------------------------------------------------------------------------

@dataclass
class BoardRow:
    code: str
    name: str
    tps: int = 0
    received: int = 0
    checked: int = 0
    late: int = 0
    open_alerts: int = 0

    @property
    def received_pct(self) -> float:
        return 100 * self.received / self.tps if self.tps else 0.0

    @property
    def checked_pct(self) -> float:
        return 100 * self.checked / self.tps if self.tps else 0.0


def board(election: Election, region: Region, now: datetime.datetime | None = None
          ) -> tuple[list[BoardRow], BoardRow]:
    """Per child region (kecamatan under a regency, desa under a kecamatan): TPS whose goods
    were received and checked, shipments late (past their deadline, not yet arrived), open
    alerts. The last value is the region's total."""
    now = now or timezone.now()
    child_level = {Level.KABKOTA: Level.KECAMATAN, Level.KECAMATAN: Level.DESA}.get(
        region.level, Level.KECAMATAN)
    width = 8 if child_level == Level.KECAMATAN else 13
    children = {r.code: BoardRow(r.code, r.name) for r in Region.objects.within(region)
                .filter(level=child_level).order_by("code")}
    total = BoardRow(region.code, region.name)
    shipments = Shipment.objects.filter(election=election, destination__startswith=region.code)
    for s in shipments.values("level", "destination", "status", "deadline"):
        row = children.get(s["destination"][:width])
        if row is None:
            continue
        late = (s["deadline"] is not None and s["deadline"] < now
                and Shipment.ORDER.index(s["status"]) < Shipment.ORDER.index("arrived"))
        for r in (row, total):
            r.late += late
            if s["level"] == "tps":
                r.tps += 1
                r.received += s["status"] in RECEIVED
                r.checked += s["status"] == Shipment.Status.CHECKED
    for dest in (Alert.objects.filter(shipment__in=shipments,
                                      status__in=[Alert.Status.OPEN, Alert.Status.REQUESTED])
                 .values_list("shipment__destination", flat=True)):
        if row := children.get(dest[:width]):
            row.open_alerts += 1
            total.open_alerts += 1
    return [r for r in children.values() if r.tps or r.late or r.open_alerts], total
