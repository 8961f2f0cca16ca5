"""A SYNTHETIC national presidential result, one C.Hasil per TPS (pure: numpy, no Django).

The per-TPS numbers are invented; what is real are the totals they add up to: the presidential
result per province (Keputusan KPU 360/2024 as reported, data/pilpres_2024_by_province.csv),
so that the national totals are exactly 40,971,906 / 96,214,691 / 27,040,878, and the TPS per
province (data/indonesia_provinces_2024.csv; the provinces without a figure share the rest of
820,161 by DPT, as `siaga synth` shares them).

Sulawesi Tenggara's row is empty in the sources. Its place is taken by a derived remainder row,
national minus the 37 listed provinces, which is Sulawesi Tenggara plus the votes cast abroad:
"Sulawesi Tenggara + luar negeri (sisa, diturunkan)". Its votes are put on Sulawesi Tenggara's
synthetic TPS, whose DPT therefore includes the 1,750,474 voters abroad (so that the forms stay
plausible and the province gets its share of TPS for them).

Invented, and labelled so: DPTb (Poisson, mean 2) and DPK (mean 0.5) per TPS, invalid votes
(2% of valid, less where the DPT leaves no room), damaged ballots (mean 0.3), how turnout and
the candidates' shares vary between kab/kota, kecamatan and TPS. Every form passes
`checks.check`; integer splits are exact (largest remainder, then exact margin repair).
"""

import csv
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from siaga.regions.synthetic import (
    NATIONAL_TPS,
    ProvinceFact,
    SyntheticCountry,
    allocate,
    synthetic_country,
)
from siaga.results.checks import RULES, FormArrays, Rules, ballots_expected_array

DATA = Path(__file__).resolve().parents[1] / "regions" / "data"

CHOICES = ("01", "02", "03")  # ballot numbers of the candidate pairs
CANDIDATES = {"01": "anies_muhaimin", "02": "prabowo_gibran", "03": "ganjar_mahfud"}
# Keputusan KPU 360/2024 (DOMAIN.md).
NATIONAL_VOTES = {"anies_muhaimin": 40_971_906, "prabowo_gibran": 96_214_691,
                  "ganjar_mahfud": 27_040_878}
NATIONAL_VALID = 164_227_475
ABROAD_DPT = 1_750_474  # part of the national DPT 204,807,222 (DOMAIN.md)
REMAINDER_CODE = "74"
REMAINDER_LABEL = "Sulawesi Tenggara + luar negeri (sisa, diturunkan)"
# The results file and the provinces file spell two names differently.
NAME_ALIASES = {"DKI Jakarta": "Daerah Khusus Ibukota Jakarta",
                "DI Yogyakarta": "Daerah Istimewa Yogyakarta"}

# Invented shape of the synthetic forms (not sourced: load, not facts).
MEAN_DPTB = 2.0
MEAN_DPK = 0.5
INVALID_RATE = 0.02
MEAN_DAMAGED = 0.3


@dataclass(frozen=True)
class ProvinceVotes:
    code: str
    name: str
    votes: tuple[int, ...]  # in CHOICES order
    derived: bool = False


def read_rows(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_province_facts() -> list[ProvinceFact]:
    return [ProvinceFact(code=r["kemendagri_code"], name=r["province"], dpt=int(r["dpt_2024"]),
                         tps=int(r["tps_2024"]) if r["tps_2024"] else None,
                         kabkota=int(r["kabkota_count"]))
            for r in read_rows("indonesia_provinces_2024.csv")]


def province_votes(rows: list[dict], facts: list[ProvinceFact],
                   national: dict[str, int] = NATIONAL_VOTES) -> list[ProvinceVotes]:
    """The results rows in the provinces' order, the one empty row replaced by the derived
    remainder (national minus the listed provinces). Fails on any second gap or unknown name."""
    code_of = {f.name: f.code for f in facts}
    columns = [CANDIDATES[c] for c in CHOICES]
    listed, empty = {}, []
    for row in rows:
        name = NAME_ALIASES.get(row["province"], row["province"])
        if name not in code_of:
            raise ValueError(f"province {row['province']!r} is not in the provinces file")
        if all(row[c] == "" for c in columns):
            empty.append(code_of[name])
        else:
            listed[code_of[name]] = (row["province"], tuple(int(row[c]) for c in columns))
    if empty != [REMAINDER_CODE]:
        raise ValueError(f"expected only {REMAINDER_CODE} without votes, found {empty}")
    remainder = tuple(national[c] - sum(v[i] for _, v in listed.values())
                      for i, c in enumerate(columns))
    if min(remainder) < 0:
        raise ValueError(f"the listed provinces exceed the national totals: {remainder}")
    out = []
    for fact in facts:
        if fact.code == REMAINDER_CODE:
            out.append(ProvinceVotes(fact.code, REMAINDER_LABEL, remainder, derived=True))
        else:
            name, votes = listed[fact.code]
            out.append(ProvinceVotes(fact.code, name, votes))
    return out


def allocate_capped(total: int, weights: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Split `total` whole units by the weights, none above its cap (water-filling)."""
    caps = np.asarray(caps, dtype=np.int64)
    if total > caps.sum():
        raise ValueError(f"{total} does not fit under caps summing to {caps.sum()}")
    values = np.zeros(len(caps), dtype=np.int64)
    weights = np.asarray(weights, dtype=float)
    while (rest := total - int(values.sum())) > 0:
        room = caps - values
        w = np.where(room > 0, weights, 0.0)
        if w.sum() <= 0:
            w = room.astype(float)
        values += np.minimum(allocate(rest, w), room)
    return values


def split_margins(rows: np.ndarray, target: np.ndarray, weights: np.ndarray,
                  rng: np.random.Generator) -> np.ndarray:
    """A (len(rows) × len(target)) table of whole numbers whose row sums are `rows` and column
    sums `target` exactly, drawn around the given weights per row (Σ rows must = Σ target)."""
    p = weights / weights.sum(axis=1, keepdims=True)
    for _ in range(20):  # iterative proportional fitting of the expected column sums
        expected = (rows[:, None] * p).sum(axis=0)
        p = p * np.where(expected > 0, target / np.maximum(expected, 1e-12), 1.0)
        p = p / p.sum(axis=1, keepdims=True)
    table = rng.multinomial(rows, p).astype(np.int64)
    while (diff := target - table.sum(axis=0)).any():
        source, sink = int(np.argmin(diff)), int(np.argmax(diff))
        count = min(-int(diff[source]), int(diff[sink]))
        holders = np.flatnonzero(table[:, source] > 0)
        pick = rng.choice(holders, size=min(count, len(holders)), replace=False)
        table[pick, source] -= 1
        table[pick, sink] += 1
    return table


def _group_index(keys: list[str]) -> np.ndarray:
    where: dict[str, int] = {}
    return np.array([where.setdefault(k, len(where)) for k in keys], dtype=np.int64)


@dataclass(frozen=True)
class SyntheticPresidential:
    """The synthetic country and one PPWP form per TPS (same TPS order)."""

    country: SyntheticCountry
    forms: FormArrays
    provinces: tuple[ProvinceVotes, ...]
    tps_province: np.ndarray  # index into `provinces`, per TPS

    def national_votes(self) -> dict[str, int]:
        totals = self.forms.votes.sum(axis=0)
        return {CANDIDATES[c]: int(v) for c, v in zip(CHOICES, totals)}


def synthetic_presidential(facts: list[ProvinceFact], provinces: list[ProvinceVotes], *,
                           tps: int = NATIONAL_TPS, seed: int = 2024,
                           max_voters: int = 300, rules: Rules = RULES,
                           abroad_dpt: int = ABROAD_DPT) -> SyntheticPresidential:
    """SYNTHETIC forms at `tps` TPS adding up exactly to every province's votes.

    The region tree and DPT per TPS come from `regions.synthetic.synthetic_country` with the
    same facts (the remainder province's DPT enlarged by the voters abroad, see the module
    docstring), so a `siaga synth` country built the same way holds the same TPS.
    """
    rng = np.random.default_rng(seed)
    by_code = {p.code: p for p in provinces}
    facts = [replace(f, dpt=f.dpt + abroad_dpt) if by_code[f.code].derived else f for f in facts]
    country = synthetic_country(facts, tps=tps, max_voters=max_voters, seed=seed)
    village = country.tps_village
    codes = country.village_codes
    province_codes = list(dict.fromkeys(c[:2] for c in codes))
    missing = sorted(set(by_code) - set(province_codes))
    if missing:
        raise ValueError(f"provinces without a synthetic TPS: {missing} (too few TPS)")
    tps_province = _group_index([c[:2] for c in codes])[village]
    kec = _group_index([c[:8] for c in codes])[village]
    kab = _group_index([c[:5] for c in codes])[village]
    n = len(village)
    dpt = (country.dpt_men + country.dpt_women).astype(np.int64)
    dptb = rng.poisson(MEAN_DPTB, n).astype(np.int64)
    dpk = rng.poisson(MEAN_DPK, n).astype(np.int64)
    received = ballots_expected_array(dpt, rules.reserve_pct)
    cap = np.minimum(dpt + dptb + dpk, received)
    voted = np.zeros(n, dtype=np.int64)
    invalid = np.zeros(n, dtype=np.int64)
    votes = np.zeros((n, len(CHOICES)), dtype=np.int64)
    # Turnout and preferences vary by kab/kota, kecamatan and TPS (invented spreads).
    turnout_effect = np.exp(rng.normal(0, 0.08, kab.max() + 1)[kab]
                            + rng.normal(0, 0.06, kec.max() + 1)[kec] + rng.normal(0, 0.05, n))
    preference = np.exp(rng.normal(0, 0.35, (kab.max() + 1, len(CHOICES)))[kab]
                        + rng.normal(0, 0.2, (kec.max() + 1, len(CHOICES)))[kec]
                        + rng.normal(0, 0.15, (n, len(CHOICES))))
    for index, code in enumerate(province_codes):
        rows = np.flatnonzero(tps_province == index)
        target = np.array(by_code[code].votes, dtype=np.int64)
        valid_total = int(target.sum())
        room = int(cap[rows].sum()) - valid_total
        if room < 0:
            raise ValueError(f"province {code}: {valid_total} valid votes "
                             f"do not fit its {len(rows)} synthetic TPS")
        invalid_total = min(round(INVALID_RATE * valid_total), room // 2)
        voted[rows] = allocate_capped(valid_total + invalid_total,
                                      cap[rows] * turnout_effect[rows], cap[rows])
        invalid[rows] = allocate_capped(invalid_total,
                                        voted[rows] * rng.lognormal(0, 0.5, len(rows)),
                                        voted[rows])
        votes[rows] = split_margins(voted[rows] - invalid[rows], target,
                                    target / valid_total * preference[rows], rng)
    valid = voted - invalid
    damaged = np.minimum(rng.poisson(MEAN_DAMAGED, n), received - voted)
    voted_dpk = np.minimum(dpk, voted)
    voted_dptb = np.minimum(dptb, voted - voted_dpk)
    forms = FormArrays(
        dpt=dpt, dptb=dptb, dpk=dpk, voted=voted, ballots_received=received,
        ballots_used=voted.copy(), ballots_unused=received - voted - damaged,
        ballots_damaged=damaged, valid=valid, invalid=invalid, votes=votes, choices=CHOICES,
        voted_dpt=voted - voted_dptb - voted_dpk, voted_dptb=voted_dptb, voted_dpk=voted_dpk,
    )
    return SyntheticPresidential(country=country, forms=forms,
                                 provinces=tuple(by_code[c] for c in province_codes),
                                 tps_province=tps_province)


def default_inputs() -> tuple[list[ProvinceFact], list[ProvinceVotes]]:
    """The published facts from the data files shipped with the regions app."""
    facts = read_province_facts()
    return facts, province_votes(read_rows("pilpres_2024_by_province.csv"), facts)
