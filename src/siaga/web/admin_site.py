from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SiagaAdminSite(admin.AdminSite):
    site_header = "Siaga Pemilu - administrasi"
    site_title = "Siaga Pemilu"

    def has_permission(self, request):
        """Master data is for administrators only (staff flag alone is not enough)."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        profile = getattr(user, "profile", None)
        return user.is_superuser and profile is None or (
            profile is not None and profile.may("admin"))


class SiagaAdminConfig(AdminConfig):
    default_site = "siaga.web.admin_site.SiagaAdminSite"


class ScopedAdmin(admin.ModelAdmin):
    """Administrators see and change master data of their own region only."""

    scope_field = "code"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        profile = getattr(request.user, "profile", None)
        if profile is None:
            return queryset
        return queryset.filter(**{f"{self.scope_field}__startswith": profile.region.code})
