"""Demo agencies and one demo account per role, with passwords generated on first start."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from siaga.accounts.models import Agency, Profile, Role
from siaga.regions.models import Region

AGENCIES = [
    ("kesbangpol-bartim", "Badan Kesbangpol Kabupaten Barito Timur (Desk Pemilu)", "pemda"),
    ("kpu-bartim", "KPU Kabupaten Barito Timur", "kpu"),
    ("bawaslu-bartim", "Bawaslu Kabupaten Barito Timur", "bawaslu"),
    ("polres-bartim", "Polres Barito Timur", "polres"),
    ("kodim-bartim", "Kodim (wilayah Barito Timur)", "kodim"),
    ("satpolpp-bartim", "Satpol PP Kabupaten Barito Timur", "satpol_pp"),
    ("diskominfo-bartim", "Diskominfo Kabupaten Barito Timur", "diskominfo"),
    ("disdukcapil-bartim", "Disdukcapil Kabupaten Barito Timur", "disdukcapil"),
    ("disdik-bartim", "Dinas Pendidikan Kabupaten Barito Timur", "opd"),
]

# username, role, agency, region scope, description shown when the passwords are printed
ACCOUNTS = [
    ("admin", Role.ADMINISTRATOR, "kesbangpol-bartim", "62.13", "administrator, Kesbangpol"),
    ("koordinator", Role.COORDINATOR, "kesbangpol-bartim", "62.13", "koordinator, Kesbangpol"),
    ("petugas", Role.FIELD_OFFICER, "disdik-bartim", "62.13.01",
     "petugas lapangan, Dinas Pendidikan, Kec. Dusun Timur"),
    ("pemantau", Role.VIEWER, "bawaslu-bartim", "62.13", "pemantau (hanya baca), Bawaslu"),
]


def accounts_file():
    return settings.VAR_DIR / "demo-accounts.txt"


@transaction.atomic
def create_demo_accounts() -> list[tuple[str, str, str]]:
    """Create the agencies and accounts that do not exist yet; returns (user, password, what)."""
    regency = Region.objects.get(code="62.13")
    agencies = {}
    for code, name, kind in AGENCIES:
        agencies[code], _ = Agency.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "region": regency})
    User = get_user_model()
    created = []
    for username, role, agency, region, what in ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(9)
        user = User.objects.create_user(username, password=password)
        if role == Role.ADMINISTRATOR:
            user.is_staff = user.is_superuser = True
            user.save()
        Profile.objects.create(user=user, role=role, agency=agencies[agency],
                               region=Region.objects.get(code=region))
        created.append((username, password, what))
    if created:
        path = accounts_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a") as f:
            for username, password, what in created:
                f.write(f"{username:12} {password:16} {what}\n")
        path.chmod(0o600)
    return created
