"""Only the election's insurance and compensation scheme is edited here: officers themselves
are not, because the admin would show their NIK and phone ciphertext and bypass the masking
and the unmask log of the officer pages."""

from django.contrib import admin

from siaga.officers.models import Scheme


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["election", "monthly_premium", "death", "funeral", "disability", "serious",
                    "moderate"]
