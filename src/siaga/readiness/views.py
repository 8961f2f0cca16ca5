"""Readiness pages: the agenda with its timeline, the readiness reports (one click, made by
the worker, kept with their date), and the province's bundles from its regencies."""

import datetime
import hashlib

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from siaga.accounts.scope import profile_of, require, scope_code
from siaga.readiness import agenda, bundle, keys, timetable
from siaga.readiness.models import Activity, RegencyBundle, ReportRun
from siaga.readiness.report import agenda_of, gather
from siaga.readiness.tasks import make_report
from siaga.regions.models import Level
from siaga.regions.views import breadcrumb, election_for, region_for
from siaga.taskruns import status_fragment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report_region(request):
    """The regency or province the page is about (a kecamatan or desa: its regency)."""
    region = region_for(request)
    if region.level in (Level.KECAMATAN, Level.DESA):
        region = next(r for r in region.ancestors() if r.level == Level.KABKOTA)
    return region


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "title", "starts_at", "place", "lead_agency", "status", "outcome"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                    format="%Y-%m-%dT%H:%M"),
                   "outcome": forms.Textarea(attrs={"rows": 3})}


@require_http_methods(["GET", "POST"])
def agenda_view(request):
    """The agenda as a vertical timeline from the first activity to polling day and after;
    "create from the template" writes the election's timetable for the region."""
    region = _report_region(request)
    election = election_for(request)
    profile = profile_of(request.user)
    form = ActivityForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "write_registry", region.code)
        if request.POST.get("action") == "template":
            written = agenda.create_from_template(region, election, user=request.user)
            messages.success(request, _("%(n)s activities written from the timetable of "
                                        "%(election)s.") % {"n": written,
                                                            "election": election.name})
            return redirect(request.get_full_path())
        if form.is_valid():
            activity = form.save(commit=False)
            activity.region, activity.election, activity.updated_by = (
                region, election, request.user)
            activity.save()
            messages.success(request, _("Activity saved."))
            return redirect(request.get_full_path())
    today = timezone.localdate()
    activities = list(agenda_of(region, election))
    rows = [{"a": a, "h": timetable.h_label(a.date, election.polling_date),
             "overdue": a.status == Activity.Status.PLANNED and a.date < today,
             "past": a.date < today} for a in activities]
    return render(request, "readiness/agenda.html", {
        "region": region, "election": election, "rows": rows, "form": form, "today": today,
        "done": sum(1 for a in activities if a.status == Activity.Status.DONE),
        "planned": sum(1 for a in activities if a.status != Activity.Status.CANCELLED),
        "has_template": election.kind in timetable.TEMPLATES,
        "may_write": profile.may("write_registry"), "breadcrumb": breadcrumb(request, region)})


@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int):
    activity = get_object_or_404(Activity.objects.select_related("region", "election"), pk=pk)
    if not activity.region.code.startswith(scope_code(request.user)):
        raise Http404(pk)
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST":
        require(request.user, "write_registry", activity.region.code)
        if form.is_valid():
            activity = form.save(commit=False)
            activity.updated_by = request.user
            activity.save()
            messages.success(request, _("Activity saved."))
            return redirect(f"{reverse('readiness_agenda')}?wilayah={activity.region.code}"
                            f"&pemilu={activity.election.slug}")
    return render(request, "readiness/activity.html", {
        "activity": activity, "form": form, "region": activity.region,
        "election": activity.election,
        "may_write": profile_of(request.user).may("write_registry")})


# --- reports -----------------------------------------------------------------------------------

class BundleUpload(forms.Form):
    file = forms.FileField(label=gettext_lazy("Report bundle of a regency (JSON)"))


@require_http_methods(["GET", "POST"])
def report_list(request):
    region = _report_region(request)
    election = election_for(request)
    profile = profile_of(request.user)
    upload = BundleUpload()
    problems = []
    if request.method == "POST":
        require(request.user, "write_registry", region.code)
        if request.POST.get("action") == "bundle":
            upload = BundleUpload(request.POST, request.FILES)
            if region.level != Level.PROVINSI:
                raise Http404(_("Bundles are uploaded to a province."))
            if upload.is_valid():
                problems = _take_bundle(request, region, election,
                                        upload.cleaned_data["file"].read())
                if not problems:
                    return redirect(request.get_full_path())
        else:
            as_of = _parse_date(request.POST.get("as_of")) or timezone.localdate()
            run = ReportRun.objects.create(region=region, election=election, as_of=as_of,
                                           created_by=request.user)
            transaction.on_commit(lambda: make_report.enqueue(run.pk))
            return redirect("readiness_report", run.pk)
    return render(request, "readiness/reports.html", {
        "region": region, "election": election, "upload": upload, "problems": problems,
        "runs": ReportRun.objects.filter(region=region, election=election)
        .select_related("created_by")[:20],
        "bundles": RegencyBundle.objects.filter(province=region, election=election)
        if region.level == Level.PROVINSI else [],
        "today": timezone.localdate(), "may_write": profile.may("write_registry"),
        "breadcrumb": breadcrumb(request, region)})


def _take_bundle(request, province, election, content: bytes) -> list[str]:
    """Verify and store a regency's bundle; the problems in words when it is refused."""
    verified, found = bundle.read_bundle(content, key=keys.bundle_key(),
                                         province=province.code)
    if verified is None:
        return [p.render(_) for p in found]
    if verified.election != election.slug:
        return [_("The bundle is for election %(found)s, this page is for %(expected)s.")
                % {"found": verified.election, "expected": election.slug}]
    figures = verified.figures
    RegencyBundle.objects.update_or_create(
        election=election, regency_code=figures["code"],
        defaults={"province": province, "regency_name": figures["name"],
                  "as_of": datetime.date.fromisoformat(verified.as_of), "figures": figures,
                  "sha256": hashlib.sha256(content).hexdigest(), "uploaded_by": request.user})
    messages.success(request, _("Bundle of %(name)s (as of %(date)s) accepted.") % {
        "name": figures["name"], "date": verified.as_of})
    return []


def _parse_date(raw):
    try:
        return datetime.date.fromisoformat(raw or "")
    except ValueError:
        return None


def _run_or_404(request, pk: int) -> ReportRun:
    run = ReportRun.objects.select_related("region", "election").filter(pk=pk).first()
    if run is None or not run.region.code.startswith(scope_code(request.user)):
        raise Http404(pk)
    return run


@require_GET
def report_detail(request, pk: int):
    run = _run_or_404(request, pk)
    return render(request, "readiness/report_detail.html", {
        "run": run, "region": run.region, "election": run.election,
        "figures": run.summary.get("figures", [])})


@require_GET
def report_status(request, pk: int):
    return status_fragment(request, _run_or_404(request, pk), "readiness/_status.html", "run")


@require_GET
def report_download(request, pk: int, fmt: str):
    run = _run_or_404(request, pk)
    content = run.pdf if fmt == "pdf" else run.xlsx if fmt == "xlsx" else None
    if run.status != run.Status.DONE or content is None:
        raise Http404(pk)
    response = HttpResponse(bytes(content), content_type="application/pdf" if fmt == "pdf"
                            else XLSX)
    name = f"laporan-kesiapan-{run.region.code}-{run.as_of.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def bundle_export(request):
    """The regency's figures as of today (or the date given), signed, for its province."""
    region = _report_region(request)
    if region.level != Level.KABKOTA:
        raise Http404(_("A bundle is made for a regency/city."))
    require(request.user, "read", region.code)
    election = election_for(request)
    as_of = _parse_date(request.POST.get("as_of")) or timezone.localdate()
    with translation.override("id"):
        figures = gather(region, election, as_of).figures
    content = bundle.make_bundle(figures, election=election.slug, as_of=as_of.isoformat(),
                                 made_at=timezone.now().isoformat(timespec="seconds"),
                                 key=keys.bundle_key())
    response = HttpResponse(content, content_type="application/json")
    response["Content-Disposition"] = (f'attachment; filename="bundel-kesiapan-{region.code}-'
                                       f'{as_of.isoformat()}.json"')
    return response
