"""Results roll-up: totals per region level, kept current one form at a time (pure numpy).

The regions come from the TPS codes (`62.13.01.2003-003` lies in desa `62.13.01.2003`,
kecamatan `62.13.01`, kab/kota `62.13`, province `62`, and the nation, code ``""``, the prefix
of every code). Every region of every level is one *node*, numbered level after level, and
every TPS has a *path*: its five nodes, desa to nation.

A node holds, per value column (votes per candidate, or whatever the caller rolls up), the sum
over its TPS whose form is ACCEPTED, and the number of its TPS that are accepted and flagged;
`missing` = expected − accepted (a flagged form is missing until it is corrected). Forms that
are FLAGGED or absent add nothing to the totals.

`Rollup.build` sums everything from scratch (one grouped sum per level); `Rollup.apply` moves
one TPS from its old row to its new row by adding the difference to the five nodes of its
path: O(levels), whatever the size of the country.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LEVELS = ("desa", "kecamatan", "kabkota", "provinsi", "nasional")
PREFIX_WIDTHS = (8, 5, 2)  # kecamatan 62.13.01, kab/kota 62.13, province 62
NATION = ""

NO_FORM, ACCEPTED, FLAGGED = 0, 1, 2

_DESA = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
_TPS = re.compile(r"^(\d{2}\.\d{2}\.\d{2}\.\d{4})-\d{3}$")


@dataclass(frozen=True)
class Hierarchy:
    """Regions of every level as integer parent arrays, and each TPS's path to the nation."""

    codes: tuple[tuple[str, ...], ...]  # per level, the region codes
    parents: tuple[np.ndarray, ...]  # per level but the last: index of the parent one level up
    tps_desa: np.ndarray  # per TPS: index of its desa
    paths: np.ndarray  # (TPS × levels) node numbers, desa first
    offsets: np.ndarray  # node number of each level's first region; offsets[-1] = node count

    @classmethod
    def from_tps_codes(cls, tps_codes: Sequence[str]) -> "Hierarchy":
        """From canonical TPS codes (`62.13.01.2003-003`), each listed once."""
        index: dict[str, int] = {}
        desa = np.empty(len(tps_codes), dtype=np.int64)
        for i, code in enumerate(tps_codes):
            match = _TPS.match(code)
            if match is None:
                raise ValueError(f"not a canonical TPS code: {code!r}")
            desa[i] = index.setdefault(match.group(1), len(index))
        if len(set(tps_codes)) != len(tps_codes):
            raise ValueError("a TPS code is listed twice")
        return cls.from_villages(list(index), desa)

    @classmethod
    def from_villages(cls, village_codes: Sequence[str], tps_village: np.ndarray) -> "Hierarchy":
        """From the desa codes and, per TPS, the index of its desa in `village_codes`."""
        bad = [c for c in village_codes if not _DESA.match(c)]
        if bad:
            raise ValueError(f"not desa codes: {bad[:5]}")
        # Regions of every level sorted by code, so children of one parent are contiguous.
        desa_codes = sorted(village_codes)
        rank = {code: i for i, code in enumerate(desa_codes)}
        reorder = np.array([rank[c] for c in village_codes], dtype=np.int64)
        tps_desa = reorder[np.asarray(tps_village, dtype=np.int64)]
        codes, parents, current = [tuple(desa_codes)], [], desa_codes
        for width in PREFIX_WIDTHS:
            prefixes = [c[:width] for c in current]
            upper = sorted(set(prefixes))
            where = {code: i for i, code in enumerate(upper)}
            parents.append(np.array([where[p] for p in prefixes], dtype=np.int64))
            codes.append(tuple(upper))
            current = upper
        parents.append(np.zeros(len(current), dtype=np.int64))
        codes.append((NATION,))
        sizes = [len(level) for level in codes]
        offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        paths = np.empty((len(tps_desa), len(LEVELS)), dtype=np.int64)
        node = tps_desa
        for level in range(len(LEVELS)):
            paths[:, level] = offsets[level] + node
            if level < len(parents):
                node = parents[level][node]
        return cls(codes=tuple(codes), parents=tuple(parents),
                   tps_desa=tps_desa, paths=paths, offsets=offsets)

    @property
    def tps_count(self) -> int:
        return len(self.tps_desa)

    @property
    def node_count(self) -> int:
        return int(self.offsets[-1])

    def size(self, level: str) -> int:
        i = LEVELS.index(level)
        return int(self.offsets[i + 1] - self.offsets[i])

    def index(self, level: str, code: str) -> int:
        return self.codes[LEVELS.index(level)].index(code)


@dataclass(frozen=True)
class Row:
    """What one TPS adds: its form's status and, when ACCEPTED, the numbers to roll up."""

    status: int = NO_FORM
    values: tuple[int, ...] = ()


@dataclass(frozen=True)
class LevelTotals:
    level: str
    codes: tuple[str, ...]
    values: np.ndarray  # (regions × columns) sums over accepted forms
    accepted: np.ndarray
    flagged: np.ndarray
    expected: np.ndarray

    @property
    def missing(self) -> np.ndarray:
        """Expected TPS without an accepted form (flagged ones included)."""
        return self.expected - self.accepted


def _sorted_sum(table: np.ndarray, parent: np.ndarray, size: int) -> np.ndarray:
    """Group sums when `parent` never decreases and no group is empty (regions sorted by code)."""
    if len(parent) == 0:
        return np.zeros((size, table.shape[1]), dtype=table.dtype)
    starts = np.flatnonzero(np.r_[True, parent[1:] != parent[:-1]])
    return np.add.reduceat(table, starts, axis=0)


@dataclass
class Rollup:
    """Totals per node: value columns of accepted forms, then the accepted and flagged counts."""

    hierarchy: Hierarchy
    columns: tuple[str, ...]
    table: np.ndarray  # (nodes × (columns + 2)) int64
    expected: np.ndarray  # (nodes,) TPS expected below each node

    @classmethod
    def build(cls, hierarchy: Hierarchy, values: np.ndarray, status: np.ndarray,
              columns: Sequence[str] | None = None) -> "Rollup":
        """Sum every level from scratch. `values` is (TPS × columns), `status` one of NO_FORM,
        ACCEPTED, FLAGGED per TPS (in the TPS order of the hierarchy)."""
        values = np.asarray(values)
        k = values.shape[1]
        accepted = status == ACCEPTED
        h = hierarchy
        desa = np.empty((h.size("desa"), k + 3), dtype=np.int64)
        for j in range(k):
            desa[:, j] = np.bincount(h.tps_desa, weights=np.where(accepted, values[:, j], 0),
                                     minlength=len(desa))
        desa[:, k] = np.bincount(h.tps_desa[accepted], minlength=len(desa))
        desa[:, k + 1] = np.bincount(h.tps_desa[status == FLAGGED], minlength=len(desa))
        desa[:, k + 2] = np.bincount(h.tps_desa, minlength=len(desa))
        levels = [desa]
        for level, parent in enumerate(h.parents[:-1]):
            levels.append(_sorted_sum(levels[-1], parent, h.size(LEVELS[level + 1])))
        levels.append(levels[-1].sum(axis=0, keepdims=True))
        full = np.concatenate(levels)
        return cls(hierarchy=h, columns=tuple(columns or (str(j) for j in range(k))),
                   table=np.ascontiguousarray(full[:, :k + 2]), expected=full[:, k + 2].copy())

    def _vector(self, row: Row) -> np.ndarray:
        k = len(self.columns)
        vector = np.zeros(k + 2, dtype=np.int64)
        if row.status == ACCEPTED:
            if len(row.values) != k:
                raise ValueError(f"an accepted row needs {k} values, got {len(row.values)}")
            vector[:k] = row.values
            vector[k] = 1
        elif row.status == FLAGGED:
            vector[k + 1] = 1
        return vector

    def apply(self, tps_index: int, old_row: Row, new_row: Row) -> None:
        """TPS `tps_index` goes from `old_row` (what was applied before: the stored row, read in
        the same transaction) to `new_row`: every level on its path changes by the difference."""
        self.table[self.hierarchy.paths[tps_index]] += self._vector(new_row) - self._vector(old_row)

    def level(self, name: str) -> LevelTotals:
        i = LEVELS.index(name)
        part = slice(self.hierarchy.offsets[i], self.hierarchy.offsets[i + 1])
        k = len(self.columns)
        return LevelTotals(level=name, codes=self.hierarchy.codes[i],
                           values=self.table[part, :k], accepted=self.table[part, k],
                           flagged=self.table[part, k + 1], expected=self.expected[part])

    def national(self) -> dict[str, int]:
        """The nation's totals per column."""
        return dict(zip(self.columns, (int(v) for v in self.table[-1, :len(self.columns)])))
