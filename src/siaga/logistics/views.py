"""Logistics pages: needs and packing lists, fleet and stock, distribution plans (the floor
game), shipments with receipts, and the board per kecamatan."""

import uuid
from collections import defaultdict

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from siaga import xlsx
from siaga.accounts.scope import profile_of, require, scope_code
from siaga.logistics import charts, needs, plans, registry, shipments, stock
from siaga.logistics.models import Alert, DistributionPlan, Shipment, TravelTime, Vehicle
from siaga.logistics.scenario_forms import ScenarioChecks
from siaga.logistics.tasks import run_plan
from siaga.regions.models import Level, Region
from siaga.regions.views import breadcrumb, election_for, region_for
from siaga.taskruns import status_fragment

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _regency(request):
    """The regency of the chosen region (distribution is planned per KPU warehouse), or None
    when a province or the nation is chosen."""
    region = region_for(request)
    if region.level == Level.PROVINSI:
        return region, None
    return region, plans.regency_of(region)


def item_name(line: needs.Line, rules: needs.Rules) -> str:
    item = needs.item_for(line, rules.items)
    return item.name if line.item != needs.BALLOT else f"{item.name} {line.contest}"


# --- needs and packing lists --------------------------------------------------------------

@require_GET
def needs_view(request):
    region, regency = _regency(request)
    election = election_for(request)
    context = {"region": region, "election": election, "breadcrumb": breadcrumb(request, region),
               "regency": regency}
    if regency is None:
        return render(request, "logistics/needs.html", context)
    nd, rules, bundle_problems = registry.dapil_check(election, region.code)
    child_width = 8 if region.level == Level.KABKOTA else 13
    names = dict(Region.objects.within(region).values_list("code", "name"))
    children = defaultdict(lambda: {"tps": 0, "ballots": 0, "volume": 0.0, "weight": 0.0})
    for n in nd.per_tps:
        code = n.tps[:child_width] if child_width == 8 else n.village
        row = children[code]
        row["tps"] += 1
        row["ballots"] += sum(li.quantity for li in n.lines if li.item == needs.BALLOT)
        load = needs.measure(n.lines, rules)
        row["volume"] += load.volume_l / 1000
        row["weight"] += load.weight_kg / 1000
    rows = [{"code": c, "name": names.get(c, c), **v} for c, v in sorted(children.items())]
    in_warehouse = nd.warehouse() if region.level == Level.KABKOTA else needs.total_lines(
        li for n in nd.per_tps for li in n.lines)
    comparison = stock.compare(election, regency, in_warehouse) if region == regency else None
    context |= {
        "rows": rows, "tps_count": len(nd.per_tps),
        "ballots": [li for li in in_warehouse if li.item == needs.BALLOT],
        "psu": nd.psu_reserve if region.level == Level.KABKOTA else (),
        "items": [(item_name(li, rules), li) for li in total_items(in_warehouse)],
        "problems": [p.render(_) for p in nd.problems],
        "bundle_problems": [p.render(_) for p in bundle_problems],
        "comparison": comparison,
        "may_write": profile_of(request.user).may("write_registry"),
    }
    return render(request, "logistics/needs.html", context)


def total_items(lines) -> list[needs.Line]:
    """Items other than ballots, summed over contests (5 boxes, not 1 per contest)."""
    sums = defaultdict(int)
    for li in lines:
        if li.item != needs.BALLOT:
            sums[li.item] += li.quantity
    return [needs.Line(item, quantity=q) for item, q in sums.items()]


LEVEL_NAMES = {"tps": "TPS", "pps": "PPS (desa)", "ppk": "PPK (kecamatan)"}


@require_GET
def packing_export(request, fmt: str):
    """Packing lists with dapil labels for every TPS, PPS or PPK of the chosen region, and the
    check that each ballot bundle's dapil is its TPS's dapil."""
    region, regency = _regency(request)
    if regency is None:
        raise Http404(_("Choose a regency, a kecamatan or a desa."))
    election = election_for(request)
    level = request.GET.get("tingkat", "tps")
    if level not in needs.LEVELS:
        raise Http404(level)
    nd, rules, check = registry.dapil_check(election, region.code)
    lists = needs.packing_lists(nd, rules, level)
    names = dict(Region.objects.within(regency).values_list("code", "name"))
    name = f"kemasan-{level}-{region.code}"
    if fmt == "xlsx":
        book = xlsx.new_book()
        xlsx.add_table(
            book, "Daftar kemasan",
            title=f"Daftar kemasan per {LEVEL_NAMES[level]} - {election.name} - {region.name}",
            header=["Tujuan", "Nama", "TPS", "Barang", "Jenis surat suara", "Dapil", "Jumlah",
                    "Label bundel"],
            rows=([pl.code, names.get(pl.code, names.get(pl.code.split("-")[0], "")), pkg.tps,
                   item_name(li, rules), li.contest, li.dapil, li.quantity,
                   needs.bundle_label(pkg.tps, li) if li.item == needs.BALLOT else ""]
                  for pl in lists for pkg in pl.packages for li in pkg.lines))
        xlsx.add_table(book, "Pemeriksaan dapil",
                       title="Pemeriksaan dapil setiap bundel surat suara",
                       header=["Hasil"],
                       rows=[[p.render(_)] for p in check] or [[_("Every bundle's dapil matches its TPS.")]])
        response = HttpResponse(xlsx.to_bytes(book), content_type=XLSX_TYPE)
    elif fmt == "pdf":
        from weasyprint import HTML

        html = render_to_string("logistics/packing_pdf.html", {
            "election": election, "region": region, "level": LEVEL_NAMES[level],
            "lists": [{"pl": pl, "name": names.get(pl.code, names.get(pl.code.split("-")[0], "")),
                       "packages": [{"tps": p.tps, "load": p.load, "labels": p.labels,
                                     "lines": [(item_name(li, rules), li) for li in p.lines]}
                                    for p in pl.packages]} for pl in lists],
            "check": [p.render(_) for p in check]}, request=request)
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    else:
        raise Http404(fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- fleet and stock -------------------------------------------------------------------------

class VehicleForm(forms.ModelForm):
    depot_code = forms.CharField(label=gettext_lazy("Depot (code of the regency, kecamatan or desa)"))

    class Meta:
        model = Vehicle
        fields = ["name", "mode", "count", "volume_l", "weight_kg", "max_trips"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_depot_code(self):
        code = self.cleaned_data["depot_code"].strip()
        depot = Region.objects.filter(code=code, level__in=[Level.KABKOTA, Level.KECAMATAN,
                                                            Level.DESA]).first()
        if depot is None or not code.startswith(scope_code(self.user)):
            raise forms.ValidationError(_("No regency, kecamatan or desa %(code)s in your region.")
                                        % {"code": code})
        return depot


class Upload(forms.Form):
    file = forms.FileField(label=gettext_lazy("XLSX file"))


# The fleet page's two imports: prefix → (importer, message when saved).
IMPORTS = {
    "s": (stock.import_xlsx, gettext_lazy("%(n)s stock lines saved.")),
    "t": (stock.import_travel_times, gettext_lazy("%(n)s travel times saved.")),
}


@require_http_methods(["GET", "POST"])
def fleet_view(request):
    region, regency = _regency(request)
    election = election_for(request)
    if regency is None:
        raise Http404(_("Choose a regency, a kecamatan or a desa."))
    profile = profile_of(request.user)
    form = VehicleForm(request.POST or None, user=request.user, prefix="v")
    uploads = {prefix: Upload(prefix=prefix) for prefix in IMPORTS}
    problems = {prefix: [] for prefix in IMPORTS}
    importing = next((p for p in IMPORTS if f"{p}-file" in request.FILES), None)
    if request.method == "POST":
        # A PPK or PPS registers its own vehicles; stock and travel times are the regency's.
        require(request.user, "write_registry", regency.code if importing else region.code)
        if importing:
            upload = uploads[importing] = Upload(request.POST, request.FILES, prefix=importing)
            if upload.is_valid():
                importer, saved = IMPORTS[importing]
                written, problems[importing] = importer(election, regency,
                                                        upload.cleaned_data["file"].read())
                if not problems[importing]:
                    messages.success(request, saved % {"n": written})
                    return redirect(request.get_full_path())
        elif form.is_valid():
            vehicle = form.save(commit=False)
            vehicle.election, vehicle.depot = election, form.cleaned_data["depot_code"]
            vehicle.save()
            messages.success(request, _("Vehicle saved."))
            return redirect(request.get_full_path())
    vehicles = (Vehicle.objects.filter(election=election, depot__code__startswith=region.code)
                .select_related("depot"))
    return render(request, "logistics/fleet.html", {
        "region": region, "election": election, "breadcrumb": breadcrumb(request, region),
        "vehicles": vehicles, "form": form, "stock_upload": uploads["s"],
        "travel_upload": uploads["t"], "stock_problems": problems["s"],
        "travel_problems": problems["t"],
        "travel_times": TravelTime.objects.filter(election=election,
                                                  origin__startswith=region.code)[:200],
        "warehouse": registry.warehouse_of(election, regency),
        "may_write": profile.may("write_registry"),
        "stock_lines": stock.lines_of(election, regency)})


# --- distribution plans --------------------------------------------------------------------

class PlanForm(ScenarioChecks, forms.ModelForm):
    class Meta:
        model = DistributionPlan
        fields = ["name", "release", "ppk_deadline", "pps_deadline", "tps_deadline",
                  "delay_hours", "flooded", "closed_edges", "lost_vehicle", "lost_count"]
        widgets = {f: forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
                   for f in ("release", "ppk_deadline", "pps_deadline", "tps_deadline")}

    def __init__(self, *args, regency, election, **kwargs):
        super().__init__(*args, **kwargs)
        self.regency, self.election = regency, election
        for f in ("release", "ppk_deadline", "pps_deadline", "tps_deadline"):
            self.fields[f].input_formats = ["%Y-%m-%dT%H:%M"]

    def clean_lost_vehicle(self):
        name = self.cleaned_data["lost_vehicle"].strip()
        if name and not Vehicle.objects.filter(election=self.election, name=name,
                                               depot__code__startswith=self.regency.code).exists():
            raise forms.ValidationError(_("No vehicle named '%(name)s' in this regency's fleet.")
                                        % {"name": name})
        return name

    def clean(self):
        data = super().clean()
        order = [data.get(f) for f in ("release", "ppk_deadline", "pps_deadline", "tps_deadline")]
        if all(order) and order != sorted(order):
            raise forms.ValidationError(
                _("Release, PPK, PPS and TPS deadlines must follow one another."))
        return data


@require_http_methods(["GET", "POST"])
def plan_list(request):
    region, regency = _regency(request)
    election = election_for(request)
    if regency is None:
        return render(request, "logistics/needs.html", {"region": region, "election": election,
                                                        "regency": None})
    profile = profile_of(request.user)
    timing = registry.default_timing(election, regency.zoneinfo)
    initial = {"release": timing.release, "ppk_deadline": timing.ppk_deadline,
               "pps_deadline": timing.pps_deadline, "tps_deadline": timing.tps_deadline}
    base = DistributionPlan.objects.filter(pk=request.GET.get("dari") or 0,
                                           region=regency).first()
    if base:
        initial = {f: getattr(base, f) for f in PlanForm.Meta.fields} | {"name": ""}
    form = PlanForm(request.POST or None, regency=regency, election=election, initial=initial)
    if request.method == "POST":
        require(request.user, "write_registry", regency.code)
        if registry.warehouse_of(election, regency) is None:
            form.add_error(None, _("Register the regency's warehouse first (master data)."))
        if form.is_valid():
            plan = form.save(commit=False)
            plan.election, plan.region, plan.created_by = election, regency, request.user
            plan.baseline = DistributionPlan.objects.filter(
                pk=request.POST.get("baseline") or 0, region=regency).first()
            plan.save()
            transaction.on_commit(lambda: run_plan.enqueue(plan.pk))
            return redirect("logistics_plan", plan.pk)
    return render(request, "logistics/plan_list.html", {
        "region": region, "election": election, "form": form, "regency": regency,
        "plans": DistributionPlan.objects.filter(region=regency, election=election)[:30],
        "may_run": profile.may("write_registry"), "baseline": base.pk if base else "",
        "vehicle_names": Vehicle.objects.filter(election=election,
                                                depot__code__startswith=regency.code)
        .values_list("name", flat=True).distinct()})


def _plan_or_404(request, pk: int) -> DistributionPlan:
    plan = DistributionPlan.objects.select_related("region", "election", "baseline").filter(
        pk=pk).first()
    scope = scope_code(request.user)
    # A kecamatan officer sees the regency's plan: it is the plan of their goods too.
    if plan is None or not (plan.region.code.startswith(scope) or scope.startswith(plan.region.code)):
        raise Http404(pk)
    return plan


def _plan_context(request, plan: DistributionPlan) -> dict:
    result = plan.result
    sites = result["sites"]
    misses = [{"stop": m["stop"], "name": sites.get(m["stop"], [None, None, ""])[2],
               "late_by": m["late_by"], "why": plans.miss_text(m, plan)}
              for m in result["misses"]]
    legs = []
    for leg in result["legs"]:
        legs.append({"name": leg["name"], "routes": [{
            "vehicle": r["vehicle"], "mode": r["mode"],
            "start": plans.when(plans.clock(plan, r["trips"][0]["loading_from"])),
            "end": plans.when(plans.clock(plan, r["trips"][-1]["back_at"])),
            "km": round(sum(t["km"] for t in r["trips"]), 1), "trips": len(r["trips"]),
            "stops": sum(len(t["visits"]) for t in r["trips"])} for r in leg["routes"]]})
    context = {"misses": misses, "legs": legs,
               "gantt": charts.gantt_svg(plan, title=_("Vehicles on the road (first legs)")),
               "last_delivery": plans.when(plans.clock(plan, plan.summary.get("last_delivery")))}
    if (base := plan.baseline) and base.status == base.Status.DONE:
        from siaga.logistics.routing import compare_plans

        diff = compare_plans(plans.as_comparable(base), plans.as_comparable(plan))
        context["diff"] = {
            "newly_late": diff.newly_late, "newly_unserved": diff.newly_unserved,
            "no_longer_late": diff.no_longer_late, "later": len(diff.later),
            "later_tps": sum(1 for k in diff.later if "-" in k)}
    return context


@require_GET
def plan_detail(request, pk: int):
    plan = _plan_or_404(request, pk)
    context = {"plan": plan, "may_run": profile_of(request.user).may("write_registry")}
    if plan.status == plan.Status.DONE:
        context |= _plan_context(request, plan)
    return render(request, "logistics/plan_detail.html", context)


@require_GET
def plan_status(request, pk: int):
    return status_fragment(request, _plan_or_404(request, pk), "logistics/_status.html", "plan")


@require_GET
def plan_map(request, pk: int):
    """Sites and routes as GeoJSON: one line per trip, stops coloured late/served/unserved."""
    plan = _plan_or_404(request, pk)
    if plan.status != plan.Status.DONE:
        raise Http404(pk)
    result = plan.result
    sites = result["sites"]
    late = {m["stop"] for m in result["misses"] if m["late_by"] is not None}
    unserved = {m["stop"] for m in result["misses"] if m["late_by"] is None}
    depots = {leg["depot"] for leg in result["legs"]}
    points = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
               "properties": {"code": code, "name": name,
                              "state": "unserved" if code in unserved else "late" if code in late
                              else "depot" if code in depots else "ok",
                              "arrival": plans.when(plans.clock(plan, result["arrivals"].get(code)))}}
              for code, (lat, lon, name) in sites.items() if lat is not None]
    lines = []
    for leg in result["legs"]:
        level = "gudang" if len(leg["depot"]) == 5 else "ppk" if len(leg["depot"]) == 8 else "pps"
        for r in leg["routes"]:
            for t in r["trips"]:
                path = [leg["depot"], *(v["stop"] for v in t["visits"]), leg["depot"]]
                coords = [[sites[c][1], sites[c][0]] for c in path if sites.get(c, [None])[0] is not None]
                lines.append({"type": "Feature",
                              "geometry": {"type": "LineString", "coordinates": coords},
                              "properties": {"vehicle": r["vehicle"], "mode": r["mode"],
                                             "level": level}})
    return JsonResponse({"points": {"type": "FeatureCollection", "features": points},
                         "routes": {"type": "FeatureCollection", "features": lines}})


def _route_rows(plan: DistributionPlan, depot: str = ""):
    """One row per stop of every trip, in route order (route sheets and the XLSX); only the
    legs leaving `depot` when given (a PPK prints its own sheets)."""
    sites = plan.result["sites"]
    deadlines = plan.result["deadlines"]
    for leg in plan.result["legs"]:
        if depot and leg["depot"] != depot:
            continue
        for r in leg["routes"]:
            for number, t in enumerate(r["trips"], start=1):
                for position, v in enumerate(t["visits"], start=1):
                    yield {"leg": leg["name"], "vehicle": r["vehicle"], "mode": r["mode"],
                           "trip": number, "position": position, "stop": v["stop"],
                           "name": sites.get(v["stop"], [None, None, ""])[2],
                           "loading": plans.when(plans.clock(plan, t["loading_from"])),
                           "departure": plans.when(plans.clock(plan, t["departure"])),
                           "arrival": plans.when(plans.clock(plan, v["arrival"])),
                           "leave": plans.when(plans.clock(plan, v["departure"])),
                           "deadline": plans.when(plans.clock(plan, deadlines.get(v["stop"]))),
                           "late_by": v["late_by"], "part": f"{v['part']}/{v['parts']}",
                           "volume_l": v["volume_l"], "weight_kg": v["weight_kg"], "km": v["km"]}


@require_GET
def plan_export(request, pk: int, fmt: str):
    plan = _plan_or_404(request, pk)
    if plan.status != plan.Status.DONE:
        raise Http404(pk)
    depot = request.GET.get("depot", "").strip()
    name = f"rencana-distribusi-{plan.pk}" + (f"-{depot}" if depot else "")
    rows = list(_route_rows(plan, depot))
    if fmt == "xlsx":
        book = xlsx.new_book()
        xlsx.add_table(
            book, "Jadwal",
            title=f"Rencana distribusi #{plan.pk} {plan.name} - {plan.region.name}",
            header=["Ruas", "Kendaraan", "Moda", "Rit", "Urutan", "Kode tujuan", "Tujuan",
                    "Mulai muat", "Berangkat", "Tiba", "Selesai bongkar", "Batas waktu",
                    "Terlambat (menit)", "Bagian", "Volume (l)", "Berat (kg)", "Jarak (km)"],
            rows=([r["leg"], r["vehicle"], r["mode"], r["trip"], r["position"], r["stop"],
                   r["name"], r["loading"], r["departure"], r["arrival"], r["leave"],
                   r["deadline"], r["late_by"], r["part"], r["volume_l"], r["weight_kg"], r["km"]]
                  for r in rows))
        xlsx.add_table(book, "Tidak tepat waktu", title="Tujuan terlambat atau tidak terlayani",
                       header=["Kode", "Terlambat (menit)", "Sebab"],
                       rows=([m["stop"], m["late_by"] if m["late_by"] is not None else "tidak terlayani",
                              plans.miss_text(m, plan)] for m in plan.result["misses"]))
        response = HttpResponse(xlsx.to_bytes(book), content_type=XLSX_TYPE)
    elif fmt == "pdf":
        from weasyprint import HTML

        sheets = defaultdict(list)
        for r in rows:
            sheets[(r["leg"], r["vehicle"])].append(r)
        html = render_to_string("logistics/route_sheets_pdf.html", {
            "plan": plan, "sheets": [{"leg": k[0], "vehicle": k[1], "rows": v}
                                     for k, v in sheets.items()]}, request=request)
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    else:
        raise Http404(fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- shipments, receipts, board ---------------------------------------------------------------

@require_GET
def board_view(request):
    region, regency = _regency(request)
    election = election_for(request)
    context = {"region": region, "election": election, "breadcrumb": breadcrumb(request, region),
               "regency": regency}
    if regency is not None:
        rows, total = shipments.board(election, region)
        warehouse = registry.warehouse_of(election, regency)
        alerts = (Alert.objects.filter(shipment__election=election,
                                       shipment__destination__startswith=region.code)
                  .filter(status__in=[Alert.Status.OPEN, Alert.Status.REQUESTED])
                  .select_related("shipment"))
        context |= {"rows": rows, "total": total,
                    "alerts": [{"alert": a, "text": shipments.alert_text(a),
                                "remedy": shipments.remedy_text(a, warehouse.name if warehouse else "")}
                               for a in alerts[:50]],
                    "has_shipments": Shipment.objects.filter(
                        election=election, destination__startswith=regency.code).exists(),
                    "may_write": profile_of(request.user).may("write_registry"),
                    "may_field": profile_of(request.user).may("write_field")}
    return render(request, "logistics/board.html", context)


@require_POST
def shipments_sync(request):
    region, regency = _regency(request)
    if regency is None:
        raise Http404(region.code)
    require(request.user, "write_registry", regency.code)
    election = election_for(request)
    plan = (DistributionPlan.objects.filter(region=regency, election=election,
                                            status=DistributionPlan.Status.DONE)
            .exclude(delay_hours__gt=0).filter(flooded="", closed_edges="", lost_vehicle="")
            .first())
    created = shipments.sync(election, regency, plan)
    messages.success(request, _("%(n)s shipments created; planned times from plan %(plan)s.")
                     % {"n": created, "plan": f"#{plan.pk}" if plan else "-"})
    return redirect(f"{reverse('logistics_board')}?wilayah={region.code}&pemilu={election.slug}")


def _shipment_or_404(request, pk: int) -> Shipment:
    shipment = Shipment.objects.select_related("election").filter(pk=pk).first()
    if shipment is None or not shipment.destination.startswith(scope_code(request.user)):
        raise Http404(pk)
    return shipment


@require_GET
def shipment_find(request):
    """Open the shipment of a TPS, desa or kecamatan by its code (typed on a phone)."""
    code = request.GET.get("kode", "").strip()
    election = election_for(request)
    shipment = Shipment.objects.filter(election=election, destination=code,
                                       destination__startswith=scope_code(request.user)).first()
    if shipment is None:
        messages.error(request, _("No shipment for code %(code)s in your region. Check the code "
                                  "(e.g. 62.13.01.2003-003).") % {"code": code or "-"})
        return redirect("logistics_board")
    return redirect("logistics_shipment", shipment.pk)


def _receipt_rows(shipment: Shipment) -> list[dict]:
    return [{"tps": t, "contest": c, "dapil": d, "quantity": q, "key": f"{t}|{c}"}
            for t, c, d, q in shipment.expected]


@require_http_methods(["GET", "POST"])
def shipment_detail(request, pk: int):
    """A shipment's state and the receipt check: one row per ballot bundle, prefilled with the
    packing list; the receiver corrects the dapil on the label and the count."""
    shipment = _shipment_or_404(request, pk)
    profile = profile_of(request.user)
    rows = _receipt_rows(shipment)
    errors = []
    if request.method == "POST":
        require(request.user, "write_field", shipment.destination)
        action = request.POST.get("action")
        if action in ("packed", "dispatched", "arrived"):
            if not shipments.move(shipment, action, request.user, request.POST.get("note", "")[:250]):
                messages.error(request, _("The shipment is already past that state."))
            return redirect("logistics_shipment", shipment.pk)
        bundles, errors = _read_receipt(request.POST, rows)
        if not errors:
            receipt, created = shipments.receive(
                shipment, shipments.ReceiptInput(bundles, note=request.POST.get("note", "")[:500]),
                request.user, request.POST.get("client_id") or uuid.uuid4().hex)
            if created:
                n = receipt.alerts.count()
                (messages.error if n else messages.success)(
                    request, _("Receipt stored: %(n)s problem(s) found.") % {"n": n} if n
                    else _("Receipt stored: everything matches the packing list."))
            else:
                messages.info(request, _("This receipt was already stored."))
            return redirect("logistics_shipment", shipment.pk)
    warehouse = registry.warehouse_of(shipment.election, Region.objects.get(code=shipment.destination[:5]))
    return render(request, "logistics/shipment.html", {
        "shipment": shipment, "rows": rows, "errors": errors, "client_id": uuid.uuid4().hex,
        "events": shipment.events.select_related("by"),
        "alerts": [{"alert": a, "text": shipments.alert_text(a),
                    "remedy": shipments.remedy_text(a, warehouse.name if warehouse else "")}
                   for a in shipment.alerts.all()],
        "may_field": profile.may("write_field"), "may_write": profile.may("write_registry"),
        "next_states": [s for s in ("packed", "dispatched", "arrived") if shipment.may_move_to(s)],
        "post": request.POST if errors else None})


def _read_receipt(post, rows) -> tuple[list[dict], list[str]]:
    """The receipt form's rows; every bad number named by its row, nothing stored if any."""
    bundles, errors = [], []
    for number, row in enumerate(rows, start=1):
        values = {}
        for field in ("quantity", "damaged"):
            raw = post.get(f"{field}-{row['key']}", "").strip() or "0"
            try:
                values[field] = int(raw)
                if values[field] < 0:
                    raise ValueError
            except ValueError:
                errors.append(_("Row %(row)s (TPS %(tps)s, %(contest)s): '%(value)s' is not a "
                                "count of zero or more.") % {"row": number, "tps": row["tps"],
                                                              "contest": row["contest"], "value": raw})
        dapil = post.get(f"dapil-{row['key']}", row["dapil"]).strip()
        bundles.append({"tps": row["tps"], "contest": row["contest"], "dapil": dapil, **values})
    return bundles, errors


@require_POST
def alert_action(request, pk: int):
    alert = get_object_or_404(Alert.objects.select_related("shipment"), pk=pk)
    if not alert.shipment.destination.startswith(scope_code(request.user)):
        raise Http404(pk)
    status = request.POST.get("status")
    right = "write_field" if status == Alert.Status.FULFILLED else "write_registry"
    require(request.user, right, alert.shipment.destination)
    if status not in (Alert.Status.REQUESTED, Alert.Status.FULFILLED, Alert.Status.CLOSED):
        raise Http404(status)
    shipments.set_alert_status(alert, status, request.user, request.POST.get("note", "")[:500])
    if request.POST.get("next") == "board":
        return redirect("logistics_board")
    return redirect("logistics_shipment", alert.shipment.pk)
