"""Polling-day pages: the field form (works offline), the live board, incidents."""

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from siaga.accounts.scope import profile_of, require, scope_code, visible_tps
from siaga.operations import board, calibration, letters, staff
from siaga.operations import messages as texts
from siaga.operations.models import Assignment, Document, Incident, Staff
from siaga.operations.reports import polling_moment
from siaga.regions.models import Region
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
        "kinds": [(k.value, _(texts.KIND_LABELS[k])) for k in texts.Kind],
        "contests": [c.value for c in texts.Contest],
        "categories": [(c.value, _(texts.CATEGORY_LABELS[c])) for c in texts.Category],
        "severities": [(s.value, _(texts.SEVERITY_LABELS[s])) for s in texts.Severity],
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

    replay = clock_minutes(texts.Kind.HADIR, when) if when else None
    as_of = replay if replay is not None else board.as_of_minutes(election, tz)
    rows, total, silent, run, states = board.load(election, region, as_of)
    incidents = (Incident.objects.filter(election=election, tps__code__startswith=region.code)
                 .exclude(status=Incident.Status.CLOSED).select_related("tps")[:30])
    return {"region": region, "election": election, "rows": rows, "total": total,
            "silent": [{"code": s.code, "last": clock(s.last / 60) if s.last is not None else "-"}
                       for s in silent[:40]],
            "silent_more": max(0, len(silent) - 40), "run": run, "incidents": incidents,
            "as_of": polling_moment(election, tz, as_of), "replay": when if replay is not None else "",
            "severities": [s.value for s in reversed(texts.Severity)],
            "contests": election.contests.count(),
            # Under a desa: every TPS with its checkpoints and counting progress per contest.
            "tps_states": [{"code": s.code, "last": _clock(s.last), "opened": _clock(s.opened),
                            "turnout": s.turnout, "dpt": s.dpt, "closed": _clock(s.closed),
                            "contests_done": len(s.contests_done), "finished": _clock(s.finished),
                            "forecast": _clock(s.forecast_end),
                            "silent": board.is_silent(s, as_of, _opens(election))}
                           for s in states] if region.level == "desa" else [],
            "breadcrumb": breadcrumb(request, region)}


def _clock(minutes) -> str:
    return clock(minutes / 60) if minutes is not None else "-"


def _opens(election) -> int:
    return election.voting_opens.hour * 60 + election.voting_opens.minute


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


# --- staff, assignments, documents and letters ----------------------------------------------

class Upload(forms.Form):
    file = forms.FileField(label=gettext_lazy("Staff file (XLSX)"))


def _regency_of_request(request):
    region = region_for(request)
    from siaga.logistics.plans import regency_of

    if region.level == "provinsi":
        raise Http404(_("Choose a regency, a kecamatan or a desa."))
    return region, regency_of(region)


@require_http_methods(["GET", "POST"])
def staff_view(request):
    region, regency = _regency_of_request(request)
    profile = profile_of(request.user)
    upload, problems = Upload(), []
    if request.method == "POST":
        require(request.user, "write_registry", regency.code)
        upload = Upload(request.POST, request.FILES)
        if upload.is_valid():
            written, problems = staff.import_xlsx(regency, upload.cleaned_data["file"].read())
            if not problems:
                messages.success(request, _("%(n)s staff saved.") % {"n": written})
                return redirect(request.get_full_path())
    people = (Staff.objects.filter(region=regency).select_related("opd", "home")
              .annotate(duties=Count("assignments")))
    if region != regency:
        people = people.filter(home__code__startswith=region.code)
    return render(request, "operations/staff.html", {
        "region": region, "regency": regency, "people": people[:1000], "count": people.count(),
        "upload": upload, "problems": problems, "may_write": profile.may("write_registry"),
        "election": election_for(request), "breadcrumb": breadcrumb(request, region)})


@require_http_methods(["GET", "POST"])
def assignment_view(request):
    """The proposal (heads over kecamatan, staff over TPS groups), changes by hand, conflicts."""
    region, regency = _regency_of_request(request)
    election = election_for(request)
    profile = profile_of(request.user)
    if request.method == "POST":
        require(request.user, "write_registry", regency.code)
        if request.POST.get("action") == "propose":
            proposal = staff.propose_and_save(election, regency)
            messages.success(request, _("Proposal saved: %(groups)s TPS groups, %(heads)s "
                                        "kecamatan coordinators.") % {
                "groups": sum(1 for g in proposal.groups if g.person_id),
                "heads": sum(len(v) for v in proposal.heads.values())})
        elif request.POST.get("action") == "change":
            row = get_object_or_404(Assignment, pk=request.POST.get("assignment"),
                                    election=election, region__code__startswith=regency.code)
            person = Staff.objects.filter(nip=request.POST.get("nip", "").strip(),
                                          region=regency).first()
            if person is None:
                messages.error(request, _("No staff member with NIP %(nip)s in this regency.")
                               % {"nip": request.POST.get("nip", "")})
            else:
                row.staff, row.manual = person, True
                row.save()
        return redirect(request.get_full_path())
    rows = (Assignment.objects.filter(election=election, region__code__startswith=region.code)
            .select_related("staff__opd", "region"))
    return render(request, "operations/assignments.html", {
        "region": region, "regency": regency, "election": election, "rows": rows,
        "conflicts": [p.render(_) for p in staff.conflicts(election, regency)] if rows else [],
        "may_write": profile.may("write_registry"), "breadcrumb": breadcrumb(request, region),
        "pattern": letters.DEFAULT_PATTERN,
        "documents": Document.objects.filter(region=regency, kind="surat_tugas",
                                             election=election)[:50]})


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["kind", "number", "date", "subject", "signatory", "addressees", "attachment"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "addressees": forms.Textarea(attrs={"rows": 3})}


@require_http_methods(["GET", "POST"])
def document_view(request):
    region, regency = _regency_of_request(request)
    election = election_for(request)
    profile = profile_of(request.user)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require(request.user, "write_registry", regency.code)
        if request.POST.get("action") == "letters":
            pattern = request.POST.get("pattern", letters.DEFAULT_PATTERN).strip()
            date = _parse_date(request.POST.get("date"))
            problem = letters.check_pattern(pattern) or (
                None if date else _("Give the date of the letters."))
            if problem:
                messages.error(request, problem)
            else:
                issued = letters.issue(election, regency, pattern=pattern, date=date,
                                       signatory=request.POST.get("signatory", "").strip()[:160],
                                       user=request.user)
                messages.success(request, _("%(n)s Surat Tugas issued.") % {"n": len(issued)})
            return redirect(request.get_full_path())
        if form.is_valid():
            document = form.save(commit=False)
            document.region, document.election, document.created_by = regency, election, request.user
            document.save()
            messages.success(request, _("Document registered."))
            return redirect(request.get_full_path())
    return render(request, "operations/documents.html", {
        "region": region, "regency": regency, "election": election, "form": form,
        "documents": Document.objects.filter(region__code__startswith=regency.code)[:200],
        "may_write": profile.may("write_registry"), "pattern": letters.DEFAULT_PATTERN,
        "breadcrumb": breadcrumb(request, region)})


def _parse_date(raw):
    import datetime

    try:
        return datetime.date.fromisoformat(raw or "")
    except ValueError:
        return None


def _letter_pdf(request, context: dict, name: str) -> HttpResponse:
    from weasyprint import HTML

    with translation.override("id"):  # an official letter is in Bahasa Indonesia
        html = render_to_string("operations/surat_tugas_pdf.html", context, request=request)
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _letter_context(document_or_row, election, regency, rows) -> dict:
    return {"election": election, "regency": regency, "rows": rows,
            "basis": letters.basis(regency, election),
            "polling_day": election.polling_date}


@require_GET
def letter_opd_pdf(request, pk: int):
    """The Surat Tugas of one OPD with its roster as an annex."""
    document = get_object_or_404(Document, pk=pk, kind=Document.Kind.SURAT_TUGAS)
    if not document.region.code.startswith(scope_code(request.user)) and not \
            scope_code(request.user).startswith(document.region.code):
        raise Http404(pk)
    named = document.addressees.splitlines()
    rows = sorted((a for a in Assignment.objects.filter(
        election=document.election, region__code__startswith=document.region.code)
        .select_related("staff__opd", "region") if f"{a.staff.name} ({a.staff.nip})" in named),
        key=lambda a: (not a.staff.is_head, a.staff.name))
    return _letter_pdf(request, {**_letter_context(document, document.election, document.region,
                                                   rows),
                                 "number": document.number, "date": document.date,
                                 "signatory": document.signatory, "opd": rows[0].staff.opd
                                 if rows else None}, f"surat-tugas-{document.pk}")


@require_GET
def letter_person_pdf(request, pk: int):
    """The Surat Tugas of one person (their own number)."""
    row = get_object_or_404(Assignment.objects.select_related("staff__opd", "region", "election"),
                            pk=pk)
    if not row.region.code.startswith(scope_code(request.user)):
        raise Http404(pk)
    if not row.letter_number:
        raise Http404(_("No Surat Tugas has been issued for this assignment yet."))
    regency = Region.objects.get(code=row.region.code[:5])
    document = Document.objects.filter(region=regency, kind=Document.Kind.SURAT_TUGAS,
                                       election=row.election).order_by("-date").first()
    return _letter_pdf(request, {**_letter_context(row, row.election, regency, [row]),
                                 "number": row.letter_number,
                                 "date": document.date if document else row.election.polling_date,
                                 "signatory": document.signatory if document else "",
                                 "opd": row.staff.opd, "personal": True},
                       f"surat-tugas-{row.staff.nip}")


@require_http_methods(["GET", "POST"])
def calibration_view(request):
    """Fit the simulation's speed to the counting ends reported from the TPS."""
    region = region_for(request)
    election = election_for(request)
    context = {"region": region, "election": election, "breadcrumb": breadcrumb(request, region),
               "reported": sum(1 for t in calibration.observed(election, region).values()
                               if "SUARA_SELESAI" in t)}
    if request.method == "POST":
        require(request.user, "write_registry", region.code)
        result, count = calibration.calibrate_region(election, region)
        context |= {"result": result, "count": count}
    return render(request, "operations/calibration.html", context)
