from django.contrib import admin

from siaga.risk.models import Assessment, CatalogueEdit
from siaga.web.admin_site import ScopedAdmin


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdmin):
    list_display = ["tps", "source", "indicators", "assessed_on"]
    list_filter = ["source", "tps__election"]
    search_fields = ["tps__code"]
    raw_id_fields = ["tps"]
    scope_field = "tps__code"


@admin.register(CatalogueEdit)
class CatalogueEditAdmin(admin.ModelAdmin):
    list_display = ["election", "rawan_at", "sangat_rawan_at"]
