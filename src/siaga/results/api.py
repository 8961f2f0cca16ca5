"""Results over the API: a C.Hasil from the field (idempotent by client id, checked, answered
with its findings in the user's language) and the totals per region."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from siaga.accounts.scope import region_or_404, require, scope_code
from siaga.operations.api import photo_file
from siaga.regions.lookup import TpsLookup
from siaga.regions.models import Contest, Election, Level, Region
from siaga.results import services
from siaga.results.models import NUMBER_FIELDS, ResultForm, TpsResult
from siaga.shortcache import ShortCache

router = Router(tags=["results"])

MAX_COUNT = 100_000  # no number on one TPS's form comes near this
FIELD_SOURCES = ("kpps", "ptps", "pemda")  # a KPU import is loaded in bulk, not posted


class FormIn(Schema):
    client_id: str
    tps: str
    contest: str = "PPWP"
    source: str = "kpps"
    election: str | None = None
    dpt: int
    dptb: int = 0
    dpk: int = 0
    voted: int
    voted_dpt: int | None = None
    voted_dptb: int | None = None
    voted_dpk: int | None = None
    ballots_received: int
    ballots_used: int
    ballots_unused: int
    ballots_damaged: int = 0
    valid: int
    invalid: int
    votes: dict[str, int]
    # DPR/DPRD: per party ballot number, the votes for the party itself and for each of its
    # candidates by list order ({"01": 40}, {"01": {"1": 30, "2": 12}}).
    party_votes: dict[str, int] = {}
    candidate_votes: dict[str, dict[str, int]] = {}
    note: str = ""
    photo: str = ""  # a JPEG or PNG as a data URL


# TPS (a kecamatan at a time) and contests are looked up once every few minutes per process;
# candidates once a minute.
TPS_LOOKUP = TpsLookup()
CONTESTS = ShortCache(seconds=300)
BALLOTS = ShortCache(seconds=60)


def _party_detail(data: FormIn, choices: list[str], members: dict[str, list[str]]) -> dict:
    """The DPR/DPRD detail, or a 422 naming a party or candidate not on this TPS's ballot."""
    for party in [*data.party_votes, *data.candidate_votes]:
        if party not in members:
            raise HttpError(422, _("party_votes: %(v)s is not a party with candidates on this "
                                   "ballot.") % {"v": party})
    for party, cands in data.candidate_votes.items():
        unknown = sorted(set(cands) - set(members[party]))
        if unknown:
            raise HttpError(422, _("candidate_votes.%(party)s: no candidate %(unknown)s on the "
                                   "party's list.") % {"party": party,
                                                       "unknown": ", ".join(unknown)})
    values = [("party_votes", v) for v in data.party_votes.values()]
    values += [("candidate_votes", v) for c in data.candidate_votes.values() for v in c.values()]
    for name, value in values:
        if not 0 <= value <= MAX_COUNT:
            raise HttpError(422, _("%(field)s: %(v)s is not a count on one TPS's form.") % {
                "field": name, "v": value})
    if not (data.party_votes or data.candidate_votes):
        return {}
    return {"party_votes": dict(data.party_votes),
            "candidate_votes": {p: dict(c) for p, c in data.candidate_votes.items()}}


def _numbers(data: FormIn, choices: list[str]) -> dict:
    """The form's numbers, or a 422 naming the field that cannot be a count on a form."""
    numbers = {name: getattr(data, name) for name in (*NUMBER_FIELDS, *services.CATEGORY_FIELDS)}
    split = [numbers[name] is None for name in services.CATEGORY_FIELDS]
    if any(split) and not all(split):
        raise HttpError(422, _("voted_dpt: give the voters from the DPT, DPTb and DPK together, "
                               "or none of them."))
    for name, value in numbers.items():
        if value is not None and abs(value) > MAX_COUNT:
            raise HttpError(422, _("%(field)s: %(v)s is not a count on one TPS's form.") % {
                "field": name, "v": value})
    unknown = sorted(set(data.votes) - set(choices))
    missing = [c for c in choices if c not in data.votes]
    if unknown or missing:
        raise HttpError(422, _("votes: one number per ballot number %(ok)s is expected "
                               "(unknown: %(unknown)s; missing: %(missing)s).") % {
            "ok": ", ".join(choices), "unknown": ", ".join(unknown) or "-",
            "missing": ", ".join(missing) or "-"})
    for choice, value in data.votes.items():
        if abs(value) > MAX_COUNT:
            raise HttpError(422, _("%(field)s: %(v)s is not a count on one TPS's form.") % {
                "field": f"votes.{choice}", "v": value})
    return numbers | {"votes": dict(data.votes)}


def form_out(form: ResultForm, stored: bool) -> dict:
    counted = getattr(form, "counted", None)
    if counted is None:
        counted = TpsResult.objects.filter(form=form).exists()
    return {
        "stored": stored, "id": form.pk, "client_id": form.client_id, "tps": form.tps.code,
        "election": form.election.slug, "contest": form.contest.kind, "source": form.source,
        "version": form.version, "status": form.status, "counted": counted,
        "numbers": form.numbers(),
        "findings": [f.as_json() | {"message": f.render(_)}
                     for f in services.stored_findings(form)],
    }


@router.post("/hasil")
def submit_form(request, data: FormIn):
    """A C.Hasil of one TPS and contest, as typed in or read from its photo; idempotent by
    `client_id`. Answers 201 with what was stored, or 200 with the form stored earlier under
    that client id: `status` (accepted, or flagged: kept out of the totals), `counted`,
    `version`, and `findings` (code, kind, params and the message in the user's language)."""
    if not 8 <= len(data.client_id) <= 64:
        raise HttpError(422, _("client_id: 8 to 64 characters."))
    kind = data.contest.upper()
    tps = None
    if data.tps.startswith(scope_code(request.user)):
        tps = TPS_LOOKUP.get(data.tps, data.election, kind)
    if tps is None:
        raise HttpError(404, _("There is no TPS %(code)s in your region.") % {"code": data.tps})
    require(request.user, "write_field", tps.code)
    if data.source not in FIELD_SOURCES:
        raise HttpError(422, _("source: '%(v)s' is not one of %(ok)s.") % {
            "v": data.source, "ok": ", ".join(FIELD_SOURCES)})
    contest = CONTESTS.get((tps.election_id, kind), lambda: Contest.objects.filter(
        election=tps.election, kind=kind).first())
    if contest is None:
        raise HttpError(422, _("contest: %(election)s has no contest '%(v)s'.") % {
            "election": tps.election.name, "v": data.contest})
    ballot = BALLOTS.get(contest.pk, lambda: services.Ballot.of(contest))
    choices, members = ballot.layout(tps.code) if ballot else ([], {})
    if not choices:
        raise HttpError(422, _("contest: no candidates are registered for %(v)s yet.") % {
            "v": kind})
    numbers = _numbers(data, choices) | _party_detail(data, choices, members)
    photo = photo_file(data.photo) if data.photo else None
    if photo is not None:
        photo.name = "hasil" + photo.name[photo.name.rindex("."):]
    form, stored = services.submit(tps=tps, contest=contest, numbers=numbers,
                                   source=data.source, client_id=data.client_id,
                                   user=request.user, photo=photo, note=data.note[:2000])
    return JsonResponse(form_out(form, stored), status=201 if stored else 200)


def _election(slug: str | None, kind: str) -> Election:
    found = Election.objects.filter(slug=slug) if slug else Election.objects.filter(
        contests__kind=kind).order_by("-polling_date")
    election = found.first()
    if election is None:
        raise HttpError(404, _("Unknown election '%(e)s'.") % {"e": slug or kind})
    return election


@router.get("/hasil/total")
def totals(request, wilayah: str | None = None, kontes: str = "PPWP",
           election: str | None = None):
    """Totals of a contest for a region (default: the user's) and each region one level
    below: votes per ballot number of the accepted forms, voters, valid and invalid votes, and
    TPS: `tps` (registered), `tps_in` (accepted), `tps_flagged` (forms, none accepted yet),
    `tps_missing` (registered − accepted; flagged ones included)."""
    kind = kontes.upper()
    own = scope_code(request.user)
    code = own if wilayah is None else wilayah
    if code == "":
        if own != "":
            raise HttpError(404, _("The nation is outside your region."))
        region_name, level = _("Indonesia"), "nasional"
        children = list(Region.objects.filter(level=Level.PROVINSI).values_list("code", "name"))
    else:
        region = region_or_404(request.user, code)
        region_name, level = region.name, region.level
        children = list(region.children.values_list("code", "name"))
    the_election = _election(election, kind)
    contest = Contest.objects.filter(election=the_election, kind=kind).first()
    if contest is None:
        raise HttpError(404, _("contest: %(election)s has no contest '%(v)s'.") % {
            "election": the_election.name, "v": kontes})
    return {"election": the_election.slug, "contest": kind,
            "candidates": [{"number": c.number, "name": c.name, "party": c.party}
                           for c in services.candidates_of(contest)],
            **services.region_totals(the_election, contest, code, region_name, level, children)}


# --- review ------------------------------------------------------------------------------

class ReviewIn(Schema):
    note: str = ""


class CorrectionIn(Schema):
    """The numbers read again from the photo: only those given change (`votes` merges by
    ballot number). `client_id` makes a retried correction a no-op."""

    client_id: str | None = None
    note: str = ""
    dpt: int | None = None
    dptb: int | None = None
    dpk: int | None = None
    voted: int | None = None
    voted_dpt: int | None = None
    voted_dptb: int | None = None
    voted_dpk: int | None = None
    ballots_received: int | None = None
    ballots_used: int | None = None
    ballots_unused: int | None = None
    ballots_damaged: int | None = None
    valid: int | None = None
    invalid: int | None = None
    votes: dict[str, int] = {}


def _form_for_review(request, form_id: int) -> ResultForm:
    """A form of the user's region (others look as if they did not exist), for a reviewer."""
    form = ResultForm.objects.select_related("tps__election", "contest", "election").filter(
        pk=form_id, tps__code__startswith=scope_code(request.user)).first()
    if form is None:
        raise HttpError(404, _("There is no result form %(id)s in your region.") % {"id": form_id})
    require(request.user, services.REVIEW_RIGHT, form.tps.code)
    return form


def _reviewed(action, *args) -> JsonResponse:
    try:
        form = action(*args)
    except services.ReviewError as exc:
        raise HttpError(409, _(str(exc))) from exc
    return JsonResponse(form_out(form, True))


@router.get("/hasil/tinjau")
def review_queue(request, wilayah: str | None = None, kontes: str | None = None,
                 election: str | None = None, limit: int = 100):
    """Flagged forms waiting for review in a region (default: the user's), the current
    version of each source's form, worst first: each with its findings in the user's
    language."""
    require(request.user, services.REVIEW_RIGHT)
    code = scope_code(request.user) if wilayah is None else region_or_404(request.user,
                                                                          wilayah).code
    forms = ResultForm.objects.filter(status=ResultForm.Status.FLAGGED, current=True,
                                      tps__code__startswith=code)
    if kontes:
        forms = forms.filter(contest__kind=kontes.upper())
    if election:
        forms = forms.filter(election__slug=election)
    forms = forms.select_related("tps", "contest", "election").order_by("tps__code", "id")
    return {"forms": [form_out(f, False) for f in forms[:max(1, min(limit, 1000))]]}


@router.post("/hasil/{form_id}/terima")
def review_accept(request, form_id: int, data: ReviewIn):
    """Accept a form after checking it against its photo: it counts for its TPS."""
    return _reviewed(services.accept, _form_for_review(request, form_id), request.user,
                     data.note[:2000])


@router.post("/hasil/{form_id}/tolak")
def review_reject(request, form_id: int, data: ReviewIn):
    """Reject a form (not this TPS's sheet, a duplicate): kept, never counted. A note is
    required."""
    if not data.note.strip():
        raise HttpError(422, _("note: say why the form is rejected."))
    return _reviewed(services.reject, _form_for_review(request, form_id), request.user,
                     data.note[:2000])


@router.post("/hasil/{form_id}/koreksi")
def review_correct(request, form_id: int, data: CorrectionIn):
    """Correct a form: a new version with the numbers read again (the old one is kept). The
    new version is checked like any form: accepted and counted when it adds up."""
    form = _form_for_review(request, form_id)
    if data.client_id:
        done = ResultForm.objects.filter(client_id=data.client_id).first()
        if done is not None:
            return JsonResponse(form_out(done, False))
    numbers = {k: v for k, v in data.dict().items()
               if k not in ("client_id", "note", "votes") and v is not None}
    for name, value in [*numbers.items(), *((f"votes.{c}", v) for c, v in data.votes.items())]:
        if not 0 <= value <= MAX_COUNT:
            raise HttpError(422, _("%(field)s: %(v)s is not a count on one TPS's form.") % {
                "field": name, "v": value})
    known = set(form.votes)
    if set(data.votes) - known:
        raise HttpError(422, _("votes: unknown ballot numbers %(unknown)s.") % {
            "unknown": ", ".join(sorted(set(data.votes) - known))})
    numbers["votes"] = dict(data.votes)
    return _reviewed(services.correct, form, numbers, request.user, data.note[:2000],
                     data.client_id)
