"""A per-process memo with a time limit, for lookups that every field report repeats (its
device token, its TPS) and that change rarely. Entries live `seconds`; nothing else expires
them, so a revoked token or a moved TPS is seen at the latest `seconds` later."""

import time
from collections import OrderedDict


class ShortCache:
    def __init__(self, seconds: float, size: int = 4096):
        self.seconds, self.size = seconds, size
        self._items: OrderedDict = OrderedDict()

    def get(self, key, load):
        """The cached value of `key`, or `load()` (cached unless it is None)."""
        now = time.monotonic()
        hit = self._items.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = load()
        if value is not None:
            self.put(key, value)
        return value

    def put(self, key, value) -> None:
        self._items[key] = (time.monotonic() + self.seconds, value)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __contains__(self, key) -> bool:
        hit = self._items.get(key)
        return hit is not None and hit[0] > time.monotonic()

    def clear(self) -> None:
        self._items.clear()
