from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "siaga.readiness"
    label = "readiness"
    verbose_name = "Kesiapan"
