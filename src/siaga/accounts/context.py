from django.conf import settings


def scope(request):
    """The signed-in user's profile, region and rights for every template."""
    user = getattr(request, "user", None)
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
    return {
        "profile": profile,
        "scope_region": profile.region if profile else None,
        "may_write_registry": bool(profile and profile.may("write_registry")),
        "may_audit": bool(profile and profile.may("audit")),
        "tile_url": settings.SIAGA_TILE_URL,
    }
