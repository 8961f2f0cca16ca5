from django.contrib import admin

from siaga.accounts.models import Agency, AuditEntry, Profile
from siaga.web.admin_site import ScopedAdmin


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "region"]
    list_filter = ["kind"]
    scope_field = "region__code"


@admin.register(Profile)
class ProfileAdmin(ScopedAdmin):
    list_display = ["user", "agency", "role", "region"]
    list_filter = ["role", "agency"]
    raw_id_fields = ["region"]
    scope_field = "region__code"


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
    list_display = ["at", "actor", "action", "model", "object_key"]
    list_filter = ["action", "model"]
    search_fields = ["object_key", "actor"]
    scope_field = "region_code"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
