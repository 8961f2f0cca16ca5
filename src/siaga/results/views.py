"""Results pages: totals per region level, the C.Hasil entry sheet with checks as you type,
the review of flagged forms, and one TPS's sources side by side."""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from siaga.accounts.scope import profile_of, scope_code, tps_or_404
from siaga.regions.models import Contest, Level
from siaga.regions.views import breadcrumb, election_for, region_for
from siaga.results import checks, imports, services
from siaga.results.models import CATEGORY_FIELDS, NUMBER_FIELDS, ResultForm
from siaga.web.charts import bar_chart_svg


def _contest(request, election) -> Contest:
    kind = (request.GET.get("kontes") or request.POST.get("kontes") or "PPWP").upper()
    contest = Contest.objects.filter(election=election, kind=kind).first()
    if contest is None:
        raise Http404(kind)
    return contest


@require_GET
def results_view(request):
    """Totals of a contest for the region and each region below, with the TPS counted, flagged
    and missing."""
    region = region_for(request)
    election = election_for(request)
    contest = _contest(request, election)
    children = list(region.children.order_by("code").values_list("code", "name"))
    table = services.region_totals(election, contest, region.code, region.name, region.level,
                                   children)
    candidates = services.candidates_of(contest)
    numbers = [c.number for c in candidates]

    def shares(row):
        total = sum(row["votes"].values())
        return [{"votes": row["votes"].get(n, 0),
                 "pct": 100 * row["votes"].get(n, 0) / total if total else None} for n in numbers]

    rows = [row | {"shares": shares(row)} for row in table["children"]]
    total = table["region"] | {"shares": shares(table["region"])}
    chart = bar_chart_svg([f"{c.number} {c.name}" for c in candidates],
                          {_("votes"): [s["votes"] for s in total["shares"]]},
                          title=_("%(contest)s, %(region)s: accepted forms only") % {
                              "contest": contest.get_kind_display(), "region": region.name},
                          xlabel=_("votes")) if sum(total["votes"].values()) else ""
    return render(request, "results/overview.html", {
        "region": region, "election": election, "contest": contest, "candidates": candidates,
        "rows": rows, "total": total, "chart": chart, "breadcrumb": breadcrumb(request, region),
        "contests": election.contests.all(), "child_is_desa": region.level == Level.KECAMATAN,
        "may_review": profile_of(request.user).may(services.REVIEW_RIGHT)})


def _numbers(post, candidates) -> tuple[dict, list[str]]:
    """The sheet's numbers; every box that is not a whole number of zero or more is named."""
    numbers, errors = {}, []
    for name in (*NUMBER_FIELDS, *CATEGORY_FIELDS):
        raw = post.get(name, "").strip()
        if raw == "" and name in CATEGORY_FIELDS:
            continue
        if not raw.isdigit():
            errors.append(_("%(field)s: '%(value)s' is not a whole number of zero or more.") % {
                "field": checks.field_label(name, _), "value": raw})
            continue
        numbers[name] = int(raw)
    votes = {}
    for c in candidates:
        raw = post.get(f"suara-{c.number}", "").strip()
        if not raw.isdigit():
            errors.append(_("Votes for %(n)s: '%(value)s' is not a whole number of zero or "
                            "more.") % {"n": c.number, "value": raw})
            continue
        votes[c.number] = int(raw)
    numbers["votes"] = votes
    if any(name in numbers for name in CATEGORY_FIELDS) and not all(
            name in numbers for name in CATEGORY_FIELDS):
        errors.append(_("Give the voters from the DPT, DPTb and DPK all three, or none."))
    return numbers, errors


def _findings(numbers: dict, election) -> list[str]:
    found = checks.check(services.as_check_form(numbers), services.rules_for(election))
    return [f.render(_) for f in found]


@require_http_methods(["GET", "POST"])
def entry_view(request):
    """The C.Hasil sheet of one TPS and contest, keyboard-first (Tab from box to box, as on
    the paper), checked as it is typed and again when it is stored."""
    election = election_for(request)
    contest = _contest(request, election)
    code = (request.GET.get("tps") or request.POST.get("tps") or "").strip()
    tps = tps_or_404(request.user, election, code) if code else None
    candidates = services.candidates_of(contest, tps) if tps else services.candidates_of(contest)
    context = {"election": election, "contest": contest, "tps": tps, "code": code,
               "candidates": candidates, "contests": election.contests.all(),
               "sources": [s for s in ResultForm.Source.choices if s[0] != "kpu_import"],
               "client_id": uuid.uuid4().hex, "values": request.POST or {},
               "number_fields": [(n, checks.field_label(n, _)) for n in NUMBER_FIELDS],
               "category_fields": [(n, checks.field_label(n, _)) for n in CATEGORY_FIELDS]}
    if request.method == "POST":
        profile = profile_of(request.user)
        if tps is None or not profile.may("write_field"):
            raise PermissionDenied(_("Your role may not do this."))
        numbers, errors = _numbers(request.POST, candidates)
        source = request.POST.get("source", "kpps")
        if source not in dict(context["sources"]):
            errors.append(_("Unknown source."))
        if errors:
            context["errors"] = errors
            return render(request, "results/entry.html", context, status=422)
        form, stored = services.submit(tps=tps, contest=contest, numbers=numbers, source=source,
                                       client_id=request.POST.get("client_id") or uuid.uuid4().hex,
                                       user=request.user, note=request.POST.get("note", "")[:2000])
        if not stored:
            messages.info(request, _("This sheet was already stored."))
        elif form.status == ResultForm.Status.ACCEPTED:
            messages.success(request, _("Stored and counted: the arithmetic holds."))
        else:
            messages.error(request, _("Stored but not counted: a reviewer checks it against "
                                      "the photo first."))
        return redirect(f"{reverse('results_tps', args=[tps.code])}?kontes={contest.kind}"
                        f"&pemilu={election.slug}")
    return render(request, "results/entry.html", context)


@require_POST
def entry_check(request):
    """The checks of the sheet as typed so far (htmx, on every change)."""
    election = election_for(request)
    contest = _contest(request, election)
    code = request.POST.get("tps", "").strip()
    tps = tps_or_404(request.user, election, code) if code else None
    candidates = services.candidates_of(contest, tps) if tps else services.candidates_of(contest)
    numbers, errors = _numbers(request.POST, candidates)
    return render(request, "results/_checks.html", {
        "errors": errors, "findings": [] if errors else _findings(numbers, election)})


@require_GET
def tps_view(request, code: str):
    """Every source's current form for one TPS side by side, where they differ, what counts."""
    election = election_for(request)
    contest = _contest(request, election)
    tps = tps_or_404(request.user, election, code)
    found = services.reconcile(tps, contest)
    history = (ResultForm.objects.filter(tps=tps, contest=contest)
               .select_related("created_by", "reviewed_by").order_by("source", "-version"))
    return render(request, "results/tps.html", {
        "tps": tps, "election": election, "contest": contest, "rec": found,
        "fields": [(n, checks.field_label(n, _)) for n in NUMBER_FIELDS],
        "candidates": services.candidates_of(contest, tps), "history": history,
        "findings": {f.pk: [x.render(_) for x in services.stored_findings(f)] for f in history},
        "may_review": profile_of(request.user).may(services.REVIEW_RIGHT)})


@require_http_methods(["GET", "POST"])
def review_view(request):
    """Flagged forms of the user's region, worst first, each with why and the likely reading;
    accept (checked against the photo), correct (a new version) or reject."""
    election = election_for(request)
    if request.method == "POST":
        form = get_object_or_404(ResultForm.objects.select_related("tps", "contest", "election"),
                                 pk=request.POST.get("form"))
        if not form.tps.code.startswith(scope_code(request.user)):
            raise Http404(form.pk)
        action, note = request.POST.get("action"), request.POST.get("note", "")[:2000]
        try:
            if action == "accept":
                services.accept(form, request.user, note)
            elif action == "reject":
                services.reject(form, request.user, note or _("rejected"))
            elif action == "correct":
                numbers, errors = _numbers(request.POST, services.candidates_of(form.contest,
                                                                                form.tps))
                if errors:
                    for error in errors:
                        messages.error(request, error)
                    return redirect(request.get_full_path())
                services.correct(form, numbers, request.user, note)
            else:
                raise Http404(action)
        except services.ReviewError as exc:
            messages.error(request, _(str(exc)))
        return redirect(request.get_full_path())
    forms = (ResultForm.objects.filter(election=election, status=ResultForm.Status.FLAGGED,
                                       current=True,
                                       tps__code__startswith=scope_code(request.user))
             .select_related("tps", "contest").order_by("tps__code", "contest__order")[:100])
    return render(request, "results/review.html", {
        "election": election, "forms": [
            {"form": f, "findings": [x.render(_) for x in services.stored_findings(f)],
             "candidates": services.candidates_of(f.contest, f.tps)} for f in forms],
        "fields": [(n, checks.field_label(n, _)) for n in NUMBER_FIELDS],
        "may_review": profile_of(request.user).may(services.REVIEW_RIGHT)})



class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV, XLSX or JSON file"))


@require_http_methods(["GET", "POST"])
def import_view(request):
    """Forms from a file: every row checked first, nothing stored if one is wrong."""
    election = election_for(request)
    upload, problems, summary = ImportForm(), [], None
    if request.method == "POST":
        profile = profile_of(request.user)
        if not profile.may("write_registry"):
            raise PermissionDenied(_("Your role may not do this."))
        upload = ImportForm(request.POST, request.FILES)
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            summary, problems = imports.import_forms(election, file.name, file.read(),
                                                     scope=profile.region.code, user=request.user)
    return render(request, "results/import.html", {
        "election": election, "contest": None, "upload": upload, "problems": problems,
        "summary": summary})
