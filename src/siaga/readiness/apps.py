from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "siaga.readiness"
    label = "readiness"
    verbose_name = "Kesiapan"

    def ready(self):
        from siaga.accounts import audit
        from siaga.readiness.models import Activity, RegencyBundle

        audit.register(Activity, key=lambda a: f"{a.election_id}/{a.pk}",
                       region=lambda a: a.region.code)
        audit.register(RegencyBundle, key=lambda b: f"{b.election_id}/{b.regency_code}",
                       region=lambda b: b.province.code)
