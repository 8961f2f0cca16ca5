from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siaga.regions.models import TPS


class Assessment(models.Model):
    """Which kerawanan indicators hold at a TPS, according to one source agency."""

    class Source(models.TextChoices):
        BAWASLU = "bawaslu", "Bawaslu"
        POLRES = "polres", "Polres"
        KPU = "kpu", "KPU"
        PEMDA = "pemda", "Pemda"

    tps = models.ForeignKey(TPS, models.CASCADE, related_name="assessments")
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    indicators = models.JSONField(_("indicators that hold"), default=list)
    note = models.CharField(_("note"), max_length=250, blank=True)
    assessed_on = models.DateField(_("assessed on"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tps", "source"], name="one_assessment_per_source")]
        verbose_name = _("kerawanan assessment")
        verbose_name_plural = _("kerawanan assessments")

    def __str__(self) -> str:
        return f"{self.tps.code} ({self.source})"
