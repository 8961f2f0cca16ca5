from django.apps import AppConfig


class OfficersConfig(AppConfig):
    name = "siaga.officers"
    label = "officers"
    verbose_name = "Petugas ad hoc"

    def ready(self):
        from siaga.accounts import audit
        from siaga.officers.imports import officer_key, officer_region
        from siaga.officers.models import Case, Enrolment, Officer, Scheme

        # Snapshots hold the NIK and phone only as ciphertext (their columns' values).
        audit.register(Officer, key=officer_key, region=officer_region)
        audit.register(Enrolment, key=lambda e: f"bpjs/{officer_key(e.officer)}",
                       region=lambda e: officer_region(e.officer))
        audit.register(Case, key=lambda c: f"kasus/{c.pk}/{officer_key(c.officer)}",
                       region=lambda c: officer_region(c.officer))
        audit.register(Scheme, key=lambda s: s.election.slug, region=lambda s: "")
