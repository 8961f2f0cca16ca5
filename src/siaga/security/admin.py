from django.contrib import admin

from siaga.security.models import Personnel
from siaga.web.admin_site import ScopedAdmin


@admin.register(Personnel)
class PersonnelAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "region", "is_synthetic"]
    list_filter = ["kind", "is_synthetic"]
    search_fields = ["name", "unit"]
    raw_id_fields = ["region"]
    scope_field = "region__code"
