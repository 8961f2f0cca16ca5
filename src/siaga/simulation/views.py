from django import forms
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from siaga import xlsx
from siaga.accounts.scope import profile_of, region_or_404, require, visible_regions
from siaga.regions.models import TPS, Election, Level
from siaga.simulation import findings, runs
from siaga.simulation.engine import suggest_fixes
from siaga.simulation.models import SimulationRun
from siaga.simulation.params import SimulationInputError
from siaga.simulation.tasks import run_simulation
from siaga.taskruns import status_fragment
from siaga.web.charts import finish_times_svg

AT_RISK_SHOWN = 30  # on the page and in the PDF; the XLSX has every TPS


class RunForm(forms.ModelForm):
    region = forms.ChoiceField(label=gettext_lazy("Region"))
    election = forms.ModelChoiceField(Election.objects.all(), to_field_name="slug",
                                      empty_label=None, label=gettext_lazy("Election"))
    turnout_pct = forms.IntegerField(label=gettext_lazy("Turnout (%)"), required=False,
                                     min_value=1, max_value=100)

    class Meta:
        model = SimulationRun
        fields = ["election", "replications", "booths", "desks", "split_above", "relief_at",
                  "seed"]
        help_texts = {"booths": gettext_lazy("empty: 4 (PKPU)"),
                      "desks": gettext_lazy("empty: 1"),
                      "split_above": gettext_lazy("what-if: split every TPS above this many voters in two"),
                      "relief_at": gettext_lazy("what-if: a second KPPS team takes over, e.g. 18")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = visible_regions(user).filter(level__in=[Level.PROVINSI, Level.KABKOTA,
                                                           Level.KECAMATAN]).order_by("code")
        self.fields["region"].choices = [(r.code, f"{r.code} {r.name}") for r in regions]
        self.user = user

    def clean_replications(self):
        value = self.cleaned_data["replications"]
        if not 1 <= value <= 1000:
            raise forms.ValidationError(_("Between 1 and 1000 replications."))
        return value

    def clean(self):
        data = super().clean()
        for name in ("booths", "desks"):
            if data.get(name) == 0:
                self.add_error(name, _("A TPS needs at least one."))
        if data.get("relief_at") is not None and not 8 <= data["relief_at"] <= 23:
            self.add_error("relief_at", _("An hour between 8 and 23."))
        return data


@require_http_methods(["GET", "POST"])
def run_list(request):
    profile = profile_of(request.user)
    initial = {"region": profile.region.code, "replications": 100, "seed": 1}
    if base := SimulationRun.objects.filter(pk=request.GET.get("dari") or 0).first():
        initial |= {"region": base.region.code, "election": base.election.slug,
                    "replications": base.replications, "booths": base.booths,
                    "desks": base.desks, "split_above": base.split_above, "seed": base.seed,
                    "relief_at": base.relief_at,
                    "turnout_pct": round(base.turnout * 100) if base.turnout else None}
    form = RunForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        region = region_or_404(request.user, form.cleaned_data["region"])
        require(request.user, "write_registry", region.code)
        run = form.save(commit=False)
        run.region, run.created_by = region, request.user
        if form.cleaned_data.get("turnout_pct"):
            run.turnout = form.cleaned_data["turnout_pct"] / 100
        run.compared_with = SimulationRun.objects.filter(
            pk=request.POST.get("compared_with") or 0, region__code__startswith=profile.region.code
        ).first()
        run.save()
        transaction.on_commit(lambda: run_simulation.enqueue(run.pk))
        return redirect("simulation_run", run.pk)
    visible = SimulationRun.objects.filter(region__code__startswith=profile.region.code).select_related(
        "region", "election")[:30]
    return render(request, "simulation/run_list.html", {
        "form": form, "runs": visible, "may_run": profile.may("write_registry"),
        "compared_with": base.pk if base else ""})


def _run_or_404(request, pk: int) -> SimulationRun:
    run = SimulationRun.objects.select_related("region", "election", "compared_with").filter(pk=pk).first()
    if run is None or not run.region.code.startswith(profile_of(request.user).region.code):
        raise Http404(pk)
    return run


def _findings(run: SimulationRun) -> dict:
    data = runs.results_of(run)
    codes = list(data["codes"])
    reasons = findings.risk_reasons(
        dpt=data["dpt"], booths=data["booths"], desks=data["desks"],
        voting_close=data["voting_close"], longest_queue=data["longest_queue"],
        duty_hours=data["duty_hours_mean"])
    risky = findings.at_risk(data["p_after_midnight"], data["p_after_deadline"])
    villages = dict(TPS.objects.filter(election=run.election, code__in=[codes[i] for i in risky[:AT_RISK_SHOWN]])
                    .values_list("code", "village__name"))
    at_risk = [{
        "code": codes[i], "desa": villages.get(codes[i], ""), "dpt": int(data["dpt"][i]),
        "end": findings.clock(float(data["counting_end_mean"][i])),
        "end_p90": findings.clock(float(data["counting_end_p90"][i])),
        "p_midnight": float(data["p_after_midnight"][i]), "p_deadline": float(data["p_after_deadline"][i]),
        "duty": float(data["duty_hours_mean"][i]),
        "reasons": [r.render(_) for r in reasons[i]],
    } for i in risky[:AT_RISK_SHOWN]]
    names = {k["code"]: k["name"] for k in run.summary["kecamatan"]}
    groups = {}
    for code, end in zip(codes, data["counting_end_mean"], strict=True):
        groups.setdefault(names.get(code[:8], code[:8]), []).append(float(end))
    chart = finish_times_svg(
        list(groups.items()), title=_("When counting ends, per kecamatan (mean per TPS)"),
        xlabel=_("time of day"),
        marks=[(24.0, _("midnight")),
               (24.0 + run.election.counting_deadline_hours, _("legal limit"))])
    return {"at_risk": at_risk, "at_risk_more": max(0, len(risky) - AT_RISK_SHOWN), "chart": chart,
            "data": data, "codes": codes}


def _summary_texts(run: SimulationRun) -> dict:
    """The run's summary with clock times as officials read them (23.42, 00.50 (+1))."""
    return {
        "end_median": findings.clock(run.summary["end_median"]),
        "kecamatan": [dict(k, end_median_text=findings.clock(k["end_median"]),
                           end_p90_text=findings.clock(k["end_p90"]))
                      for k in run.summary["kecamatan"]],
    }


@require_GET
def run_detail(request, pk: int):
    run = _run_or_404(request, pk)
    context = {"run": run, "may_run": profile_of(request.user).may("write_registry")}
    if run.status == run.Status.DONE:
        context |= _findings(run)
        context |= _summary_texts(run)
        if (base := run.compared_with) and base.status == base.Status.DONE:
            context["delta"] = {key: run.summary[key] - base.summary[key]
                                for key in ("at_risk", "after_midnight", "after_deadline")}
    return render(request, "simulation/run_detail.html", context)


@require_GET
def run_status(request, pk: int):
    """Polled by the run page while the worker runs; tells htmx to reload when done."""
    return status_fragment(request, _run_or_404(request, pk), "simulation/_status.html", "run")


@require_GET
def tps_fixes(request, pk: int, code: str):
    """What would make this TPS finish earlier: desks, booths, a split (same random streams)."""
    run = _run_or_404(request, pk)
    if run.status != run.Status.DONE:
        raise Http404(pk)
    loaded = runs.load_inputs(run.region, run.election, booths=run.booths, desks=run.desks,
                              turnout=run.turnout)
    if code not in loaded.codes:
        raise Http404(code)
    try:
        fixes = suggest_fixes(loaded.inputs, loaded.codes.index(code), runs.params_for(run.election),
                              replications=200, seed=run.seed)
    except SimulationInputError as exc:
        return HttpResponse("; ".join(exc.problems), status=400)
    labels = {"as planned": _("as planned"), "one more registration desk": _("one more registration desk"),
              "one more voting booth": _("one more voting booth"), "split into two TPS": _("split into two TPS")}
    rows = [{"change": labels.get(f.change, f.change), "end": findings.clock(f.counting_end_mean),
             "p_midnight": f.p_after_midnight, "p_deadline": f.p_after_deadline} for f in fixes]
    return render(request, "simulation/tps_fixes.html", {"run": run, "code": code, "rows": rows})


@require_GET
def run_export(request, pk: int, fmt: str):
    run = _run_or_404(request, pk)
    if run.status != run.Status.DONE:
        raise Http404(pk)
    name = f"simulasi-{run.pk}-{run.region.code}"
    context = _findings(run)
    if fmt == "xlsx":
        content = _xlsx(run, context)
        response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    elif fmt == "pdf":
        from weasyprint import HTML

        html = render_to_string("simulation/run_pdf.html",
                                {"run": run, **context, **_summary_texts(run)}, request=request)
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    else:
        raise Http404(fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _xlsx(run, context) -> bytes:
    data, codes = context["data"], context["codes"]
    book = xlsx.new_book()
    xlsx.add_table(
        book, "TPS",
        title=f"Simulasi #{run.pk}: {run.region.name}, {run.election.name}, "
              f"{run.replications} ulangan, {run.settings_text()}",
        header=["Kode TPS", "DPT", "Bilik", "Meja", "Pemungutan selesai",
                "Penghitungan selesai (rata-rata)", "Penghitungan selesai (p10)",
                "Penghitungan selesai (p90)", "Antrean terpanjang", "Tunggu rata-rata (menit)",
                "Tunggu p95 (menit)", "Jam tugas KPPS", "Peluang lewat 24.00", "Peluang lewat batas"],
        rows=([code, int(data["dpt"][i]), int(data["booths"][i]), int(data["desks"][i]),
               findings.clock(float(data["voting_close"][i])),
               findings.clock(float(data["counting_end_mean"][i])),
               findings.clock(float(data["counting_end_p10"][i])),
               findings.clock(float(data["counting_end_p90"][i])),
               round(float(data["longest_queue"][i]), 1), round(float(data["mean_wait"][i]), 1),
               round(float(data["p95_wait"][i]), 1), round(float(data["duty_hours_mean"][i]), 1),
               round(float(data["p_after_midnight"][i]), 3),
               round(float(data["p_after_deadline"][i]), 3)] for i, code in enumerate(codes)))
    return xlsx.to_bytes(book)
