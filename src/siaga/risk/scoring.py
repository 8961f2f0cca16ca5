"""Our grade per TPS and Bawaslu-style summaries per area (pure: numpy, no Django).

Grade rule: score = Σ weight of the indicators that hold; the TPS is *sangat rawan* when the
score reaches `sangat_rawan_at`, *rawan* when it reaches `rawan_at`, otherwise *kurang rawan*.
Weights are non-negative, so adding an indicator never lowers a grade. Weights are kept in
hundredths as integers, so a score equal to a threshold is graded the same on every machine
(0.1 + 0.2 is not 0.3 in floating point).

Indicators are a boolean matrix: one row per TPS, one column per indicator of the catalogue,
in catalogue order. 820,161 TPS x 26 indicators grade in about 0.1 s.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from siaga import problems
from siaga.problems import gettext_noop
from siaga.risk.catalogue import Catalogue

KURANG_RAWAN, RAWAN, SANGAT_RAWAN = 0, 1, 2
GRADES = ("kurang_rawan", "rawan", "sangat_rawan")
GRADE_NAMES = ("Kurang rawan", "Rawan", "Sangat rawan")
LEVEL_PREFIX = {"provinsi": 2, "kabkota": 5, "kecamatan": 8, "desa": 13}

MESSAGES = {
    "negative_weight": gettext_noop("The weight of %(indicator)s is negative (%(weight)s)."),
    "unknown_indicator": gettext_noop("%(indicator)s is not an indicator of this catalogue."),
    "bad_thresholds": gettext_noop(
        "The rawan threshold (%(rawan)s) must be above 0 and below the sangat rawan threshold "
        "(%(sangat_rawan)s)."
    ),
}


class Problem(problems.Problem):
    messages = MESSAGES


@dataclass(frozen=True)
class Grading:
    """Weights and thresholds. `weights` overrides the catalogue's defaults by code."""

    catalogue: Catalogue
    weights: Mapping[str, float] = field(default_factory=dict)
    rawan_at: float = 3.0
    sangat_rawan_at: float = 6.0

    def weight_vector(self) -> np.ndarray:
        """Weights in catalogue order, in hundredths (int64)."""
        return np.array([round(100 * float(self.weights.get(i.code, i.weight)))
                         for i in self.catalogue.indicators], dtype=np.int64)

    def thresholds(self) -> tuple[int, int]:
        return round(100 * self.rawan_at), round(100 * self.sangat_rawan_at)


def check_grading(grading: Grading) -> list[Problem]:
    """Everything wrong with a grading the user configured; [] when it can be used."""
    found = []
    for code, weight in grading.weights.items():
        if code not in grading.catalogue.codes:
            found.append(Problem("unknown_indicator", {"indicator": code}))
        elif weight < 0:
            found.append(Problem("negative_weight", {"indicator": code, "weight": weight}))
    if not 0 < grading.rawan_at < grading.sangat_rawan_at:
        found.append(Problem("bad_thresholds", {"rawan": grading.rawan_at,
                                                "sangat_rawan": grading.sangat_rawan_at}))
    return found


@dataclass(frozen=True)
class Grades:
    scores: np.ndarray  # float64 per TPS (the weighted sum)
    grades: np.ndarray  # int8 per TPS: KURANG_RAWAN, RAWAN or SANGAT_RAWAN

    def counts(self) -> dict[str, int]:
        counted = np.bincount(self.grades, minlength=3)
        return {name: int(n) for name, n in zip(GRADES, counted)}


def as_matrix(present: Sequence[Collection[str]], catalogue: Catalogue) -> np.ndarray:
    """A boolean matrix from, per TPS, the codes of the indicators that hold."""
    matrix = np.zeros((len(present), len(catalogue.indicators)), dtype=bool)
    for row, codes in enumerate(present):
        for code in codes:
            matrix[row, catalogue.index(code)] = True
    return matrix


def grade(matrix: np.ndarray, grading: Grading) -> Grades:
    """The grade of every TPS from its indicator matrix (rows = TPS, columns = catalogue)."""
    matrix = np.asarray(matrix, dtype=bool)
    weights = grading.weight_vector()
    if matrix.ndim != 2 or matrix.shape[1] != len(weights):
        raise ValueError(f"matrix must be (TPS, {len(weights)}), got {matrix.shape}")
    if (weights < 0).any():
        raise ValueError("weights must not be negative; see check_grading")
    rawan, sangat = grading.thresholds()
    # Integer matmul has no BLAS path and is several times slower; float32 is exact here
    # because every partial sum is a whole number below 2**24 (255 x 65,535).
    if weights.max(initial=0) < 2**16 and matrix.shape[1] < 256:
        score = (matrix.view(np.uint8).astype(np.float32) @ weights.astype(np.float32))
        score = np.rint(score).astype(np.int64)
    else:
        score = matrix.astype(np.int64) @ weights
    grades = (score >= rawan).astype(np.int8) + (score >= sangat).astype(np.int8)
    return Grades(scores=score / 100.0, grades=grades)


@dataclass(frozen=True)
class Explanation:
    grade: int
    score: float
    drivers: tuple[tuple[str, str], ...]  # (code, name): enough, heaviest first, for the grade
    others: tuple[tuple[str, str], ...]  # also present, not needed for the grade

    @property
    def grade_name(self) -> str:
        return GRADE_NAMES[self.grade]

    def text(self) -> str:
        """`Rawan: TPS sulit dijangkau + Kendala jaringan internet`."""
        if not self.drivers:
            return self.grade_name
        return f"{self.grade_name}: " + " + ".join(name for _, name in self.drivers)


def explain(row: Sequence[bool] | np.ndarray, grading: Grading) -> Explanation:
    """Why one TPS has its grade: the fewest heaviest indicators that reach its threshold.

    For a kurang rawan TPS there are no drivers; the indicators it has are `others`.
    """
    row = np.asarray(row, dtype=bool)
    weights = grading.weight_vector()
    score = int(weights[row].sum())
    rawan, sangat = grading.thresholds()
    level = int(score >= rawan) + int(score >= sangat)
    present = [int(i) for i in np.flatnonzero(row) if weights[i] > 0]
    # Heaviest first, catalogue order among equals, so the text is the same every time.
    present.sort(key=lambda i: (-weights[i], i))
    needed = (0, rawan, sangat)[level]
    drivers: list[int] = []
    total = 0
    for i in present if level else ():
        drivers.append(i)
        total += int(weights[i])
        if total >= needed:
            break
    others = [i for i in present if i not in drivers]
    others += [int(i) for i in np.flatnonzero(row) if weights[i] == 0]
    indicators = grading.catalogue.indicators

    def named(ids):
        return tuple((indicators[i].code, indicators[i].name) for i in ids)

    return Explanation(grade=level, score=score / 100.0, drivers=named(drivers),
                       others=named(others))


# --- Bawaslu-style summaries -----------------------------------------------------------------

@dataclass(frozen=True)
class AreaSummary:
    """One area (kecamatan by default) as Bawaslu publishes it, plus our grade counts."""

    code: str
    tps: int
    indicator_counts: dict[str, int]  # indicator code -> TPS where it holds
    variable_counts: dict[str, int]  # variable code -> TPS where any of its indicators holds
    ranking: tuple[tuple[str, str, int], ...]  # (code, name, TPS), most TPS first, zeros left out
    grade_counts: dict[str, int]  # empty when no grades were given


@dataclass(frozen=True)
class SummaryTable:
    """All areas at once as arrays, for charts and exports of many areas."""

    codes: list[str]
    tps: np.ndarray  # (areas,)
    indicator_counts: np.ndarray  # (areas, indicators)
    variable_counts: np.ndarray  # (areas, variables)
    grade_counts: np.ndarray | None  # (areas, 3)


def summary_table(tps_codes: Sequence[str], matrix: np.ndarray, catalogue: Catalogue, *,
                  grades: np.ndarray | None = None, level: str = "kecamatan") -> SummaryTable:
    """Counts per area: TPS, TPS per indicator, TPS per variable (any of its indicators), and
    TPS per grade when `grades` is given. Areas come from the hierarchical TPS codes."""
    matrix = np.asarray(matrix, dtype=bool)
    width = LEVEL_PREFIX[level]
    # A dict factorizes 820,161 codes several times faster than np.unique on strings.
    first: dict[str, int] = {}
    raw = np.fromiter((first.setdefault(c[:width], len(first)) for c in tps_codes),
                      dtype=np.int64, count=len(tps_codes))
    areas = sorted(first)
    rank = np.array([first[a] for a in areas], dtype=np.int64)
    to_sorted = np.empty(len(areas), dtype=np.int64)
    to_sorted[rank] = np.arange(len(areas))
    inverse = to_sorted[raw]
    n_areas = len(areas)
    tps = np.bincount(inverse, minlength=n_areas)
    # One sorted pass beats 26 bincounts: rows grouped by area, then a cumulative sum per cut.
    order = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[order], np.arange(n_areas))

    def per_area(columns: np.ndarray) -> np.ndarray:
        if len(order) == 0:
            return np.zeros((n_areas, columns.shape[1]), dtype=np.int64)
        return np.add.reduceat(columns[order].astype(np.int64), starts, axis=0) * (tps > 0)[:, None]

    indicator_counts = per_area(matrix)
    variable_of = np.array([[ind.variable == var.code for var in catalogue.variables]
                            for ind in catalogue.indicators], dtype=np.int64)
    variable_counts = per_area((matrix.astype(np.int64) @ variable_of) > 0)
    grade_counts = None
    if grades is not None:
        grade_counts = per_area(np.eye(3, dtype=np.int64)[np.asarray(grades, dtype=np.int64)])
    return SummaryTable([str(a) for a in areas], tps, indicator_counts, variable_counts,
                        grade_counts)


def summarize(tps_codes: Sequence[str], matrix: np.ndarray, catalogue: Catalogue, *,
              grades: np.ndarray | None = None, level: str = "kecamatan") -> list[AreaSummary]:
    """Per area (kecamatan by default), the TPS count per indicator and per variable and the
    indicators ranked by how many TPS they affect, as Bawaslu publishes them."""
    table = summary_table(tps_codes, matrix, catalogue, grades=grades, level=level)
    names = [(i.code, i.name) for i in catalogue.indicators]
    result = []
    for a, code in enumerate(table.codes):
        counts = table.indicator_counts[a]
        ranked = sorted(range(len(names)), key=lambda i: (-counts[i], i))
        result.append(AreaSummary(
            code=code,
            tps=int(table.tps[a]),
            indicator_counts={c: int(n) for (c, _), n in zip(names, counts)},
            variable_counts={v.code: int(n) for v, n in zip(catalogue.variables,
                                                             table.variable_counts[a])},
            ranking=tuple((names[i][0], names[i][1], int(counts[i])) for i in ranked if counts[i]),
            grade_counts={} if table.grade_counts is None else
            {g: int(n) for g, n in zip(GRADES, table.grade_counts[a])},
        ))
    return result
