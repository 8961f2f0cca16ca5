"""Siaga Pemilu settings. Everything that varies between machines comes from SIAGA_* variables.

The defaults are the safe ones (DEBUG off, HTTPS-only cookies, HSTS); `siaga serve --insecure-http`
is what relaxes them for a laptop serving http://127.0.0.1.
"""

import importlib.util
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SIAGA_VAR_DIR", PROJECT_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def secret_key_from_var() -> str:
    """The key from SIAGA_SECRET_KEY, or one generated once into var/ (never committed)."""
    if key := env_str("SIAGA_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = secret_key_from_var()
DEBUG = env_bool("SIAGA_DEBUG", False)
HTTPS = env_bool("SIAGA_HTTPS", True)
ALLOWED_HOSTS = env_list("SIAGA_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("SIAGA_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "siaga.web.admin_site.SiagaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "siaga.accounts",
    "siaga.regions",
    "siaga.simulation",
    "siaga.risk",
    "siaga.security",
    "siaga.logistics",
    "siaga.operations",
    "siaga.results",
    "siaga.officers",
    "siaga.readiness",
    "siaga.public",
    "siaga.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "siaga.accounts.middleware.IndonesianFirst",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "siaga.accounts.middleware.LoginRequired",
    "siaga.accounts.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "siaga.urls"
WSGI_APPLICATION = "siaga.wsgi.application"
ASGI_APPLICATION = "siaga.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "siaga.accounts.context.scope",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("SIAGA_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'siaga.sqlite3'}",
        # Persistent connections (checked before reuse): a new PostgreSQL connection per
        # request would cost more than most requests do.
        conn_max_age=env_int("SIAGA_DB_CONN_MAX_AGE", 60), conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Statements prepared once per connection (only results.services prepares; Django binds
    # on the client) keep one plan: PostgreSQL's default plans each of their first executions
    # anew and may never stop, which cost a C.Hasil submission more than running it did.
    DATABASES["default"]["OPTIONS"] = {"options": "-c plan_cache_mode=force_generic_plan"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = env_int("SIAGA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLED = env_bool("SIAGA_AXES_ENABLED", True)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["siaga.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Leaflet's files come from the django-leaflet package; its Django app is not installed because
# its admin module needs GDAL, which a laptop does not have and the maps do not need.
STATICFILES_DIRS = [
    Path(importlib.util.find_spec("leaflet").submodule_search_locations[0]) / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# Shared by every server process on the machine (the public comment rate limit counts per
# visitor across workers); several machines set a shared backend instead.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                      "LOCATION": str(VAR_DIR / "cache")}}

# The regency whose board /publik/ shows (a Kemendagri code such as 62.13); empty: the region
# of the newest published news item, else the regency with the most TPS.
SIAGA_PUBLIC_REGION = env_str("SIAGA_PUBLIC_REGION")

# The shared secret with which regencies sign the readiness bundles they send to their province
# (readiness/keys.py); empty: a key derived from SECRET_KEY, valid on this instance only.
SIAGA_BUNDLE_KEY = env_str("SIAGA_BUNDLE_KEY")
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Security: safe by default; `siaga serve --insecure-http` sets SIAGA_HTTPS=0 for a local laptop.
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SIAGA_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SIAGA_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("SIAGA_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# SMS/WhatsApp gateways sign their webhook calls with this shared secret (HMAC-SHA256);
# without it the webhook refuses every call.
SIAGA_SMS_SECRET = env_str("SIAGA_SMS_SECRET")
# The bare one-row-insert endpoint that bench/field_reports.py compares against; off in use.
SIAGA_BENCH_ENDPOINTS = env_bool("SIAGA_BENCH_ENDPOINTS", False)

# Map tiles are optional: without a URL the map still shows boundaries and TPS points offline.
SIAGA_TILE_URL = env_str("SIAGA_TILE_URL")
_tile_hosts = [SIAGA_TILE_URL.split("/")[0] + "//" + SIAGA_TILE_URL.split("/")[2]] if SIAGA_TILE_URL else []
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    # matplotlib SVG and Leaflet position elements with style attributes.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", *_tile_hosts],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SIAGA_LOG_LEVEL", "WARNING")},
}
