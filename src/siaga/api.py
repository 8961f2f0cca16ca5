"""JSON API /api/v1/: session auth for the browser (with CSRF), bearer tokens for devices."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from siaga.accounts import audit
from siaga.accounts.models import ApiToken
from siaga.accounts.scope import (
    region_or_404,
    require,
    scope_code,
    tps_or_404,
    visible_regions,
    visible_tps,
)
from siaga.regions import codes
from siaga.regions.models import TPS, Election
from siaga.regions.views import TPSForm
from siaga.shortcache import ShortCache

# A device sends many reports a minute: its token is looked up once a minute per process
# (a revoked token or deactivated user stops working within that minute).
TOKENS = ShortCache(seconds=60)


class DeviceToken(HttpBearer):
    def authenticate(self, request, token):
        user = TOKENS.get(ApiToken.hash(token), lambda: self._load(token))
        if user is None:
            return None
        request.user = user
        audit.set_actor(user)
        return user

    @staticmethod
    def _load(token):
        found = ApiToken.objects.select_related(
            "user__profile__region", "user__profile__agency").filter(
            digest=ApiToken.hash(token), user__is_active=True).first()
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found.user


api = NinjaAPI(
    title="Siaga Pemilu API", version="1", urls_namespace="api",
    auth=[DeviceToken(), SessionAuth()], docs_decorator=login_required,
    description="Regions, TPS and elections of the caller's region. Codes are Kemendagri codes; "
                "a TPS is its village code and number (62.13.01.2003-003).",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
    timezone: str
    latitude: float | None
    longitude: float | None
    is_synthetic: bool

    @staticmethod
    def resolve_parent_code(obj):
        return obj.code.rpartition(".")[0] or None


class ElectionOut(Schema):
    slug: str
    name: str
    kind: str
    polling_date: str
    voting_opens: str
    voting_closes: str
    max_voters_per_tps: int
    ballot_reserve_pct: float
    items_per_tps: dict
    contests: list[str]

    @staticmethod
    def resolve_contests(obj):
        return [c.kind for c in obj.contests.all()]

    @staticmethod
    def resolve_polling_date(obj):
        return obj.polling_date.isoformat()

    @staticmethod
    def resolve_voting_opens(obj):
        return obj.voting_opens.isoformat("minutes")

    @staticmethod
    def resolve_voting_closes(obj):
        return obj.voting_closes.isoformat("minutes")


class TPSOut(Schema):
    code: str
    election: str
    village_code: str
    number: int
    dpt_men: int
    dpt_women: int
    dpt: int
    address: str
    latitude: float | None
    longitude: float | None
    access: str
    travel_notes: str
    is_synthetic: bool

    @staticmethod
    def resolve_election(obj):
        return obj.election.slug

    @staticmethod
    def resolve_village_code(obj):
        return obj.code.split("-")[0]


class TPSChange(Schema):
    dpt_men: int | None = None
    dpt_women: int | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    access: str | None = None
    travel_notes: str | None = None


class TPSNew(TPSChange):
    code: str
    dpt_men: int
    dpt_women: int


class Page(Schema):
    count: int
    items: list[TPSOut]


def _election(slug: str | None) -> Election:
    if slug:
        return get_object_or_404(Election, slug=slug)
    election = Election.objects.first()
    if election is None:
        raise Http404("no election")
    return election


def _save_form(tps: TPS, values: dict) -> TPS:
    form = TPSForm(data={k: ("" if v is None else v) for k, v in values.items()}, instance=tps)
    if not form.is_valid():
        raise HttpError(422, "; ".join(
            f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()))
    tps = form.save(commit=False)
    tps.is_synthetic = False
    tps.save()
    return tps


def _form_values(tps: TPS) -> dict:
    return {f: getattr(tps, f) for f in TPSForm.Meta.fields}


@api.get("/regions", response=list[RegionOut], tags=["regions"])
def list_regions(request, parent: str | None = None, level: str | None = None):
    regions = visible_regions(request.user)
    if parent:
        regions = regions.filter(parent=region_or_404(request.user, parent))
    if level:
        regions = regions.filter(level=level)
    return regions[:5000]


@api.get("/regions/{code}", response=RegionOut, tags=["regions"])
def get_region(request, code: str):
    return region_or_404(request.user, code)


@api.get("/elections", response=list[ElectionOut], tags=["elections"])
def list_elections(request):
    scope_code(request.user)  # a user without a profile has no business here
    return Election.objects.prefetch_related("contests")


@api.get("/tps", response=Page, tags=["tps"])
def list_tps(request, region: str | None = None, election: str | None = None,
             limit: int = 500, offset: int = 0):
    tps = visible_tps(request.user, _election(election)).select_related("election")
    if region:
        tps = tps.filter(code__startswith=region_or_404(request.user, region).code)
    limit = max(1, min(limit, 5000))
    return {"count": tps.count(), "items": list(tps[offset:offset + limit])}


@api.get("/tps/{code}", response=TPSOut, tags=["tps"])
def get_tps(request, code: str, election: str | None = None):
    return tps_or_404(request.user, _election(election), code)


@api.patch("/tps/{code}", response=TPSOut, tags=["tps"])
def update_tps(request, code: str, change: TPSChange, election: str | None = None):
    tps = tps_or_404(request.user, _election(election), code)
    require(request.user, "write_registry", tps.code)
    with transaction.atomic():
        return _save_form(tps, _form_values(tps) | change.dict(exclude_unset=True))


@api.post("/tps", response={201: TPSOut}, tags=["tps"])
def create_tps(request, new: TPSNew, election: str | None = None):
    split = codes.split_tps_code(new.code)
    if split is None:
        raise HttpError(422, f"code: '{new.code}' is not a TPS code (62.13.01.2003-003)")
    village_code, number = split
    require(request.user, "write_registry", village_code)
    village = region_or_404(request.user, village_code)
    if village.level != "desa":
        raise HttpError(422, f"code: {village_code} is not a desa/kelurahan")
    tps = TPS(election=_election(election), village=village, number=number,
              code=codes.tps_code(village_code, number))
    try:
        with transaction.atomic():
            tps = _save_form(tps, {"access": "darat", "address": "", "travel_notes": ""}
                             | new.dict(exclude={"code"}, exclude_unset=True))
    except IntegrityError:
        raise HttpError(409, f"TPS {tps.code} already exists") from None
    return 201, tps


from siaga.operations.api import router as operations_router  # noqa: E402 - after `api` exists

api.add_router("/", operations_router)

from siaga.results.api import router as results_router  # noqa: E402 - after `api` exists

api.add_router("/", results_router)
