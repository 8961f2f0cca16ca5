"""Demo candidates: the three candidate pairs of the 2024 presidential election (real, public:
Keputusan KPU on the pairs and their ballot numbers, Nov 2023), and SYNTHETIC party lists for
the demo's synthetic DPRD Kabupaten dapils (invented parties and names, marked synthetic)."""

from django.db import transaction

from siaga.regions.models import Contest, Dapil, Election
from siaga.results.models import Candidate

PRESIDENTIAL_PAIRS_2024 = (
    ("01", "Anies Rasyid Baswedan – Abdul Muhaimin Iskandar"),
    ("02", "Prabowo Subianto – Gibran Rakabuming Raka"),
    ("03", "Ganjar Pranowo – Mahfud MD"),
)


@transaction.atomic
def load_demo_candidates(election: Election) -> int:
    """The three PPWP pairs for `election` (which must have a PPWP contest); returns how many
    were created (0 when they are there already)."""
    contest = Contest.objects.get(election=election, kind=Contest.Kind.PPWP)
    created = 0
    for number, name in PRESIDENTIAL_PAIRS_2024:
        _candidate, new = Candidate.objects.get_or_create(
            contest=contest, dapil=None, number=number,
            defaults={"name": name, "is_synthetic": False})
        created += new
    return created


DEMO_PARTIES = ("Partai Contoh Amanah", "Partai Contoh Bersatu", "Partai Contoh Cita")
DEMO_LIST_LENGTH = 3


@transaction.atomic
def load_demo_party_lists(election: Election) -> int:
    """Three invented parties with three invented candidates each on every DPRD Kabupaten
    ballot of `election` (all marked synthetic); returns how many were created."""
    created = 0
    for dapil in Dapil.objects.filter(contest__election=election,
                                      contest__kind=Contest.Kind.DPRD_KAB):
        for p, party in enumerate(DEMO_PARTIES, start=1):
            rows = [(f"{p:02d}", f"{party} (sintetis)")]
            rows += [(f"{p:02d}.{i}", f"Calon {dapil.code}-{p}.{i} (sintetis)")
                     for i in range(1, DEMO_LIST_LENGTH + 1)]
            for number, name in rows:
                _candidate, new = Candidate.objects.get_or_create(
                    contest=dapil.contest, dapil=dapil, number=number,
                    defaults={"name": name, "party": party, "is_synthetic": True})
                created += new
    return created
