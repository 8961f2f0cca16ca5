from django.contrib import admin

from siaga.regions.models import TPS, Contest, Dapil, Election, Region
from siaga.web.admin_site import ScopedAdmin


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "timezone", "is_synthetic"]
    list_filter = ["level", "timezone", "is_synthetic"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(TPS)
class TPSAdmin(ScopedAdmin):
    list_display = ["code", "election", "village", "dpt_men", "dpt_women", "access", "is_synthetic"]
    list_filter = ["election", "access", "is_synthetic"]
    search_fields = ["code", "village__name", "address"]
    raw_id_fields = ["village"]


class ContestInline(admin.TabularInline):
    model = Contest
    extra = 0


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "kind", "polling_date", "max_voters_per_tps"]
    inlines = [ContestInline]


@admin.register(Dapil)
class DapilAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "contest", "is_synthetic"]
    list_filter = ["contest__election", "contest__kind"]
    filter_horizontal = ["regions"]
