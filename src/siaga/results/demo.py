"""Demo candidates: the three candidate pairs of the 2024 presidential election (real, public:
Keputusan KPU on the pairs and their ballot numbers, Nov 2023)."""

from django.db import transaction

from siaga.regions.models import Contest, Election
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
