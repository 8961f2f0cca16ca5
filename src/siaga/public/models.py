"""The regency's public news (*warta*) and announcements, their read counts and comments.

Nothing here stores anything about a visitor beyond what they typed into a comment: read counts
are numbers per item and day, the rate limit lives in the cache under a keyed hash.
"""

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siaga.regions.models import Region

PHOTO_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)
    slug = models.SlugField(_("code"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class NewsQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=NewsItem.Status.PUBLISHED, published_at__lte=timezone.now())


class NewsItem(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", _("news")
        ANNOUNCEMENT = "announcement", _("announcement")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    body = models.TextField(
        _("text"), help_text=_("Plain text. A blank line starts a paragraph, '## ' a subheading, "
                               "'- ' a list item, **bold**; web addresses become links."))
    photo = models.ImageField(_("photo"), upload_to="warta/%Y/%m/", blank=True,
                              validators=[FileExtensionValidator(PHOTO_EXTENSIONS)],
                              help_text=_("JPEG, PNG or WebP, at most 5 MB."))
    photo_caption = models.CharField(_("photo caption"), max_length=200, blank=True)
    # Shown to the public instead of the author's account: the agency, not a person.
    byline = models.CharField(_("published by"), max_length=160, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="items", verbose_name=_("tags"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("author"))
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NewsQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at"], name="newsitem_published")]
        verbose_name = _("news item")
        verbose_name_plural = _("news and announcements")

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return (self.status == self.Status.PUBLISHED and self.published_at is not None
                and self.published_at <= timezone.now())

    def reads_total(self) -> int:
        return self.read_counts.aggregate(n=Sum("count"))["n"] or 0

    def reads_on(self, day) -> int:
        row = self.read_counts.filter(date=day).first()
        return row.count if row else 0


class ReadCount(models.Model):
    """How many browsers read an item for the first time on a day (no reader data)."""

    item = models.ForeignKey(NewsItem, models.CASCADE, related_name="read_counts")
    date = models.DateField(_("date"))
    count = models.PositiveIntegerField(_("reads"), default=0)

    class Meta:
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["item", "date"],
                                               name="readcount_item_date_unique")]
        verbose_name = _("read count")
        verbose_name_plural = _("read counts")

    @classmethod
    def add(cls, item: NewsItem, day) -> None:
        """One more read of `item` on `day`; safe against concurrent readers."""
        if not cls.objects.filter(item=item, date=day).update(count=F("count") + 1):
            row, created = cls.objects.get_or_create(item=item, date=day, defaults={"count": 1})
            if not created:
                cls.objects.filter(pk=row.pk).update(count=F("count") + 1)


class Comment(models.Model):
    """A visitor's comment: only the name they chose and the text. Held until a moderator
    approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting moderation")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        SPAM = "spam", _("spam")

    item = models.ForeignKey(NewsItem, models.CASCADE, related_name="comments")
    name = models.CharField(_("name"), max_length=60, blank=True)
    body = models.TextField(_("comment"), max_length=2000)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.PENDING)
    spam_reason = models.CharField(_("why it looks like spam"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "item"], name="comment_status_item")]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.name or '-'}: {self.body[:40]}"
