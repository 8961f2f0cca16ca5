from django.core.management.base import BaseCommand

from siaga.accounts.audit import acting_as
from siaga.accounts.demo import accounts_file, create_demo_accounts
from siaga.logistics.demo import load_demo_logistics
from siaga.officers.demo import load_demo_officers
from siaga.operations.staff import load_demo_staff
from siaga.public.demo import load_demo_news
from siaga.readiness.demo import load_demo_agenda
from siaga.regions.demo import load_demo
from siaga.results.demo import load_demo_candidates, load_demo_party_lists
from siaga.results.demo_forms import load_demo_forms
from siaga.risk.demo import load_demo_assessments
from siaga.security.demo import load_demo_personnel


class Command(BaseCommand):
    help = ("Load the demo regency (Kabupaten Barito Timur: real regions, synthetic TPS, "
            "kerawanan, personnel, fleet, ASN staff) and demo accounts.")
    requires_system_checks = []  # a data command: start fast, `siaga check` is separate

    def handle(self, *args, **options):
        with acting_as(label="siaga demo"):
            result = load_demo()
            rawan = load_demo_assessments(result["pemilu"])
            personnel = load_demo_personnel(result["pemilu"])
            vehicles = load_demo_logistics(result["pemilu"])
            staff = load_demo_staff()
            officers = load_demo_officers()
            load_demo_candidates(result["pemilu"])
            load_demo_party_lists(result["pemilu"])
            load_demo_forms(result["pemilu"])
            news = load_demo_news()
            created = create_demo_accounts()
            load_demo_agenda(result["pemilu"])
        self.stdout.write(
            f"Demo: {result['regency']} - {result['tps_created']} TPS sintetis baru "
            f"({result['pemilu']}, {result['pilkada']}); {rawan} TPS rawan sintetis; "
            f"{personnel} personel pengamanan sintetis; gudang dan {vehicles} jenis kendaraan "
            f"sintetis; {staff} ASN sintetis; {officers} petugas ad hoc sintetis; {news} warta "
            "contoh sintetis; formulir C.Hasil sintetis."
        )
        if created:
            self.stdout.write(f"Akun demo baru (juga disimpan di {accounts_file()}):")
            for username, password, what in created:
                self.stdout.write(f"  {username:12} {password:16} {what}")
