from django.db import models
from django.utils.translation import gettext_lazy as _

from siaga.regions.models import Region


class Personnel(models.Model):
    """A member of the security forces on TPS duty: Polri, TNI (incl. BKO) or Linmas."""

    class Kind(models.TextChoices):
        POLRI = "polri", "Polri"
        TNI = "tni", "TNI"
        LINMAS = "linmas", "Linmas"

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("force"), max_length=6, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=120, blank=True,
                            help_text=_("e.g. Polsek Dusun Timur, BKO Polda Kalteng"))
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region of the unit (desa for Linmas)"))
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        ordering = ["kind", "region__code", "name"]
        verbose_name = _("security personnel")
        verbose_name_plural = _("security personnel")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"
