from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from siaga import xlsx
from siaga.regions.models import Level, Region
from siaga.regions.views import breadcrumb, election_for, map_payload, region_for
from siaga.risk.scoring import GRADE_NAMES
from siaga.security.deployment import (
    BARTIM_2024,
    Scenario,
    news_scenario,
    plan_for,
    registered_scenario,
    roster_for,
)
from siaga.security.patterns import PRESETS
from siaga.security.plan import diff_plans

POSTS_SHOWN = 40  # on the page; every post is in the plan


@require_GET
def plan_view(request):
    """Required against available personnel per kecamatan, and the guard posts; a second
    scenario (pattern or strength) side by side."""
    region = region_for(request)
    election = election_for(request)
    a = scenario_a(request, region)
    b = Scenario.from_query(request.GET, "b_")
    context = {"region": region, "election": election, "breadcrumb": breadcrumb(request, region),
               "presets": PRESETS, "a": a, "b": b, "bartim": BARTIM_2024,
               # Polres and Kodim plan for a regency: their pools serve all its kecamatan.
               "too_small": region.level in (Level.KECAMATAN, Level.DESA)}
    for scenario in (a, b):
        try:
            scenario and scenario.pattern_set()
        except (ValueError, ZeroDivisionError):
            context["bad_pattern"] = True
            return render(request, "security/plan.html", context, status=400)
    if not context["too_small"]:
        names = dict(Region.objects.within(region).filter(level=Level.KECAMATAN)
                     .values_list("code", "name"))
        plan_a = plan_for(election, region, a)
        context["plan_a"] = _present(plan_a, names, roster_for(plan_a, region))
        if b is not None:
            plan_b = plan_for(election, region, b)
            context["plan_b"] = _present(plan_b, names)
            context["moved"] = len(diff_plans(plan_a, plan_b).moved)
    return render(request, "security/plan.html", context)


def scenario_a(request, region) -> Scenario:
    """From the form; else the personnel registered; else the Barito Timur 2024 news figures."""
    return (Scenario.from_query(request.GET, "a_") or registered_scenario(region)
            or news_scenario())


def _present(plan, names: dict[str, str], roster=None) -> dict:
    groups = plan.groups()
    return {
        "pattern_set": plan.patterns,
        "patterns": [(GRADE_NAMES[g], plan.patterns.for_grade(g).label()) for g in range(3)],
        "totals": plan.totals(), "group_count": len(groups),
        "needs": [{"name": names.get(n.code, n.code), "need": n} for n in plan.needs],
        "groups": [{"name": g.name, "grade": GRADE_NAMES[g.grade], "grade_class": g.grade,
                    "tps": g.tps, "police": g.police, "linmas": g.linmas,
                    "minutes": round(g.max_minutes),
                    "people": [p.name for p in roster.assigned.get(g.name, [])] if roster else [],
                    "open": roster.open_slots.get(g.name, {}) if roster else {}}
                   for g in groups[:POSTS_SHOWN]],
        "open_total": sum(sum(v.values()) for v in roster.open_slots.values()) if roster else None,
        "more": max(0, len(groups) - POSTS_SHOWN),
    }


@require_GET
def map_data(request):
    """TPS coloured by grade; each popup names its guard post (plan A)."""
    region = region_for(request)
    election = election_for(request)
    plan = plan_for(election, region, scenario_a(request, region))
    post_of = {}
    for g in plan.groups():
        for code in g.tps:
            post_of[code] = {"grade": g.grade, "why": f"{g.name} ({g.pattern.label()})",
                             "post": code == g.post}
    return JsonResponse(map_payload(request, region, election, lambda code: post_of.get(code, {})))


@require_GET
def posts_export(request):
    """The guard posts of plan A for Polres: one row per TPS with its post and personnel."""
    from django.http import HttpResponse

    region = region_for(request)
    election = election_for(request)
    plan = plan_for(election, region, scenario_a(request, region))
    roster = roster_for(plan, region)
    book = xlsx.new_book()
    xlsx.add_table(
        book, "Pos",
        title=f"Rencana pengamanan TPS {election.name} - {region.name}, pola {plan.patterns.name}",
        header=["Pos", "Tingkat", "Pola", "Polri", "Linmas", "Waktu tempuh terjauh (menit)",
                "Kode TPS", "Personel di pos"],
        rows=([g.name, GRADE_NAMES[g.grade], g.pattern.label(), g.police, g.linmas,
               round(g.max_minutes), code, "; ".join(p.name for p in roster.assigned.get(g.name, []))]
              for g in plan.groups() for code in g.tps))
    response = HttpResponse(xlsx.to_bytes(book), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="pos-pengamanan-{region.code}.xlsx"'
    return response
