import datetime

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from siaga import xlsx
from siaga.accounts.scope import profile_of, region_or_404, require, tps_or_404
from siaga.regions.models import Election, Level, Region
from siaga.regions.views import breadcrumb, election_for, map_payload, region_for
from siaga.risk import assessments, scoring
from siaga.risk.models import Assessment
from siaga.web.charts import bar_chart_svg

CHILD_LEVEL = {Level.PROVINSI: "kabkota", Level.KABKOTA: "kecamatan", Level.KECAMATAN: "desa"}


@require_GET
def overview(request):
    """Kerawanan per kecamatan (or desa) as Bawaslu publishes it, with our grade per TPS."""
    region = region_for(request)
    election = election_for(request)
    risk = assessments.region_risk(election, region.code)
    catalogue = risk.grading.catalogue
    context = {"region": region, "election": election, "elections": Election.objects.all(),
               "breadcrumb": breadcrumb(request, region), "catalogue": catalogue,
               "assessed": int(risk.assessed.sum()), "tps": len(risk.codes),
               "grade_totals": list(zip(scoring.GRADE_NAMES, risk.grades.counts().values(), strict=True)),
               "may_assess": profile_of(request.user).may("write_field")}
    if region.level == Level.DESA:
        context["rows"] = [
            {"code": code, "grade": scoring.GRADE_NAMES[risk.grades.grades[i]],
             "grade_class": int(risk.grades.grades[i]),
             "why": scoring.explain(risk.matrix[i], risk.grading).text(),
             "assessed": bool(risk.assessed[i])}
            for i, code in enumerate(risk.codes)]
    elif risk.codes:
        level = CHILD_LEVEL[region.level]
        names = dict(Region.objects.filter(parent=region).values_list("code", "name"))
        areas = scoring.summarize(risk.codes, risk.matrix, catalogue,
                                  grades=risk.grades.grades, level=level)
        context["areas"] = [{"code": a.code, "name": names.get(a.code, a.code), "tps": a.tps,
                             "grades": [a.grade_counts.get(g, 0) for g in scoring.GRADES],
                             "top": a.ranking[:3]} for a in areas]
        whole = scoring.summarize([region.code] * len(risk.codes), risk.matrix, catalogue,
                                  grades=risk.grades.grades, level=_level_of(region))
        context["ranking"] = whole[0].ranking
        context["chart"] = bar_chart_svg(
            [a["name"] for a in context["areas"]],
            {name: [a["grades"][g] for a in context["areas"]] for g, name in enumerate(scoring.GRADE_NAMES)
             if g > 0},
            title=_("Rawan and sangat rawan TPS per area"), xlabel=_("number of TPS"))
        context["variables"] = [(v.name, whole[0].variable_counts[v.code]) for v in catalogue.variables]
    return render(request, "risk/overview.html", context)


@require_GET
def map_data(request):
    """The TPS map coloured by grade, with the reasons in each popup."""
    region = region_for(request)
    election = election_for(request)
    risk = assessments.region_risk(election, region.code)
    at = {code: i for i, code in enumerate(risk.codes)}

    def grade_of(code: str) -> dict:
        i = at[code]
        return {"grade": int(risk.grades.grades[i]),
                "why": scoring.explain(risk.matrix[i], risk.grading).text()}

    return JsonResponse(map_payload(request, region, election, grade_of))


@require_GET
def export(request, fmt: str):
    """Every TPS with its grade, reasons and indicators (XLSX), or the summary page (PDF)."""
    region = region_for(request)
    election = election_for(request)
    name = f"kerawanan-{election.slug}-{region.code}"
    if fmt == "pdf":
        from weasyprint import HTML

        page = overview(request)  # the same tables the page shows, printed
        html = page.content.decode().replace('<script', '<!--').replace('</script>', '-->')
        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
            stylesheets=[_print_css()])
        response = HttpResponse(pdf, content_type="application/pdf")
    else:
        response = HttpResponse(_xlsx(region, election), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _print_css():
    from weasyprint import CSS

    return CSS(string="@page { size: A4 landscape; margin: 12mm; } header.top, form, #map, "
                      ".actions, footer { display: none; } body { font-size: 8pt; }")


def _xlsx(region, election) -> bytes:
    risk = assessments.region_risk(election, region.code)
    catalogue = risk.grading.catalogue
    book = xlsx.new_book()
    xlsx.add_table(
        book, "TPS", title=f"Kerawanan TPS {election.name} - {region.name} ({catalogue.name})",
        header=["Kode TPS", "Tingkat", "Skor", "Sebab"] + [i.name for i in catalogue.indicators],
        rows=([code, scoring.GRADE_NAMES[risk.grades.grades[i]], float(risk.grades.scores[i]),
               scoring.explain(risk.matrix[i], risk.grading).text()]
              + ["ya" if v else "" for v in risk.matrix[i]] for i, code in enumerate(risk.codes)))
    # As Bawaslu publishes it: per kecamatan, TPS per indicator and per variable.
    names = dict(Region.objects.filter(code__startswith=region.code, level=Level.KECAMATAN)
                 .values_list("code", "name"))
    xlsx.add_table(
        book, "Per kecamatan", title=None,
        header=["Kecamatan", "TPS", "Kurang rawan", "Rawan", "Sangat rawan"]
        + [i.name for i in catalogue.indicators] + [v.name for v in catalogue.variables],
        rows=([names.get(a.code, a.code), a.tps] + [a.grade_counts[g] for g in scoring.GRADES]
              + [a.indicator_counts[i.code] for i in catalogue.indicators]
              + [a.variable_counts[v.code] for v in catalogue.variables]
              for a in scoring.summarize(risk.codes, risk.matrix, catalogue,
                                         grades=risk.grades.grades)))
    return xlsx.to_bytes(book)


def _level_of(region: Region) -> str:
    return {Level.PROVINSI: "provinsi", Level.KABKOTA: "kabkota", Level.KECAMATAN: "kecamatan",
            Level.DESA: "desa"}[region.level]


@require_http_methods(["GET", "POST"])
def desa_grid(request, code: str):
    """A desa's TPS x indicators on one screen: tick what holds, save once."""
    village = region_or_404(request.user, code)
    election = election_for(request)
    catalogue = assessments.catalogue_for(election)
    source = request.POST.get("source") or request.GET.get("sumber") or Assessment.Source.BAWASLU
    if source not in Assessment.Source.values:
        source = Assessment.Source.BAWASLU
    tps_codes = list(village.tps.filter(election=election).order_by("code").values_list("code", flat=True))
    if request.method == "POST":
        require(request.user, "write_field", village.code)
        checked = {tuple(value.split("|", 1)) for value in request.POST.getlist("holds")}
        changed = assessments.save_grid(election=election, tps_codes=tps_codes, checked=checked,
                                        source=source, user=request.user)
        messages.success(request, _("Saved: %(n)s TPS changed.") % {"n": changed})
        return redirect(f"/kerawanan/desa/{village.code}/?pemilu={election.slug}&sumber={source}")
    current = {a.tps.code: set(a.indicators) for a in
               Assessment.objects.filter(tps__code__in=tps_codes, tps__election=election, source=source)
               .select_related("tps")}
    rows = [{"code": c, "cells": [(i.code, i.code in current.get(c, set())) for i in catalogue.indicators]}
            for c in tps_codes]
    return render(request, "risk/desa_grid.html", {
        "village": village, "election": election, "catalogue": catalogue, "rows": rows,
        "source": source, "sources": Assessment.Source.choices,
        "breadcrumb": breadcrumb(request, village),
        "may_assess": profile_of(request.user).may("write_field")})


class SheetForm(forms.Form):
    election = forms.ModelChoiceField(Election.objects.all(), to_field_name="slug", empty_label=None,
                                      label=gettext_lazy("Election"))
    source = forms.ChoiceField(choices=Assessment.Source.choices, label=gettext_lazy("Source"))
    file = forms.FileField(label=gettext_lazy("Kerawanan sheet (XLSX or CSV)"))


@require_http_methods(["GET", "POST"])
def import_sheet(request):
    """Upload a Bawaslu field sheet: every cell is checked; saved whole, or not at all."""
    profile = require(request.user, "write_field")
    form = SheetForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        election = form.cleaned_data["election"]
        result = assessments.import_sheet(
            election=election, filename=upload.name, content=upload.read(),
            source=form.cleaned_data["source"], scope_code=profile.region.code,
            user=request.user, commit=True)
        if result.ok:
            messages.success(request, _("Saved: assessments of %(n)s TPS.") % {"n": len(result.assessments)})
            return redirect(f"/kerawanan/?pemilu={election.slug}")
    problems = [{"row": p.row, "column": p.column, "reason": p.render(_)} for p in result.problems] if result else []
    return render(request, "risk/import.html", {"form": form, "problems": problems})


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["source", "note", "assessed_on", "evidence"]
        widgets = {"assessed_on": forms.DateInput(attrs={"type": "date"})}

    def clean_evidence(self):
        photo = self.cleaned_data.get("evidence")
        if photo and hasattr(photo, "content_type"):
            if photo.content_type not in ("image/jpeg", "image/png", "image/webp"):
                raise forms.ValidationError(_("A photo: JPEG, PNG or WebP."))
            if photo.size > 10 * 1024 * 1024:
                raise forms.ValidationError(_("At most 10 MB."))
        return photo


@require_http_methods(["GET", "POST"])
def tps_assessment(request, code: str):
    """One TPS, one source: indicators, note, date and an evidence photo."""
    election = election_for(request)
    tps = tps_or_404(request.user, election, code)
    catalogue = assessments.catalogue_for(election)
    source = request.POST.get("source") or request.GET.get("sumber") or Assessment.Source.BAWASLU
    assessment = Assessment.objects.filter(tps=tps, source=source).first() or Assessment(
        tps=tps, source=source, assessed_on=datetime.date.today())
    form = AssessmentForm(request.POST or None, request.FILES or None, instance=assessment)
    if request.method == "POST":
        require(request.user, "write_field", tps.code)
        if form.is_valid():
            assessment = form.save(commit=False)
            assessment.indicators = sorted(c for c in request.POST.getlist("holds") if c in catalogue.codes)
            assessment.updated_by = request.user
            assessment.save()
            messages.success(request, _("Saved."))
            return redirect(f"/kerawanan/tps/{tps.code}/?pemilu={election.slug}&sumber={assessment.source}")
    return render(request, "risk/tps_assessment.html", {
        "tps": tps, "election": election, "form": form, "assessment": assessment,
        "indicators": [(i, i.code in assessment.indicators) for i in catalogue.indicators],
        "others": Assessment.objects.filter(tps=tps).exclude(pk=assessment.pk),
        "breadcrumb": breadcrumb(request, tps.village),
        "may_assess": profile_of(request.user).may("write_field")})


@require_GET
def evidence(request, pk: int):
    """The evidence photo, to signed-in users whose region holds the TPS."""
    assessment = Assessment.objects.select_related("tps").filter(pk=pk).first()
    if assessment is None or not assessment.evidence or not assessment.tps.code.startswith(
            profile_of(request.user).region.code):
        raise Http404(pk)
    return FileResponse(assessment.evidence.open("rb"))
