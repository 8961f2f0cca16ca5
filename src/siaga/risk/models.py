from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siaga.regions.models import TPS, Election


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
    evidence = models.FileField(_("evidence photo"), upload_to="kerawanan/%Y/", blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tps", "source"], name="one_assessment_per_source")]
        verbose_name = _("kerawanan assessment")
        verbose_name_plural = _("kerawanan assessments")

    def __str__(self) -> str:
        return f"{self.tps.code} ({self.source})"


class CatalogueEdit(models.Model):
    """How a region edits Bawaslu's catalogue for one election (Kalteng used 25 indicators in
    Pilkada 2024): indicators added or removed, weights and grade thresholds."""

    election = models.OneToOneField(Election, models.CASCADE, related_name="catalogue_edit")
    removed = models.JSONField(_("indicator codes removed"), default=list, blank=True)
    added = models.JSONField(
        _("indicators added"), default=list, blank=True,
        help_text=_('e.g. [{"code": "KT1", "name": "Konflik antarwarga", "variable": "keamanan", '
                    '"weight": 2}]'))
    weights = models.JSONField(_("weights"), default=dict, blank=True,
                               help_text=_('e.g. {"LK1": 3}'))
    rawan_at = models.FloatField(_("score from which a TPS is rawan"), default=3.0)
    sangat_rawan_at = models.FloatField(_("score from which a TPS is sangat rawan"), default=6.0)

    class Meta:
        verbose_name = _("indicator catalogue of an election")
        verbose_name_plural = _("indicator catalogues")

    def __str__(self) -> str:
        return str(self.election)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from siaga.risk.assessments import edit_problems

        if self.election_id and (problems := edit_problems(self)):
            raise ValidationError("; ".join(problems))
