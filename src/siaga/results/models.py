"""Results in the database: candidates, every version of every C.Hasil, the counted state of
each TPS and contest, and the totals per region kept current one form at a time.

A TPS and contest can have forms from several sources (KPPS, Panwas TPS, the pemda's own
observers, a KPU import); each source's forms form a chain of versions (a correction is a new
row that supersedes the old one, which is kept). `TpsResult` records which form counts for the
TPS (at most one, ACCEPTED), so the totals move by the difference between what counted before
and what counts now (docs/results.md, "Web: forms, review, totals").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from siaga.regions.models import TPS, Contest, Dapil, Election

NUMBER_FIELDS = ("dpt", "dptb", "dpk", "voted", "ballots_received", "ballots_used",
                 "ballots_unused", "ballots_damaged", "valid", "invalid")
CATEGORY_FIELDS = ("voted_dpt", "voted_dptb", "voted_dpk")


class Candidate(models.Model):
    """A choice on a ballot: a candidate pair (PPWP, Pilkada), a DPD candidate, or a party or
    party candidate (DPR/DPRD, by dapil). `number` is the ballot number as printed ("01")."""

    contest = models.ForeignKey(Contest, models.CASCADE, related_name="candidates")
    number = models.CharField(_("ballot number"), max_length=8)
    name = models.CharField(_("name"), max_length=200)
    party = models.CharField(_("party or coalition"), max_length=200, blank=True)
    dapil = models.ForeignKey(Dapil, models.CASCADE, null=True, blank=True,
                              related_name="candidates")
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        ordering = ["contest", "dapil", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], condition=Q(dapil=None),
                                    name="candidate_unique_number"),
            models.UniqueConstraint(fields=["contest", "dapil", "number"],
                                    condition=Q(dapil__isnull=False),
                                    name="candidate_unique_number_in_dapil"),
        ]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class ResultForm(models.Model):
    """One version of the C.Hasil of one TPS and contest, as one source sent it."""

    class Source(models.TextChoices):
        KPPS = "kpps", _("KPPS (polling station officers)")
        PTPS = "ptps", _("Panwas TPS")
        PEMDA = "pemda", _("regional government observer")
        KPU_IMPORT = "kpu_import", _("KPU import")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        FLAGGED = "flagged", _("flagged")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    election = models.ForeignKey(Election, models.CASCADE, db_index=False)
    tps = models.ForeignKey(TPS, models.CASCADE, related_name="result_forms", db_index=False)
    contest = models.ForeignKey(Contest, models.CASCADE, related_name="result_forms")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    client_id = models.CharField(max_length=64, unique=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField("self", models.PROTECT, null=True, blank=True,
                                      related_name="superseded_by",
                                      verbose_name=_("supersedes"))
    current = models.BooleanField(_("current version"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SUBMITTED)
    dpt = models.IntegerField(_("DPT"))
    dptb = models.IntegerField(_("DPTb"))
    dpk = models.IntegerField(_("DPK"))
    voted = models.IntegerField(_("voters who voted"))
    voted_dpt = models.IntegerField(_("voters who voted from the DPT"), null=True, blank=True)
    voted_dptb = models.IntegerField(_("voters who voted from the DPTb"), null=True, blank=True)
    voted_dpk = models.IntegerField(_("voters who voted from the DPK"), null=True, blank=True)
    ballots_received = models.IntegerField(_("ballots received"))
    ballots_used = models.IntegerField(_("ballots used"))
    ballots_unused = models.IntegerField(_("ballots unused"))
    ballots_damaged = models.IntegerField(_("ballots damaged or returned"))
    valid = models.IntegerField(_("valid votes"))
    invalid = models.IntegerField(_("invalid votes"))
    votes = models.JSONField(_("votes"), default=dict)  # {"01": 117, ...} by ballot number
    # DPR/DPRD: the votes for the party itself and for each of its candidates, by the party's
    # ballot number ({"01": 40}, {"01": {"1": 30, "2": 12}}); `votes` holds the party totals.
    party_votes = models.JSONField(_("party votes"), default=dict, blank=True)
    candidate_votes = models.JSONField(_("party candidates' votes"), default=dict, blank=True)
    findings = models.JSONField(_("findings"), default=list)  # [{"code", "kind", "params"}]
    photo = models.ImageField(_("photo"), upload_to="hasil/", blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+", db_index=False)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        ordering = ["tps__code", "contest", "source", "version"]
        indexes = [models.Index(fields=["tps", "contest", "source", "version"]),
                   models.Index(fields=["contest", "status"])]
        verbose_name = _("result form")
        verbose_name_plural = _("result forms")

    def __str__(self) -> str:
        return f"{self.tps.code} {self.contest.kind} {self.source} v{self.version}"

    def numbers(self) -> dict:
        """The numbers of the form (what a correction replaces)."""
        out = {name: getattr(self, name) for name in NUMBER_FIELDS}
        if self.voted_dpt is not None:
            out.update({name: getattr(self, name) for name in CATEGORY_FIELDS})
        if self.party_votes or self.candidate_votes:
            out.update(party_votes=dict(self.party_votes),
                       candidate_votes={p: dict(c) for p, c in self.candidate_votes.items()})
        return out | {"votes": dict(self.votes)}


class TpsResult(models.Model):
    """What one TPS adds to the totals of one contest now: the counted form (ACCEPTED), or
    FLAGGED (forms, none accepted), or nothing. The totals moved by its last change."""

    class State(models.TextChoices):
        NONE = "none", _("no form")
        ACCEPTED = "accepted", _("accepted")
        FLAGGED = "flagged", _("flagged")

    tps = models.ForeignKey(TPS, models.CASCADE, related_name="+", db_index=False)
    contest = models.ForeignKey(Contest, models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.NONE)
    form = models.ForeignKey(ResultForm, models.SET_NULL, null=True, blank=True,
                             related_name="+")
    votes = models.JSONField(default=dict)
    voted = models.IntegerField(default=0)
    valid = models.IntegerField(default=0)
    invalid = models.IntegerField(default=0)
    # Raised by every change to the TPS's forms of the contest: a writer that read the forms
    # without a lock writes only if it is unchanged (services._WRITE), else reads again.
    revision = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tps", "contest"],
                                               name="tpsresult_unique")]


class ResultTotal(models.Model):
    """Votes of one candidate in one region (any level; the nation is code "") of a contest,
    over the TPS whose form is ACCEPTED."""

    contest = models.ForeignKey(Contest, models.CASCADE, related_name="+", db_index=False)
    region_code = models.CharField(max_length=13)
    level = models.CharField(max_length=10)
    candidate = models.CharField(max_length=8)
    votes = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contest", "region_code", "candidate"],
                                               name="resulttotal_unique")]


class ResultCount(models.Model):
    """Per region and contest: TPS with an accepted form, TPS flagged (forms, none accepted),
    and the voters, valid and invalid votes of the accepted forms. Missing = TPS of the region
    − accepted (read from the TPS register when shown)."""

    contest = models.ForeignKey(Contest, models.CASCADE, related_name="+", db_index=False)
    region_code = models.CharField(max_length=13)
    level = models.CharField(max_length=10)
    accepted = models.IntegerField(default=0)
    flagged = models.IntegerField(default=0)
    voted = models.BigIntegerField(default=0)
    valid = models.BigIntegerField(default=0)
    invalid = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contest", "region_code"],
                                               name="resultcount_unique")]


class Publication(models.Model):
    """An administrator's decision to show the totals of one contest in one region (a regency
    or province) on the public results page, from `published_at` until `withdrawn_at`. A
    withdrawn publication is kept (the record of what was public when)."""

    election = models.ForeignKey(Election, models.CASCADE, related_name="+",
                                 verbose_name=_("election"))
    contest = models.ForeignKey(Contest, models.CASCADE, related_name="+",
                                verbose_name=_("contest"))
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                     blank=True, related_name="+", db_index=False,
                                     verbose_name=_("published by"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                     blank=True, related_name="+", db_index=False,
                                     verbose_name=_("withdrawn by"))

    class Meta:
        ordering = ["region__code", "contest__order", "-published_at"]
        constraints = [models.UniqueConstraint(fields=["contest", "region"],
                                               condition=Q(withdrawn_at=None),
                                               name="publication_one_live")]
        verbose_name = _("publication of results")
        verbose_name_plural = _("publications of results")

    def __str__(self) -> str:
        return f"{self.contest.kind} {self.region.code} {self.published_at:%Y-%m-%d %H:%M}"
