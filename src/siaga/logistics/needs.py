"""Logistics needs per TPS, their totals per desa (PPS), kecamatan (PPK) and warehouse, packing
lists, the ballot-bundle dapil check, and the volume and weight of what is packed.

Pure: no Django. Every rule is data (`Rules`, `ItemRule`, `Item`) so an election that differs
(DKI's four boxes, a Pilkada's two contests, a new KPU decision) changes data, not code.

Ballots per TPS and contest are DPT + reserve, with the reserve rounded *up* to a whole ballot:
``ballots = dpt + ceil(dpt * reserve_pct / 100)`` (2% of 251 voters is 5.02 → 6 ballots). A
shortage at the TPS can force a re-vote, a surplus of a fraction of a ballot cannot, so we never
round down. The arithmetic is exact (fractions), never floating point.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from siaga import problems
from siaga.problems import gettext_noop
from siaga.regions import codes

MESSAGES = {
    "bad_tps_code": gettext_noop("'%(tps)s' is not a TPS code (e.g. 62.13.01.2003-003)."),
    "duplicate_tps": gettext_noop("TPS %(tps)s appears twice."),
    "negative_dpt": gettext_noop("TPS %(tps)s has a negative DPT (%(dpt)s)."),
    "missing_dapil": gettext_noop("TPS %(tps)s has no dapil for %(contest)s."),
    "unknown_contest": gettext_noop(
        "TPS %(tps)s names a dapil for %(contest)s, which is not a contest of this election."
    ),
    "unknown_item": gettext_noop(
        "The rules ask for item '%(item)s', which is not in the catalogue."
    ),
    "negative_quantity": gettext_noop("The rule for '%(item)s' has a negative quantity."),
    "bad_reserve": gettext_noop("The ballot reserve %(reserve_pct)s%% is not between 0 and 100."),
    "bad_psu_reserve": gettext_noop("The re-vote reserve %(psu)s per dapil is negative."),
    "wrong_dapil": gettext_noop(
        "TPS %(tps)s, %(contest)s: %(quantity)s ballots of dapil %(found)s; this TPS votes in "
        "dapil %(expected)s."
    ),
    "short": gettext_noop(
        "TPS %(tps)s, %(contest)s (dapil %(dapil)s): %(found)s ballots packed, %(expected)s "
        "needed; %(missing)s missing."
    ),
    "surplus": gettext_noop(
        "TPS %(tps)s, %(contest)s (dapil %(dapil)s): %(found)s ballots packed, %(expected)s "
        "needed; %(extra)s too many."
    ),
    "unknown_tps": gettext_noop("A bundle is labelled for TPS %(tps)s, which is not on the list."),
    "unknown_bundle_contest": gettext_noop(
        "A bundle for TPS %(tps)s is labelled %(contest)s, which is not a contest of this election."
    ),
    "negative_bundle": gettext_noop(
        "A bundle for TPS %(tps)s, %(contest)s has a negative count (%(quantity)s)."
    ),
}


class Problem(problems.Problem):
    """An expected error, returned as a value: a message code and the numbers behind it."""

    messages = MESSAGES


# --- rules as data ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One kind of thing that is packed, with its size as packed (litres) and weight (kg).

    `nests` marks items that travel inside the ballot boxes: they add weight, and add volume
    only when they overflow the boxes' inner volume (see `measure`).
    """

    code: str
    name: str
    unit: str = "pcs"
    volume_l: float = 0.0
    weight_kg: float = 0.0
    nests: bool = True
    inner_volume_l: float = 0.0  # for containers (the ballot box): what fits inside


@dataclass(frozen=True)
class ItemRule:
    """How many of an item one TPS gets.

    quantity = per_tps + per_contest × (contests it applies to)
               + per_witness × (witnesses of those contests)
    Items counted per contest or per witness appear once per contest on the packing list.
    """

    item: str
    per_tps: int = 0
    per_contest: int = 0
    per_witness: int = 0
    contests: frozenset[str] | None = None  # None: every contest of the election


@dataclass(frozen=True)
class Contest:
    """A ballot type (PPWP, DPR, ...). `witnesses` = those entitled to a C.Hasil Salinan
    (parties or candidate pairs), used by `ItemRule.per_witness`."""

    code: str
    name: str
    witnesses: int = 0
    psu_ballots_per_dapil: int | None = None  # None: Rules.psu_ballots_per_dapil


@dataclass(frozen=True)
class Rules:
    contests: tuple[Contest, ...]
    items: Mapping[str, Item]
    item_rules: tuple[ItemRule, ...]
    reserve_pct: Decimal = Decimal("2")
    psu_ballots_per_dapil: int = 1000
    box_item: str = "ballot_box"  # the container nesting items travel in

    @property
    def contest_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.contests)


BALLOT = "ballot"

# Sizes as packed. Sources and assumptions are in docs/logistics.md; every figure is a default
# the regency can replace. Ballot sheets: area × 80 g/m² paper, 0.1 mm thick (assumption).
DEFAULT_ITEMS: dict[str, Item] = {
    item.code: item
    for item in (
        # 40 × 40 × 60 cm, 2.26 kg (KPU spec for 2024 via suara.com, 2023-06-01); inner volume
        # allows for 6 mm walls.
        Item("ballot_box", "Kotak suara", volume_l=96.0, weight_kg=2.26, nests=False,
             inner_volume_l=88.0),
        # Folded flat 90 × 60 × 3 cm, 1.8 kg: assumption (2019 spec: 50 cm sides, 60 cm front).
        Item("booth", "Bilik suara", volume_l=16.2, weight_kg=1.8, nests=False),
        Item("ink", "Tinta", "bottle", volume_l=0.1, weight_kg=0.1),
        Item("seal", "Segel", "sheet", volume_l=0.005, weight_kg=0.005),
        Item("punch_tool", "Alat coblos", volume_l=0.02, weight_kg=0.02),
        Item("punch_pad", "Alas coblos", volume_l=0.5, weight_kg=0.15),
        Item("padlock", "Gembok", volume_l=0.05, weight_kg=0.05),
        Item("envelope", "Sampul", volume_l=0.05, weight_kg=0.03),
        Item("c_hasil_plano", "Formulir C.Hasil plano", "set", volume_l=1.0, weight_kg=0.5),
        Item("c_hasil_salinan", "Formulir C.Hasil Salinan", "set", volume_l=0.05, weight_kg=0.05),
        Item("c_kejadian", "Formulir C.Kejadian Khusus dan/atau Keberatan", "set",
             volume_l=0.01, weight_kg=0.01),
        Item("braille_template", "Alat bantu tunanetra", volume_l=0.1, weight_kg=0.05),
        Item("id_tag", "Tanda pengenal", volume_l=0.01, weight_kg=0.01),
        Item("marker", "Spidol", volume_l=0.02, weight_kg=0.02),
        Item("dpt_copy", "Salinan DPT", "set", volume_l=0.5, weight_kg=0.3),
        # Ballots, per contest: 33 × 31 cm PPWP (3 pairs, KPU design 2024); DPR, DPD and DPRD
        # taken as 51 × 82 cm (assumption; the size grows with the number of candidates).
        Item(BALLOT, "Surat suara", "sheet", volume_l=0.0102, weight_kg=0.0082),
        Item(f"{BALLOT}:PPWP", "Surat suara PPWP", "sheet", volume_l=0.0102, weight_kg=0.0082),
        Item(f"{BALLOT}:DPR", "Surat suara DPR", "sheet", volume_l=0.042, weight_kg=0.0335),
        Item(f"{BALLOT}:DPD", "Surat suara DPD", "sheet", volume_l=0.042, weight_kg=0.0335),
        Item(f"{BALLOT}:DPRD_PROV", "Surat suara DPRD Provinsi", "sheet", volume_l=0.042,
             weight_kg=0.0335),
        Item(f"{BALLOT}:DPRD_KAB", "Surat suara DPRD Kab/Kota", "sheet", volume_l=0.042,
             weight_kg=0.0335),
    )
}

PEMILU_CONTESTS = (
    # Witnesses: 3 candidate pairs; 18 national parties (24 in Aceh); DPD varies by province.
    Contest("PPWP", "Presiden dan Wakil Presiden", witnesses=3),
    Contest("DPR", "DPR", witnesses=18),
    Contest("DPD", "DPD", witnesses=0),
    Contest("DPRD_PROV", "DPRD Provinsi", witnesses=18),
    Contest("DPRD_KAB", "DPRD Kabupaten/Kota", witnesses=18),
)

DEFAULT_ITEM_RULES = (
    # One box per contest: 5 in a general election, 4 in DKI (Keputusan KPU 1281/2023).
    ItemRule("ballot_box", per_contest=1),
    ItemRule("booth", per_tps=4),
    ItemRule("ink", per_tps=2),
    ItemRule("padlock", per_contest=1),  # one per box (assumption)
    ItemRule("seal", per_contest=6),  # assumption
    ItemRule("punch_tool", per_tps=4),  # one per booth (assumption)
    ItemRule("punch_pad", per_tps=4),  # one per booth (assumption)
    ItemRule("envelope", per_contest=10),  # assumption
    ItemRule("c_hasil_plano", per_contest=1),
    # One copy per witness, plus PTPS and PPS (assumption on the extra recipients).
    ItemRule("c_hasil_salinan", per_contest=2, per_witness=1),
    ItemRule("c_kejadian", per_contest=1),
    # KPU made braille templates for the ballots that show candidates: PPWP and DPD.
    ItemRule("braille_template", per_contest=1, contests=frozenset({"PPWP", "DPD"})),
    ItemRule("id_tag", per_tps=9),  # 7 KPPS + 2 Linmas
    ItemRule("marker", per_tps=2),  # assumption
    ItemRule("dpt_copy", per_tps=1),
)


def pemilu_rules(
    *,
    contests: Iterable[Contest] = PEMILU_CONTESTS,
    items_per_tps: Mapping[str, int] | None = None,
    reserve_pct: Decimal | int | str = Decimal("2"),
    psu_ballots_per_dapil: int = 1000,
    items: Mapping[str, Item] | None = None,
) -> Rules:
    """The 2024 general election's rules, with overrides.

    `items_per_tps` (as stored on the Election, e.g. {"ballot_box": 4}) replaces the rule for
    each named item with a flat count per TPS.
    """
    rules = {rule.item: rule for rule in DEFAULT_ITEM_RULES}
    for item, count in (items_per_tps or {}).items():
        rules[item] = ItemRule(item, per_tps=int(count))
    return Rules(
        contests=tuple(contests),
        items=dict(items if items is not None else DEFAULT_ITEMS),
        item_rules=tuple(rules.values()),
        reserve_pct=Decimal(str(reserve_pct)),
        psu_ballots_per_dapil=psu_ballots_per_dapil,
    )


def check_rules(rules: Rules) -> list[Problem]:
    """Problems with the rules themselves: unknown items, negative counts, a bad reserve."""
    problems = []
    if not (0 <= rules.reserve_pct <= 100):
        problems.append(Problem("bad_reserve", {"reserve_pct": rules.reserve_pct}))
    if rules.psu_ballots_per_dapil < 0:
        problems.append(Problem("bad_psu_reserve", {"psu": rules.psu_ballots_per_dapil}))
    for rule in rules.item_rules:
        if rule.item not in rules.items:
            problems.append(Problem("unknown_item", {"item": rule.item}))
        if min(rule.per_tps, rule.per_contest, rule.per_witness) < 0:
            problems.append(Problem("negative_quantity", {"item": rule.item}))
    if BALLOT not in rules.items and not all(
        f"{BALLOT}:{c}" in rules.items for c in rules.contest_codes
    ):
        problems.append(Problem("unknown_item", {"item": BALLOT}))
    return problems


# --- needs ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TPS:
    """A TPS as the needs see it. `dapils` maps each contest code to the dapil the TPS votes in."""

    code: str  # 62.13.01.2003-003
    dpt: int
    dapils: Mapping[str, str]

    @property
    def village(self) -> str:
        return self.code.rpartition("-")[0]

    @property
    def kecamatan(self) -> str:
        return codes.ancestor_codes(self.village)[-1]


@dataclass(frozen=True, order=True)
class Line:
    """A quantity of one item. Ballots carry their contest and dapil; other items counted
    per contest carry the contest."""

    item: str
    contest: str = ""
    dapil: str = ""
    quantity: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.item, self.contest, self.dapil)


@dataclass(frozen=True)
class TPSNeeds:
    tps: str
    village: str
    kecamatan: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Needs:
    per_tps: tuple[TPSNeeds, ...]
    psu_reserve: tuple[Line, ...]  # held at the regency warehouse
    problems: tuple[Problem, ...]

    def per_desa(self) -> dict[str, tuple[Line, ...]]:
        """Totals per desa/kelurahan (what each PPS receives), dapil labels kept."""
        return _totals_by(self.per_tps, lambda n: n.village)

    def per_kecamatan(self) -> dict[str, tuple[Line, ...]]:
        """Totals per kecamatan (what each PPK receives), dapil labels kept."""
        return _totals_by(self.per_tps, lambda n: n.kecamatan)

    def warehouse(self) -> tuple[Line, ...]:
        """Everything the regency warehouse must hold: all TPS plus the PSU reserve."""
        lines = [line for n in self.per_tps for line in n.lines]
        return total_lines(lines + list(self.psu_reserve))

    def of(self, tps_code: str) -> TPSNeeds:
        for n in self.per_tps:
            if n.tps == tps_code:
                return n
        raise KeyError(tps_code)


def ballots_for(dpt: int, reserve_pct: Decimal | int | str = Decimal("2")) -> int:
    """DPT plus the reserve, the reserve rounded up to a whole ballot (exact arithmetic)."""
    reserve = Fraction(Decimal(str(reserve_pct))) * dpt / 100
    return dpt + math.ceil(reserve)


def check_tps(tps_list: Iterable[TPS], rules: Rules) -> list[Problem]:
    """Problems with the TPS list: bad or duplicate codes, negative DPT, dapils missing or extra."""
    problems = []
    seen = set()
    contests = set(rules.contest_codes)
    for tps in tps_list:
        parsed = codes.split_tps_code(tps.code)
        # Only the canonical spelling: totals group by code prefix, so `6213012003-3` and
        # `62.13.01.2003-003` must never both appear.
        if parsed is None or codes.tps_code(*parsed) != tps.code:
            problems.append(Problem("bad_tps_code", {"tps": tps.code}))
            continue
        if tps.code in seen:
            problems.append(Problem("duplicate_tps", {"tps": tps.code}))
        seen.add(tps.code)
        if tps.dpt < 0:
            problems.append(Problem("negative_dpt", {"tps": tps.code, "dpt": tps.dpt}))
        for contest in rules.contest_codes:
            if not tps.dapils.get(contest):
                problems.append(Problem("missing_dapil", {"tps": tps.code, "contest": contest}))
        for contest in tps.dapils:
            if contest not in contests:
                problems.append(Problem("unknown_contest", {"tps": tps.code, "contest": contest}))
    return problems


def tps_lines(tps: TPS, rules: Rules) -> tuple[Line, ...]:
    """The needs of one TPS: ballots per contest (labelled with the TPS's dapil) and every item."""
    lines = []
    for contest in rules.contests:
        lines.append(Line(BALLOT, contest.code, tps.dapils.get(contest.code, ""),
                          ballots_for(tps.dpt, rules.reserve_pct)))
    for rule in rules.item_rules:
        if rule.per_tps:
            lines.append(Line(rule.item, quantity=rule.per_tps))
        for contest in rules.contests:
            if rule.contests is not None and contest.code not in rule.contests:
                continue
            count = rule.per_contest + rule.per_witness * contest.witnesses
            if count:
                lines.append(Line(rule.item, contest.code, quantity=count))
    return tuple(line for line in lines if line.quantity)


def compute_needs(tps_list: Iterable[TPS], rules: Rules) -> Needs:
    """Needs per TPS and the PSU reserve per (contest, dapil) present, with every problem found.

    TPS with problems (bad code, negative DPT) are left out of the totals; a missing dapil
    still yields the ballots, labelled with an empty dapil, so the shortfall stays visible.
    """
    tps_list = list(tps_list)
    problems = check_rules(rules) + check_tps(tps_list, rules)
    excluded = {p.params["tps"] for p in problems if p.code in ("bad_tps_code", "negative_dpt")}
    per_tps, seen = [], set()
    for tps in tps_list:
        if tps.code in excluded or tps.code in seen:
            continue
        seen.add(tps.code)
        per_tps.append(TPSNeeds(tps.code, tps.village, tps.kecamatan, tps_lines(tps, rules)))
    per_tps.sort(key=lambda n: n.tps)

    # UU 7/2017 Pasal 344(3): 1,000 ballots per dapil as the re-vote reserve, for every
    # (contest, dapil) this warehouse serves.
    psu = []
    dapils = sorted({(line.contest, line.dapil) for n in per_tps for line in n.lines
                     if line.item == BALLOT and line.dapil})
    by_code = {c.code: c for c in rules.contests}
    for contest, dapil in dapils:
        per_dapil = by_code[contest].psu_ballots_per_dapil
        count = rules.psu_ballots_per_dapil if per_dapil is None else per_dapil
        if count:
            psu.append(Line(BALLOT, contest, dapil, count))
    return Needs(tuple(per_tps), tuple(psu), tuple(problems))


def total_lines(lines: Iterable[Line]) -> tuple[Line, ...]:
    """Sum quantities per (item, contest, dapil), sorted."""
    sums: dict[tuple[str, str, str], int] = defaultdict(int)
    for line in lines:
        sums[line.key] += line.quantity
    return tuple(sorted(Line(item, contest, dapil, quantity)
                        for (item, contest, dapil), quantity in sums.items()))


def _totals_by(per_tps, key) -> dict[str, tuple[Line, ...]]:
    groups: dict[str, list[Line]] = defaultdict(list)
    for n in per_tps:
        groups[key(n)].extend(n.lines)
    return {code: total_lines(lines) for code, lines in sorted(groups.items())}


# --- volume and weight ----------------------------------------------------------------------

@dataclass(frozen=True)
class Load:
    volume_l: float = 0.0
    weight_kg: float = 0.0

    def __add__(self, other: "Load") -> "Load":
        return Load(self.volume_l + other.volume_l, self.weight_kg + other.weight_kg)


def item_for(line: Line, items: Mapping[str, Item]) -> Item:
    """The catalogue entry for a line: `item:CONTEST` when there is one, else `item`."""
    return items.get(f"{line.item}:{line.contest}") or items[line.item]


def measure(lines: Iterable[Line], rules: Rules) -> Load:
    """Volume and weight of one sealed TPS package (every item must be in the catalogue:
    `check_rules` says which are not).

    Nesting items ride inside the ballot boxes; they add volume only for what exceeds the
    boxes' inner volume. Measure each TPS on its own and add the results: packages are sealed
    per TPS, so one TPS's spare box space cannot hold another's ballots.
    """
    volume = weight = nested = inner = 0.0
    for line in lines:
        item = item_for(line, rules.items)
        weight += item.weight_kg * line.quantity
        if item.nests:
            nested += item.volume_l * line.quantity
        else:
            volume += item.volume_l * line.quantity
            inner += item.inner_volume_l * line.quantity
    return Load(volume + max(0.0, nested - inner), weight)


# --- packing lists ------------------------------------------------------------------------

@dataclass(frozen=True)
class Package:
    """One TPS's sealed set, as it travels from the warehouse to the KPPS."""

    tps: str
    lines: tuple[Line, ...]
    load: Load

    @property
    def labels(self) -> tuple[str, ...]:
        """One label per ballot bundle: TPS, contest and dapil, to be checked on receipt."""
        return tuple(bundle_label(self.tps, line) for line in self.lines if line.item == BALLOT)


@dataclass(frozen=True)
class PackingList:
    level: str  # "tps", "pps" (desa) or "ppk" (kecamatan)
    code: str  # the TPS, desa or kecamatan code
    packages: tuple[Package, ...]
    totals: tuple[Line, ...]
    load: Load


def bundle_label(tps: str, line: Line) -> str:
    return f"TPS {tps} | {line.contest} | Dapil {line.dapil or '?'} | {line.quantity}"


LEVELS = ("tps", "pps", "ppk")


def packing_list(needs: Needs, rules: Rules, level: str, code: str) -> PackingList:
    """The packing list for one TPS, one PPS (desa code) or one PPK (kecamatan code)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    chosen = [n for n in needs.per_tps
              if (level == "tps" and n.tps == code) or (level == "pps" and n.village == code)
              or (level == "ppk" and n.kecamatan == code)]
    packages = tuple(Package(n.tps, n.lines, measure(n.lines, rules)) for n in chosen)
    total = Load()
    for package in packages:
        total = total + package.load
    return PackingList(level, code, packages,
                       total_lines(line for p in packages for line in p.lines), total)


def packing_lists(needs: Needs, rules: Rules, level: str) -> list[PackingList]:
    """Every packing list at one level, in code order."""
    attr = {"tps": "tps", "pps": "village", "ppk": "kecamatan"}[level]
    return [packing_list(needs, rules, level, code)
            for code in sorted({getattr(n, attr) for n in needs.per_tps})]


def stop_loads(needs: Needs, rules: Rules, level: str) -> dict[str, Load]:
    """Volume and weight delivered to each stop of a level: the input of a routing leg."""
    return {pl.code: pl.load for pl in packing_lists(needs, rules, level)}


# --- ballot bundle check -----------------------------------------------------------------------

@dataclass(frozen=True)
class Bundle:
    """A ballot bundle as packed or received: its label and the count inside."""

    tps: str
    contest: str
    dapil: str
    quantity: int


def check_bundles(bundles: Iterable[Bundle], tps_list: Iterable[TPS], rules: Rules,
                  *, expected: Mapping[tuple[str, str], int] | None = None) -> list[Problem]:
    """Every bundle's dapil must be its TPS's dapil for that contest, and the counts must add up.

    Returns `wrong_dapil` for each swapped bundle (with the quantity that has to be sent back),
    `short` or `surplus` per (TPS, contest) against the ballots needed (or `expected`, keyed by
    (tps, contest), e.g. what a packing list promised), `unknown_tps` and
    `unknown_bundle_contest` for labels that match nothing.
    """
    tps_by_code = {t.code: t for t in tps_list}
    contests = set(rules.contest_codes)
    problems = []
    good: dict[tuple[str, str], int] = defaultdict(int)
    for bundle in bundles:
        params = {"tps": bundle.tps, "contest": bundle.contest, "quantity": bundle.quantity}
        tps = tps_by_code.get(bundle.tps)
        if tps is None:
            problems.append(Problem("unknown_tps", params))
            continue
        if bundle.contest not in contests:
            problems.append(Problem("unknown_bundle_contest", params))
            continue
        if bundle.quantity < 0:
            problems.append(Problem("negative_bundle", params))
            continue
        want = tps.dapils.get(bundle.contest, "")
        if bundle.dapil != want:
            problems.append(Problem("wrong_dapil", {**params, "expected": want,
                                                    "found": bundle.dapil}))
        else:
            good[(bundle.tps, bundle.contest)] += bundle.quantity
    # Every (TPS, contest) is checked, also those with no bundle at all: a missing bundle
    # is the same failure as a swapped one for the voters of that TPS.
    for tps in sorted(tps_by_code.values(), key=lambda t: t.code):
        for contest in rules.contest_codes:
            key = (tps.code, contest)
            need = (expected or {}).get(key, ballots_for(max(tps.dpt, 0), rules.reserve_pct))
            found = good.get(key, 0)
            params = {"tps": tps.code, "contest": contest, "dapil": tps.dapils.get(contest, ""),
                      "expected": need, "found": found}
            if found < need:
                problems.append(Problem("short", {**params, "missing": need - found}))
            elif found > need:
                problems.append(Problem("surplus", {**params, "extra": found - need}))
    return problems


def bundles_from(needs: Needs) -> list[Bundle]:
    """The ballot bundles a correct packing produces: one per TPS and contest."""
    return [Bundle(n.tps, line.contest, line.dapil, line.quantity)
            for n in needs.per_tps for line in n.lines if line.item == BALLOT]
