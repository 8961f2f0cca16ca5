from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "siaga.risk"
    label = "risk"
    verbose_name = "Kerawanan TPS"

    def ready(self):
        from siaga.accounts import audit
        from siaga.risk.models import Assessment

        audit.register(Assessment, key=lambda a: f"{a.tps.code}/{a.source}",
                       region=lambda a: a.tps.code.split("-")[0])
