"""Ad hoc election officers (KPPS, PPS, PPK, PTPS, Linmas), their BPJS Ketenagakerjaan
enrolment, and the cases (illness, accident, death) with the compensation due.

The NIK and phone are stored only as AES-GCM ciphertext (officers/crypto.py), the NIK also as
a keyed blind index for lookups and duplicates; pages and exports show them masked.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siaga.officers import compensation, crypto
from siaga.officers.eligibility import Position
from siaga.officers.nik import mask, mask_phone
from siaga.regions.models import TPS, Election, Region


class OfficerQuerySet(models.QuerySet):
    def with_units(self, prefix: str = "") -> "OfficerQuerySet":
        """With the TPS and the desa/kecamatan loaded, but not the region's boundary (large)."""
        return self.select_related(f"{prefix}tps", f"{prefix}region").defer(
            f"{prefix}region__boundary")


class Officer(models.Model):
    class Sex(models.TextChoices):
        MAN = "L", _("man")
        WOMAN = "P", _("woman")

    class PositionChoice(models.TextChoices):
        KPPS = Position.KPPS.value, "KPPS"
        PPS = Position.PPS.value, "PPS"
        PPK = Position.PPK.value, "PPK"
        PTPS = Position.PTPS.value, "PTPS"
        LINMAS = Position.LINMAS.value, "Linmas"

    election = models.ForeignKey(Election, models.CASCADE, verbose_name=_("election"))
    position = models.CharField(_("position"), max_length=6, choices=PositionChoice.choices)
    tps = models.ForeignKey(TPS, models.PROTECT, null=True, blank=True, related_name="officers",
                            verbose_name="TPS")
    # The desa of a TPS post or a PPS, the kecamatan of a PPK: the scope of the record.
    region = models.ForeignKey(Region, models.PROTECT, related_name="+",
                               verbose_name=_("desa or kecamatan"))
    name = models.CharField(_("name"), max_length=120)
    nik_cipher = models.TextField(_("NIK (encrypted)"))
    nik_index = models.CharField(max_length=64)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone_cipher = models.TextField(_("phone (encrypted)"), blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    is_chair = models.BooleanField(_("chair"), default=False)
    has_health_certificate = models.BooleanField(_("health certificate"), default=False)
    health_certificate_date = models.DateField(_("health certificate date"), null=True,
                                               blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfficerQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "tps__code", "position", "-is_chair", "name"]
        constraints = [
            # One person, one post per election (the import reports it before this bites).
            models.UniqueConstraint(fields=["election", "nik_index"], name="officer_one_post"),
        ]
        indexes = [models.Index(fields=["election", "position"])]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")

    def __str__(self) -> str:
        return f"{self.name} ({self.position} {self.unit_code})"

    @property
    def unit_code(self) -> str:
        return self.tps.code if self.tps_id else self.region.code

    @property
    def nik(self) -> str:
        """The NIK in clear: only for a caller that has checked the right and logs the view."""
        return crypto.decrypt(self.nik_cipher, "nik")

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_cipher, "phone")

    def set_nik(self, nik: str) -> None:
        self.nik_cipher = crypto.encrypt(nik, "nik")
        self.nik_index = crypto.blind_index(nik)

    def set_phone(self, phone: str) -> None:
        self.phone_cipher = crypto.encrypt(phone, "phone")

    @property
    def nik_masked(self) -> str:
        return mask(self.nik)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class Enrolment(models.Model):
    """An officer's BPJS Ketenagakerjaan cover (non-wage worker: JKK and JKM)."""

    class Payer(models.TextChoices):
        APBD = "apbd", "APBD"
        KPU = "kpu", "KPU"
        SELF = "self", _("the officer")

    class Status(models.TextChoices):
        PLANNED = "planned", _("to be registered")
        SUBMITTED = "submitted", _("sent to BPJS")
        ACTIVE = "active", _("active")
        REJECTED = "rejected", _("rejected")
        ENDED = "ended", _("ended")

    officer = models.OneToOneField(Officer, models.CASCADE, related_name="enrolment")
    jkk = models.BooleanField("JKK", default=True)
    jkm = models.BooleanField("JKM", default=True)
    period_start = models.DateField(_("cover from"))
    period_end = models.DateField(_("cover until"))
    monthly_premium = models.PositiveIntegerField(_("premium per month (Rp)"),
                                                  default=compensation.DEFAULT_MONTHLY_PREMIUM)
    payer = models.CharField(_("paid by"), max_length=5, choices=Payer.choices,
                             default=Payer.APBD)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNED)
    membership_number = models.CharField(_("BPJS membership number"), max_length=40, blank=True)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("BPJS enrolment")
        verbose_name_plural = _("BPJS enrolments")

    def covers(self, day) -> bool:
        return compensation.is_covered(status_active=self.status == self.Status.ACTIVE,
                                       start=self.period_start, end=self.period_end, on=day)

    @property
    def programmes(self) -> str:
        return " + ".join(p for p, on in (("JKK", self.jkk), ("JKM", self.jkm)) if on)

    @property
    def premium_total(self) -> int:
        return compensation.premium_due(self.monthly_premium, self.period_start, self.period_end)


class Case(models.Model):
    """An officer fell ill, was injured or died; the compensation due follows the scheme."""

    class Kind(models.TextChoices):
        ILLNESS = compensation.Kind.ILLNESS.value, _("illness")
        ACCIDENT = compensation.Kind.ACCIDENT.value, _("accident")
        DEATH = compensation.Kind.DEATH.value, _("death")

    class Severity(models.TextChoices):
        NONE = compensation.Severity.NONE.value, _("no lasting harm")
        MODERATE = compensation.Severity.MODERATE.value, _("moderate injury")
        SERIOUS = compensation.Severity.SERIOUS.value, _("serious injury")
        DISABILITY = compensation.Severity.DISABILITY.value, _("permanent disability")

    class Claim(models.TextChoices):
        NONE = "none", _("not claimed")
        SUBMITTED = "submitted", _("claim submitted")
        APPROVED = "approved", _("claim approved")
        PAID = "paid", _("paid by BPJS")
        REJECTED = "rejected", _("claim rejected")

    officer = models.ForeignKey(Officer, models.CASCADE, related_name="cases",
                                verbose_name=_("officer"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices,
                                default=Severity.NONE, blank=True)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("what happened"), blank=True)
    incident = models.ForeignKey("operations.Incident", models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("polling-day incident"))
    compensation_due = models.PositiveIntegerField(_("compensation due (Rp)"), default=0)
    due_reason = models.CharField(max_length=20, blank=True)
    paid_amount = models.PositiveIntegerField(_("compensation paid (Rp)"), default=0)
    claim_status = models.CharField(_("BPJS claim"), max_length=10, choices=Claim.choices,
                                    default=Claim.NONE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    @property
    def overpaid(self) -> int:
        """Paid beyond what is due now: a later case (a death dated earlier, a graver harm
        compensated elsewhere) can lower a due that was already paid. To be recovered."""
        return max(0, self.paid_amount - self.compensation_due)


class Scheme(models.Model):
    """An election's insurance and compensation figures; without one the documented
    defaults apply (compensation.DEFAULT_TABLE, Rp16,800 a month)."""

    election = models.OneToOneField(Election, models.CASCADE, related_name="officer_scheme")
    monthly_premium = models.PositiveIntegerField(_("BPJS premium per month (Rp)"),
                                                  default=compensation.DEFAULT_MONTHLY_PREMIUM)
    death = models.PositiveIntegerField(_("death (Rp)"), default=compensation.DEFAULT_TABLE.death)
    funeral = models.PositiveIntegerField(_("funeral (Rp)"),
                                          default=compensation.DEFAULT_TABLE.funeral)
    disability = models.PositiveIntegerField(_("permanent disability (Rp)"),
                                             default=compensation.DEFAULT_TABLE.disability)
    serious = models.PositiveIntegerField(_("serious injury (Rp)"),
                                          default=compensation.DEFAULT_TABLE.serious)
    moderate = models.PositiveIntegerField(_("moderate injury (Rp)"),
                                           default=compensation.DEFAULT_TABLE.moderate)

    class Meta:
        verbose_name = _("insurance and compensation scheme")
        verbose_name_plural = _("insurance and compensation schemes")

    def __str__(self) -> str:
        return str(self.election)

    def table(self) -> compensation.Table:
        return compensation.Table(death=self.death, funeral=self.funeral,
                                  disability=self.disability, serious=self.serious,
                                  moderate=self.moderate)


def scheme_for(election: Election) -> Scheme:
    """The election's scheme, or an unsaved one with the defaults."""
    return Scheme.objects.filter(election=election).first() or Scheme(election=election)


class Upload(models.Model):
    """An officer file between its check and its import: encrypted like the NIK it carries,
    and deleted once imported."""

    election = models.ForeignKey(Election, models.CASCADE)
    region = models.ForeignKey(Region, models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    content_cipher = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def content(self) -> bytes:
        import base64

        return base64.b64decode(crypto.decrypt(self.content_cipher, "upload"))

    @classmethod
    def keep(cls, *, election, region, filename, content: bytes, user) -> "Upload":
        import base64

        return cls.objects.create(
            election=election, region=region, filename=filename[:200], created_by=user,
            content_cipher=crypto.encrypt(base64.b64encode(content).decode(), "upload"))
