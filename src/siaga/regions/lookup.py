"""TPS by code for the field's APIs: every report and form names its TPS, and a TPS's
neighbours report at the same time, so a miss loads the whole kecamatan into a per-process
cache (one query per kecamatan every few minutes, not one per request)."""

from siaga.regions.models import TPS
from siaga.shortcache import ShortCache


class TpsLookup:
    def __init__(self, seconds: float = 300, size: int = 50_000):
        self.cache = ShortCache(seconds=seconds, size=size)

    def get(self, code: str, election: str | None = None, kind: str | None = None):
        """The TPS with this code in the election named by its slug, or else in the latest
        election that has it (and has a contest of `kind`, when given); None if none has."""
        hit = self.cache.get((code, election, kind), lambda: None)
        if hit is not None:
            return hit
        found = TPS.objects.select_related("village", "election").filter(
            code__startswith=code[:8])
        if election:
            found = found.filter(election__slug=election)
        elif kind:
            found = found.filter(election__contests__kind=kind)
        wanted = None
        for tps in found.order_by("code", "-election__polling_date"):
            other = (tps.code, election, kind)
            if other not in self.cache:  # the first of a code is its latest election
                self.cache.put(other, tps)
                wanted = tps if tps.code == code else wanted
        return wanted

    def clear(self) -> None:
        self.cache.clear()
