"""Polling-day reports calibrate the simulation: the reported voting close and counting end
of each TPS are fitted by `simulation/calibrate.py` (pure) to the same TPS's inputs."""

import numpy as np

from siaga.operations.models import FieldReport
from siaga.operations.reports import minutes_of
from siaga.regions.models import Election, Region
from siaga.simulation import runs
from siaga.simulation.calibrate import Calibration, calibrate


def observed(election: Election, region: Region) -> dict[str, dict[str, float]]:
    """Per TPS, the latest reported voting close and counting end (hours after 00:00 of
    polling day; a counting end after midnight is above 24)."""
    found: dict[str, dict[str, float]] = {}
    tz = region.zoneinfo
    for code, kind, at in (FieldReport.objects.filter(
            election=election, tps__code__startswith=region.code,
            kind__in=["TUTUP", "SUARA_SELESAI"]).order_by("at")
            .values_list("tps__code", "kind", "at")):
        found.setdefault(code, {})[kind] = minutes_of(election, tz, at) / 60
    return found


def calibrate_region(election: Election, region: Region, *, replications: int = 20
                     ) -> tuple[Calibration | None, int]:
    """The fitted factors and how many TPS reported a counting end (None when none did)."""
    times = observed(election, region)
    loaded = runs.load_inputs(region, election)
    index = [i for i, code in enumerate(loaded.codes) if "SUARA_SELESAI" in times.get(code, {})]
    if not index:
        return None, 0
    chosen = [loaded.codes[i] for i in index]
    end = np.array([times[c]["SUARA_SELESAI"] for c in chosen])
    close = np.array([times[c].get("TUTUP", np.nan) for c in chosen])
    result = calibrate(loaded.inputs.take(np.array(index)), counting_end=end, voting_close=close,
                       params=runs.params_for(election), replications=replications)
    return result, len(index)
