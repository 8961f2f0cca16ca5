"""Polri's TPS guard patterns ("pola pengamanan") per grade, as data (pure: no Django).

A pattern is written police-TPS-Linmas: `2-12-24` means 2 police guard a group of up to 12 TPS,
with 24 Linmas for a full group (2 per TPS; Linmas stand at their own TPS). TNI support is a
ratio to the police deployed. Sources (DOMAIN.md, docs/risk_and_security.md): no national ratio
was published for 2024; the 2024 presets are local examples; 2019 is the national pattern.
Where a preset fills a grade its source does not give, `filled` says so.
"""

import math
from dataclasses import dataclass, field
from fractions import Fraction

from siaga.risk.scoring import GRADES, KURANG_RAWAN, RAWAN, SANGAT_RAWAN


@dataclass(frozen=True)
class Pattern:
    police: int  # police per group
    tps: int  # at most this many TPS per group
    linmas: int  # Linmas for a full group (the pattern's third number)
    tni_per_police: Fraction = Fraction(0)

    def __post_init__(self):
        if self.police < 0 or self.tps < 1 or self.linmas < 0 or self.tni_per_police < 0:
            raise ValueError(f"not a pattern: {self}")

    @property
    def linmas_per_tps(self) -> Fraction:
        return Fraction(self.linmas, self.tps)

    def linmas_for(self, tps: int) -> int:
        """Linmas for a group of `tps` TPS (a partial group needs fewer), rounded up."""
        return math.ceil(self.linmas_per_tps * tps)

    def label(self) -> str:
        return f"{self.police}-{self.tps}-{self.linmas}"

    @classmethod
    def parse(cls, text: str, tni_per_police: Fraction = Fraction(0)) -> "Pattern":
        """`2-12-24` → Pattern(2, 12, 24)."""
        police, tps, linmas = (int(part) for part in text.replace(" ", "").split("-"))
        return cls(police, tps, linmas, Fraction(tni_per_police))


@dataclass(frozen=True)
class PatternSet:
    key: str
    name: str
    source: str
    patterns: tuple[Pattern, Pattern, Pattern]  # kurang rawan, rawan, sangat rawan
    filled: tuple[str, ...] = field(default=())  # grades taken from elsewhere (see `source`)

    def __post_init__(self):
        if len(self.patterns) != 3:
            raise ValueError("one pattern per grade: kurang rawan, rawan, sangat rawan")

    def for_grade(self, grade: int) -> Pattern:
        return self.patterns[grade]

    def with_pattern(self, grade: int, pattern: Pattern) -> "PatternSet":
        patterns = list(self.patterns)
        patterns[grade] = pattern
        return PatternSet(self.key + "*", self.name + " (diubah)", self.source, tuple(patterns),
                          self.filled)

    def with_tni(self, tni_per_police: Fraction) -> "PatternSet":
        return PatternSet(self.key, self.name, self.source, tuple(
            Pattern(p.police, p.tps, p.linmas, Fraction(tni_per_police)) for p in self.patterns),
            self.filled)


# Rawan "2 police at each TPS": Polres Barito Timur 2024 (kalteng.antaranews 674916) and the
# issue's own example; sangat rawan "2 police + 2 Linmas per TPS": Polda Kalsel 2024.
_RAWAN_2024 = Pattern(2, 1, 2)
_SANGAT_RAWAN_2024 = Pattern(2, 1, 2)

PRESETS: dict[str, PatternSet] = {p.key: p for p in (
    PatternSet(
        "polri-2019", "Polri, Pemilu 2019 (nasional)",
        "Polri national pattern 2019: kurang rawan 2-4-6 or 8, rawan 4-2-8, sangat rawan 6-2-8 "
        "(DOMAIN.md); we take 8 Linmas (2 per TPS, what KPU funds)",
        (Pattern(2, 4, 8), Pattern(4, 2, 8), Pattern(6, 2, 8)),
    ),
    PatternSet(
        "jakarta-barat-2024", "Polres Jakarta Barat, Pemilu 2024 (2-16-32)",
        "kurang rawan 2-16-32: Jakarta Barat 2024; rawan: Barito Timur 2024; sangat rawan: "
        "Kalsel 2024 (DOMAIN.md)",
        (Pattern(2, 16, 32), _RAWAN_2024, _SANGAT_RAWAN_2024),
        filled=(GRADES[RAWAN], GRADES[SANGAT_RAWAN]),
    ),
    PatternSet(
        "ponorogo-2024", "Polres Ponorogo, Pemilu 2024 (2-12-24)",
        "kurang rawan 2-12-24: Ponorogo 2024; rawan: Barito Timur 2024; sangat rawan: Kalsel "
        "2024 (DOMAIN.md)",
        (Pattern(2, 12, 24), _RAWAN_2024, _SANGAT_RAWAN_2024),
        filled=(GRADES[RAWAN], GRADES[SANGAT_RAWAN]),
    ),
    PatternSet(
        "terpencil-2024", "Daerah terpencil, Pemilu 2024 (2-6-12)",
        "kurang rawan 2-6-12: remote areas 2024; rawan: Barito Timur 2024; sangat rawan: Kalsel "
        "2024 (DOMAIN.md)",
        (Pattern(2, 6, 12), _RAWAN_2024, _SANGAT_RAWAN_2024),
        filled=(GRADES[RAWAN], GRADES[SANGAT_RAWAN]),
    ),
)}

DEFAULT_PRESET = "ponorogo-2024"
GRADE_ORDER = (KURANG_RAWAN, RAWAN, SANGAT_RAWAN)
