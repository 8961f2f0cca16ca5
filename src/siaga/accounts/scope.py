"""Region scope and role rights: a user sees and changes only their region subtree."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from siaga.accounts.models import Profile
from siaga.regions.models import TPS, Region


def profile_of(user) -> Profile:
    profile = getattr(user, "profile", None) if user and user.is_authenticated else None
    if profile is None:
        raise PermissionDenied(_("This account has no agency, role and region yet."))
    return profile


def scope_code(user) -> str:
    return profile_of(user).region.code


def require(user, right: str, code: str = "") -> Profile:
    """Refuse unless the user's role has `right` and `code` lies inside the user's region."""
    profile = profile_of(user)
    if code and not code.startswith(profile.region.code):
        raise PermissionDenied(_("Outside your region."))
    if not profile.may(right):
        raise PermissionDenied(_("Your role may not do this."))
    return profile


def visible_regions(user):
    return Region.objects.within(profile_of(user).region)


def visible_tps(user, election=None):
    tps = TPS.objects.filter(code__startswith=scope_code(user))
    return tps.filter(election=election) if election is not None else tps


def region_or_404(user, code: str) -> Region:
    """A region inside the user's scope; outside it looks the same as one that does not exist."""
    region = Region.objects.filter(code=code).first()
    if region is None or not region.code.startswith(scope_code(user)):
        raise Http404(code)
    return region


def tps_or_404(user, election, code: str) -> TPS:
    tps = visible_tps(user, election).select_related("village__parent", "election").filter(code=code).first()
    if tps is None:
        raise Http404(code)
    return tps
