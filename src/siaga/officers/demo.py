"""Synthetic officers for the demo regency: every TPS of Pemilu 2024 in Barito Timur gets its
7 KPPS, 2 Linmas and 1 PTPS, every desa its 3 PPS, every kecamatan its 5 PPK; then some posts
are left empty, some certificates missing, some teams older, and BPJS cover varies by
kecamatan (some under half, as in 2024). Every name, NIK and phone is invented and says so."""

import datetime

import numpy as np
from django.db import transaction

from siaga.officers.models import Enrolment, Officer
from siaga.officers.nik import make_nik
from siaga.regions.models import TPS, Election, Level, Region

GIVEN = ["Adi", "Ayu", "Bambang", "Dewi", "Eka", "Fitri", "Gusti", "Hendra", "Indah", "Joko",
         "Kartika", "Lestari", "Made", "Nur", "Putri", "Rahmat", "Sari", "Tono", "Utami",
         "Wahyu", "Yanti", "Zainal", "Rina", "Agus"]
FAMILY = ["Uji", "Contoh", "Rekaan", "Percobaan", "Simulasi", "Fiktif"]


def _people(rng, n: int, *, older: bool, polling: datetime.date):
    """Ages and birth dates: most teams 20-50, an older team mostly 46-55."""
    ages = rng.integers(46, 56, n) if older else rng.integers(20, 51, n)
    days = rng.integers(1, 360, n)
    return [(int(a), polling - datetime.timedelta(days=int(a) * 365.25 + int(d)))
            for a, d in zip(ages, days, strict=True)]


@transaction.atomic
def load_demo_officers(regency_code: str = "62.13", election_slug: str = "pemilu-2024",
                       seed: int = 8) -> int:
    """Write the synthetic officers and their enrolments (once). Returns officers written."""
    election = Election.objects.filter(slug=election_slug).first()
    regency = Region.objects.filter(code=regency_code).first()
    if election is None or regency is None or Officer.objects.filter(
            election=election, region__code__startswith=regency.code).exists():
        return 0
    rng = np.random.default_rng(seed)
    polling = election.polling_date
    tps = list(TPS.objects.filter(election=election, code__startswith=regency.code)
               .order_by("code").values_list("id", "code", "village_id"))
    desa = list(Region.objects.within(regency).filter(level=Level.DESA).order_by("code")
                .values_list("id", "code"))
    kecamatan = list(Region.objects.within(regency).filter(level=Level.KECAMATAN)
                     .order_by("code").values_list("id", "code"))
    # Posts: (position, tps id, region id, unit code, is_chair, older team)
    posts = []
    for tps_id, code, village_id in tps:
        older = rng.random() < 0.12
        short = int(rng.choice([0, 1, 2], p=[0.92, 0.05, 0.03]))
        for k in range(7 - short):
            posts.append(("KPPS", tps_id, village_id, code, k == 0, older))
        for _k in range(2 - int(rng.random() < 0.03)):
            posts.append(("LINMAS", tps_id, village_id, code, False, False))
        if rng.random() > 0.01:
            posts.append(("PTPS", tps_id, village_id, code, False, False))
    for region_id, code in desa:
        for k in range(3 - int(rng.random() < 0.05)):
            posts.append(("PPS", None, region_id, code, k == 0, False))
    for i, (region_id, code) in enumerate(kecamatan):
        for k in range(5 - int(i == len(kecamatan) - 1)):
            posts.append(("PPK", None, region_id, code, k == 0, False))
    officers = []
    for i, (position, tps_id, region_id, unit, chair, older) in enumerate(posts):
        _age, born = _people(rng, 1, older=older, polling=polling)[0]
        if position == "KPPS" and rng.random() < 0.003:  # over the limit: shown as ineligible
            born = polling - datetime.timedelta(days=int(56.5 * 365.25))
        sex = "P" if rng.random() < 0.45 else "L"
        nik = make_nik(unit[:8], born, sex, i + 1)
        certificate = rng.random() > (0.25 if older else 0.06)
        name = (f"{GIVEN[int(rng.integers(len(GIVEN)))]} {FAMILY[int(rng.integers(len(FAMILY)))]}"
                f" {i + 1:04d} (sintetis)")
        officer = Officer(
            election=election, position=position, tps_id=tps_id, region_id=region_id,
            name=name, birth_date=born, sex=sex, address=f"Alamat sintetis {unit}",
            is_chair=chair, has_health_certificate=certificate,
            health_certificate_date=datetime.date(2024, 1, int(rng.integers(8, 28)))
            if certificate else None, is_synthetic=True)
        officer.set_nik(nik)
        officer.set_phone(f"0800{i + 1:08d}")
        officers.append(officer)
    Officer.objects.bulk_create(officers, batch_size=1000)
    # BPJS cover differs by kecamatan: from well under half to nearly everyone.
    rates = dict(zip([code for _id, code in kecamatan],
                     rng.permutation(np.linspace(0.38, 0.96, len(kecamatan))), strict=True))
    enrolments = []
    for n, officer in enumerate(officers):
        unit = posts[n][3]
        draw = rng.random()
        rate = rates.get(unit[:8], 0.5)
        if draw >= rate + (1 - rate) * 0.5:
            continue  # never enrolled
        long_term = officer.position in ("PPS", "PPK")
        active = draw < rate
        enrolments.append(Enrolment(
            officer=officer,
            period_start=datetime.date(2023, 7, 1) if long_term else datetime.date(2024, 1, 1),
            period_end=datetime.date(2024, 6, 30) if long_term else datetime.date(2024, 3, 31),
            payer=Enrolment.Payer.APBD if rng.random() < 0.8 else Enrolment.Payer.SELF,
            status=Enrolment.Status.ACTIVE if active else Enrolment.Status.PLANNED,
            membership_number=f"SINTETIS-{n + 1:06d}" if active else "",
            confirmed_on=datetime.date(2024, 1, 20) if active else None))
    Enrolment.objects.bulk_create(enrolments, batch_size=1000)
    return len(officers)
