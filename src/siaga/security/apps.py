from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "siaga.security"
    label = "security"
    verbose_name = "Rencana pengamanan TPS"
