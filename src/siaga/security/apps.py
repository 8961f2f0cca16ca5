from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "siaga.security"
    label = "security"
    verbose_name = "Rencana pengamanan TPS"

    def ready(self):
        from siaga.accounts import audit
        from siaga.security.models import Personnel

        audit.register(Personnel, key=lambda p: f"{p.kind}/{p.pk}", region=lambda p: p.region.code)
