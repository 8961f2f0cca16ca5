from django.core.management.base import BaseCommand

from siaga.accounts.audit import acting_as
from siaga.accounts.demo import accounts_file, create_demo_accounts
from siaga.regions.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo regency (Kabupaten Barito Timur, synthetic TPS) and demo accounts."
    requires_system_checks = []  # a data command: start fast, `siaga check` is separate

    def handle(self, *args, **options):
        with acting_as(label="siaga demo"):
            result = load_demo()
            created = create_demo_accounts()
        self.stdout.write(
            f"Demo: {result['regency']} - {result['tps_created']} TPS sintetis baru "
            f"({result['pemilu']}, {result['pilkada']})."
        )
        if created:
            self.stdout.write(f"Akun demo baru (juga disimpan di {accounts_file()}):")
            for username, password, what in created:
                self.stdout.write(f"  {username:12} {password:16} {what}")
