"""Results pages: totals per region level, the C.Hasil entry sheet with checks as you type,
the review of flagged forms, and one TPS's sources side by side."""

import functools
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from siaga.accounts.scope import profile_of, region_or_404, scope_code, tps_or_404
from siaga.regions.models import TPS, Contest, Level
from siaga.regions.views import breadcrumb, election_for, map_payload, region_for
from siaga.results import anomalies, checks, imports, mapdata, publication, services
from siaga.results.models import CATEGORY_FIELDS, NUMBER_FIELDS, ResultForm, TpsResult


def _contest(request, election) -> Contest:
    kind = (request.GET.get("kontes") or request.POST.get("kontes") or "PPWP").upper()
    contest = Contest.objects.filter(election=election, kind=kind).first()
    if contest is None:
        raise Http404(kind)
    return contest


@require_GET
def results_view(request):
    """Totals of a contest for the region and each region below, with the TPS counted, flagged
    and missing, on a map of the TPS coloured by the state of their form."""
    region = region_for(request)
    election = election_for(request)
    contest = _contest(request, election)
    profile = profile_of(request.user)
    may_publish = (profile.may(publication.PUBLISH_RIGHT)
                   and region.level in publication.PUBLISHABLE_LEVELS)
    return render(request, "results/overview.html", {
        "region": region, "election": election, "contest": contest,
        **publication.totals_table(election, contest, region),
        "breadcrumb": breadcrumb(request, region),
        "contests": election.contests.all(), "child_is_desa": region.level == Level.KECAMATAN,
        "may_review": profile.may(services.REVIEW_RIGHT), "may_publish": may_publish,
        "published": publication.live(contest, region) if may_publish else None,
        "states": [(mapdata.STATE_COLORS[s], _(label))
                   for s, label in mapdata.STATE_LABELS.items()]})


@require_GET
def results_map_data(request):
    """The results map: the region's child boundaries, each with a tooltip of its leading
    choice and TPS counted, and its TPS coloured counted / flagged / missing for the contest."""
    region = region_for(request)
    election = election_for(request)
    contest = _contest(request, election)
    states = dict(TpsResult.objects.filter(contest=contest, tps__code__startswith=region.code)
                  .values_list("tps__code", "state"))
    votes = dict(TpsResult.objects.filter(contest=contest, tps__code__startswith=region.code,
                                          state=TpsResult.State.ACCEPTED)
                 .values_list("tps__code", "votes"))

    def point(code: str) -> dict:
        return mapdata.tps_point(states.get(code, "none"), votes.get(code, {}), _)

    payload = map_payload(request, region, election, point)
    children = list(region.children.order_by("code").values_list("code", "name"))
    table = services.region_totals(election, contest, region.code, region.name, region.level,
                                   children)
    rows = {row["code"]: row for row in [table["region"], *table["children"]]}
    names = {c.number: c.name for c in services.candidates_of(contest)}
    number = functools.partial(number_format, decimal_pos=1)
    for feature in payload["boundaries"]["features"]:
        p = feature["properties"]
        if p["code"] in rows and not (p["level"] == Level.DESA and region.level == Level.KABKOTA):
            p["tooltip"] = mapdata.region_tooltip(p["name"], rows[p["code"]], names, _, number)
    return JsonResponse(payload)


@require_POST
def publish_view(request):
    """An administrator publishes the contest's totals of the region shown, or withdraws them."""
    election = election_for(request)
    contest = _contest(request, election)
    region = region_or_404(request.user, request.POST.get("wilayah", ""))
    try:
        if request.POST.get("action") == "withdraw":
            publication.withdraw(request.user, contest, region)
            messages.info(request, _("Withdrawn from the public results page."))
        else:
            publication.publish(request.user, contest, region)
            messages.success(request, _("Published on the public results page."))
    except publication.PublicationError as exc:
        messages.error(request, _(str(exc)))
    return redirect(f"{reverse('results')}?wilayah={region.code}&pemilu={election.slug}"
                    f"&kontes={contest.kind}")


@login_not_required
@require_GET
def public_results(request):
    """The totals an administrator has published: per region one level down and for the
    region, TPS counted, flagged and missing, a chart, and when it was published. Provisional,
    not KPU's official result."""
    return render(request, "results/public.html", {
        "publications": publication.public_results()})


def vote_boxes(candidates, numbers: dict | None = None) -> list[dict]:
    """The sheet's vote boxes in ballot order, named as `_numbers` reads them: suara-01 (a
    choice's total), and on DPR/DPRD sheets partai-01 (the party's own votes) and caleg-01.3
    (its third candidate's); filled from `numbers` (a stored form's) when given."""
    numbers = numbers or {}
    _choices, members = services.ballot_layout(candidates)
    boxes = []
    for c in candidates:
        party, dot, order = c.number.partition(".")
        if dot:
            value = numbers.get("candidate_votes", {}).get(party, {}).get(order)
            boxes.append({"name": f"caleg-{c.number}", "label": f"{c.number} {c.name}",
                          "value": value, "member": True})
            continue
        listed = c.number in members
        boxes.append({"name": f"suara-{c.number}", "value": numbers.get("votes", {}).get(
            c.number), "label": f"{c.number} {c.name}" + (f" · {_('party total')}" if listed
                                                         else "")})
        if listed:
            boxes.append({"name": f"partai-{c.number}",
                          "label": f"{c.number} · {_('votes for the party itself')}",
                          "value": numbers.get("party_votes", {}).get(c.number)})
    return boxes


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
    choices, members = services.ballot_layout(candidates)
    # Boxes: suara-01 (the choice's total), and on DPR/DPRD sheets partai-01 (the party's own
    # votes) and caleg-01.3 (its third candidate's).
    boxes = [(f"suara-{n}", ("votes", n, None)) for n in choices]
    for party, orders in members.items():
        boxes.append((f"partai-{party}", ("party_votes", party, None)))
        boxes += [(f"caleg-{party}.{o}", ("candidate_votes", party, o)) for o in orders]
    numbers.update(votes={}, party_votes={}, candidate_votes={})
    for box, (kind, number, order) in boxes:
        raw = post.get(box, "").strip()
        if not raw.isdigit():
            errors.append(_("Votes for %(n)s: '%(value)s' is not a whole number of zero or "
                            "more.") % {"n": box.split("-", 1)[1], "value": raw})
        elif order is None:
            numbers[kind][number] = int(raw)
        else:
            numbers[kind].setdefault(number, {})[order] = int(raw)
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
               "boxes": vote_boxes(candidates),
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
    mine = anomalies.contest_anomalies(contest, tps.code[:8]).of(tps.code)
    return render(request, "results/tps.html", {
        "tps": tps, "election": election, "contest": contest, "rec": found,
        "hints": None if mine is None else [_hint(f) for f in mine.findings],
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
             "boxes": vote_boxes(services.candidates_of(f.contest, f.tps), f.numbers())}
            for f in forms],
        "fields": [(n, checks.field_label(n, _)) for n in NUMBER_FIELDS],
        "may_review": profile_of(request.user).may(services.REVIEW_RIGHT),
        **_anomaly_context(request, election)})


MAX_HINT_ROWS = 500


def _anomaly_context(request, election) -> dict:
    """The anomaly hints over the counted forms of the chosen contest in the user's region:
    only the TPS with hints, or every counted TPS (?petunjuk=semua)."""
    kind = (request.GET.get("kontes") or "PPWP").upper()
    contests = list(election.contests.all())
    contest = next((c for c in contests if c.kind == kind), contests[0] if contests else None)
    if contest is None:
        return {"contest": None, "contests": [], "hint_rows": [], "counted": 0,
                "hinted_count": 0, "region_hints": [], "show_all": False}
    report = anomalies.contest_anomalies(contest, scope_code(request.user))
    show_all = request.GET.get("petunjuk") == "semua"
    listed = (report.tps if show_all else report.hinted)[:MAX_HINT_ROWS]
    desa = dict(TPS.objects.filter(election=election, code__in=[t.tps_code for t in listed])
                .values_list("code", "village__name"))
    return {"contest": contest, "contests": contests, "show_all": show_all,
            "counted": len(report.tps), "hinted_count": len(report.hinted),
            "hint_rows": [{"code": t.tps_code, "desa": desa.get(t.tps_code, ""),
                           "turnout": None if t.turnout is None else 100 * t.turnout,
                           "hints": [_hint(f) for f in t.findings]} for t in listed],
            "region_hints": [_hint(f) for f in report.region_findings]}


def _hint(finding: checks.Finding) -> str:
    """A hint in the user's language, its decimals written the user's way (30,2)."""
    params = {k: number_format(v, 1) if isinstance(v, float) else v
              for k, v in finding.params.items()}
    return checks.Finding(finding.code, params).render(_)



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
