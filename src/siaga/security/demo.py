"""Synthetic security personnel for the demo regency, in the numbers the Kapolres reported
(197 Polri + 70 TNI + 702 Linmas; kalteng.antaranews 674916). Every name is invented."""

import numpy as np

from siaga.regions.models import TPS, Region
from siaga.security.models import Personnel


def load_demo_personnel(election, regency_code: str = "62.13") -> int:
    if Personnel.objects.filter(region__code__startswith=regency_code).exists():
        return 0
    regency = Region.objects.get(code=regency_code)
    people = [Personnel(name=f"Personel Polri {i:03d} (sintetis)", kind="polri",
                        unit="Polres Barito Timur", region=regency, is_synthetic=True)
              for i in range(1, 198)]
    people += [Personnel(name=f"Personel TNI {i:03d} (sintetis)", kind="tni",
                         unit="Kodim (wilayah Barito Timur)", region=regency, is_synthetic=True)
               for i in range(1, 71)]
    # Linmas stand in their own desa: 702 shared over the desa by their TPS.
    desa = list(Region.objects.filter(code__startswith=regency_code, level="desa").order_by("code"))
    tps = np.array([TPS.objects.filter(election=election, village=d).count() for d in desa], float)
    share = np.floor(702 * tps / tps.sum()).astype(int)
    share[np.argsort(-tps, kind="stable")[: 702 - share.sum()]] += 1
    for village, n in zip(desa, share, strict=True):
        people += [Personnel(name=f"Linmas {village.name} {i:02d} (sintetis)", kind="linmas",
                             unit=f"Satlinmas {village.name}", region=village, is_synthetic=True)
                   for i in range(1, n + 1)]
    Personnel.objects.bulk_create(people)
    return len(people)
