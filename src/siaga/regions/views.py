from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from siaga.accounts.scope import profile_of, region_or_404, require, tps_or_404, visible_tps
from siaga.regions import tps_table
from siaga.regions.imports import tps_export, tps_import_check, tps_import_commit
from siaga.regions.models import TPS, Election, ImportBatch, Level, Region
from siaga.regions.summary import summarize
from siaga.web.charts import bar_chart_svg

MAX_MAP_POINTS = 5000


def election_for(request) -> Election:
    """The election chosen in the query (?pemilu=slug), else the latest with TPS in scope."""
    slug = request.GET.get("pemilu") or request.POST.get("pemilu")
    if slug:
        return get_object_or_404(Election, slug=slug)
    with_tps = visible_tps(request.user).values("election_id")
    election = Election.objects.filter(pk__in=with_tps).first() or Election.objects.first()
    if election is None:
        raise Http404(_("No election has been set up yet."))
    return election


def region_for(request) -> Region:
    code = request.GET.get("wilayah") or profile_of(request.user).region.code
    return region_or_404(request.user, code)


def breadcrumb(request, region: Region) -> list[Region]:
    scope = profile_of(request.user).region.code
    return [r for r in region.ancestors() if r.code.startswith(scope)]


def summary_context(region: Region, election: Election) -> dict:
    """The per-child table, its chart and the children's level name (page and PDF alike)."""
    summary = summarize(region, election)
    return {"summary": summary, "chart": summary_chart(summary) if summary.rows else "",
            "child_level": Level(summary.rows[0].region.level).label if summary.rows else ""}


def summary_chart(summary) -> str:
    labels = [row.region.name for row in summary.rows]
    return bar_chart_svg(
        labels, {_("TPS"): [row.tps for row in summary.rows]},
        title=_("TPS per %(level)s, %(region)s") % {
            "level": Level(summary.rows[0].region.level).label if summary.rows else "",
            "region": summary.region.name},
        xlabel=_("number of TPS"),
    )


@require_GET
def tps_overview(request):
    region = region_for(request)
    election = election_for(request)
    context = {
        "region": region, "election": election, "elections": Election.objects.all(),
        "breadcrumb": breadcrumb(request, region),
        "may_write": profile_of(request.user).may("write_registry"),
    }
    if region.level == Level.DESA:
        tps = list(visible_tps(request.user, election).filter(village=region))
        context |= {"tps_list": tps, "total_men": sum(t.dpt_men for t in tps),
                    "total_women": sum(t.dpt_women for t in tps),
                    "total_dpt": sum(t.dpt for t in tps),
                    "synthetic": any(t.is_synthetic for t in tps)}
    else:
        context |= summary_context(region, election)
    return render(request, "regions/tps_overview.html", context)


@require_GET
def tps_map_data(request):
    """Boundaries of the region's children (or the region itself) and its TPS as GeoJSON."""
    return JsonResponse(map_payload(request, region_for(request), election_for(request)))


def map_payload(request, region: Region, election: Election, properties=None) -> dict:
    """The map's data; `properties(code)` may add to each TPS point (e.g. its grade)."""
    shapes = list(Region.objects.filter(parent=region)) if region.level != Level.DESA else [region]
    if region.level == Level.KABKOTA:
        # Desa lines under the kecamatan areas: where a TPS lies inside its kecamatan.
        shapes = list(Region.objects.filter(parent__parent=region)) + shapes
    boundaries = [
        {"type": "Feature", "geometry": r.boundary,
         "properties": {"code": r.code, "name": r.name, "level": r.level}}
        for r in shapes if r.boundary
    ]
    if region.boundary and region.level != Level.DESA:
        boundaries.insert(0, {"type": "Feature", "geometry": region.boundary,
                              "properties": {"code": region.code, "name": region.name,
                                             "level": region.level, "outline": True}})
    tps = visible_tps(request.user, election).filter(
        code__startswith=region.code, latitude__isnull=False).select_related("village")
    count = tps.count()
    points = [] if count > MAX_MAP_POINTS else [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [t.longitude, t.latitude]},
         "properties": {"code": t.code, "desa": t.village.name, "dpt": t.dpt, "access": t.access,
                        "synthetic": t.is_synthetic, **(properties(t.code) if properties else {})}}
        for t in tps
    ]
    return {
        "boundaries": {"type": "FeatureCollection", "features": boundaries},
        "tps": {"type": "FeatureCollection", "features": points},
        "tps_count": count, "tps_shown": len(points),
    }


@require_GET
def tps_export_view(request, fmt: str):
    region = region_for(request)
    election = election_for(request)
    name = f"tps-{election.slug}-{region.code}"
    if fmt == "pdf":
        return tps_summary_pdf(request, region, election, name)
    content = tps_export(election, region, fmt)
    types = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def tps_summary_pdf(request, region, election, name):
    from weasyprint import HTML  # imported here: loading pango costs ~0.5 s at start-up

    if region.level == Level.DESA:
        raise Http404(_("The PDF summary is made for a kecamatan or larger region."))
    html = render_to_string("regions/tps_summary_pdf.html", {
        "region": region, "election": election, **summary_context(region, election),
    }, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


class TPSForm(forms.ModelForm):
    class Meta:
        model = TPS
        fields = ["dpt_men", "dpt_women", "address", "latitude", "longitude", "access",
                  "travel_notes"]

    def clean(self):
        data = super().clean()
        men, women = data.get("dpt_men"), data.get("dpt_women")
        limit = self.instance.election.max_voters_per_tps
        if men is not None and women is not None and men + women > limit:
            raise forms.ValidationError(
                _("DPT %(dpt)s exceeds the maximum of %(max)s voters per TPS for %(election)s.")
                % {"dpt": men + women, "max": limit, "election": self.instance.election.name})
        for name in ("latitude", "longitude"):
            if data.get(name) is not None:
                data[name] = round(data[name], tps_table.COORDINATE_DECIMALS)
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(_("Latitude and longitude must both be given, or neither."))
        if lat is not None and not (
            tps_table.LAT_RANGE[0] <= lat <= tps_table.LAT_RANGE[1]
            and tps_table.LON_RANGE[0] <= lon <= tps_table.LON_RANGE[1]
        ):
            raise forms.ValidationError(_("Coordinates (%(lat)s, %(lon)s) are outside Indonesia.")
                                        % {"lat": lat, "lon": lon})
        return data


@require_GET
def tps_detail(request, code: str):
    election = election_for(request)
    tps = tps_or_404(request.user, election, code)
    return render(request, "regions/tps_detail.html", {
        "tps": tps, "election": election, "breadcrumb": breadcrumb(request, tps.village),
        "may_write": profile_of(request.user).may("write_registry"),
    })


@require_http_methods(["GET", "POST"])
def tps_edit(request, code: str):
    election = election_for(request)
    tps = tps_or_404(request.user, election, code)
    require(request.user, "write_registry", tps.code)
    form = TPSForm(request.POST or None, instance=tps)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            tps = form.save(commit=False)
            tps.is_synthetic = False
            tps.save()
        messages.success(request, _("TPS %(code)s saved.") % {"code": tps.code})
        return redirect(f"/tps/{tps.code}/?pemilu={election.slug}")
    return render(request, "regions/tps_edit.html", {
        "tps": tps, "form": form, "election": election,
        "breadcrumb": breadcrumb(request, tps.village)})


class ImportForm(forms.Form):
    election = forms.ModelChoiceField(Election.objects.all(), label=gettext_lazy("Election"),
                                      to_field_name="slug", empty_label=None)
    file = forms.FileField(label=gettext_lazy("TPS file (XLSX or CSV)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".csv", ".txt")):
            raise forms.ValidationError(_("Use an .xlsx or .csv file."))
        return upload


@require_http_methods(["GET", "POST"])
def tps_import(request):
    profile = require(request.user, "write_registry")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        election = form.cleaned_data["election"]
        result = tps_import_check(election=election, filename=upload.name, content=content,
                                  scope_code=profile.region.code)
        batch = ImportBatch.objects.create(
            election=election, filename=upload.name, sha256=result.sha256, content=content,
            created_by=request.user,
            status=ImportBatch.Status.PREVIEW if result.ok else ImportBatch.Status.REJECTED)
        return redirect("tps_import_preview", batch.pk)
    return render(request, "regions/tps_import.html", {"form": form})


def _own_batch(request, pk: int) -> ImportBatch:
    batch = ImportBatch.objects.filter(pk=pk, created_by=request.user).select_related("election").first()
    if batch is None:
        raise Http404(pk)
    return batch


@require_GET
def tps_import_preview(request, pk: int):
    profile = require(request.user, "write_registry")
    batch = _own_batch(request, pk)
    result = tps_import_check(election=batch.election, filename=batch.filename,
                              content=bytes(batch.content), scope_code=profile.region.code)
    return render(request, "regions/tps_import_preview.html", {
        "batch": batch, "result": result, "problems": result.messages()[:1000],
        "problem_count": len(result.parsed.problems)})


@require_POST
def tps_import_save(request, pk: int):
    profile = require(request.user, "write_registry")
    batch = _own_batch(request, pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise PermissionDenied(_("This file has already been handled."))
    result = tps_import_commit(election=batch.election, filename=batch.filename,
                               content=bytes(batch.content), user=request.user,
                               scope_code=profile.region.code)
    if not result.ok:
        messages.error(request, _("The file no longer passes the checks; nothing was saved."))
        return redirect("tps_import_preview", batch.pk)
    batch.delete()  # the committed copy is kept by tps_import_commit
    c = result.comparison
    messages.success(request, _("Saved: %(new)s new TPS, %(changed)s changed, %(same)s unchanged.")
                     % {"new": len(c.created), "changed": len(c.updated), "same": len(c.unchanged)})
    return redirect(f"/tps/?pemilu={batch.election.slug}")
