"""The floor-game board: the regency map with TPS by grade, the routes of the latest finished
distribution plan and the guard posts of the security plan; a time slider from the logistics
release to the end of counting; scenarios of both plans injected live, with what each breaks.

Thin: reads the stored plan, the security plan and the latest simulation, hands plain data to
`readiness.floorgame`, and renders the page, its JSON (computed once per request) and the
large-format PDF. A logistics scenario is a new `DistributionPlan` under the base plan, planned
by the worker like any other (a network takes 10-20 s); a security scenario is URL state,
recomputed in the request (milliseconds).
"""

import base64
import datetime
import math
import zoneinfo
from dataclasses import dataclass

from django import forms
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from siaga.accounts import audit
from siaga.accounts.scope import profile_of, require
from siaga.logistics import plans
from siaga.logistics.models import DistributionPlan, Vehicle
from siaga.logistics.scenario_forms import ScenarioChecks
from siaga.logistics.tasks import run_plan
from siaga.readiness import floorgame as fg
from siaga.regions.models import TPS, Level, Region
from siaga.regions.views import breadcrumb, election_for, region_for
from siaga.risk.scoring import GRADE_NAMES
from siaga.security.deployment import (
    news_scenario,
    plan_for,
    registered_scenario,
)
from siaga.security.models import Personnel
from siaga.security.plan import what_if
from siaga.security.roster import Person, assign_roster
from siaga.simulation.models import SimulationRun

STEP_MINUTES = 15  # one slider stop
PDF_STEP_HOURS = 6  # one row of the PDF's clock table
KIND_CHOICES = [("polri", "Polri"), ("tni", "TNI"), ("linmas", "Linmas")]


# --- the security scenario (URL state) -------------------------------------------------------

@dataclass(frozen=True)
class SecurityScenario:
    """Personnel withdrawn (kind, count, from units under `area`) and TPS upgraded to sangat
    rawan; read from the query string."""

    kind: str = ""
    count: int = 0
    area: str = ""
    upgraded: tuple[str, ...] = ()

    @property
    def kind_label(self) -> str:
        return dict(KIND_CHOICES).get(self.kind, self.kind)

    @property
    def active(self) -> bool:
        return bool(self.count and self.kind) or bool(self.upgraded)

    def query(self) -> dict:
        out = {}
        if self.count and self.kind:
            out |= {"tarik_jenis": self.kind, "tarik_jumlah": self.count}
            if self.area:
                out["tarik_wilayah"] = self.area
        if self.upgraded:
            out["naik"] = " ".join(self.upgraded)
        return out


def security_scenario(query, regency: Region, election) -> tuple[SecurityScenario, list[str]]:
    """The scenario in the query, and a message for every part of it that was ignored."""
    errors = []
    kind = query.get("tarik_jenis", "")
    kind = kind if kind in dict(KIND_CHOICES) else ""
    try:
        count = max(0, int(query.get("tarik_jumlah") or 0))
    except ValueError:
        count, kind = 0, ""
        errors.append(_("The number withdrawn must be a whole number."))
    area = query.get("tarik_wilayah", "").strip()
    if area and not area.startswith(regency.code):
        errors.append(_("%(code)s is not in this regency.") % {"code": area})
        area = "\u0000"  # withdraws nobody
    codes = tuple(dict.fromkeys(query.get("naik", "").replace(",", " ").split()))
    known = set(TPS.objects.filter(election=election, code__in=codes).values_list("code", flat=True))
    for code in codes:
        if code not in known or not code.startswith(regency.code):
            errors.append(_("No TPS %(code)s in this regency.") % {"code": code})
    return SecurityScenario(kind, count, area, tuple(c for c in codes if c in known
                                                     and c.startswith(regency.code))), errors


# --- reading the plans -----------------------------------------------------------------------

def base_plan(election, regency) -> DistributionPlan | None:
    """The latest finished distribution plan of the regency without a scenario."""
    return (DistributionPlan.objects.filter(region=regency, election=election,
                                            status=DistributionPlan.Status.DONE)
            .filter(delay_hours=0, flooded="", closed_edges="", lost_vehicle="")
            .order_by("-finished_at", "-pk").first())


def minutes_of(plan: DistributionPlan, moment: datetime.datetime) -> int:
    epoch = datetime.datetime.fromisoformat(plan.result["epoch"])
    return int((moment - epoch).total_seconds() // 60)


def counting_ends(election, regency: Region, plan: DistributionPlan) -> tuple[int, dict, SimulationRun | None]:
    """The end of counting in plan minutes: the latest mean end over the TPS of the latest
    finished simulation of the regency (or of a region containing it), and per TPS; without
    one, polling day 24.00."""
    zone = zoneinfo.ZoneInfo(regency.zoneinfo)
    midnight = datetime.datetime.combine(election.polling_date, datetime.time(0), tzinfo=zone)
    day = minutes_of(plan, midnight)
    from siaga.simulation.runs import latest_finished, results_of

    run = latest_finished(election, regency, what_if=True)
    if run is None:
        return day + 24 * 60, {}, None

    data = results_of(run)
    ends = {str(code): day + round(float(hours) * 60)
            for code, hours in zip(data["codes"], data["counting_end_mean"], strict=True)
            if str(code).startswith(regency.code)}
    return (max(ends.values()) if ends else day + 24 * 60), ends, run


def people_of(regency: Region) -> list[Person]:
    return [Person(str(pk), name, kind, code) for pk, name, kind, code in
            Personnel.objects.filter(region__code__startswith=regency.code)
            .order_by("kind", "region__code", "name")
            .values_list("pk", "name", "kind", "region__code")]


def _tni_places(group) -> int:
    return math.ceil(group.police * group.pattern.tni_per_police)


def security_boards(election, regency, scenario: SecurityScenario, arrivals_base, arrivals_after,
                    guard_from, ends, default_end):
    """Posts of the base security plan and of the scenario, with their rosters and hours."""
    chosen = registered_scenario(regency) or news_scenario()
    plan = plan_for(election, regency, chosen)
    people = people_of(regency)

    def states(security_plan, persons, arrivals):
        groups = security_plan.groups()
        posts = fg.posts_for_roster(groups, _tni_places)
        hours = {p.name: fg.post_hours(p.tps, arrivals, guard_from, ends, default_end)
                 for p in posts}
        return fg.post_states(posts, assign_roster(posts, persons), hours), groups

    base_posts, base_groups = states(plan, people, arrivals_base)
    if not scenario.active:
        return plan, base_posts, base_groups, plan, base_posts, base_groups
    after_plan = what_if(plan, grades={c: 2 for c in scenario.upgraded}) if scenario.upgraded else plan
    persons = fg.withdraw(people, scenario.kind, scenario.count, scenario.area) if scenario.count else people
    after_posts, after_groups = states(after_plan, persons, arrivals_after)
    return plan, base_posts, base_groups, after_plan, after_posts, after_groups


# --- the board -------------------------------------------------------------------------------

def _regency_or_404(request):
    region = region_for(request)
    if region.level == Level.PROVINSI:
        raise Http404(_("Choose a regency, a kecamatan or a desa."))
    return region, plans.regency_of(region)


def _scenario_plan(request, regency, election) -> DistributionPlan | None:
    pk = request.GET.get("logistik")
    if not pk:
        return None
    plan = DistributionPlan.objects.filter(pk=pk if str(pk).isdigit() else 0, region=regency,
                                           election=election).first()
    if plan is None:
        raise Http404(pk)
    return plan


def build(request) -> dict:
    """Everything the page, the JSON and the PDF show, for the chosen region and scenario."""
    region, regency = _regency_or_404(request)
    election = election_for(request)
    context = {"region": region, "regency": regency, "election": election,
               "breadcrumb": breadcrumb(request, region)}
    base = base_plan(election, regency)
    context["base"] = base
    if base is None:
        return context
    scenario_plan = _scenario_plan(request, regency, election)
    security, errors = security_scenario(request.GET, regency, election)
    shown = scenario_plan if scenario_plan and scenario_plan.status == DistributionPlan.Status.DONE else base
    default_end, ends, run = counting_ends(election, regency, base)
    guard_from = minutes_of(base, base.tps_deadline)
    base_ship = fg.shipments_from_plan(base.result)
    shown_ship = fg.shipments_from_plan(shown.result)
    arrivals_base = {c: s.arrives for c, s in base_ship.items()}
    arrivals_shown = {c: s.arrives for c, s in shown_ship.items()}
    _plan_a, posts_a, _groups_a, plan_b, posts_b, groups_b = security_boards(
        election, regency, security, arrivals_base, arrivals_shown, guard_from, ends, default_end)
    grades_b = dict(zip(plan_b.codes, (int(g) for g in plan_b.grades), strict=True))
    scoped = region.code
    start = minutes_of(base, base.release)
    end = max(default_end, start + 60)
    broken = []
    if shown is not base or security.active:
        broken = fg.breakage(
            fg.Board(base_ship, _misses(base), posts_a),
            fg.Board(shown_ship, _misses(shown), posts_b),
            withdrawn=[(security.kind, security.count, security.area)] if security.count else [],
            upgraded=security.upgraded,
            patterns={g.name: g.pattern.label() for g in groups_b})
    broken = [b for b in broken if b.code.startswith(scoped)]
    paths = [p for p in fg.paths_from_plan(shown.result)
             if any(w.site.startswith(scoped) for w in p.waypoints)]
    ships = {c: s for c, s in shown_ship.items() if c.startswith(scoped)}
    posts = [p for p in posts_b if p.tps and p.tps[0].startswith(scoped)]
    context |= {
        "shown": shown, "scenario_plan": scenario_plan, "security": security,
        "security_errors": errors, "run": run, "start": start, "end": end,
        "guard_from": guard_from, "paths": paths, "shipments": ships, "posts": posts,
        "grades": grades_b, "broken": broken,
        "broken_rows": [_broken_row(b, shown) for b in broken],
        "scenario_active": bool(scenario_plan) or security.active,
        "scenario_query": urlencode(({"logistik": scenario_plan.pk} if scenario_plan else {})
                                    | security.query()),
    }
    return context


def _misses(plan: DistributionPlan) -> dict:
    return {m["stop"]: m for m in plan.result["misses"]}


def _broken_row(b: fg.Break, plan: DistributionPlan) -> dict:
    why = plans.miss_text(b.miss, plan) if b.miss else ""
    return {"kind": b.kind, "code": b.code, "text": fg.break_problem(b, why).render(_),
            "causes": [c.render(_) for c in b.causes]}


def clock_label(plan: DistributionPlan, minutes: int) -> str:
    """'Sen 12 Feb 14.30' in the regency's time."""
    moment = plans.clock(plan, minutes)
    return f"{date_format(moment, 'D j M')} {moment:%H.%M}"


def _sites(election, regency) -> dict:
    return {code: (lat, lon) for code, lat, lon in
            TPS.objects.filter(election=election, code__startswith=regency.code)
            .values_list("code", "latitude", "longitude")}


BREAK_TITLES = {
    "tps_late": gettext_lazy("TPS whose logistics now arrive late"),
    "tps_unserved": gettext_lazy("TPS that now get no logistics"),
    "post_unmanned": gettext_lazy("Posts left unmanned"),
    "post_short": gettext_lazy("Posts now short of personnel"),
    "tps_unguarded": gettext_lazy("TPS left without a guard"),
}


def grouped_breaks(rows: list[dict]) -> list[dict]:
    out = []
    for kind, title in BREAK_TITLES.items():
        items = [r for r in rows if r["kind"] == kind]
        if items:
            causes = list(dict.fromkeys(c for r in items for c in r["causes"]))
            out.append({"kind": kind, "title": title, "items": items, "causes": causes})
    return out


@require_GET
def board_view(request):
    context = build(request)
    if context.get("base") is not None:
        base = context["base"]
        context |= {
            "start_label": clock_label(base, context["start"]),
            "end_label": clock_label(base, context["end"]),
            "groups": grouped_breaks(context["broken_rows"]),
            "form": ScenarioForm(regency=context["regency"], election=context["election"],
                                 initial=_form_initial(context)),
            "may_plan": profile_of(request.user).may("write_registry"),
            "data_url": reverse("floorgame_data") + "?" + _query(context),
            "pdf_url": reverse("floorgame_pdf") + "?" + _query(context),
        }
    return render(request, "readiness/floorgame.html", context)


def _query(context) -> str:
    q = f"wilayah={context['region'].code}&pemilu={context['election'].slug}"
    return q + ("&" + context["scenario_query"] if context.get("scenario_query") else "")


def _form_initial(context) -> dict:
    s = context["security"]
    return {"tarik_jenis": s.kind, "tarik_jumlah": s.count or None, "tarik_wilayah": s.area
            if s.area != "\u0000" else "", "naik": " ".join(s.upgraded)}


@require_GET
def board_data(request):
    """The slider's timeline, computed once: vehicle waypoints, shipment and post times, TPS
    with their grade, the counts and the clock label at every stop."""
    context = build(request)
    base = context.get("base")
    if base is None:
        raise Http404(_("No finished distribution plan for this regency yet."))
    shown, election, regency = context["shown"], context["election"], context["regency"]
    sites = _sites(election, regency)
    times = fg.steps(context["start"], context["end"], STEP_MINUTES)
    table = fg.clock_table(context["paths"], context["shipments"], context["posts"], times)
    broken = {b.code for b in context["broken"]}
    return JsonResponse({
        "start": context["start"], "end": context["end"], "step": STEP_MINUTES,
        "steps": times, "labels": [clock_label(base, t) for t in times],
        "counts": [[c.vehicles_out, c.waiting, c.in_transit, c.delivered, c.not_served, c.late,
                    c.posts[fg.MANNED], c.posts[fg.SHORT], c.posts[fg.UNMANNED]] for c in table],
        "vehicles": [{"key": p.key, "label": p.label, "mode": p.mode, "level": p.level,
                      "w": [[w.t, round(w.lat, 5), round(w.lon, 5)] for w in p.waypoints],
                      "trips": [list(t) for t in p.trips]} for p in context["paths"]],
        "routes": _route_lines(shown, context["region"].code),
        "tps": [{"code": code, "lat": sites[code][0], "lon": sites[code][1],
                 "grade": context["grades"].get(code, 0), "arrives": s.arrives,
                 "deadline": s.deadline, "late": s.late, "broken": code in broken}
                for code, s in context["shipments"].items()
                if "-" in code and sites.get(code, (None,))[0] is not None],
        "posts": [{"name": p.name, "lat": sites[p.tps[0]][0], "lon": sites[p.tps[0]][1],
                   "from": p.manned_from, "to": p.manned_to, "staffing": p.staffing,
                   "need": p.need, "have": p.have, "tps": len(p.tps),
                   "broken": p.name in broken}
                  for p in context["posts"] if sites.get(p.tps[0], (None,))[0] is not None],
        "boundaries": _boundaries(context["region"]),
    })


def _route_lines(plan: DistributionPlan, scope: str) -> list[dict]:
    sites = plan.result["sites"]
    lines = []
    for leg in plan.result["legs"]:
        for r in leg["routes"]:
            for t in r["trips"]:
                path = [leg["depot"], *(v["stop"] for v in t["visits"]), leg["depot"]]
                if not any(c.startswith(scope) for c in path):
                    continue
                coords = [sites[c][:2] for c in path if sites.get(c, [None])[0] is not None]
                if len(coords) < 2:
                    continue
                lines.append({"level": fg.depot_level(leg["depot"]), "mode": r["mode"],
                              "vehicle": r["vehicle"], "coords": coords})
    return lines


def _boundaries(region: Region) -> dict:
    level = Level.DESA if region.level == Level.KECAMATAN else Level.KECAMATAN
    shapes = [r for r in Region.objects.filter(code__startswith=region.code, level=level)
              if r.boundary] if region.level != Level.DESA else [region]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": r.boundary, "properties": {"code": r.code, "name": r.name}}
        for r in shapes if r.boundary]}


# --- injecting a scenario --------------------------------------------------------------------

class ScenarioForm(ScenarioChecks, forms.Form):
    """Both plans' scenarios: the logistics part becomes a distribution plan for the worker,
    the security part stays in the URL."""

    delay_hours = forms.IntegerField(label=gettext_lazy("Goods late at the warehouse (hours)"),
                                     min_value=0, max_value=240, required=False)
    flooded = forms.CharField(label=gettext_lazy("Flooded kecamatan or desa (code)"),
                              max_length=13, required=False)
    closed_edges = forms.CharField(
        label=gettext_lazy("Closed roads or river legs (pairs of codes)"), max_length=500,
        required=False, help_text=gettext_lazy("e.g. 62.13.01 62.13.05; several pairs separated by ';'"))
    lost_vehicle = forms.ChoiceField(label=gettext_lazy("Vehicle broken down"), required=False)
    lost_count = forms.IntegerField(label=gettext_lazy("how many of them"), min_value=1,
                                    max_value=99, required=False)
    tarik_jenis = forms.ChoiceField(label=gettext_lazy("Personnel withdrawn"), required=False,
                                    choices=[("", "-"), *KIND_CHOICES])
    tarik_jumlah = forms.IntegerField(label=gettext_lazy("how many"), min_value=0,
                                      max_value=100_000, required=False)
    tarik_wilayah = forms.CharField(label=gettext_lazy("from units in (region code, optional)"),
                                    max_length=13, required=False)
    naik = forms.CharField(label=gettext_lazy("TPS upgraded to sangat rawan (codes)"),
                           max_length=2000, required=False)

    def __init__(self, *args, regency, election, **kwargs):
        super().__init__(*args, **kwargs)
        self.regency, self.election = regency, election
        names = (Vehicle.objects.filter(election=election, depot__code__startswith=regency.code)
                 .order_by("depot__code", "name").values_list("name", flat=True).distinct())
        self.fields["lost_vehicle"].choices = [("", "-"), *((n, n) for n in names)]

    def logistics_changes(self) -> dict:
        d = self.cleaned_data
        changes = {"delay_hours": d.get("delay_hours") or 0, "flooded": d.get("flooded") or "",
                   "closed_edges": d.get("closed_edges") or "",
                   "lost_vehicle": d.get("lost_vehicle") or ""}
        if changes["lost_vehicle"]:
            changes["lost_count"] = d.get("lost_count") or 1
        return changes if any(changes.values()) else {}


@require_POST
def scenario_apply(request):
    """Inject a scenario: a logistics change is planned by the worker under the base plan
    (the board polls it and reloads when done); security changes apply at once."""
    region, regency = _regency_or_404(request)
    election = election_for(request)
    base = base_plan(election, regency)
    if base is None:
        raise Http404(_("No finished distribution plan for this regency yet."))
    form = ScenarioForm(request.POST, regency=regency, election=election)
    query = {"wilayah": region.code, "pemilu": election.slug}
    if not form.is_valid():
        context = build(request) | {"form": form, "form_errors": True}
        return render(request, "readiness/floorgame.html", context | {
            "start_label": clock_label(base, context["start"]),
            "end_label": clock_label(base, context["end"]),
            "groups": grouped_breaks(context["broken_rows"]),
            "may_plan": profile_of(request.user).may("write_registry"),
            "data_url": reverse("floorgame_data") + "?" + _query(context),
            "pdf_url": reverse("floorgame_pdf") + "?" + _query(context)}, status=400)
    changes = form.logistics_changes()
    if changes:
        require(request.user, "write_registry", regency.code)
        plan = DistributionPlan.objects.create(
            election=election, region=regency, created_by=request.user, baseline=base,
            name=(_("Floor game: %(what)s") % {"what": ", ".join(
                f"{k}={v}" for k, v in changes.items() if v)})[:120],
            release=base.release, ppk_deadline=base.ppk_deadline,
            pps_deadline=base.pps_deadline, tps_deadline=base.tps_deadline, **changes)
        audit.record(DistributionPlan, "create", f"{plan.pk}/{plan.name}", regency.code, None,
                     audit.snapshot(plan)).save()
        transaction.on_commit(lambda: run_plan.enqueue(plan.pk))
        query["logistik"] = plan.pk
    d = form.cleaned_data
    security = SecurityScenario(d.get("tarik_jenis") or "", d.get("tarik_jumlah") or 0,
                                (d.get("tarik_wilayah") or "").strip(),
                                tuple((d.get("naik") or "").replace(",", " ").split()))
    query |= security.query()
    return redirect(reverse("floorgame") + "?" + urlencode(query))


# --- the large-format PDF --------------------------------------------------------------------

MODE_LINE = {"gudang": ("#1f5f8b", 2.2), "ppk": ("#0f9d9a", 1.2), "pps": ("#8e6bbf", 0.6)}
GRADE_COLOURS = ("#2e7d32", "#e08a2c", "#b3261e")
STAFFING_COLOURS = {fg.MANNED: "#1f5f8b", fg.SHORT: "#e08a2c", fg.UNMANNED: "#b3261e"}


def board_svg(context, sites) -> str:
    """The board as one large figure: kecamatan boundaries, routes by level, TPS by grade,
    posts by staffing, what the scenario broke circled in red; with a legend."""
    from matplotlib.lines import Line2D

    from siaga.web.charts import pyplot, svg_of

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(19.5, 17.5), layout="constrained")
    for feature in _boundaries(context["region"])["features"]:
        geometry = feature["geometry"]
        polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                    else [geometry["coordinates"]])
        for polygon in polygons:
            ring = polygon[0]
            ax.fill([p[0] for p in ring], [p[1] for p in ring], color="#eef3f7", zorder=0)
            ax.plot([p[0] for p in ring], [p[1] for p in ring], color="#4d6275", lw=1.1, zorder=1)
        centre = Region.objects.filter(code=feature["properties"]["code"]).values_list(
            "latitude", "longitude").first()
        if centre and centre[0] is not None:
            ax.annotate(feature["properties"]["name"], (centre[1], centre[0]), fontsize=14,
                        color="#1d2b38", ha="center", zorder=7,
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none",
                              "alpha": 0.75})
    for line in _route_lines(context["shown"], context["region"].code):
        colour, width = MODE_LINE[line["level"]]
        ax.plot([c[1] for c in line["coords"]], [c[0] for c in line["coords"]], color=colour,
                lw=width, alpha=0.7, ls="--" if line["mode"] == "boat" else "-", zorder=3)
    broken = {b.code for b in context["broken"]}
    tps = [(c, sites[c]) for c in context["shipments"] if "-" in c and sites.get(c, (None,))[0]]
    ax.scatter([s[1] for _c, s in tps], [s[0] for _c, s in tps], s=28, zorder=4,
               c=[GRADE_COLOURS[context["grades"].get(c, 0)] for c, _s in tps],
               edgecolors="white", linewidths=0.4)
    posts = [p for p in context["posts"] if sites.get(p.tps[0], (None,))[0] is not None]
    ax.scatter([sites[p.tps[0]][1] for p in posts], [sites[p.tps[0]][0] for p in posts], s=95,
               marker="s", zorder=5, facecolors="none", linewidths=1.8,
               edgecolors=[STAFFING_COLOURS[p.staffing] for p in posts])
    hit = [sites[c] for c in broken if sites.get(c, (None,))[0] is not None]
    hit += [sites[p.tps[0]] for p in posts if p.name in broken]
    if hit:
        ax.scatter([s[1] for s in hit], [s[0] for s in hit], s=260, marker="o", zorder=6,
                   facecolors="none", edgecolors="#b3261e", linewidths=2.4)
    handles = [
        *(Line2D([], [], marker="o", ls="", color=GRADE_COLOURS[g], ms=9, label=f"TPS {GRADE_NAMES[g].lower()}")
          for g in range(3)),
        Line2D([], [], color=MODE_LINE["gudang"][0], lw=2.2, label=_("route: warehouse → PPK")),
        Line2D([], [], color=MODE_LINE["ppk"][0], lw=1.2, label=_("route: PPK → PPS")),
        Line2D([], [], color=MODE_LINE["pps"][0], lw=0.8, label=_("route: PPS → TPS")),
        Line2D([], [], color="#555", lw=1.2, ls="--", label=_("by boat (dashed)")),
        *(Line2D([], [], marker="s", ls="", mfc="none", mec=STAFFING_COLOURS[s], mew=2, ms=11,
                 label=label) for s, label in ((fg.MANNED, _("post fully manned")),
                                               (fg.SHORT, _("post short of personnel")),
                                               (fg.UNMANNED, _("post unmanned")))),
        Line2D([], [], marker="o", ls="", mfc="none", mec="#b3261e", mew=2.4, ms=15,
               label=_("broken by the scenario")),
    ]
    ax.legend(handles=handles, loc="upper left", fontsize=13, framealpha=0.95,
              title=_("Legend"), title_fontsize=14)
    ax.set_aspect("equal", adjustable="datalim")
    ax.tick_params(labelsize=10)
    ax.grid(color="#e3e8ee", lw=0.5)
    return svg_of(fig)


def trip_rows(context) -> list[dict]:
    """One row per trip of the vehicles from the warehouse and the PPK (the legs a floor game
    moves by hand), in departure order."""
    plan = context["shown"]
    sites = plan.result["sites"]
    rows = []
    for leg in plan.result["legs"]:
        if fg.depot_level(leg["depot"]) == "pps":
            continue
        for r in leg["routes"]:
            for number, t in enumerate(r["trips"], start=1):
                stops = [v["stop"] for v in t["visits"]]
                if not any(c.startswith(context["region"].code) for c in [leg["depot"], *stops]):
                    continue
                rows.append({"at": t["departure"], "depart": clock_label(plan, t["departure"]),
                             "back": clock_label(plan, t["back_at"]), "vehicle": r["vehicle"],
                             "trip": number, "from": sites.get(leg["depot"], ["", "", leg["depot"]])[2],
                             "stops": ", ".join(sites.get(c, ["", "", c])[2] or c for c in stops),
                             "late": sum(1 for v in t["visits"] if v["late_by"])})
    return sorted(rows, key=lambda r: (r["at"], r["vehicle"]))


@require_GET
def board_pdf(request):
    """The board for the physical floor game: A1 landscape, the map with its legend, what the
    scenario breaks, the clock table and the trips of the warehouse and PPK vehicles."""
    from weasyprint import HTML

    context = build(request)
    base = context.get("base")
    if base is None:
        raise Http404(_("No finished distribution plan for this regency yet."))
    sites = _sites(context["election"], context["regency"])
    times = fg.steps(context["start"], context["end"], PDF_STEP_HOURS * 60)
    table = fg.clock_table(context["paths"], context["shipments"], context["posts"], times)
    html = render_to_string("readiness/floorgame_pdf.html", context | {
        "map": "data:image/svg+xml;base64," + base64.b64encode(
            board_svg(context, sites).encode()).decode(), "groups": grouped_breaks(context["broken_rows"]),
        "clock": [{"label": clock_label(base, c.t), "c": c, "manned": c.posts[fg.MANNED],
                   "short": c.posts[fg.SHORT], "unmanned": c.posts[fg.UNMANNED]} for c in table],
        "trips": trip_rows(context),
        "start_label": clock_label(base, context["start"]),
        "end_label": clock_label(base, context["end"]),
        "printed": date_format(datetime.datetime.now(zoneinfo.ZoneInfo(context["regency"].zoneinfo)),
                               "DATETIME_FORMAT"),
    }, request=request)
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="papan-permainan-lantai-{context["region"].code}.pdf"')
    return response
