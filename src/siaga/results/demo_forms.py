"""SYNTHETIC demo C.Hasil forms for the presidential contest of the demo regency, so that the
results pages, the map and the anomaly hints have something to show. Every number is invented
(each form's note says "data sintetis (demo)"); what is real is only the list of candidate
pairs (results/demo.py).

Most TPS get a form whose arithmetic holds (counted), a few a form with one number misread
(flagged, for review), the rest none (missing). Two forms are planted for the anomaly hints:
one TPS with a turnout far below its kecamatan's, and one giving every valid vote to one pair.
"""

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from siaga.regions.models import TPS, Contest, Election
from siaga.results import checks, services
from siaga.results.demo import load_demo_candidates

NOTE = "data sintetis (demo)"
CHOICES = ("01", "02", "03")
SHARES = np.array([0.25, 0.58, 0.17])  # roughly the 2024 national shares


def form_numbers(dpt: int, turnout: float, shares, invalid_pct: float = 0.02,
                 reserve_pct: Fraction = checks.RULES.reserve_pct) -> dict:
    """A C.Hasil whose arithmetic holds: `turnout` of the DPT voted, `invalid_pct` of them
    invalid, the valid votes split by `shares` (largest remainder, exact)."""
    voted = max(0, min(dpt, round(dpt * turnout)))
    invalid = min(voted, round(voted * invalid_pct))
    valid = voted - invalid
    shares = np.asarray(shares, dtype=float) / sum(shares)
    raw = shares * valid
    votes = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - votes), kind="stable")[:valid - int(votes.sum())]:
        votes[i] += 1
    received = checks.ballots_expected(dpt, reserve_pct)
    return {"dpt": dpt, "dptb": 0, "dpk": 0, "voted": voted, "ballots_received": received,
            "ballots_used": voted, "ballots_unused": received - voted, "ballots_damaged": 0,
            "valid": valid, "invalid": invalid,
            "votes": {c: int(v) for c, v in zip(CHOICES, votes, strict=True)}}


@dataclass(frozen=True)
class DemoForms:
    counted: int
    flagged: int
    missing: int
    low_turnout: str  # the TPS planted with a turnout far from its kecamatan's
    one_pair: str  # the TPS planted with every valid vote for one pair


def load_demo_forms(election: Election, prefix: str = "62.13", seed: int = 2024,
                    missing_share: float = 0.15, flagged_share: float = 0.04) -> DemoForms:
    """Synthetic presidential forms for the TPS under `prefix` (idempotent: a TPS's form has a
    fixed client id, so loading again stores nothing new)."""
    load_demo_candidates(election)
    contest = Contest.objects.get(election=election, kind=Contest.Kind.PPWP)
    rng = np.random.default_rng(seed)
    tps_list = list(TPS.objects.filter(election=election, code__startswith=prefix)
                    .select_related("election").order_by("code"))
    reserve = Fraction(str(election.ballot_reserve_pct))
    kecamatan_turnout: dict[str, float] = {}
    if len(tps_list) < 2:
        raise ValueError(f"too few TPS under {prefix} for the demo forms")
    planted = {"low": tps_list[len(tps_list) // 3].code,
               "one": tps_list[2 * len(tps_list) // 3].code}
    counted = flagged = missing = 0
    for t in tps_list:
        base = kecamatan_turnout.setdefault(t.code[:8], float(rng.uniform(0.74, 0.86)))
        turnout = float(np.clip(base + rng.normal(0, 0.025), 0.5, 0.98))
        shares = np.clip(SHARES + rng.normal(0, 0.05, 3), 0.03, None)
        draw = rng.random()
        if t.code == planted["low"]:
            turnout = 0.3
        elif t.code == planted["one"]:
            shares = [0, 1, 0]
        elif draw < missing_share:
            missing += 1
            continue
        numbers = form_numbers(t.dpt, turnout, shares, reserve_pct=reserve)
        if draw > 1 - flagged_share and t.code not in planted.values():
            numbers["votes"]["01"] += 500  # 117 read as 617: the sum no longer holds
            flagged += 1
        else:
            counted += 1
        services.submit(tps=t, contest=contest, numbers=numbers, source="kpps",
                        client_id=f"demo-{election.slug}-{t.code}", note=NOTE)
    return DemoForms(counted=counted, flagged=flagged, missing=missing,
                     low_turnout=planted["low"], one_pair=planted["one"])
