"""Polling-day operations: ASN staff and their assignment to kecamatan and TPS, the official
documents behind it, field reports (checkpoints) and incidents from the TPS."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from siaga.accounts.models import Agency
from siaga.officers import crypto
from siaga.operations.messages import CATEGORY_LABELS, KIND_LABELS, SEVERITY_LABELS
from siaga.regions.models import TPS, Election, Region


def _choices(labels: dict) -> list[tuple[str, object]]:
    return [(str(k), _(v)) for k, v in labels.items()]


class Staff(models.Model):
    """An ASN of an OPD who can be assigned to a kecamatan (heads) or to TPS (staff)."""

    name = models.CharField(_("name"), max_length=120)
    nip = models.CharField(_("NIP"), max_length=18, unique=True,
                           help_text=_("18 digits (Nomor Induk Pegawai)"))
    opd = models.ForeignKey(Agency, models.PROTECT, verbose_name=_("OPD"))
    position = models.CharField(_("position"), max_length=120, blank=True)
    is_head = models.BooleanField(_("head of the OPD"), default=False)
    # The phone only as AES-GCM ciphertext and a keyed blind index (the SMS gateway finds the
    # sender by it), as officers' numbers are (UU PDP); `phone` reads and sets it.
    phone_cipher = models.TextField(_("phone (encrypted)"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    home = models.ForeignKey(Region, models.PROTECT, null=True, blank=True,
                             verbose_name=_("home desa"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+",
                               verbose_name=_("regency of service"))
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        ordering = ["opd__name", "-is_head", "name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff (ASN)")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not (self.nip.isdigit() and len(self.nip) == 18):
            raise ValidationError({"nip": _("A NIP has 18 digits.")})

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_cipher, PHONE_COLUMN)

    @phone.setter
    def phone(self, value: str) -> None:
        value = value or ""
        if self.phone_cipher and value == self.phone:
            return  # unchanged: no new ciphertext, nothing for the audit to record
        self.phone_cipher = crypto.encrypt(value, PHONE_COLUMN)
        self.phone_index = crypto.phone_index(value) if value else ""

    @property
    def phone_masked(self) -> str:
        return mask(self.phone)


PHONE_COLUMN = "staff_phone"  # bound into the ciphertext (crypto.encrypt)


def mask(value: str, keep_start: int = 4, keep_end: int = 3) -> str:
    """'081234567890' → '0812*****890'."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


class Assignment(models.Model):
    """A staff member on duty: an OPD head over a kecamatan, or staff over a group of TPS."""

    class Kind(models.TextChoices):
        KECAMATAN = "kecamatan", _("coordinator of a kecamatan")
        TPS_GROUP = "tps_group", _("TPS group")

    election = models.ForeignKey(Election, models.CASCADE)
    staff = models.ForeignKey(Staff, models.CASCADE, related_name="assignments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    target = models.CharField(_("kecamatan or group"), max_length=40)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+",
                               verbose_name=_("kecamatan or desa"))
    tps = models.JSONField(_("TPS"), default=list)
    manual = models.BooleanField(_("set by hand"), default=False)
    letter_number = models.CharField(_("Surat Tugas number"), max_length=80, blank=True)

    class Meta:
        ordering = ["region__code", "target"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")


class Document(models.Model):
    """An instruction, letter or decision behind the operation (shared with the readiness
    report): number, date, subject, signatory, addressees and the file."""

    class Kind(models.TextChoices):
        INSTRUKSI = "instruksi", _("instruction")
        SURAT = "surat", _("letter")
        KEPUTUSAN = "keputusan", _("decision")
        SURAT_TUGAS = "surat_tugas", _("assignment letter (Surat Tugas)")

    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("issued for"))
    election = models.ForeignKey(Election, models.SET_NULL, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=80)
    date = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=250)
    signatory = models.CharField(_("signatory"), max_length=160)
    addressees = models.TextField(_("addressees"), blank=True)
    attachment = models.FileField(_("file"), upload_to="dokumen/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "number"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class FieldReport(models.Model):
    """A checkpoint reported from a TPS. `client_id` is made by the phone (or the gateway's
    message id), so a retry is stored once."""

    class Source(models.TextChoices):
        WEB = "web", _("web form")
        API = "api", _("API")
        SMS = "sms", "SMS/WhatsApp"

    # The busiest insert of polling day: the (election, tps, kind) index serves every lookup,
    # so no single-column foreign-key indexes; and no database-level foreign-key checks, which
    # would share-lock the same election row from every concurrent insert (the TPS is looked
    # up before the insert, and Django cascades deletes itself).
    election = models.ForeignKey(Election, models.CASCADE, db_index=False, db_constraint=False)
    tps = models.ForeignKey(TPS, models.CASCADE, related_name="field_reports", db_index=False,
                            db_constraint=False)
    kind = models.CharField(_("checkpoint"), max_length=16, choices=_choices(KIND_LABELS))
    contest = models.CharField(_("contest"), max_length=10, blank=True)
    at = models.DateTimeField(_("time"))
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    client_id = models.CharField(max_length=64)  # unique: see Meta (no LIKE index needed)
    source = models.CharField(_("source"), max_length=4, choices=Source.choices)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                               db_index=False, db_constraint=False)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["election", "tps", "kind"])]
        constraints = [models.UniqueConstraint(fields=["client_id"],
                                               name="fieldreport_client_id_unique")]
        verbose_name = _("field report")
        verbose_name_plural = _("field reports")


class Incident(models.Model):
    """A special event at a TPS (C.Kejadian Khusus, Bawaslu's indicators), followed up and
    closed by a coordinator."""

    class Status(models.TextChoices):
        OPEN = "open", _("reported")
        FOLLOW_UP = "follow_up", _("being followed up")
        CLOSED = "closed", _("closed")

    election = models.ForeignKey(Election, models.CASCADE)
    tps = models.ForeignKey(TPS, models.CASCADE, related_name="incidents")
    category = models.CharField(_("category"), max_length=20, choices=_choices(CATEGORY_LABELS))
    severity = models.CharField(_("severity"), max_length=8, choices=_choices(SEVERITY_LABELS),
                                default="SEDANG")
    text = models.TextField(_("what happened"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="kejadian/", blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    at = models.DateTimeField(_("time"))
    client_id = models.CharField(max_length=64, unique=True)
    source = models.CharField(_("source"), max_length=4, choices=FieldReport.Source.choices)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    follow_up = models.TextField(_("follow-up"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")


class BenchRow(models.Model):
    """The bare one-row insert that bench/field_reports.py measures the report endpoint
    against (only reachable with SIAGA_BENCH_ENDPOINTS=1)."""

    value = models.CharField(max_length=64)
