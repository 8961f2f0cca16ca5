"""Officer pages: the registry with its gaps, one officer (masked; unmasked only for the right
role, and logged), the import with its preview, BPJS cover, cases and compensation, coverage,
and the TPS where officers are most at risk. Every page is scoped to the user's region."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from siaga import xlsx
from siaga.accounts import audit
from siaga.accounts.models import AuditEntry
from siaga.accounts.scope import profile_of, require
from siaga.officers import bpjs, cases, coverage, eligibility, imports, risklist
from siaga.officers.imports import officer_key, officer_region
from siaga.officers.models import Case, Enrolment, Officer, Upload, scheme_for
from siaga.operations.models import Incident
from siaga.regions.views import breadcrumb, election_for, region_for

# The right that lets a role see NIK and phone in clear: the administrator's "admin" right
# (accounts.models.ROLE_RIGHTS); every such view is logged.
UNMASK_RIGHT = "admin"
SHOWN = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_unmask(user) -> bool:
    return profile_of(user).may(UNMASK_RIGHT)


def log_unmasked(*, action: str, key: str, region_code: str, what: dict) -> None:
    """One audit entry per unmasked view or export: who, when, which records, never the
    values. `action` is "view" (a page) or "export" (a file)."""
    audit.record(Officer, action, key[:80], region_code, None, what).save()


def _base(request) -> dict:
    region = region_for(request)
    election = election_for(request)
    profile = profile_of(request.user)
    return {"region": region, "election": election, "breadcrumb": breadcrumb(request, region),
            "may_write": profile.may("write_registry"), "may_unmask": profile.may(UNMASK_RIGHT),
            "query": f"wilayah={region.code}&pemilu={election.slug}"}


def _xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --- the registry ------------------------------------------------------------------------------

FILTERS = {
    "ineligible": gettext_lazy("not eligible"),
    "no_certificate": gettext_lazy("no health certificate"),
    "uninsured": gettext_lazy("not insured on polling day"),
}


def _listed(request, context):
    registry = coverage.load(context["region"], context["election"])
    facts = {f.pk: f for f in registry.officers}
    officers = coverage.officers_in(context["region"], context["election"]).with_units(
        ).select_related("enrolment")
    position = request.GET.get("jabatan", "")
    if position:
        officers = officers.filter(position=position)
    if name := request.GET.get("nama", "").strip():
        officers = officers.filter(name__icontains=name)
    status = request.GET.get("status", "")
    wanted = {"ineligible": lambda f: not f.eligible,
              "no_certificate": lambda f: not f.has_health_certificate,
              "uninsured": lambda f: not f.insured}.get(status)
    if wanted:
        officers = officers.filter(pk__in=[pk for pk, f in facts.items() if wanted(f)])
    return registry, facts, officers, position, status


@require_GET
def officer_list(request):
    context = _base(request)
    registry, facts, officers, position, status = _listed(request, context)
    count = officers.count()
    rows = [{"officer": o, "facts": facts[o.pk],
             "problems": [p.render(_) for p in facts[o.pk].problems]}
            for o in officers[:SHOWN]]
    _rows, totals = coverage.by_kecamatan(registry)
    gaps = [{"unit": g.unit_code, "position": g.position.value, "required": g.required,
             "present": g.present, "missing": g.missing, "surplus": g.surplus,
             "chairs": g.chairs, "chair_problem": g.chair_problem} for g in registry.gaps]
    return render(request, "officers/list.html", context | {
        "rows": rows, "count": count, "shown": min(count, SHOWN), "totals": totals,
        "gaps": gaps[:300], "gap_count": len(gaps), "positions": Officer.PositionChoice.choices,
        "position": position, "status": status, "filters": FILTERS.items(),
        "name": request.GET.get("nama", ""),
        "synthetic": any(r["officer"].is_synthetic for r in rows)})


@require_GET
def officer_export(request):
    """The list as XLSX, NIK and phone masked (whoever asks)."""
    context = _base(request)
    _registry, facts, officers, _position, _status = _listed(request, context)
    book = xlsx.new_book()
    xlsx.add_table(book, "Petugas", title=f"Petugas ad hoc {context['election'].name} - "
                   f"{context['region'].name} (NIK dan telepon disamarkan)",
                   header=["Jabatan", "TPS / wilayah", "Nama", "NIK", "Jenis kelamin", "Umur",
                           "Ketua", "Surat sehat", "Memenuhi syarat", "BPJS", "Telepon"],
                   rows=([o.get_position_display(), o.unit_code, o.name, o.nik_masked, o.sex,
                          facts[o.pk].age, "ya" if o.is_chair else "",
                          "ya" if o.has_health_certificate else "tidak",
                          "ya" if facts[o.pk].eligible else "tidak",
                          "aktif" if facts[o.pk].insured else "tidak", o.phone_masked]
                         for o in officers.with_units()))
    return _xlsx_response(xlsx.to_bytes(book),
                          f"petugas-{context['election'].slug}-{context['region'].code}")


def _officer_or_404(request, pk: int) -> Officer:
    officer = get_object_or_404(Officer.objects.select_related("tps", "region", "election"),
                                pk=pk)
    if not officer.region.code.startswith(profile_of(request.user).region.code):
        raise Http404(pk)
    return officer


class HealthForm(forms.ModelForm):
    class Meta:
        model = Officer
        fields = ["has_health_certificate", "health_certificate_date", "address"]
        widgets = {"health_certificate_date": forms.DateInput(attrs={"type": "date"})}


@never_cache  # an unmasked NIK must not stay in a browser's or proxy's cache
@require_http_methods(["GET", "POST"])
def officer_detail(request, pk: int):
    officer = _officer_or_404(request, pk)
    profile = profile_of(request.user)
    unmasked = False
    form = HealthForm(instance=officer)
    if request.method == "POST" and request.POST.get("action") == "unmask":
        require(request.user, UNMASK_RIGHT, officer.region.code)
        log_unmasked(action="view", key=officer_key(officer), region_code=officer_region(officer),
                     what={"unmasked": ["nik", "phone"], "page": "officer_detail"})
        unmasked = True
    elif request.method == "POST":
        require(request.user, "write_registry", officer.region.code)
        form = HealthForm(request.POST, instance=officer)
        if form.is_valid():
            form.save()
            messages.success(request, _("Saved."))
            return redirect(request.get_full_path())
    polling = officer.election.polling_date
    problems = eligibility.check_officer(
        eligibility.rules_for(officer.election.slug), position=officer.position,
        birth_date=officer.birth_date, has_health_certificate=officer.has_health_certificate,
        polling_date=polling)
    enrolment = Enrolment.objects.filter(officer=officer).first()
    return render(request, "officers/detail.html", {
        "officer": officer, "election": officer.election, "region": officer.region,
        "breadcrumb": breadcrumb(request, officer.region), "unmasked": unmasked,
        "nik": officer.nik if unmasked else officer.nik_masked,
        "phone": officer.phone if unmasked else officer.phone_masked,
        "age": eligibility.age_on(officer.birth_date, polling),
        "problems": [p.render(_) for p in problems], "enrolment": enrolment,
        "covered": enrolment.covers(polling) if enrolment else False,
        "cases": officer.cases.all(), "form": form,
        "may_unmask": profile.may(UNMASK_RIGHT), "may_write": profile.may("write_registry"),
        "query": f"wilayah={officer.region.code}&pemilu={officer.election.slug}"})


# --- import ------------------------------------------------------------------------------------

class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Officer file (XLSX or CSV)"))


def _problems_page(request, context, form, problems):
    return render(request, "officers/import.html", context | {
        "form": form, "problems": problems, "header": imports.TEMPLATE_HEADER})


@require_http_methods(["GET", "POST"])
def import_view(request):
    context = _base(request)
    require(request.user, "write_registry", context["region"].code)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        report = imports.check_file(election=context["election"], region=context["region"],
                                    content=content)
        if not report.ok:
            return _problems_page(request, context, form, report.problems)
        # A file checked but never saved does not stay (even encrypted) beyond a day.
        Upload.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days=1)).delete()
        kept = Upload.keep(election=context["election"], region=context["region"],
                           filename=upload.name, content=content, user=request.user)
        return redirect(f"{reverse('officer_import_preview', args=[kept.pk])}?"
                        f"{context['query']}")
    return _problems_page(request, context, form, [])


@require_http_methods(["GET", "POST"])
def import_preview(request, pk: int):
    upload = get_object_or_404(Upload.objects.select_related("election", "region"), pk=pk,
                               created_by=request.user)
    require(request.user, "write_registry", upload.region.code)
    if request.method == "POST":
        report = imports.import_file(election=upload.election, region=upload.region,
                                     content=upload.content())
        if not report.ok:
            messages.error(request, _("The file no longer passes the checks; nothing was "
                                      "saved."))
            return redirect(request.get_full_path())
        upload.delete()
        messages.success(request, _("Saved: %(new)s new officers, %(changed)s changed.") % {
            "new": report.created, "changed": report.updated})
        return redirect(f"{reverse('officer_list')}?wilayah={upload.region.code}"
                        f"&pemilu={upload.election.slug}")
    report = imports.check_file(election=upload.election, region=upload.region,
                                content=upload.content())
    return render(request, "officers/import_preview.html", {
        "upload": upload, "report": report, "election": upload.election,
        "region": upload.region, "breadcrumb": breadcrumb(request, upload.region),
        "rows": [{"number": r.number, "name": r.name, "nik": imports.nik.mask(r.nik),
                  "position": r.position, "unit": r.unit_code, "chair": r.is_chair,
                  "health": r.health, "update": r.existing is not None}
                 for r in report.rows[:200]]})


# --- coverage ----------------------------------------------------------------------------------

def _coverage(context) -> dict:
    registry = coverage.load(context["region"], context["election"])
    kec_rows, kec_totals = coverage.by_kecamatan(registry)
    pos_rows, pos_totals = coverage.by_position(registry)
    return {"kecamatan_rows": kec_rows, "kecamatan_totals": kec_totals,
            "position_rows": pos_rows, "position_totals": pos_totals,
            "scheme": scheme_for(context["election"])}


@require_GET
def coverage_view(request):
    context = _base(request)
    return render(request, "officers/coverage.html", context | _coverage(context))


COVERAGE_HEADER = ["Kode", "Nama", "Kebutuhan", "Terdaftar", "Memenuhi syarat",
                   "Terlindungi BPJS", "Cakupan (%)", "Kekurangan"]


def _figure_row(row: dict) -> list:
    return [row["code"], row["name"], row["required"], row["present"], row["eligible"],
            row["insured"], row["coverage_pct"], row["gaps"]]


@require_GET
def coverage_xlsx(request):
    context = _base(request)
    figures = _coverage(context)
    book = xlsx.new_book()
    title = (f"Cakupan BPJS Ketenagakerjaan petugas ad hoc, {context['election'].name} - "
             f"{context['region'].name}")
    for name, rows, totals in (("Per kecamatan", figures["kecamatan_rows"],
                                figures["kecamatan_totals"]),
                               ("Per jabatan", figures["position_rows"],
                                figures["position_totals"])):
        xlsx.add_table(book, name, title=title, header=COVERAGE_HEADER,
                       rows=[*map(_figure_row, rows),
                             _figure_row({"code": "", "name": "Jumlah", **totals})])
    return _xlsx_response(xlsx.to_bytes(book), f"cakupan-petugas-{context['election'].slug}-"
                                               f"{context['region'].code}")


# --- BPJS --------------------------------------------------------------------------------------

class EnrolForm(forms.Form):
    period_start = forms.DateField(label=gettext_lazy("cover from"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=gettext_lazy("cover until"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    payer = forms.ChoiceField(label=gettext_lazy("paid by"), choices=Enrolment.Payer.choices)

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and \
                data["period_end"] < data["period_start"]:
            raise forms.ValidationError(_("The cover ends before it starts."))
        return data


class ConfirmationForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("BPJS confirmation (XLSX or CSV)"))


def _enrolments(context):
    return Enrolment.objects.filter(officer__election=context["election"],
                                    officer__region__code__startswith=context["region"].code)


@require_http_methods(["GET", "POST"])
def bpjs_view(request):
    context = _base(request)
    election = context["election"]
    polling = election.polling_date
    enrol_form = EnrolForm(initial={"period_start": polling.replace(day=1),
                                    "period_end": polling + datetime.timedelta(days=45),
                                    "payer": Enrolment.Payer.APBD})
    confirm_form, problems = ConfirmationForm(), []
    if request.method == "POST":
        require(request.user, "write_registry", context["region"].code)
        if request.POST.get("action") == "enrol":
            enrol_form = EnrolForm(request.POST)
            if enrol_form.is_valid():
                data = enrol_form.cleaned_data
                n = bpjs.enrol_missing(officers=coverage.officers_in(context["region"], election),
                                       election=election, start=data["period_start"],
                                       end=data["period_end"], payer=data["payer"])
                messages.success(request, _("%(n)s officers added to the enrolment list.")
                                 % {"n": n})
                return redirect(request.get_full_path())
        elif request.POST.get("action") == "confirm":
            confirm_form = ConfirmationForm(request.POST, request.FILES)
            if confirm_form.is_valid():
                n, problems = bpjs.import_confirmation(
                    election=election, region=context["region"],
                    content=confirm_form.cleaned_data["file"].read())
                if not problems:
                    messages.success(request, _("%(n)s enrolments updated from BPJS's "
                                                "confirmation.") % {"n": n})
                    return redirect(request.get_full_path())
    enrolments = _enrolments(context)
    counts = {s: 0 for s in Enrolment.Status.values}
    for status in enrolments.values_list("status", flat=True):
        counts[status] += 1
    officers = coverage.officers_in(context["region"], election).count()
    return render(request, "officers/bpjs.html", context | {
        "enrol_form": enrol_form, "confirm_form": confirm_form, "problems": problems,
        "statuses": [(label, counts[value]) for value, label in Enrolment.Status.choices],
        "waiting": counts["planned"] + counts["submitted"], "officers": officers,
        "not_enrolled": officers - sum(counts.values()),
        "scheme": scheme_for(election)})


@require_POST
def bpjs_collective_file(request):
    """The collective enrolment file for BPJS: NIK in clear, so only for the unmask right,
    and logged. Officers on it move from "to be registered" to "sent to BPJS"."""
    context = _base(request)
    if not may_unmask(request.user):
        raise PermissionDenied(_("Only an administrator may produce a file with NIK in clear."))
    require(request.user, UNMASK_RIGHT, context["region"].code)
    waiting = (_enrolments(context).filter(status__in=[Enrolment.Status.PLANNED,
                                                       Enrolment.Status.SUBMITTED])
               .select_related("officer__tps", "officer__region")
               .defer("officer__region__boundary")
               .order_by("officer__region__code", "officer__tps__code", "officer__position"))
    waiting = list(waiting)
    content = bpjs.collective_file(waiting, title=(
        f"Pendaftaran kolektif BPJS Ketenagakerjaan (BPU) petugas ad hoc "
        f"{context['election'].name} - {context['region'].name}"))
    log_unmasked(action="export", key=f"bpjs-kolektif/{context['region'].code}",
                 region_code=context["region"].code,
                 what={"unmasked": ["nik", "phone"], "file": "bpjs_collective",
                       "officers": len(waiting), "election": context["election"].slug})
    sent = [e for e in waiting if e.status == Enrolment.Status.PLANNED]
    entries = []
    for e in sent:
        before = audit.snapshot(e)
        e.status = Enrolment.Status.SUBMITTED
        entries.append(audit.record(Enrolment, "update", f"bpjs/{officer_key(e.officer)}",
                                    officer_region(e.officer), before, audit.snapshot(e)))
    with transaction.atomic():
        Enrolment.objects.bulk_update(sent, ["status"], batch_size=1000)
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return _xlsx_response(content, f"bpjs-kolektif-{context['election'].slug}-"
                                   f"{context['region'].code}")


# --- cases -------------------------------------------------------------------------------------

class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["kind", "severity", "date", "place", "description", "incident",
                  "claim_status"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, officer: Officer, **kwargs):
        super().__init__(*args, **kwargs)
        incidents = Incident.objects.filter(election=officer.election,
                                            tps__code__startswith=officer.unit_code[:13])
        self.fields["incident"].queryset = incidents.select_related("tps")
        self.fields["severity"].required = False


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["claim_status", "paid_amount"]

    def clean_paid_amount(self):
        amount = self.cleaned_data["paid_amount"]
        if not cases.payable(self.instance, amount):
            raise forms.ValidationError(_(
                "At most Rp%(due)s is due on this case: a benefit is never paid twice.")
                % {"due": f"{self.instance.compensation_due:,}".replace(",", ".")})
        return amount


def _cases(context):
    return Case.objects.filter(officer__election=context["election"],
                               officer__region__code__startswith=context["region"].code)


@require_http_methods(["GET", "POST"])
def case_list(request):
    context = _base(request)
    officer = None
    if pk := request.GET.get("petugas") or request.POST.get("officer"):
        officer = _officer_or_404(request, int(pk) if str(pk).isdigit() else 0)
    form = CaseForm(request.POST or None, officer=officer) if officer else None
    if request.method == "POST":
        if officer is None:
            raise Http404("officer")
        require(request.user, "write_registry", officer.region.code)
        if form.is_valid():
            case = form.save(commit=False)
            case.officer, case.created_by = officer, request.user
            case = cases.save_case(case)
            messages.success(request, _("Case recorded: Rp%(due)s due.") % {
                "due": f"{case.compensation_due:,}".replace(",", ".")})
            return redirect(f"{reverse('officer_cases')}?{context['query']}")
    rows = (_cases(context).select_related("officer__tps", "officer__region", "incident__tps")
            .defer("officer__region__boundary"))
    totals = {"due": sum(c.compensation_due for c in rows),
              "paid": sum(c.paid_amount for c in rows)}
    return render(request, "officers/cases.html", context | {
        "cases": rows[:300], "officer": officer, "form": form, "totals": totals,
        "reasons": cases.REASONS, "scheme": scheme_for(context["election"])})


@require_http_methods(["GET", "POST"])
def case_detail(request, pk: int):
    case = get_object_or_404(Case.objects.select_related("officer__tps", "officer__region",
                                                         "officer__election", "incident__tps"),
                             pk=pk)
    officer = case.officer
    if not officer.region.code.startswith(profile_of(request.user).region.code):
        raise Http404(pk)
    form = PaymentForm(request.POST or None, instance=case)
    if request.method == "POST":
        require(request.user, "write_registry", officer.region.code)
        if form.is_valid():
            form.save()
            messages.success(request, _("Saved."))
            return redirect(request.get_full_path())
    settled = cases.settlements(officer)
    return render(request, "officers/case_detail.html", {
        "case": case, "officer": officer, "election": officer.election,
        "region": officer.region, "breadcrumb": breadcrumb(request, officer.region),
        "form": form, "settlement": settled.get(case.pk), "reasons": cases.REASONS,
        "may_write": profile_of(request.user).may("write_registry"),
        "covered": hasattr(officer, "enrolment") and officer.enrolment.covers(case.date),
        "query": f"wilayah={officer.region.code}&pemilu={officer.election.slug}"})


# --- risk --------------------------------------------------------------------------------------

@require_GET
def risk_view(request):
    context = _base(request)
    run, flags = risklist.flags_for(context["region"], context["election"])
    return render(request, "officers/risk.html", context | {
        "run": run, "flags": [risklist.row(f, _) for f in flags]})
