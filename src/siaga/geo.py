"""Distances on the earth (pure numpy): the one great-circle formula the cores share."""

import numpy as np

EARTH_KM = 6371.0088  # mean radius (IUGG)


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (km) between points in degrees; numpy arrays broadcast, NaN in →
    NaN out."""
    with np.errstate(invalid="ignore"):
        la1, lo1, la2, lo2 = (np.radians(np.asarray(v, dtype=float))
                              for v in (lat1, lon1, lat2, lon2))
        h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
        return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
