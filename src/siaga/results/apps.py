from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "siaga.results"
    label = "results"
    verbose_name = "Hasil penghitungan suara"

    def ready(self):
        from siaga.accounts import audit
        from siaga.results.models import Candidate, Publication, ResultForm

        audit.register(Candidate, key=lambda c: f"{c.contest_id}/{c.dapil_id or ''}/{c.number}",
                       region=lambda c: "")
        # Every status change and correction: before/after of the row (a correction is a new
        # row superseding the old one, which is kept and marked no longer current).
        audit.register(ResultForm, key=lambda f: f.client_id,
                       region=lambda f: f.tps.code.split("-")[0])
        # Publishing and withdrawing results on the public page.
        audit.register(Publication, key=lambda p: f"{p.contest_id}/{p.region_id}/{p.pk}",
                       region=lambda p: p.region.code)
