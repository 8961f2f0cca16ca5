from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "siaga.operations"
    label = "operations"
    verbose_name = "Operasi hari pemungutan suara"

    def ready(self):
        from siaga.accounts import audit
        from siaga.operations.models import Assignment, FieldReport, Incident, Staff

        audit.register(Staff, key=lambda s: s.nip, region=lambda s: s.region.code)
        audit.register(Assignment, key=lambda a: f"{a.staff.nip}/{a.target}",
                       region=lambda a: a.region.code)
        audit.register(FieldReport, key=lambda r: r.client_id,
                       region=lambda r: r.tps.code.split("-")[0])
        audit.register(Incident, key=lambda i: i.client_id,
                       region=lambda i: i.tps.code.split("-")[0])
