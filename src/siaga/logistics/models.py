"""Logistics records: the regency warehouse and its stock, the fleet per depot, distribution
plans (runs of the routing core), shipments per leg with their receipts, and the alerts a
receipt raises (wrong dapil, short, damaged) with the replacement each one asks for."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from siaga.regions.models import Election, Region
from siaga.taskruns import TaskRun


class Warehouse(models.Model):
    """The regency's KPU warehouse, where logistics are packed per TPS and released."""

    election = models.ForeignKey(Election, models.CASCADE, verbose_name=_("election"))
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("regency or city"))
    name = models.CharField(_("name"), max_length=160)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        unique_together = [("election", "region")]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return self.name


class Vehicle(models.Model):
    """`count` identical vehicles based at a depot: the warehouse (its regency), a PPK
    (kecamatan) or a PPS (desa)."""

    class Mode(models.TextChoices):
        TRUCK = "truck", _("truck")
        PICKUP = "pickup", _("pickup")
        BOAT = "boat", _("boat or longboat")
        MOTORBIKE = "motorbike", _("motorbike")
        FOOT = "foot", _("on foot (porters)")

    election = models.ForeignKey(Election, models.CASCADE, verbose_name=_("election"))
    depot = models.ForeignKey(Region, models.PROTECT, verbose_name=_("depot"),
                              help_text=_("the regency (warehouse), a kecamatan (PPK) or a desa (PPS)"))
    name = models.CharField(_("name"), max_length=120)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    count = models.PositiveSmallIntegerField(_("number of vehicles"), default=1)
    volume_l = models.FloatField(_("capacity (litres)"))
    weight_kg = models.FloatField(_("capacity (kg)"))
    max_trips = models.PositiveSmallIntegerField(_("trips per vehicle"), default=1)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        ordering = ["depot__code", "name"]
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")

    def __str__(self) -> str:
        return f"{self.name} ×{self.count}"

    @property
    def depot_code(self) -> str:
        return self.depot.code

    def clean(self) -> None:
        if not (self.volume_l or 0) > 0 or not (self.weight_kg or 0) > 0:
            raise ValidationError(_("A vehicle needs a capacity above zero in litres and in kg."))
        if self.max_trips == 0:
            raise ValidationError(_("A vehicle makes at least one trip."))

    def as_core(self, timing):
        from siaga.logistics import routing

        return routing.Vehicle(
            name=self.name, mode=self.mode, volume_l=self.volume_l, weight_kg=self.weight_kg,
            count=self.count, max_trips=self.max_trips,
            available_from=timing.minutes(timing.release) - 60)


class Stock(models.Model):
    """What the warehouse holds (or was delivered by KPU's printers), per item, contest and
    dapil, compared with the needs."""

    warehouse = models.ForeignKey(Warehouse, models.CASCADE, related_name="stock")
    item = models.CharField(_("item"), max_length=40)
    contest = models.CharField(_("contest"), max_length=10, blank=True)
    dapil = models.CharField(_("dapil"), max_length=40, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        unique_together = [("warehouse", "item", "contest", "dapil")]
        ordering = ["item", "contest", "dapil"]
        verbose_name = _("stock line")
        verbose_name_plural = _("stock")


class TravelTime(models.Model):
    """A known travel time between two sites (codes of the regency, a kecamatan, a desa or a
    TPS), replacing the estimate from coordinates; the same both ways unless the other way is
    given too. `mode` empty: every mode."""

    election = models.ForeignKey(Election, models.CASCADE)
    origin = models.CharField(_("from"), max_length=17)
    destination = models.CharField(_("to"), max_length=17)
    mode = models.CharField(_("mode"), max_length=10, choices=Vehicle.Mode.choices, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"))
    km = models.FloatField(_("km"), null=True, blank=True)

    class Meta:
        unique_together = [("election", "origin", "destination", "mode")]
        verbose_name = _("travel time")
        verbose_name_plural = _("travel times")


class DistributionPlan(TaskRun):
    """One run of the routing core over the whole network, possibly under a scenario."""

    election = models.ForeignKey(Election, models.CASCADE, verbose_name=_("election"))
    region = models.ForeignKey(Region, models.CASCADE, verbose_name=_("regency"))
    name = models.CharField(_("name"), max_length=120, blank=True)
    release = models.DateTimeField(_("logistics release at the warehouse"))
    ppk_deadline = models.DateTimeField(_("PPK receive by"))
    pps_deadline = models.DateTimeField(_("PPS receive by"))
    tps_deadline = models.DateTimeField(_("TPS receive by"))
    # Scenario (the floor game); empty fields change nothing.
    delay_hours = models.PositiveSmallIntegerField(_("printing or delivery late by (hours)"),
                                                   default=0)
    flooded = models.CharField(_("flooded kecamatan or desa (code)"), max_length=13, blank=True)
    closed_edges = models.CharField(
        _("closed roads or river legs"), max_length=500, blank=True,
        help_text=_("pairs of codes, e.g. 62.13.01 62.13.05; several pairs separated by ';'"))
    lost_vehicle = models.CharField(_("vehicle lost (name)"), max_length=120, blank=True)
    lost_count = models.PositiveSmallIntegerField(_("how many of them"), default=1)
    baseline = models.ForeignKey("self", models.SET_NULL, null=True, blank=True,
                                 verbose_name=_("compared with"))
    summary = models.JSONField(default=dict)
    result = models.JSONField(default=dict)  # routes, arrivals, misses (see plans.store)

    class Meta(TaskRun.Meta):
        verbose_name = _("distribution plan")
        verbose_name_plural = _("distribution plans")

    def __str__(self) -> str:
        return f"#{self.pk} {self.name or self.region.name}"

    def is_scenario(self) -> bool:
        return bool(self.delay_hours or self.flooded or self.closed_edges or self.lost_vehicle)


class Shipment(models.Model):
    """The goods of one destination on one leg: a PPK's from the warehouse, a PPS's from its
    PPK, a TPS's from its PPS. Its state moves forward as it travels and is checked."""

    class Level(models.TextChoices):
        PPK = "ppk", "PPK"
        PPS = "pps", "PPS"
        TPS = "tps", "TPS"

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        PACKED = "packed", _("packed")
        DISPATCHED = "dispatched", _("dispatched")
        ARRIVED = "arrived", _("arrived")
        RECEIVED = "received", _("received")
        CHECKED = "checked", _("checked")

    election = models.ForeignKey(Election, models.CASCADE)
    level = models.CharField(_("level"), max_length=3, choices=Level.choices)
    origin = models.CharField(_("from"), max_length=17)
    destination = models.CharField(_("to"), max_length=17, db_index=True)
    destination_name = models.CharField(max_length=160, blank=True)
    expected = models.JSONField(default=list)  # ballot bundles [tps, contest, dapil, quantity]
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNED)
    planned_arrival = models.DateTimeField(_("planned arrival"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")

    class Meta:
        unique_together = [("election", "destination")]
        ordering = ["destination"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.destination}"

    ORDER = [s for s, _label in Status.choices]

    def may_move_to(self, status: str) -> bool:
        """States only move forward (a receipt moves it to received or checked)."""
        return self.ORDER.index(status) > self.ORDER.index(self.status)


class ShipmentEvent(models.Model):
    shipment = models.ForeignKey(Shipment, models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=Shipment.Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    note = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class Receipt(models.Model):
    """A receipt check against the packing list, as entered in the field. `client_id` comes
    from the form (one per attempt on the phone), so a retried submission is stored once."""

    shipment = models.ForeignKey(Shipment, models.CASCADE, related_name="receipts")
    client_id = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    bundles = models.JSONField(default=list)  # [{tps, contest, dapil, quantity, damaged}]
    items = models.JSONField(default=dict)  # item → {"received": n, "damaged": n}
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Alert(models.Model):
    """A problem a receipt found, with what to send where; closed when the replacement has
    arrived (or a coordinator closes it with a note)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("problem", "open")
        REQUESTED = "requested", _("replacement requested")
        FULFILLED = "fulfilled", _("replacement received")
        CLOSED = "closed", _("closed")

    shipment = models.ForeignKey(Shipment, models.CASCADE, related_name="alerts")
    receipt = models.ForeignKey(Receipt, models.CASCADE, related_name="alerts")
    code = models.CharField(max_length=20)  # wrong_dapil, short, surplus, damaged
    params = models.JSONField(default=dict)
    tps = models.CharField(max_length=17, blank=True)
    contest = models.CharField(max_length=10, blank=True)
    dapil = models.CharField(max_length=40, blank=True)
    quantity = models.PositiveIntegerField(default=0)  # to send to `tps`
    send_from = models.CharField(max_length=17, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("logistics alert")
        verbose_name_plural = _("logistics alerts")

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.REQUESTED)
