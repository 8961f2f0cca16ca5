from django.db import models
from django.utils.translation import gettext_lazy as _

from siaga.regions.models import Election, Region
from siaga.taskruns import TaskRun


class SimulationRun(TaskRun):
    """One simulation of polling day for every TPS of a region, with its what-if settings."""

    election = models.ForeignKey(Election, models.CASCADE, verbose_name=_("election"))
    region = models.ForeignKey(Region, models.CASCADE, verbose_name=_("region"))
    replications = models.PositiveIntegerField(_("replications"), default=100)
    seed = models.PositiveIntegerField(_("seed"), default=1)
    # What-if settings; empty means the documented defaults (simulation/params.py).
    booths = models.PositiveSmallIntegerField(_("booths per TPS"), null=True, blank=True)
    desks = models.PositiveSmallIntegerField(_("registration desks per TPS"), null=True, blank=True)
    turnout = models.FloatField(_("turnout"), null=True, blank=True)
    split_above = models.PositiveIntegerField(
        _("split TPS with more voters than"), null=True, blank=True)
    relief_at = models.PositiveSmallIntegerField(
        _("relief KPPS shift takes over at (hour)"), null=True, blank=True)
    compared_with = models.ForeignKey("self", models.SET_NULL, null=True, blank=True,
                                      verbose_name=_("compared with"))
    tps_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict)
    results = models.BinaryField(null=True)  # per-TPS arrays (numpy .npz)

    class Meta(TaskRun.Meta):
        verbose_name = _("simulation run")
        verbose_name_plural = _("simulation runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.region.name} {self.election.name}"

    def settings_text(self) -> str:
        parts = []
        if self.booths:
            parts.append(_("%(n)s booths") % {"n": self.booths})
        if self.desks:
            parts.append(_("%(n)s desks") % {"n": self.desks})
        if self.turnout is not None:
            parts.append(_("turnout %(p)s%%") % {"p": round(self.turnout * 100)})
        if self.split_above:
            parts.append(_("TPS above %(n)s voters split") % {"n": self.split_above})
        if self.relief_at is not None:
            parts.append(_("relief shift at %(h)s.00") % {"h": f"{self.relief_at:02d}"})
        return ", ".join(str(p) for p in parts) or str(_("documented defaults"))
