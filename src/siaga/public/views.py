"""The public page (no login): the regency's news and announcements, their comments, and a board
with TPS and DPT per kecamatan. Staff pages (login): writing news, moderating comments.

Nothing private reaches the public pages: no officer or staff data, no kerawanan, no drafts,
no comment awaiting moderation, no author account (the agency is the byline).
"""

import datetime
import time
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from siaga.accounts import audit
from siaga.accounts.scope import profile_of, require, scope_code
from siaga.public import markup, reads, spam
from siaga.public.forms import CommentForm, NewsForm
from siaga.public.models import Comment, NewsItem, ReadCount, Tag
from siaga.public.related import Doc, related
from siaga.regions.models import TPS, Election, Level, Region
from siaga.regions.summary import summarize

READ_COOKIE = "siaga_warta"
READ_COOKIE_SALT = "siaga.public.reads"
READ_COOKIE_AGE = 365 * 24 * 3600
FORM_SALT = "siaga.public.comment-form"
PER_PAGE = 10
RELATED_POOL = 300  # the newest items the related ones are chosen from


# --- public pages -------------------------------------------------------------------------

def public_region() -> Region:
    """The regency this instance speaks for: settings.SIAGA_PUBLIC_REGION, else the region of
    the newest published item's regency, else the regency with the most TPS."""
    code = getattr(settings, "SIAGA_PUBLIC_REGION", "")
    if code:
        return get_object_or_404(Region, code=code)
    latest = (NewsItem.objects.published().exclude(region__level=Level.PROVINSI)
              .select_related("region").first())
    if latest is not None:
        return Region.objects.get(code=latest.region.code[:5])
    busiest = (TPS.objects.values("village__parent__parent").annotate(n=Count("id"))
               .order_by("-n").first())
    if busiest is None:
        raise Http404(_("No regency has been set up yet."))
    return Region.objects.get(pk=busiest["village__parent__parent"])


def _public_items():
    return NewsItem.objects.published().select_related("region").prefetch_related("tags")


def _local_today(region: Region) -> datetime.date:
    return timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(region.zoneinfo)).date()


@login_not_required
@require_GET
def board(request):
    """TPS and DPT per kecamatan, the latest announcements and news, the link to results."""
    region = public_region()
    if request.GET.get("wilayah"):
        region = get_object_or_404(Region, code=request.GET["wilayah"],
                                   level__in=[Level.KABKOTA, Level.KECAMATAN])
    elections = list(Election.objects.filter(tps__code__startswith=region.code).distinct())
    election = next((e for e in elections if e.slug == request.GET.get("pemilu")),
                    elections[0] if elections else None)
    summary = summarize(region, election) if election else None
    items = _public_items().filter(region__code__startswith=region.code[:5])
    return render(request, "public/board.html", {
        "region": region, "election": election, "elections": elections, "summary": summary,
        "parent": region.parent if region.level == Level.KECAMATAN else None,
        "announcements": items.filter(kind=NewsItem.Kind.ANNOUNCEMENT)[:5],
        "news": items.filter(kind=NewsItem.Kind.NEWS)[:4]})


@login_not_required
@require_GET
def news_list(request):
    items = _public_items()
    tag = None
    if request.GET.get("tag"):
        tag = get_object_or_404(Tag, slug=request.GET["tag"])
        items = items.filter(tags=tag)
    kind = request.GET.get("jenis", "")
    if kind in NewsItem.Kind.values:
        items = items.filter(kind=kind)
    query = " ".join(request.GET.get("q", "").split())[:100]
    for word in query.split()[:8]:
        items = items.filter(Q(title__icontains=word) | Q(body__icontains=word))
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("halaman"))
    for item in page:
        item.summary = markup.plain(item.body)
    return render(request, "public/news_list.html", {
        "page": page, "tag": tag, "kind": kind, "query": query,
        "kinds": NewsItem.Kind.choices,
        "tags": Tag.objects.filter(items__status=NewsItem.Status.PUBLISHED)
        .annotate(n=Count("items")).order_by("-n", "name")[:20]})


def _item_for(request, slug: str) -> NewsItem:
    """A published item, or (as a preview) one the signed-in user may edit."""
    item = get_object_or_404(NewsItem.objects.select_related("region"), slug=slug)
    if item.is_public:
        return item
    if request.user.is_authenticated and getattr(request.user, "profile", None) and \
            item.region.code.startswith(scope_code(request.user)):
        return item
    raise Http404(slug)


def _related_items(item: NewsItem) -> list[NewsItem]:
    pool = list(_public_items().filter(region__code__startswith=item.region.code[:5])
                .exclude(pk=item.pk)[:RELATED_POOL])
    docs = [Doc(item.pk, item.title, item.body, frozenset(t.slug for t in item.tags.all()))]
    docs += [Doc(i.pk, i.title, i.body, frozenset(t.slug for t in i.tags.all())) for i in pool]
    by_id = {i.pk: i for i in pool}
    found = []
    for r in related(item.pk, docs, limit=3):
        other = by_id[r.id]
        other.shared_tags = r.shared_tags
        found.append(other)
    return found


def _form_token(item: NewsItem) -> str:
    return signing.dumps({"i": item.pk, "t": time.time()}, salt=FORM_SALT)


def _shown_at(token: str, item: NewsItem) -> float | None:
    try:
        data = signing.loads(token, salt=FORM_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("i") != item.pk:
        return None
    shown = data.get("t")
    return float(shown) if isinstance(shown, (int, float)) else None


def _detail_context(request, item: NewsItem, form: CommentForm) -> dict:
    today = _local_today(item.region)
    return {"item": item, "body_html": mark_safe(markup.render(item.body)),  # escaped by markup
            "reads_total": item.reads_total(), "reads_today": item.reads_on(today),
            "related": _related_items(item) if item.is_public else [],
            "comments": item.comments.filter(status=Comment.Status.APPROVED),
            "form": form, "preview": not item.is_public}


@login_not_required
@require_GET
def news_detail(request, slug: str):
    """The item; a new browser's first read is counted (see reads.py), nothing is stored about
    the reader. Signed-in staff are not counted: their previews and checks are not readership."""
    item = _item_for(request, slug)
    cookie = request.get_signed_cookie(READ_COOKIE, default="", salt=READ_COOKIE_SALT)
    remembered = reads.parse_remembered(cookie)
    decision = None
    if item.is_public and not request.user.is_authenticated:
        headers = {name.lower(): value for name, value in request.headers.items()}
        decision = reads.decide(item.pk, remembered, headers)
        if decision.counted:
            ReadCount.add(item, _local_today(item.region))
    form = CommentForm(initial={"token": _form_token(item)})
    response = render(request, "public/news_detail.html", _detail_context(request, item, form))
    if decision is not None and decision.remembered != remembered:
        response.set_signed_cookie(
            READ_COOKIE, reads.format_remembered(decision.remembered), salt=READ_COOKIE_SALT,
            max_age=READ_COOKIE_AGE, secure=settings.SESSION_COOKIE_SECURE, httponly=True,
            samesite="Lax")
    return response


def client_address(request) -> str:
    """The visitor's address, only ever used hashed as a rate-limit key. Behind our proxy the
    last X-Forwarded-For entry is the one the proxy itself added."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


@login_not_required
@require_POST
def comment(request, slug: str):
    item = get_object_or_404(NewsItem.objects.published(), slug=slug)
    form = CommentForm(request.POST)
    form.is_valid()
    data = {k: form.cleaned_data.get(k, "") or "" for k in ("name", "body", "website", "token")}
    now = time.time()
    check = spam.check_comment(name=data["name"], body=data["body"], honeypot=data["website"],
                               shown_at=_shown_at(data["token"], item), now=now)
    thanks = _("Thank you. Your comment will appear after a moderator has approved it.")
    target = reverse("public_news_detail", args=[item.slug]) + "#komentar"
    if check.verdict == spam.Verdict.DROP:  # a robot: it learns nothing from the answer
        messages.success(request, thanks)
        return redirect(target)
    if check.verdict == spam.Verdict.REFUSE:
        form.add_error(None, check.problem.render(_))
        form.data = form.data.copy()
        form.data["token"] = _form_token(item)
        return render(request, "public/news_detail.html", _detail_context(request, item, form),
                      status=400)
    key = spam.rate_key(settings.SECRET_KEY, client_address(request),
                        _local_today(item.region).isoformat())
    allowed, times = spam.rate_allows(tuple(cache.get(key, ())), now)
    if not allowed:
        form.add_error(None, spam.CommentProblem(
            "rate", {"minutes": spam.wait_minutes(times, now)}).render(_))
        return render(request, "public/news_detail.html", _detail_context(request, item, form),
                      status=429)
    cache.set(key, times, timeout=int(spam.RATE_WINDOW) + 1)
    Comment.objects.create(
        item=item, name=data["name"], body=data["body"],
        status=(Comment.Status.SPAM if check.verdict == spam.Verdict.SPAM
                else Comment.Status.PENDING),
        spam_reason=check.problem.render(_) if check.problem else "")
    messages.success(request, thanks)
    return redirect(target)


@login_not_required
@require_GET
def news_photo(request, slug: str):
    item = _item_for(request, slug)
    if not item.photo:
        raise Http404(slug)
    extension = item.photo.name.rsplit(".", 1)[-1].lower()
    kind = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
            "webp": "image/webp"}.get(extension)
    if kind is None:
        raise Http404(slug)
    return FileResponse(item.photo.open("rb"), content_type=kind)


# --- staff pages --------------------------------------------------------------------------

def _unique_slug(title: str) -> str:
    base = (slugify(title)[:70] or "warta").strip("-")
    slug, n = base, 2
    while NewsItem.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@require_GET
def manage(request):
    profile = profile_of(request.user)
    items = (NewsItem.objects.filter(region__code__startswith=profile.region.code)
             .select_related("region").prefetch_related("tags")
             .annotate(pending=Count("comments", filter=Q(comments__status="pending"))))
    pending = Comment.objects.filter(status=Comment.Status.PENDING,
                                     item__region__code__startswith=profile.region.code).count()
    return render(request, "public/manage.html", {
        "items": items[:200], "pending": pending,
        "may_write": profile.may("write_registry")})


@require_http_methods(["GET", "POST"])
def edit(request, pk: int | None = None):
    profile = require(request.user, "write_registry")
    item = None
    if pk is not None:
        item = get_object_or_404(NewsItem.objects.select_related("region"), pk=pk,
                                 region__code__startswith=profile.region.code)
    form = NewsForm(request.POST or None, request.FILES or None, instance=item,
                    scope=profile.region)
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") == "publish"
        unpublish = request.POST.get("action") == "unpublish"
        with transaction.atomic():
            news = form.save(commit=False)
            require(request.user, "write_registry", news.region.code)
            before_tags = sorted(news.tags.values_list("slug", flat=True)) if news.pk else []
            if not news.pk:
                news.slug, news.author = _unique_slug(news.title), request.user
                news.byline = profile.agency.name
            if publish:
                news.status = NewsItem.Status.PUBLISHED
                news.published_at = news.published_at or timezone.now()
            elif unpublish:
                news.status = NewsItem.Status.DRAFT
            news.save()
            form.save_tags(news)
            after_tags = sorted(news.tags.values_list("slug", flat=True))
            if after_tags != before_tags:  # many-to-many changes pass no save signal
                audit.record(NewsItem, "update", news.slug, news.region.code,
                             {"tags": before_tags}, {"tags": after_tags}).save()
        messages.success(request, _("Published.") if publish else _(
            "Withdrawn: it is a draft again.") if unpublish else _("Saved."))
        return redirect("public_manage")
    return render(request, "public/edit.html", {"form": form, "item": item})


@require_http_methods(["GET", "POST"])
def moderation(request):
    """Comments awaiting a decision in the user's region (and the spam folder)."""
    profile = require(request.user, "write_registry")
    in_scope = Comment.objects.filter(item__region__code__startswith=profile.region.code)
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in (Comment.Status.APPROVED, Comment.Status.REJECTED, Comment.Status.SPAM):
            raise Http404(decision)
        note = get_object_or_404(in_scope.select_related("item__region"),
                                 pk=request.POST.get("comment"))
        require(request.user, "write_registry", note.item.region.code)
        before = audit.snapshot(note)
        note.status, note.moderated_by, note.moderated_at = decision, request.user, timezone.now()
        note.save()
        audit.record(Comment, "update", f"{note.item.slug}#{note.pk}", note.item.region.code,
                     before, audit.snapshot(note)).save()
        messages.success(request, _("Comment %(state)s.") % {"state": note.get_status_display()})
        return redirect(request.get_full_path())
    folder = request.GET.get("folder", "pending")
    if folder not in ("pending", "spam", "approved", "rejected"):
        folder = "pending"
    return render(request, "public/moderation.html", {
        "folder": folder,
        "comments": in_scope.filter(status=folder).select_related("item")
        .order_by("-created_at")[:200],
        "counts": dict(in_scope.values_list("status").annotate(n=Count("id")).order_by())})
