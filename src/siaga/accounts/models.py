import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siaga.regions.models import Region


class Agency(models.Model):
    class Kind(models.TextChoices):
        PEMDA = "pemda", _("Regional government (Kesbangpol / Desk Pemilu)")
        KPU = "kpu", "KPU"
        BAWASLU = "bawaslu", "Bawaslu"
        POLRES = "polres", "Polres"
        KODIM = "kodim", "Kodim"
        SATPOL_PP = "satpol_pp", "Satpol PP"
        DISKOMINFO = "diskominfo", "Diskominfo"
        DISDUKCAPIL = "disdukcapil", "Disdukcapil"
        OPD = "opd", _("Other OPD")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMINISTRATOR = "admin", _("administrator")
    COORDINATOR = "coordinator", _("coordinator")
    FIELD_OFFICER = "field", _("field officer")
    VIEWER = "viewer", _("viewer")


# What each role may do inside its region. Everything else is refused.
ROLE_RIGHTS = {
    Role.ADMINISTRATOR: {"read", "write_registry", "write_field", "audit", "admin"},
    Role.COORDINATOR: {"read", "write_registry", "write_field"},
    Role.FIELD_OFFICER: {"read", "write_field"},
    Role.VIEWER: {"read"},
}


class Profile(models.Model):
    """Who a user is in the election: agency, role and the region subtree they work in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile")
    agency = models.ForeignKey(Agency, models.PROTECT, verbose_name=_("agency"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region scope"))

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.region.name})"

    def may(self, right: str) -> bool:
        return right in ROLE_RIGHTS[self.role]


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        # Personal data shown or handed out unmasked (UU PDP): who saw which record's NIK.
        VIEW = "view", _("viewed unmasked")
        EXPORT = "export", _("exported unmasked")

    at = models.DateTimeField(_("time"), auto_now_add=True)
    # No database-level check: it would share-lock the user's row on every audited write
    # (Django sets the field to NULL itself when a user is deleted).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                             verbose_name=_("user"), db_constraint=False)
    actor = models.CharField(_("actor"), max_length=150,
                             help_text=_("User name, or the command that made the change."))
    action = models.CharField(_("action"), max_length=6, choices=Action.choices)
    # Indexed in Meta: every audited write pays for each index, so only what the log's
    # filters use (model by equality, object and region by prefix) and no time index (the
    # log is read newest first by id, which grows with time).
    model = models.CharField(_("data"), max_length=60)
    object_key = models.CharField(_("object"), max_length=80)
    region_code = models.CharField(_("region"), max_length=13, blank=True)
    before = models.JSONField(_("before"), null=True)
    after = models.JSONField(_("after"), null=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["model"], name="auditentry_model"),
            models.Index(fields=["object_key"], name="auditentry_object_prefix",
                         opclasses=["varchar_pattern_ops"]),
            # Prefix searches (the user's region and below); on PostgreSQL a pattern index.
            models.Index(fields=["region_code"], name="auditentry_region_prefix",
                         opclasses=["varchar_pattern_ops"]),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.model} {self.object_key}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class ApiToken(models.Model):
    """A device token for the API. Only its hash is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("device"), max_length=80)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} / {self.name}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        token = "sp_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=cls.hash(token)), token
