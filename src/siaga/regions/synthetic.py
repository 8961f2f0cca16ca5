"""Synthetic TPS and regions (pure: numpy and matplotlib's point-in-polygon, no Django).

Everything made here is SYNTHETIC: counts are shaped to match published totals, never to
pretend they are the real per-TPS figures, which no source in data/ gives.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.path import Path

from siaga.regions.codes import tps_code
from siaga.regions.tps_table import TPSRecord

# Published national shape (DOMAIN.md, Pemilu 2024): used to size a synthetic country.
NATIONAL_TPS = 820_161
NATIONAL_KECAMATAN = 7_277
NATIONAL_DESA = 83_731


def time_zone_of_province(code: str) -> str:
    """WIB for Sumatra, Java, West and Central Kalimantan; WITA for Bali, Nusa Tenggara,
    South/East/North Kalimantan and Sulawesi; WIT for Maluku and Papua."""
    number = int(code[:2])
    if number in (51, 52, 53, 63, 64, 65) or 71 <= number <= 76:
        return "WITA"
    if number >= 81:
        return "WIT"
    return "WIB"


def allocate(total: int, weights, minimum: int = 0) -> np.ndarray:
    """Split `total` whole units over the weights (largest remainder), each at least `minimum`."""
    weights = np.asarray(weights, dtype=float)
    n = len(weights)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if total < minimum * n:
        raise ValueError(f"cannot give {n} parts at least {minimum} from {total}")
    rest = total - minimum * n
    share = weights / weights.sum() * rest if weights.sum() > 0 else np.full(n, rest / n)
    base = np.floor(share).astype(np.int64)
    remainder = rest - int(base.sum())
    if remainder:
        order = np.argsort(-(share - base), kind="stable")
        base[order[:remainder]] += 1
    return base + minimum


def split_capped(total: int, n: int, cap: int, rng: np.random.Generator,
                 spread: float = 0.18) -> np.ndarray:
    """`n` whole numbers around total/n (relative spread), summing to `total`, none above `cap`."""
    if total > n * cap:
        raise ValueError(f"{total} voters do not fit in {n} TPS of at most {cap}")
    mean = total / n
    draw = np.clip(rng.normal(mean, spread * mean, n), 0.35 * mean, cap)
    values = allocate(total, draw)
    # Water-fill whatever rounding pushed over the cap into the TPS with the most room.
    while (over := values > cap).any():
        excess = int((values[over] - cap).sum())
        values[over] = cap
        room = cap - values
        values += allocate(excess, room * (room > 0))
    return values


@dataclass(frozen=True)
class VillageShape:
    code: str
    name: str
    is_kelurahan: bool
    latitude: float
    longitude: float
    ring: list[tuple[float, float]] | None  # exterior ring as (lon, lat), None if unknown


def point_in_village(village: VillageShape, rng: np.random.Generator,
                     max_tries: int = 200) -> tuple[float, float]:
    """A random (lat, lon) inside the village polygon, drawn near its centroid."""
    if not village.ring:
        return (village.latitude + rng.normal(0, 0.005), village.longitude + rng.normal(0, 0.005))
    ring = np.asarray(village.ring)
    path = Path(ring)
    span = ring.max(axis=0) - ring.min(axis=0)
    for _ in range(max_tries):
        lon, lat = rng.normal([village.longitude, village.latitude], span / 6)
        if path.contains_point((lon, lat)):
            return (round(float(lat), 6), round(float(lon), 6))
    return (round(village.latitude, 6), round(village.longitude, 6))


def synthetic_regency_tps(villages: list[VillageShape], *, tps_count: int, dpt_total: int,
                          max_voters: int, seed: int) -> list[TPSRecord]:
    """TPS for a regency whose counts match the published totals; the rest is invented."""
    rng = np.random.default_rng(seed)
    # Towns (kelurahan) hold more voters; desa vary. Every village gets at least one TPS.
    weights = np.array([3.0 if v.is_kelurahan else rng.lognormal(0, 0.45) for v in villages])
    per_village = allocate(tps_count, weights, minimum=1)
    dpt = split_capped(dpt_total, tps_count, max_voters, rng)
    records, k = [], 0
    for village, count in zip(villages, per_village):
        for number in range(1, int(count) + 1):
            women = int(round(dpt[k] * rng.normal(0.497, 0.012)))
            lat, lon = point_in_village(village, rng)
            access = rng.choice(["darat", "sungai", "jalan_kaki"], p=[0.90, 0.07, 0.03])
            records.append(TPSRecord(
                village_code=village.code, number=number, dpt_men=int(dpt[k]) - women,
                dpt_women=women, address=f"Lokasi sintetis TPS {number:03d}, {village.name}",
                latitude=lat, longitude=lon, access=str(access),
                travel_notes="data sintetis" if access == "darat" else
                ("data sintetis: perahu/kelotok" if access == "sungai" else "data sintetis: jalan setapak"),
            ))
            k += 1
    return records


@dataclass(frozen=True)
class ProvinceFact:
    code: str
    name: str
    dpt: int
    tps: int | None  # None where no source gave it
    kabkota: int


@dataclass
class SyntheticCountry:
    regions: list[tuple[str, str, str, str | None]]  # (code, name, level, parent code)
    village_codes: list[str]  # one per desa, in the order tps_village indexes
    tps_village: np.ndarray  # index into village_codes, one per TPS
    tps_number: np.ndarray
    dpt_men: np.ndarray
    dpt_women: np.ndarray

    def tps_codes(self) -> list[str]:
        return [tps_code(self.village_codes[v], int(n))
                for v, n in zip(self.tps_village, self.tps_number)]


def province_tps_shares(provinces: list[ProvinceFact], national_tps: int = NATIONAL_TPS) -> np.ndarray:
    """Published TPS per province; the provinces without a figure share the rest by DPT."""
    known = np.array([p.tps or 0 for p in provinces], dtype=float)
    missing = np.array([p.tps is None for p in provinces])
    dpt = np.array([p.dpt for p in provinces], dtype=float)
    rest = national_tps - known.sum()
    known[missing] = rest * dpt[missing] / dpt[missing].sum()
    return known


def synthetic_country(provinces: list[ProvinceFact], *, tps: int, max_voters: int,
                      seed: int) -> SyntheticCountry:
    """A country of `tps` TPS spread over the given provinces in their published proportions.

    Regency, kecamatan and desa are invented (codes below each real province code, names
    saying 'Sintetis'); DPT per province is the published DPT scaled to the TPS count.
    """
    rng = np.random.default_rng(seed)
    shares = province_tps_shares(provinces)
    tps_per_province = allocate(tps, shares, minimum=1 if tps >= len(provinces) else 0)
    regions: list[tuple[str, str, str, str | None]] = []
    village_codes: list[str] = []
    tps_village, tps_number, men, women = [], [], [], []
    for index, (province, n_tps) in enumerate(zip(provinces, tps_per_province)):
        if n_tps == 0:
            continue
        regions.append((province.code, province.name, "provinsi", None))
        n_desa = max(1, min(int(n_tps), round(NATIONAL_DESA * n_tps / NATIONAL_TPS)))
        n_kec = max(1, min(n_desa, round(NATIONAL_KECAMATAN * n_tps / NATIONAL_TPS)))
        # Two-digit codes: at most 99 regencies, and 99 kecamatan in each.
        n_kab = min(99, max(min(n_kec, province.kabkota), -(-n_kec // 99)))
        kec_per_kab = allocate(n_kec, np.ones(n_kab), minimum=1)
        desa_per_kec = allocate(n_desa, rng.lognormal(0, 0.3, n_kec), minimum=1)
        tps_per_desa = allocate(int(n_tps), rng.lognormal(0, 0.4, n_desa), minimum=1)
        # DPT: the province's published mean per TPS, never above the maximum.
        mean = min(province.dpt / shares[index], max_voters * 0.9)
        dpt = split_capped(int(round(mean * n_tps)), int(n_tps), max_voters, rng)
        kec_index = desa_index = 0
        for kab in range(1, n_kab + 1):
            kab_code = f"{province.code}.{kab:02d}"
            regions.append((kab_code, f"Kabupaten Sintetis {kab_code}", "kabkota", province.code))
            for kec in range(1, int(kec_per_kab[kab - 1]) + 1):
                kec_code = f"{kab_code}.{kec:02d}"
                regions.append((kec_code, f"Kecamatan Sintetis {kec_code}", "kecamatan", kab_code))
                for desa in range(1, int(desa_per_kec[kec_index]) + 1):
                    desa_code = f"{kec_code}.{2000 + desa:04d}"
                    regions.append((desa_code, f"Desa Sintetis {desa_code}", "desa", kec_code))
                    count = int(tps_per_desa[desa_index])
                    tps_village.extend([len(village_codes)] * count)
                    tps_number.extend(range(1, count + 1))
                    village_codes.append(desa_code)
                    desa_index += 1
                kec_index += 1
        w = np.rint(dpt * rng.normal(0.497, 0.012, len(dpt))).astype(np.int64)
        women.append(w)
        men.append(dpt - w)
    return SyntheticCountry(
        regions=regions, village_codes=village_codes,
        tps_village=np.asarray(tps_village, dtype=np.int64),
        tps_number=np.asarray(tps_number, dtype=np.int64),
        dpt_men=np.concatenate(men), dpt_women=np.concatenate(women),
    )
