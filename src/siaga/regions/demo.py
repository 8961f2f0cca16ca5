"""The demo regency (Kabupaten Barito Timur) and the synthetic country, written to the database.

Regions, codes, names and boundaries are the published ones from data/; the TPS are synthetic
(marked so), shaped to the published totals: 387 TPS and DPT 81,100 for Pemilu 2024.
"""

import csv
import datetime
import json
from pathlib import Path

import numpy as np
from django.db import transaction

from siaga.regions.models import TPS, Contest, Dapil, Election, Level, Region
from siaga.regions.synthetic import (
    ProvinceFact,
    VillageShape,
    synthetic_country,
    synthetic_regency_tps,
    time_zone_of_province,
)

DATA = Path(__file__).resolve().parent / "data"
REGENCY_CODE = "62.13"
DEMO_TPS = 387  # KPU Bartim, Pemilu 2024 (DOMAIN.md)
DEMO_DPT = 81_100  # KPU Bartim, Pemilu 2024 (DOMAIN.md)
DEMO_SEED = 2024

PEMILU_CONTESTS = ["PPWP", "DPR", "DPD", "DPRD_PROV", "DPRD_KAB"]
PILKADA_CONTESTS = ["GUBERNUR", "BUPATI"]


def read_csv(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_geojson(name: str) -> dict[str, dict]:
    features = json.loads((DATA / name).read_text())["features"]
    return {f["properties"]["code"]: f["geometry"] for f in features}


def province_facts() -> list[ProvinceFact]:
    return [
        ProvinceFact(code=row["kemendagri_code"], name=row["province"], dpt=int(row["dpt_2024"]),
                     tps=int(row["tps_2024"]) if row["tps_2024"] else None,
                     kabkota=int(row["kabkota_count"]))
        for row in read_csv("indonesia_provinces_2024.csv")
    ]


def load_provinces() -> dict[str, Region]:
    existing = {r.code: r for r in Region.objects.filter(level=Level.PROVINSI)}
    for fact in province_facts():
        if fact.code not in existing:
            existing[fact.code] = Region.objects.create(
                code=fact.code, name=fact.name, level=Level.PROVINSI,
                timezone=time_zone_of_province(fact.code))
    return existing


def load_barito_timur() -> Region:
    """Kalimantan Tengah's kab/kota, and Barito Timur down to every desa with boundaries."""
    provinces = load_provinces()
    kalteng = provinces["62"]
    for row in read_csv("kalteng_kabkota_2024.csv"):
        Region.objects.get_or_create(code=row["kemendagri_code"], defaults=dict(
            name=row["kabkota"], level=Level.KABKOTA, parent=kalteng, timezone="WIB"))
    regency = Region.objects.get(code=REGENCY_CODE)
    regency.boundary = read_geojson("barito_timur_kabupaten.geojson")[REGENCY_CODE]
    regency.save()
    kec_shapes = read_geojson("barito_timur_kecamatan.geojson")
    kecamatan = {}
    for row in read_csv("barito_timur_kecamatan.csv"):
        code = row["kemendagri_code"]
        kecamatan[row["kecamatan"]], _ = Region.objects.update_or_create(code=code, defaults=dict(
            name=row["kecamatan"], level=Level.KECAMATAN, parent=regency, timezone="WIB",
            latitude=float(row["latitude"]), longitude=float(row["longitude"]),
            boundary=kec_shapes.get(code)))
    desa_shapes = read_geojson("barito_timur_desa.geojson")
    for row in read_csv("barito_timur_villages_coords.csv"):
        code = row["kemendagri_code"]
        Region.objects.update_or_create(code=code, defaults=dict(
            name=row["desa_or_kelurahan"], level=Level.DESA, parent=kecamatan[row["kecamatan"]],
            is_kelurahan=row["type"] == "kelurahan", timezone="WIB",
            latitude=float(row["latitude"]), longitude=float(row["longitude"]),
            boundary=desa_shapes.get(code)))
    return regency


def ensure_pemilu_2024() -> Election:
    election, _ = Election.objects.get_or_create(slug="pemilu-2024", defaults=dict(
        name="Pemilu 2024", kind=Election.Kind.PEMILU, polling_date=datetime.date(2024, 2, 14),
        voting_opens=datetime.time(7), voting_closes=datetime.time(13), max_voters_per_tps=300,
        ballot_reserve_pct=2, psu_ballots_per_dapil=1000,
        items_per_tps={"kotak_suara": 5, "bilik_suara": 4, "tinta": 2}))
    return election


def load_elections(regency: Region) -> tuple[Election, Election]:
    kalteng = regency.parent
    pemilu = ensure_pemilu_2024()
    pilkada, _ = Election.objects.get_or_create(slug="pilkada-2024", defaults=dict(
        name="Pilkada 2024", kind=Election.Kind.PILKADA, polling_date=datetime.date(2024, 11, 27),
        voting_opens=datetime.time(7), voting_closes=datetime.time(13), max_voters_per_tps=600,
        ballot_reserve_pct=2, psu_ballots_per_dapil=1000, region=kalteng,
        # Assumption (no source in DOMAIN.md): one box per contest, booths and ink as in 2024.
        items_per_tps={"kotak_suara": 2, "bilik_suara": 4, "tinta": 2}))
    kecamatan = list(Region.objects.filter(parent=regency).order_by("code"))
    provinces = list(Region.objects.filter(level=Level.PROVINSI))
    # Whole-region dapils are as the law draws them; DPRD dapils inside the regency are not in
    # data/, so the demo invents them and marks them synthetic.
    dapils = {
        "PPWP": [("INDONESIA", "Indonesia", provinces, False)],
        "DPR": [("KALTENG", "Kalimantan Tengah", [kalteng], False)],
        "DPD": [("KALTENG", "Kalimantan Tengah", [kalteng], False)],
        "DPRD_PROV": [("KALTENG-BARTIM", "Dapil DPRD Provinsi yang memuat Barito Timur (sintetis)",
                       [regency], True)],
        "DPRD_KAB": [(f"BARTIM-{i + 1}", f"Barito Timur {i + 1} (sintetis)", group, True)
                     for i, group in enumerate(np.array_split(np.array(kecamatan, dtype=object), 4))],
        "GUBERNUR": [("KALTENG", "Kalimantan Tengah", [kalteng], False)],
        "BUPATI": [("BARTIM", "Barito Timur", [regency], False)],
    }
    for election, kinds in ((pemilu, PEMILU_CONTESTS), (pilkada, PILKADA_CONTESTS)):
        for order, kind in enumerate(kinds, start=1):
            contest, _ = Contest.objects.get_or_create(election=election, kind=kind,
                                                       defaults={"order": order})
            for code, name, regions, synthetic in dapils[kind]:
                dapil, created = Dapil.objects.get_or_create(
                    contest=contest, code=code, defaults={"name": name, "is_synthetic": synthetic})
                if created:
                    dapil.regions.set(list(regions))
    return pemilu, pilkada


def load_demo_tps(regency: Region, election: Election) -> int:
    """387 synthetic TPS for Pemilu 2024 (DPT 81,100, none above the election's maximum)."""
    if TPS.objects.filter(election=election, code__startswith=regency.code).exists():
        return 0
    villages = [
        VillageShape(code=r.code, name=r.name, is_kelurahan=r.is_kelurahan, latitude=r.latitude,
                     longitude=r.longitude,
                     ring=[tuple(p) for p in r.boundary["coordinates"][0]] if r.boundary else None)
        for r in Region.objects.within(regency).filter(level=Level.DESA).order_by("code")
    ]
    records = synthetic_regency_tps(villages, tps_count=DEMO_TPS, dpt_total=DEMO_DPT,
                                    max_voters=election.max_voters_per_tps, seed=DEMO_SEED)
    ids = {r.code: r.pk for r in Region.objects.filter(code__in={v.code for v in villages})}
    TPS.objects.bulk_create([
        TPS(election=election, village_id=ids[r.village_code], number=r.number, code=r.code,
            dpt_men=r.dpt_men, dpt_women=r.dpt_women, address=r.address, latitude=r.latitude,
            longitude=r.longitude, access=r.access, travel_notes=r.travel_notes, is_synthetic=True)
        for r in records
    ])
    return len(records)


@transaction.atomic
def load_demo() -> dict:
    regency = load_barito_timur()
    pemilu, pilkada = load_elections(regency)
    created = load_demo_tps(regency, pemilu)
    return {"regency": regency, "pemilu": pemilu, "pilkada": pilkada, "tps_created": created}


def load_synthetic_country(*, tps: int, seed: int, election: Election, province: str = "",
                           progress=lambda message: None) -> int:
    """Write a synthetic country (or one province of it) with `tps` TPS. Returns TPS written."""
    facts = [f for f in province_facts() if not province or f.code == province]
    country = synthetic_country(facts, tps=tps, max_voters=election.max_voters_per_tps, seed=seed)
    real_below_province = Region.objects.filter(
        code__in=[c for c, _, level, _ in country.regions if level != "provinsi"], is_synthetic=False)
    if real_below_province.exists():
        raise ValueError(
            "Synthetic regions would collide with real ones (%s); use an empty database "
            "(SIAGA_DATABASE_URL or SIAGA_VAR_DIR)." % real_below_province.first().code)
    with transaction.atomic():
        load_provinces()
        ids = {r.code: r.pk for r in Region.objects.filter(level=Level.PROVINSI)}
        zones = {c: time_zone_of_province(c) for c in ids}
        for level in ("kabkota", "kecamatan", "desa"):
            rows = [r for r in country.regions if r[2] == level]
            Region.objects.bulk_create(
                [Region(code=code, name=name, level=level, parent_id=ids[parent],
                        timezone=zones[code[:2]], is_synthetic=True)
                 for code, name, _, parent in rows],
                batch_size=5000, ignore_conflicts=True)
            ids.update(Region.objects.filter(level=level, code__in=[r[0] for r in rows])
                       .values_list("code", "id"))
            progress(f"{level}: {len(rows)}")
        village_ids = np.array([ids[c] for c in country.village_codes])
        codes = country.tps_codes()
        batch = 20_000
        for start in range(0, len(codes), batch):
            stop = min(start + batch, len(codes))
            TPS.objects.bulk_create([
                TPS(election=election, village_id=int(village_ids[country.tps_village[i]]),
                    number=int(country.tps_number[i]), code=codes[i],
                    dpt_men=int(country.dpt_men[i]), dpt_women=int(country.dpt_women[i]),
                    is_synthetic=True, travel_notes="data sintetis")
                for i in range(start, stop)
            ], batch_size=batch)
            progress(f"TPS: {stop}/{len(codes)}")
    return len(codes)
