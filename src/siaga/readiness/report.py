"""The readiness report of a regency or a province as of a date: the figures of every app,
gathered through their own functions, as tables (tables.py) the PDF and the XLSX both print.

A regency's figures are read once per regency; a province report puts its regencies side by
side (one row each, from the same figures) with the bundles its regencies uploaded.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from siaga.readiness import bundle
from siaga.readiness.models import Activity, RegencyBundle
from siaga.readiness.tables import Report, Section, Table, pct
from siaga.regions.models import TPS, Election, Level, Region

MAP_RASTER_ABOVE = 1500  # more TPS than this: the scatter is embedded as an image in the SVG
AT_RISK_LISTED = 15


class ReportError(ValueError):
    """The region cannot have a readiness report (a kecamatan, a desa)."""


@dataclass
class RegencyData:
    """Everything the report says about one regency: per-kecamatan tables and the figures."""

    regency: Region
    tables: dict[str, Table] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    extra: dict[str, Table] = field(default_factory=dict)  # lists: agenda, documents, TPS at risk
    figures: dict = field(default_factory=dict)
    points: tuple = ((), (), ())  # latitude, longitude, grade per TPS
    outlines: list = field(default_factory=list)  # kecamatan boundaries (GeoJSON geometries)


def build(region: Region, election: Election, as_of: datetime.date | None = None) -> Report:
    """The report of a regency (per kecamatan) or of a province (per regency, with uploaded
    bundles beside the regencies of this instance)."""
    as_of = as_of or timezone.localdate()
    if region.level == Level.KABKOTA:
        regencies = [region]
    elif region.level == Level.PROVINSI:
        with_tps = set(TPS.objects.filter(election=election, code__startswith=region.code)
                       .values_list("village__parent__parent__code", flat=True).distinct())
        regencies = list(Region.objects.filter(parent=region, code__in=with_tps).order_by("code"))
    else:
        raise ReportError(_("A readiness report is made for a regency/city or a province."))
    context = _Shared(election, as_of)
    data = [gather(r, election, as_of, context) for r in regencies]
    if region.level == Level.KABKOTA:
        sections = regency_sections(data[0])
        figures = [data[0].figures]
    else:
        bundles = list(RegencyBundle.objects.filter(province=region, election=election)
                       .exclude(regency_code__in=[r.code for r in regencies]))
        sections = province_sections(region, data, bundles)
        figures = [d.figures for d in data] + [b.figures for b in bundles]
    synthetic = TPS.objects.filter(election=election, code__startswith=region.code,
                                   is_synthetic=True).exists()
    return Report(title=_("Election Readiness Report"), region_code=region.code,
                  region_name=region.name, level=region.level, election=election.name,
                  as_of=as_of, made_at=timezone.localtime(), synthetic=synthetic,
                  sections=sections, figures=figures)


class _Shared:
    """What regencies of one province share: the simulation run and its arrays, read once."""

    def __init__(self, election, as_of):
        self.election, self.as_of = election, as_of
        self.runs: dict[int, dict] = {}

    def simulation(self, regency: Region):
        from siaga.simulation.runs import latest_finished, results_of

        # As the polling-day board reads it (the documented settings, no what-if).
        run = latest_finished(self.election, regency)
        if run is None:
            return None, None
        if run.pk not in self.runs:
            self.runs[run.pk] = results_of(run)
        return run, self.runs[run.pk]


def gather(regency: Region, election: Election, as_of: datetime.date,
           shared: _Shared | None = None) -> RegencyData:
    shared = shared or _Shared(election, as_of)
    data = RegencyData(regency)
    kecamatan = list(Region.objects.filter(parent=regency).order_by("code")
                     .values_list("code", "name"))
    _tps_and_dpt(data, election)
    risk = _risk(data, election, kecamatan)
    _security(data, election, kecamatan)
    _logistics(data, election, kecamatan)
    _simulation(data, election, kecamatan, shared)
    _staff(data, election, kecamatan)
    _officers(data, election)
    _agenda_and_documents(data, election, as_of)
    _problems(data, election, as_of)
    tps_total = data.tables["tps"].total
    data.figures |= {
        "code": regency.code, "name": regency.name, "tps": tps_total[2], "dpt": tps_total[5],
        "rawan_tps": int((risk.grades.grades > 0).sum()),
        "is_synthetic": TPS.objects.filter(election=election, code__startswith=regency.code,
                                           is_synthetic=True).exists(),
    }
    return data


def _total(table: Table, column: int):
    return table.total[column] if table.total else None


# --- the sections, per kecamatan ------------------------------------------------------------

def _tps_and_dpt(data: RegencyData, election: Election) -> None:
    from siaga.regions.summary import summarize

    summary = summarize(data.regency, election)
    data.tables["tps"] = Table(
        "tps", _("TPS and DPT per kecamatan"),
        [_("Kecamatan"), _("Desa/kelurahan"), "TPS", _("DPT men"), _("DPT women"), "DPT"],
        [[r.region.name, r.desa, r.tps, r.dpt_men, r.dpt_women, r.dpt] for r in summary.rows],
        sums=(1, 2, 3, 4, 5), total_label=_("Total"))


def _risk(data: RegencyData, election: Election, kecamatan):
    from siaga.risk.assessments import region_risk
    from siaga.risk.scoring import summarize

    risk = region_risk(election, data.regency.code)
    areas = {a.code: a for a in summarize(risk.codes, risk.matrix, risk.grading.catalogue,
                                          grades=risk.grades.grades)}
    assessed = defaultdict(int)
    for code, flag in zip(risk.codes, risk.assessed, strict=True):
        assessed[code[:8]] += bool(flag)
    rows = []
    for code, name in kecamatan:
        a = areas.get(code)
        g = a.grade_counts if a else {}
        rows.append([name, a.tps if a else 0, assessed[code], g.get("kurang_rawan", 0),
                     g.get("rawan", 0), g.get("sangat_rawan", 0)])
    data.tables["risk"] = Table(
        "risk", _("Kerawanan per kecamatan"),
        [_("Kecamatan"), "TPS", _("assessed"), _("Kurang rawan"), _("Rawan"), _("Sangat rawan")],
        rows, sums=(1, 2, 3, 4, 5), total_label=_("Total"))
    place = {c: (la, lo) for c, la, lo in TPS.objects.filter(
        election=election, code__startswith=data.regency.code).values_list(
        "code", "latitude", "longitude")}
    lat = np.array([place[c][0] if place[c][0] is not None else np.nan for c in risk.codes])
    lon = np.array([place[c][1] if place[c][1] is not None else np.nan for c in risk.codes])
    data.points = (lat, lon, np.asarray(risk.grades.grades))
    data.outlines = [b for b in Region.objects.filter(parent=data.regency)
                     .values_list("boundary", flat=True) if b]
    data.notes["risk"].append(_("Grades from the kerawanan indicators recorded for each TPS "
                                "(%(catalogue)s); a TPS without an assessment counts as kurang "
                                "rawan.") % {"catalogue": risk.grading.catalogue.name})
    return risk


def _security(data: RegencyData, election: Election, kecamatan) -> None:
    from siaga.security.deployment import (
        BARTIM_2024,
        DEFAULT_PRESET,
        Scenario,
        news_scenario,
        plan_for,
        registered_scenario,
    )

    scenario = registered_scenario(data.regency)
    if scenario is None:
        # As the security page does: without registered personnel, the strength the Kapolres
        # gave the press for Barito Timur (the demo regency); elsewhere nobody is available.
        scenario = news_scenario() if data.regency.code == "62.13" else Scenario(DEFAULT_PRESET)
        data.notes["security"].append(
            _("No personnel registered: strength from %(source)s.") % {
                "source": BARTIM_2024["source"]} if data.regency.code == "62.13"
            else _("No personnel registered: every post counts as a shortfall."))
    plan = plan_for(election, data.regency, scenario)
    needs = {n.code: n for n in plan.needs}
    groups = defaultdict(int)
    for g in range(plan.group_count):
        groups[plan.areas[int(plan.group_area[g])]] += 1
    rows = []
    for code, name in kecamatan:
        n = needs.get(code)
        if n is None:
            rows.append([name, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
            continue
        rows.append([name, n.tps, groups[code], n.police_required, n.police_available,
                     n.police_shortfall, n.tni_required, n.tni_available, n.tni_shortfall,
                     n.linmas_required, n.linmas_available, n.linmas_shortfall])
    data.tables["security"] = Table(
        "security", _("Security plan and shortfalls per kecamatan"),
        [_("Kecamatan"), "TPS", _("posts"), _("Polri needed"), _("Polri available"),
         _("Polri short"), _("TNI needed"), _("TNI available"), _("TNI short"),
         _("Linmas needed"), _("Linmas available"), _("Linmas short")],
        rows, sums=tuple(range(1, 12)), total_label=_("Total"))
    data.notes["security"].append(_("Pattern set %(name)s.") % {"name": plan.patterns.name})
    total = data.tables["security"].total
    data.figures["security_short"] = total[5] + total[8] + total[11]
    data.figures["_security_short_kecamatan"] = sum(1 for r in rows if r[5] or r[8] or r[11])


def _logistics(data: RegencyData, election: Election, kecamatan) -> None:
    from siaga.logistics import needs as logistics_needs
    from siaga.logistics import registry, shipments, stock

    nd, rules = registry.needs_for(election, data.regency.code)
    per = defaultdict(lambda: [0, 0, 0.0, 0.0])
    for n in nd.per_tps:
        row = per[n.kecamatan]
        row[0] += 1
        row[1] += sum(li.quantity for li in n.lines if li.item == logistics_needs.BALLOT)
        load = logistics_needs.measure(n.lines, rules)
        row[2] += load.volume_l / 1000
        row[3] += load.weight_kg / 1000
    data.tables["needs"] = Table(
        "needs", _("Logistics needs per kecamatan"),
        [_("Kecamatan"), "TPS", _("ballots (DPT + 2%)"), _("volume (m³)"), _("weight (t)")],
        [[name, per[code][0], per[code][1], round(per[code][2], 1), round(per[code][3], 1)]
         for code, name in kecamatan], sums=(1, 2, 3, 4), total_label=_("Total"))
    board, total = shipments.board(election, data.regency)
    by_code = {r.code: r for r in board}
    rows = []
    for code, name in kecamatan:
        r = by_code.get(code)
        tps = per[code][0]
        received = r.received if r else 0
        rows.append([name, tps, r.tps if r else 0, received, r.checked if r else 0,
                     pct(received, tps), r.late if r else 0, r.open_alerts if r else 0])
    data.tables["distribution"] = Table(
        "distribution", _("Logistics distribution status per kecamatan"),
        [_("Kecamatan"), "TPS", _("shipments to TPS"), _("received"), _("checked"),
         _("received (%)"), _("late"), _("open alerts")],
        rows, sums=(1, 2, 3, 4, 6, 7), ratios={5: (3, 1)}, total_label=_("Total"))
    if not total.tps:
        data.notes["distribution"].append(_("No shipments yet: the distribution has not been "
                                            "synchronised from a plan."))
    short = [c for c in stock.compare(election, data.regency, nd.warehouse()) if c["short"]]
    data.figures["_stock_short"] = len(short)
    data.figures["logistics_pct"] = data.tables["distribution"].total[5] or 0.0
    data.figures["_late"] = total.late
    data.figures["_alerts"] = total.open_alerts


def _simulation(data: RegencyData, election: Election, kecamatan, shared: _Shared) -> None:
    from siaga.simulation import findings

    run, arrays = shared.simulation(data.regency)
    if run is None:
        data.notes["simulation"].append(_("No finished simulation run covers this region yet."))
        data.figures["sim_at_risk"] = None
        return
    codes = np.asarray(arrays["codes"]).astype(str)
    mine = np.flatnonzero(np.char.startswith(codes, data.regency.code + "."))
    p_mid = arrays["p_after_midnight"][mine]
    p_dead = arrays["p_after_deadline"][mine]
    risky = set(findings.at_risk(p_mid, p_dead).tolist())
    per = defaultdict(lambda: [0, 0, 0, 0])
    for j, i in enumerate(mine):
        row = per[codes[i][:8]]
        row[0] += 1
        row[1] += j in risky
        # The thresholds of the run's own summary (simulation/runs.py summary_of).
        row[2] += bool(p_mid[j] >= findings.LIKELY_AFTER_MIDNIGHT)
        row[3] += bool(p_dead[j] >= findings.RISK_AFTER_DEADLINE)
    data.tables["simulation"] = Table(
        "simulation", _("Simulation findings per kecamatan"),
        [_("Kecamatan"), "TPS", _("TPS at risk"), _("likely past 24.00"),
         _("legal limit at risk")],
        [[name, *per[code]] for code, name in kecamatan], sums=(1, 2, 3, 4),
        total_label=_("Total"))
    order = findings.at_risk(p_mid, p_dead)[:AT_RISK_LISTED]
    data.extra["at_risk"] = Table(
        "at_risk", _("TPS at risk (first %(n)s)") % {"n": AT_RISK_LISTED},
        ["TPS", "DPT", _("counting ends (mean)"), _("P(past 24.00)")],
        [[str(codes[mine[j]]), int(arrays["dpt"][mine[j]]),
          findings.clock(float(arrays["counting_end_mean"][mine[j]])),
          round(100 * float(p_mid[j]), 1)] for j in order])
    data.notes["simulation"].append(
        _("Simulation run #%(pk)s of %(date)s, %(n)s replications.") % {
            "pk": run.pk, "date": timezone.localtime(run.finished_at).strftime("%d-%m-%Y"),
            "n": run.replications})
    data.figures["sim_at_risk"] = data.tables["simulation"].total[2]


def _staff(data: RegencyData, election: Election, kecamatan) -> None:
    from siaga.operations.models import Assignment

    watched, heads = set(), defaultdict(int)
    for kind, target, tps in Assignment.objects.filter(
            election=election, region__code__startswith=data.regency.code).values_list(
            "kind", "target", "tps"):
        if kind == Assignment.Kind.KECAMATAN:
            heads[target] += 1
        else:
            watched.update(tps)
    tps_per = defaultdict(int)
    watched_per = defaultdict(int)
    for code in TPS.objects.filter(election=election, code__startswith=data.regency.code
                                   ).values_list("code", flat=True):
        tps_per[code[:8]] += 1
        watched_per[code[:8]] += code in watched
    rows = [[name, tps_per[code], watched_per[code], pct(watched_per[code], tps_per[code]),
             heads[code]] for code, name in kecamatan]
    data.tables["staff"] = Table(
        "staff", _("Staff assignment coverage per kecamatan"),
        [_("Kecamatan"), "TPS", _("TPS watched by ASN"), _("coverage (%)"),
         _("OPD heads coordinating")], rows, sums=(1, 2, 4), ratios={3: (2, 1)},
        total_label=_("Total"))
    data.figures["staff_pct"] = data.tables["staff"].total[3] or 0.0
    data.figures["_no_head"] = sum(1 for r in rows if r[1] and not r[4]) if heads else 0
    if not watched and not heads:
        data.notes["staff"].append(_("No assignments yet for this election."))


def _officers(data: RegencyData, election: Election) -> None:
    try:
        from siaga.officers.summary import readiness_figures
    except ImportError:
        data.notes["officers"].append(_("Not available yet (the officers module is not "
                                        "installed in this version)."))
        data.figures["officers_pct"] = None
        return
    found = readiness_figures(region=data.regency, election=election)
    rows = [[r["name"], r["required"], r["present"], pct(r["present"], r["required"]),
             r["eligible"], r["insured"], pct(r["insured"], r["present"]), _gaps(r["gaps"])]
            for r in found["rows"]]
    data.tables["officers"] = Table(
        "officers", _("Ad hoc officers: completeness and insurance per kecamatan"),
        [_("Kecamatan"), _("posts required"), _("officers registered"), _("complete (%)"),
         _("eligible"), _("insured (BPJS)"), _("insured (%)"), _("posts empty")],
        rows, sums=(1, 2, 4, 5, 7), ratios={3: (2, 1), 6: (5, 2)}, total_label=_("Total"))
    data.notes["officers"].append(_("Complete: officers registered against the posts the rules "
                                    "ask for; insured: BPJS Ketenagakerjaan cover active on "
                                    "polling day, of the officers registered."))
    data.figures["officers_pct"] = data.tables["officers"].total[3]


def _gaps(gaps) -> int:
    if isinstance(gaps, dict):
        return sum(int(v) for v in gaps.values())
    return int(gaps or 0)


def agenda_of(region: Region, election: Election):
    """The activities of the region, of the regions above it, and of those below it."""
    above = [r.code for r in region.ancestors()]
    return (Activity.objects.filter(election=election)
            .filter(Q(region__code__in=above) | Q(region__code__startswith=region.code))
            .select_related("lead_agency", "region"))


def _agenda_and_documents(data: RegencyData, election: Election, as_of: datetime.date) -> None:
    from siaga.operations.models import Document

    activities = list(agenda_of(data.regency, election))
    statuses = dict(Activity.Status.choices)
    data.extra["agenda"] = Table(
        "agenda", _("Readiness agenda"),
        [_("date"), "H", _("activity"), _("place"), _("lead agency"), _("status"),
         _("outcome notes")],
        [[a.date.strftime("%d-%m-%Y"), _h(a, election), a.title, a.place,
          a.lead_agency.name if a.lead_agency else "", str(statuses[a.status]), a.outcome]
         for a in activities])
    live = [a for a in activities if a.status != Activity.Status.CANCELLED]
    data.figures["agenda_done"] = sum(1 for a in live if a.status == Activity.Status.DONE)
    data.figures["agenda_planned"] = len(live)
    data.figures["_overdue"] = sum(1 for a in live if a.status == Activity.Status.PLANNED
                                   and a.date < as_of)
    above = [r.code for r in data.regency.ancestors()]
    documents = (Document.objects.filter(Q(region__code__in=above)
                                         | Q(region__code__startswith=data.regency.code))
                 .filter(Q(election=election) | Q(election__isnull=True)).order_by("date", "pk"))
    kinds = dict(Document.Kind.choices)
    data.extra["documents"] = Table(
        "documents", _("Official documents"),
        [_("number"), _("date"), _("kind"), _("subject"), _("signatory")],
        [[d.number, d.date.strftime("%d-%m-%Y"), str(kinds[d.kind]), d.subject, d.signatory]
         for d in documents[:200]])


def _h(activity: Activity, election: Election) -> str:
    from siaga.readiness.timetable import h_label

    return h_label(activity.date, election.polling_date)


def _problems(data: RegencyData, election: Election, as_of: datetime.date) -> None:
    from siaga.operations.models import Incident

    incidents = (Incident.objects.filter(election=election,
                                         tps__code__startswith=data.regency.code)
                 .exclude(status=Incident.Status.CLOSED).count())
    f = data.figures
    rows = [
        [_("Open incidents at TPS"), incidents],
        [_("Open logistics alerts (wrong dapil, short, damaged)"), f.pop("_alerts")],
        [_("Shipments late"), f.pop("_late")],
        [_("Stock lines short of the needs"), f.pop("_stock_short")],
        [_("Kecamatan short of security personnel"), f.pop("_security_short_kecamatan")],
        [_("Kecamatan without an OPD head as coordinator"), f.pop("_no_head")],
        [_("Agenda items overdue"), f.pop("_overdue")],
    ]
    data.tables["problems"] = Table("problems", _("Open problems"), [_("problem"), _("count")],
                                    rows, sums=(1,), total_label=_("Total"))
    f["open_problems"] = data.tables["problems"].total[1]


# --- assembling the sections ------------------------------------------------------------------

SECTION_TITLES = {
    "tps": gettext_noop("TPS and DPT"), "risk": gettext_noop("Kerawanan"),
    "security": gettext_noop("Security plan and shortfalls"),
    "logistics": gettext_noop("Logistics: needs and distribution"),
    "simulation": gettext_noop("Simulation findings"),
    "staff": gettext_noop("Staff assignment coverage"),
    "officers": gettext_noop("Ad hoc officers and insurance"),
    "agenda": gettext_noop("Agenda: done and planned"),
    "documents": gettext_noop("Official documents"), "problems": gettext_noop("Open problems"),
}


def _section_title(key: str) -> str:
    return _(SECTION_TITLES[key])


def regency_sections(data: RegencyData) -> list[Section]:
    from siaga.web.charts import bar_chart_svg

    t, n = data.tables, data.notes
    names = [r[0] for r in t["tps"].rows]
    sections = [
        Section("tps", _section_title("tps"), n["tps"], [t["tps"]],
                [bar_chart_svg(names, {"TPS": [r[2] for r in t["tps"].rows]},
                               title=_("TPS per kecamatan"), xlabel=_("number of TPS"))]),
        Section("risk", _section_title("risk"), n["risk"], [t["risk"]],
                [map_svg(*data.points, title=_("TPS by kerawanan grade"),
                         boundaries=data.outlines),
                 bar_chart_svg(names, {_("Rawan"): [r[4] for r in t["risk"].rows],
                                       _("Sangat rawan"): [r[5] for r in t["risk"].rows]},
                               title=_("Rawan and sangat rawan TPS per kecamatan"),
                               xlabel=_("number of TPS"))]),
        Section("security", _section_title("security"), n["security"], [t["security"]]),
        Section("logistics", _section_title("logistics"), n["needs"] + n["distribution"],
                [t["needs"], t["distribution"]],
                [bar_chart_svg(names, {_("TPS"): [r[1] for r in t["distribution"].rows],
                                       _("received"): [r[3] for r in t["distribution"].rows]},
                               title=_("Logistics received at the TPS"),
                               xlabel=_("number of TPS"))]),
        Section("simulation", _section_title("simulation"), n["simulation"],
                [x for x in (t.get("simulation"), data.extra.get("at_risk")) if x]),
        Section("staff", _section_title("staff"), n["staff"], [t["staff"]]),
        Section("officers", _section_title("officers"), n["officers"],
                [t["officers"]] if "officers" in t else []),
        Section("agenda", _section_title("agenda"), [], [data.extra["agenda"]]),
        Section("documents", _section_title("documents"), [], [data.extra["documents"]]),
        Section("problems", _section_title("problems"), [], [t["problems"]]),
    ]
    return sections


def _rollup(key: str, title: str, data: list[RegencyData]) -> Table | None:
    """One row per regency: the label column replaced by the regency's name, its total row."""
    present = [d for d in data if key in d.tables]
    if not present:
        return None
    first = present[0].tables[key]
    header = [_("Regency/city")] + first.header[1:]
    rows = [[d.regency.name] + d.tables[key].total[1:] for d in present]
    return Table(key, title, header, rows, sums=first.sums, ratios=first.ratios,
                 total_label=_("Total"))


def comparison_table(figures: list[dict], sources: list[str]) -> Table:
    """Regencies side by side; `marks` name the cells where a regency is behind."""
    marks = bundle.behind(figures)
    column = {"logistics_pct": 5, "security_short": 6, "staff_pct": 7, "officers_pct": 8,
              "sim_at_risk_share": 9, "agenda_share": 10, "open_problems": 11,
              "rawan_share": 4}
    rows = []
    for f, source, m in zip(figures, sources, marks, strict=True):
        rows.append([f["name"], source, f["tps"], f["dpt"], f["rawan_tps"], f["logistics_pct"],
                     f["security_short"], f["staff_pct"], f["officers_pct"], f["sim_at_risk"],
                     f"{f['agenda_done']}/{f['agenda_planned']}", f["open_problems"],
                     ", ".join(sorted(MEASURE_NAMES_ID.get(x, x) for x in m)) or "-"])
    table = Table("comparison", _("Regencies side by side"),
                  [_("Regency/city"), _("source"), "TPS", "DPT", _("rawan TPS"),
                   _("logistics received (%)"), _("security short"), _("staff coverage (%)"),
                   _("officers complete (%)"), _("simulation: TPS at risk"),
                   _("agenda done/planned"), _("open problems"), _("behind on")],
                  rows, sums=(2, 3, 4, 6, 9, 11), total_label=_("Total"))
    table.marks = [{column[x] for x in m} for m in marks]
    return table


MEASURE_NAMES_ID = {}  # filled in province_sections in the active language


def province_sections(province: Region, data: list[RegencyData],
                      bundles: list[RegencyBundle]) -> list[Section]:
    from siaga.web.charts import bar_chart_svg

    MEASURE_NAMES_ID.update({
        "logistics_pct": _("logistics"), "staff_pct": _("staff"), "officers_pct": _("officers"),
        "agenda_share": _("agenda"), "security_short": _("security"),
        "sim_at_risk_share": _("simulation"), "rawan_share": _("kerawanan"),
        "open_problems": _("open problems")})
    figures = [d.figures for d in data] + [b.figures for b in bundles]
    sources = [_("this instance")] * len(data) + [
        _("bundle of %(date)s") % {"date": b.as_of.strftime("%d-%m-%Y")} for b in bundles]
    comparison = comparison_table(figures, sources)
    roll = {key: _rollup(key, data[0].tables[key].title.replace(
        _("per kecamatan"), _("per regency")) if data and key in data[0].tables else "", data)
        for key in ("tps", "risk", "security", "needs", "distribution", "simulation", "staff",
                    "officers", "problems")}
    names = [f["name"] for f in figures]
    lat = np.concatenate([np.asarray(d.points[0], dtype=float) for d in data]) if data else []
    lon = np.concatenate([np.asarray(d.points[1], dtype=float) for d in data]) if data else []
    grades = np.concatenate([np.asarray(d.points[2], dtype=int) for d in data]) if data else []
    notes = [_("%(local)s regencies/cities computed in this instance, %(bundles)s from uploaded "
               "bundles. A regency is behind on a measure when it is worse than the median of "
               "the regencies compared.") % {"local": len(data), "bundles": len(bundles)}]
    agenda = Table("agenda", _("Readiness agenda"), data[0].extra["agenda"].header,
                   data[0].extra["agenda"].rows) if data else None
    sections = [
        Section("comparison", _("Regencies side by side"), notes, [comparison], [
            bar_chart_svg(names, {_("logistics received (%)"): [f["logistics_pct"] or 0
                                                                for f in figures],
                                  _("staff coverage (%)"): [f["staff_pct"] or 0
                                                            for f in figures]},
                          title=_("Logistics and staff coverage per regency"), xlabel="%")]),
        Section("tps", _section_title("tps"), [], [x for x in [roll["tps"]] if x]),
        Section("risk", _section_title("risk"), [], [x for x in [roll["risk"]] if x],
                [map_svg(lat, lon, grades, title=_("TPS by kerawanan grade"))] if data else []),
        Section("security", _section_title("security"), [],
                [x for x in [roll["security"]] if x]),
        Section("logistics", _section_title("logistics"), [],
                [x for x in (roll["needs"], roll["distribution"]) if x]),
        Section("simulation", _section_title("simulation"),
                [] if roll["simulation"] else [_("No finished simulation run covers this "
                                                 "region yet.")],
                [x for x in [roll["simulation"]] if x]),
        Section("staff", _section_title("staff"), [], [x for x in [roll["staff"]] if x]),
        Section("officers", _section_title("officers"),
                [] if roll["officers"] else [_("Not available yet (the officers module is not "
                                               "installed in this version).")],
                [x for x in [roll["officers"]] if x]),
        Section("agenda", _section_title("agenda"), [], [agenda] if agenda else []),
        Section("problems", _section_title("problems"), [],
                [x for x in [roll["problems"]] if x]),
    ]
    return sections


# --- the map -------------------------------------------------------------------------------------

GRADE_COLOURS = ("#4c9a5a", "#e08a2c", "#b3261e")


def map_svg(lat, lon, grades, *, title: str, boundaries=()) -> str:
    """TPS as points coloured by kerawanan grade (a static map: the PDF cannot run Leaflet);
    many points are embedded as one image inside the SVG so that the PDF stays light."""
    from siaga.risk.scoring import GRADE_NAMES
    from siaga.web.charts import pyplot, svg_of

    plt = pyplot()
    lat, lon, grades = (np.asarray(lat, dtype=float), np.asarray(lon, dtype=float),
                        np.asarray(grades, dtype=int))
    located = ~(np.isnan(lat) | np.isnan(lon)) if len(lat) else np.zeros(0, dtype=bool)
    fig, ax = plt.subplots(figsize=(7.5, 6.0), layout="constrained")
    raster = len(lat) > MAP_RASTER_ABOVE
    for geometry in boundaries:
        polygons = ([geometry["coordinates"]] if geometry.get("type") == "Polygon"
                    else geometry.get("coordinates", []))
        for polygon in polygons:
            ring = np.asarray(polygon[0], dtype=float)
            ax.plot(ring[:, 0], ring[:, 1], color="#9aa5ad", linewidth=0.6)
    for g in (0, 1, 2):  # the graver grades drawn last, on top
        pick = located & (grades == g)
        ax.scatter(lon[pick], lat[pick], s=(6 if g == 0 else 18), c=GRADE_COLOURS[g],
                   label=f"{GRADE_NAMES[g]} ({int((grades == g).sum())})",
                   edgecolors="none" if g == 0 else "white", linewidths=0.3, rasterized=raster)
    if located.any():
        ax.set_aspect(1 / np.cos(np.radians(np.nanmean(lat[located]))))
    else:
        ax.text(0.5, 0.5, _("No TPS has coordinates."), ha="center", va="center",
                transform=ax.transAxes)
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlabel(_("longitude"))
    ax.set_ylabel(_("latitude"))
    ax.tick_params(labelsize=7)
    ax.legend(loc="best", fontsize=8, frameon=True)
    if not located.all() and len(lat):
        ax.annotate(_("%(n)s TPS without coordinates are not drawn.") % {
            "n": int((~located).sum())}, (0, -0.12), xycoords="axes fraction", fontsize=7)
    return svg_of(fig)
