"""Polling-day pages: the field form (works offline), the live board, incidents."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from siaga.accounts.scope import profile_of, require, scope_code, visible_tps
from siaga.operations import board, messages
from siaga.operations.models import Incident
from siaga.operations.reports import polling_moment
from siaga.regions.views import breadcrumb, election_for, region_for
from siaga.simulation.findings import clock


@require_GET
def field_form(request):
    """The phone page: pick a TPS, report a checkpoint or an incident. Reports queue on the
    phone while there is no signal and go out when it returns (static/operations/field.js)."""
    election = election_for(request)
    tps = list(visible_tps(request.user, election).order_by("code").values_list("code", flat=True)[:3000])
    return render(request, "operations/field.html", {
        "election": election, "tps_codes": tps,
        "kinds": [(k.value, _(messages.KIND_LABELS[k])) for k in messages.Kind],
        "contests": [c.value for c in messages.Contest],
        "categories": [(c.value, _(messages.CATEGORY_LABELS[c])) for c in messages.Category],
        "severities": [(s.value, _(messages.SEVERITY_LABELS[s])) for s in messages.Severity],
        "may_report": profile_of(request.user).may("write_field")})


@require_GET
def service_worker(request):
    """Keeps the field page and its scripts on the phone, so it opens without a signal."""
    assets = [reverse("field_form"), static("operations/field.js"), static("web/site.css")]
    body = (f"const ASSETS = {assets!r};\n".replace("'", '"')
            + (open(_sw_path(), encoding="utf-8").read()))
    response = HttpResponse(body, content_type="text/javascript")
    response["Service-Worker-Allowed"] = reverse("field_form")
    response["Cache-Control"] = "no-cache"
    return response


def _sw_path() -> str:
    from pathlib import Path

    return str(Path(__file__).parent / "static" / "operations" / "sw-body.js")


def _board_context(request) -> dict:
    region = region_for(request)
    election = election_for(request)
    tz = region.zoneinfo
    when = request.GET.get("pada", "")
    from siaga.operations.api import clock_minutes

    replay = clock_minutes(messages.Kind.HADIR, when) if when else None
    as_of = replay if replay is not None else board.as_of_minutes(election, tz)
    rows, total, silent, run = board.load(election, region, as_of)
    incidents = (Incident.objects.filter(election=election, tps__code__startswith=region.code)
                 .exclude(status=Incident.Status.CLOSED).select_related("tps")[:30])
    return {"region": region, "election": election, "rows": rows, "total": total,
            "silent": [{"code": s.code, "last": clock(s.last / 60) if s.last is not None else "-"}
                       for s in silent[:40]],
            "silent_more": max(0, len(silent) - 40), "run": run, "incidents": incidents,
            "as_of": polling_moment(election, tz, as_of), "replay": when if replay is not None else "",
            "severities": [s.value for s in reversed(messages.Severity)],
            "breadcrumb": breadcrumb(request, region)}


@require_GET
def live_board(request):
    return render(request, "operations/board.html", _board_context(request))


@require_GET
def live_board_body(request):
    """The board's body, polled every 15 s by htmx."""
    return render(request, "operations/_board_body.html", _board_context(request))


@require_GET
def incident_list(request):
    election = election_for(request)
    incidents = (Incident.objects.filter(election=election,
                                         tps__code__startswith=scope_code(request.user))
                 .select_related("tps", "reporter")[:200])
    return render(request, "operations/incidents.html", {
        "election": election, "incidents": incidents,
        "may_follow": profile_of(request.user).may("write_registry")})


@require_POST
def incident_update(request, pk: int):
    incident = get_object_or_404(Incident.objects.select_related("tps"), pk=pk)
    if not incident.tps.code.startswith(scope_code(request.user)):
        raise Http404(pk)
    require(request.user, "write_registry", incident.tps.code)
    status = request.POST.get("status")
    if status not in (Incident.Status.FOLLOW_UP, Incident.Status.CLOSED):
        raise Http404(status)
    incident.status, incident.updated_by = status, request.user
    note = request.POST.get("follow_up", "").strip()[:2000]
    if note:
        incident.follow_up = (incident.follow_up + "\n" + note).strip()
    incident.save()
    return redirect(f"{reverse('incident_list')}?pemilu={incident.election.slug}")
