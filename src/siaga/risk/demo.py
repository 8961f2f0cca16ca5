"""Synthetic kerawanan for the demo regency, shaped to what the Kapolres reported in Dec 2023:
20 TPS rawan because of blank spots, damaged roads and river routes (kalteng.antaranews 674916).
Which TPS they are is invented; every assessment says so in its note."""

import datetime

from siaga.regions.models import TPS
from siaga.risk.models import Assessment

NOTE = "data sintetis: 20 TPS rawan sesuai keterangan Kapolres (berita), TPS-nya dipilih acak"


def load_demo_assessments(election, regency_code: str = "62.13", count: int = 20) -> int:
    if Assessment.objects.filter(tps__election=election, tps__code__startswith=regency_code).exists():
        return 0
    # River and footpath TPS first (the reported causes), then the largest ones.
    tps = list(TPS.objects.filter(election=election, code__startswith=regency_code, is_synthetic=True)
               .exclude(access="darat").order_by("code")[:count])
    if len(tps) < count:
        tps += list(TPS.objects.filter(election=election, code__startswith=regency_code, access="darat")
                    .order_by("-dpt_men")[: count - len(tps)])
    for t in tps:
        # LK1 hard to reach + LI2 no internet signal: rawan under the default grading.
        Assessment.objects.create(tps=t, source=Assessment.Source.POLRES, indicators=["LI2", "LK1"],
                                  note=NOTE, assessed_on=datetime.date(2023, 12, 20))
    return len(tps)
