from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from siaga.accounts.models import ApiToken, AuditEntry
from siaga.accounts.scope import require


@require_GET
def audit_log(request):
    """Every change inside the administrator's region, newest first, filterable."""
    profile = require(request.user, "audit")
    entries = AuditEntry.objects.filter(region_code__startswith=profile.region.code).select_related("user")
    if model := request.GET.get("data"):
        entries = entries.filter(model=model)
    if key := request.GET.get("objek"):
        entries = entries.filter(object_key__startswith=key)
    page = Paginator(entries, 50).get_page(request.GET.get("halaman"))
    models = AuditEntry.objects.filter(region_code__startswith=profile.region.code).values_list(
        "model", flat=True).distinct().order_by("model")
    return render(request, "accounts/audit_log.html", {"page": page, "models": models})


@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """Device tokens for the API: issued here, shown once, revocable."""
    require(request.user, "read")
    new_token = None
    if request.method == "POST":
        if revoke := request.POST.get("revoke"):
            ApiToken.objects.filter(user=request.user, pk=revoke).delete()
            messages.success(request, _("Token revoked."))
            return redirect("api_tokens")
        name = (request.POST.get("name") or "").strip()[:80] or _("device")
        _token, new_token = ApiToken.issue(request.user, name)
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "accounts/api_tokens.html", {"tokens": tokens, "new_token": new_token})
