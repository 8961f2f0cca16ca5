import zoneinfo

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation

from siaga.accounts.audit import acting_as


class ActorMiddleware:
    """Attributes audited changes to the signed-in user; shows times in their region's zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        profile = getattr(user, "profile", None) if user else None
        if profile is not None:
            timezone.activate(zoneinfo.ZoneInfo(profile.region.zoneinfo))
        try:
            with acting_as(user):
                return self.get_response(request)
        finally:
            timezone.deactivate()


class LoginRequired(LoginRequiredMiddleware):
    """Every page needs a login, except those marked public; the API authenticates itself
    (session or device token) and answers 401 instead of redirecting to the login page."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/v1/") and not request.path_info.startswith("/api/v1/docs"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class IndonesianFirst(LocaleMiddleware):
    """Bahasa Indonesia unless the user chose otherwise (language cookie), whatever the
    browser's Accept-Language says: the same screen for everyone in the coordination room."""

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
