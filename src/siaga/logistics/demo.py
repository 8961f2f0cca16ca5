"""Synthetic warehouse and fleet for the demo regency. Every vehicle and the warehouse's
position are invented (marked synthetic): the KPU warehouse is assumed in Tamiang Layang,
the regency seat in kecamatan Dusun Timur, at that kecamatan's centroid."""

import math

from siaga.logistics.models import Vehicle, Warehouse
from siaga.regions.models import TPS, Election, Level, Region


def load_demo_logistics(election: Election, regency_code: str = "62.13") -> int:
    regency = Region.objects.get(code=regency_code)
    if Warehouse.objects.filter(election=election, region=regency).exists():
        return 0
    seat = Region.objects.get(code=f"{regency_code}.01")
    Warehouse.objects.create(election=election, region=regency, is_synthetic=True,
                             name="Gudang KPU Barito Timur (sintetis)",
                             latitude=seat.latitude, longitude=seat.longitude)
    access: dict[str, set[str]] = {}
    tps_count: dict[str, int] = {}
    for code, kind in (TPS.objects.filter(election=election, code__startswith=regency_code)
                       .values_list("code", "access")):
        access.setdefault(code[:8], set()).add(kind)
        access.setdefault(code.split("-")[0], set()).add(kind)
        tps_count[code[:8]] = tps_count.get(code[:8], 0) + 1

    def vehicle(depot, name, mode, count, volume_l, weight_kg, trips):
        return Vehicle(election=election, depot=depot, name=f"{name} (sintetis)", mode=mode,
                       count=count, volume_l=volume_l, weight_kg=weight_kg, max_trips=trips,
                       is_synthetic=True)

    # Sizes: a 6-wheel box truck ~20 m³ / 6 t; a pickup bed ~3 m³ / 1 t; a river longboat
    # (klotok) ~2.5 m³ / 1 t; a porter ~40 l / 25 kg. Assumptions, replace with the real fleet.
    fleet = [vehicle(regency, "Truk boks KPU", "truck", 6, 20_000, 6_000, 3)]
    for kec in Region.objects.filter(parent=regency, level=Level.KECAMATAN).order_by("code"):
        # Enough pickups for the kecamatan's packages (~550 l per TPS) in four trips each.
        pickups = 2 + math.ceil(tps_count.get(kec.code, 0) * 550 / (3_000 * 4))
        fleet.append(vehicle(kec, f"Pickup PPK {kec.name}", "pickup", pickups, 3_000, 1_000, 4))
        if access.get(kec.code, set()) & {"sungai"}:
            fleet.append(vehicle(kec, f"Klotok PPK {kec.name}", "boat", 1, 2_500, 1_000, 3))
    for desa in Region.objects.within(regency).filter(level=Level.DESA).order_by("code"):
        kinds = access.get(desa.code, set())
        if not kinds:
            continue
        if kinds & {"darat"}:
            fleet.append(vehicle(desa, f"Pickup PPS {desa.name}", "pickup", 1, 3_000, 1_000, 4))
        if kinds & {"sungai"}:
            fleet.append(vehicle(desa, f"Klotok PPS {desa.name}", "boat", 1, 2_500, 1_000, 4))
        if kinds & {"jalan_kaki"}:
            fleet.append(vehicle(desa, f"Porter PPS {desa.name}", "foot", 12, 40, 25, 3))
    Vehicle.objects.bulk_create(fleet)
    return len(fleet)
