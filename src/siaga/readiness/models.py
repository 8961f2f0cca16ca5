"""The readiness agenda (activities before polling day), the readiness reports made by the
worker, and the report bundles regencies upload to their province."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siaga.accounts.models import Agency
from siaga.readiness.timetable import KINDS
from siaga.regions.models import Election, Region
from siaga.taskruns import TaskRun


class Activity(models.Model):
    """A readiness activity: a coordination meeting, the floor game, the simulation, the peace
    declaration, the logistics release, polling day."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))
    election = models.ForeignKey(Election, models.CASCADE, verbose_name=_("election"))
    kind = models.CharField(_("kind"), max_length=20,
                            choices=[(k, _(v)) for k, v in KINDS.items()])
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    lead_agency = models.ForeignKey(Agency, models.SET_NULL, null=True, blank=True,
                                    verbose_name=_("lead agency"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNED)
    outcome = models.TextField(_("outcome notes"), blank=True)
    template_key = models.CharField(max_length=40, blank=True)
    source = models.CharField(_("source of the date"), max_length=200, blank=True)
    is_assumption = models.BooleanField(_("date is our assumption"), default=False)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("readiness activity")
        verbose_name_plural = _("readiness agenda")

    def __str__(self) -> str:
        return self.title

    @property
    def date(self):
        from django.utils import timezone

        return timezone.localtime(self.starts_at).date()


class ReportRun(TaskRun):
    """One readiness report of a region as of a date, made by the worker: the PDF and the
    XLSX, kept with their date."""

    region = models.ForeignKey(Region, models.CASCADE, verbose_name=_("region"))
    election = models.ForeignKey(Election, models.CASCADE, verbose_name=_("election"))
    as_of = models.DateField(_("as of"))
    pdf = models.BinaryField(null=True)
    xlsx = models.BinaryField(null=True)
    pages = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict)

    class Meta(TaskRun.Meta):
        verbose_name = _("readiness report")
        verbose_name_plural = _("readiness reports")

    def __str__(self) -> str:
        return f"#{self.pk} {self.region.name} {self.as_of}"


class RegencyBundle(models.Model):
    """A regency's report figures uploaded to its province as a signed bundle (see
    bundle.py). Only verified bundles are stored."""

    province = models.ForeignKey(Region, models.CASCADE, related_name="+",
                                 verbose_name=_("province"))
    election = models.ForeignKey(Election, models.CASCADE, verbose_name=_("election"))
    regency_code = models.CharField(_("regency code"), max_length=5)
    regency_name = models.CharField(_("regency"), max_length=120)
    as_of = models.DateField(_("as of"))
    figures = models.JSONField(default=dict)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["regency_code"]
        constraints = [models.UniqueConstraint(fields=["election", "regency_code"],
                                               name="one_bundle_per_regency")]
        verbose_name = _("regency report bundle")
        verbose_name_plural = _("regency report bundles")

    def __str__(self) -> str:
        return f"{self.regency_code} {self.regency_name} ({self.as_of})"
