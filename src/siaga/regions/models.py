from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from siaga.regions import codes


class Level(models.TextChoices):
    PROVINSI = "provinsi", _("province")
    KABKOTA = "kabkota", _("regency/city")
    KECAMATAN = "kecamatan", _("kecamatan")
    DESA = "desa", _("desa/kelurahan")


class TimeZone(models.TextChoices):
    WIB = "WIB", "WIB (UTC+7)"
    WITA = "WITA", "WITA (UTC+8)"
    WIT = "WIT", "WIT (UTC+9)"


ZONEINFO = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


class RegionQuerySet(models.QuerySet):
    def within(self, region: "Region") -> "RegionQuerySet":
        """The region and everything below it (codes of descendants start with its code)."""
        return self.filter(code__startswith=region.code)


class Region(models.Model):
    code = models.CharField(_("Kemendagri code"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )
    is_kelurahan = models.BooleanField(_("kelurahan"), default=False)
    timezone = models.CharField(_("time zone"), max_length=4, choices=TimeZone.choices)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if codes.level_of(self.code) != self.level:
            raise ValidationError({"code": _("The code does not match the level.")})

    @property
    def zoneinfo(self) -> str:
        return ZONEINFO[self.timezone]

    def contains(self, code: str) -> bool:
        return code.startswith(self.code)

    def ancestors(self) -> list["Region"]:
        """From the top of the tree down to (and including) this region."""
        parent_codes = codes.ancestor_codes(self.code)
        by_code = {r.code: r for r in Region.objects.filter(code__in=parent_codes)}
        return [by_code[c] for c in parent_codes if c in by_code] + [self]


class Election(models.Model):
    class Kind(models.TextChoices):
        PEMILU = "pemilu", _("general election")
        PILKADA = "pilkada", _("regional head election")

    slug = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    polling_date = models.DateField(_("polling date"))
    voting_opens = models.TimeField(_("voting opens"))
    voting_closes = models.TimeField(_("voting closes"))
    max_voters_per_tps = models.PositiveIntegerField(_("maximum voters per TPS"))
    ballot_reserve_pct = models.DecimalField(
        _("ballot reserve (%)"), max_digits=5, decimal_places=2, default=2
    )
    psu_ballots_per_dapil = models.PositiveIntegerField(
        _("re-vote (PSU) ballots per dapil and contest"), default=1000
    )
    items_per_tps = models.JSONField(
        _("items per TPS"),
        default=dict,
        help_text=_("e.g. {\"ballot_box\": 5, \"booth\": 4, \"ink\": 2}"),
    )
    counting_deadline_hours = models.PositiveIntegerField(
        _("counting may run until this many hours after midnight"), default=12
    )
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True,
        help_text=_("Empty for a national election; the province or regency for a Pilkada."),
    )

    class Meta:
        ordering = ["-polling_date", "slug"]
        verbose_name = _("election")
        verbose_name_plural = _("elections")

    def __str__(self) -> str:
        return self.name


class Contest(models.Model):
    class Kind(models.TextChoices):
        PPWP = "PPWP", _("President and Vice President")
        DPR = "DPR", "DPR"
        DPD = "DPD", "DPD"
        DPRD_PROV = "DPRD_PROV", _("DPRD Province")
        DPRD_KAB = "DPRD_KAB", _("DPRD Regency/City")
        GUBERNUR = "GUBERNUR", _("Governor and Vice Governor")
        BUPATI = "BUPATI", _("Regent and Vice Regent")
        WALIKOTA = "WALIKOTA", _("Mayor and Vice Mayor")

    election = models.ForeignKey(Election, models.CASCADE, related_name="contests")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order on the ballot and in counting"))

    class Meta:
        ordering = ["election", "order"]
        unique_together = [("election", "kind")]
        verbose_name = _("contest")
        verbose_name_plural = _("contests")

    def __str__(self) -> str:
        return f"{self.election.slug} {self.get_kind_display()}"


class Dapil(models.Model):
    contest = models.ForeignKey(Contest, models.CASCADE, related_name="dapils")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    regions = models.ManyToManyField(Region, related_name="dapils")
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        ordering = ["contest", "code"]
        unique_together = [("contest", "code")]
        verbose_name = _("dapil")
        verbose_name_plural = _("dapil")

    def __str__(self) -> str:
        return self.name


class TPS(models.Model):
    class Access(models.TextChoices):
        DARAT = "darat", _("road")
        SUNGAI = "sungai", _("river")
        LAUT = "laut", _("sea")
        UDARA = "udara", _("air")
        JALAN_KAKI = "jalan_kaki", _("on foot")

    election = models.ForeignKey(Election, models.PROTECT, related_name="tps")
    village = models.ForeignKey(Region, models.PROTECT, related_name="tps")
    number = models.PositiveSmallIntegerField(_("TPS number"))
    code = models.CharField(_("code"), max_length=17, db_index=True)
    dpt_men = models.PositiveIntegerField(_("DPT men"))
    dpt_women = models.PositiveIntegerField(_("DPT women"))
    address = models.CharField(_("address"), max_length=250, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    access = models.CharField(_("access"), max_length=10, choices=Access.choices, default="darat")
    travel_notes = models.CharField(_("travel notes"), max_length=250, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["election", "code"], name="tps_unique_code"),
        ]
        verbose_name = "TPS"
        verbose_name_plural = "TPS"

    def __str__(self) -> str:
        return f"TPS {self.code}"

    @property
    def dpt(self) -> int:
        return self.dpt_men + self.dpt_women

    def clean(self) -> None:
        if self.election_id and self.dpt > self.election.max_voters_per_tps:
            raise ValidationError(
                _("DPT %(dpt)s exceeds the maximum of %(max)s voters per TPS for %(election)s.")
                % {"dpt": self.dpt, "max": self.election.max_voters_per_tps,
                   "election": self.election.name}
            )


class ImportBatch(models.Model):
    """One uploaded TPS file: kept for the preview, then for the record (by content hash)."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("preview")
        COMMITTED = "committed", _("saved")
        REJECTED = "rejected", _("has errors")

    election = models.ForeignKey(Election, models.CASCADE)
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    content = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    created_by = models.ForeignKey("auth.User", models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]
