import io

from django import forms
from django.core.files.base import ContentFile
from PIL import Image, ImageOps
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from siaga.public.models import NewsItem, Tag
from siaga.public.spam import MAX_BODY, MAX_NAME
from siaga.regions.models import Level, Region

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_TAGS = 8


def without_metadata(photo) -> ContentFile:
    """The photo re-encoded from its pixels alone: no EXIF (a phone records where and when a
    photo was taken, and who took it), upright as it was shown."""
    with Image.open(photo) as image:
        upright = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        kind = image.format
        if kind == "JPEG":
            upright = upright.convert("RGB")
        upright.save(out, format=kind, **({"quality": 90} if kind in ("JPEG", "WEBP") else {}))
    return ContentFile(out.getvalue(), name=photo.name)


class NewsForm(forms.ModelForm):
    tag_names = forms.CharField(
        label=_("tags"), required=False, max_length=300,
        help_text=_("Separated by commas, e.g. logistik, TPS, simulasi."))

    class Meta:
        model = NewsItem
        fields = ["kind", "region", "title", "body", "photo", "photo_caption"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, scope: Region, **kwargs):
        super().__init__(*args, **kwargs)
        # An item belongs to the user's region or a kecamatan in it, never to a desa.
        self.fields["region"].queryset = Region.objects.within(scope).filter(
            level__in=[Level.PROVINSI, Level.KABKOTA, Level.KECAMATAN])
        if not self.instance.pk:
            self.initial.setdefault("region", scope.pk)
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
        if self.instance.pk:
            self.fields["tag_names"].initial = ", ".join(t.name for t in self.instance.tags.all())

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "image"):  # a new upload, already opened by Pillow
            if photo.size > MAX_PHOTO_BYTES:
                raise forms.ValidationError(_("The photo is larger than 5 MB."))
            if photo.image.format not in PHOTO_FORMATS:
                raise forms.ValidationError(_("Upload a JPEG, PNG or WebP photo."))
            return without_metadata(photo)
        return photo

    def clean_tag_names(self) -> list[tuple[str, str]]:
        names, seen = [], set()
        for raw in self.cleaned_data["tag_names"].split(","):
            name = " ".join(raw.split())[:40]
            slug = slugify(name)[:50]
            if slug and slug not in seen:
                seen.add(slug)
                names.append((name, slug))
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(_("At most %(n)s tags.") % {"n": MAX_TAGS})
        return names

    def save_tags(self, item: NewsItem) -> None:
        tags = []
        for name, slug in self.cleaned_data["tag_names"]:
            tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
            tags.append(tag)
        item.tags.set(tags)


class CommentForm(forms.Form):
    """Only the shape of the fields: what is acceptable is decided by spam.check_comment."""

    name = forms.CharField(label=_("Your name (shown with the comment, optional)"),
                           required=False, strip=True,
                           widget=forms.TextInput(attrs={"maxlength": MAX_NAME}))
    body = forms.CharField(label=_("Comment"), required=False, strip=True,
                           widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_BODY}))
    # The honeypot: hidden from people by CSS, left empty by them, filled by robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "tabindex": "-1"}))
    token = forms.CharField(required=False, widget=forms.HiddenInput)
