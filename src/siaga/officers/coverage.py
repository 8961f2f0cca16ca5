"""The registry's figures for a region: required posts, officers present, eligible and
insured, gaps per TPS/desa/kecamatan (the Django side of eligibility and compensation)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from siaga.officers import eligibility
from siaga.officers.models import Enrolment, Officer
from siaga.regions.models import TPS, Election, Level, Region

NUMERIC_KEYS = ("required", "present", "eligible", "insured", "coverage_pct", "gaps")


@dataclass
class OfficerFacts:
    """One officer as the figures need it (no name, no NIK)."""

    pk: int
    position: str
    unit_code: str
    kecamatan: str
    is_chair: bool
    age: int
    has_health_certificate: bool
    eligible: bool
    insured: bool
    problems: list = field(default_factory=list)


@dataclass
class Registry:
    election: Election
    region: Region
    rules: eligibility.Rules
    units: eligibility.Units
    officers: list[OfficerFacts]
    gaps: list[eligibility.Gap]
    kecamatan_names: dict[str, str]
    unit_kecamatan: dict[str, str]


def units_of(region: Region, election: Election) -> eligibility.Units:
    """The TPS of the election, the desa and the kecamatan inside the region."""
    tps = list(TPS.objects.filter(election=election, code__startswith=region.code)
               .order_by("code").values_list("code", flat=True))
    areas = Region.objects.within(region).order_by("code")
    desa = list(areas.filter(level=Level.DESA).values_list("code", flat=True))
    kecamatan = list(areas.filter(level=Level.KECAMATAN).values_list("code", flat=True))
    if region.level == Level.DESA:  # a desa's own kecamatan does not lie inside the desa
        kecamatan = []
    return eligibility.Units(tps=tps, desa=desa, kecamatan=kecamatan)


def officers_in(region: Region, election: Election):
    return Officer.objects.filter(election=election, region__code__startswith=region.code)


def load(region: Region, election: Election) -> Registry:
    """Every officer of the region checked against the rules, and the gaps."""
    rules = eligibility.rules_for(election.slug)
    units = units_of(region, election)
    polling = election.polling_date
    active = set(Enrolment.objects.filter(
        officer__election=election, officer__region__code__startswith=region.code,
        status=Enrolment.Status.ACTIVE, period_start__lte=polling, period_end__gte=polling)
        .values_list("officer_id", flat=True))
    facts = []
    rows = officers_in(region, election).values_list(
        "pk", "position", "tps__code", "region__code", "is_chair", "birth_date",
        "has_health_certificate")
    for pk, position, tps_code, area, chair, born, health in rows:
        problems = eligibility.check_officer(rules, position=position, birth_date=born,
                                             has_health_certificate=health,
                                             polling_date=polling)
        facts.append(OfficerFacts(pk, position, tps_code or area, (tps_code or area)[:8], chair,
                                  eligibility.age_on(born, polling), health, not problems,
                                  pk in active, problems))
    present, chairs = eligibility.count_posts((f.position, f.unit_code, f.is_chair)
                                              for f in facts)
    gaps = eligibility.completeness(rules, units, present, chairs)
    names = dict(Region.objects.filter(level=Level.KECAMATAN, code__in={
        code[:8] for code in units.tps + units.desa + units.kecamatan}
        | {region.code[:8]}).values_list("code", "name"))
    unit_kecamatan = {code: code[:8] for code in units.tps + units.desa + units.kecamatan}
    return Registry(election, region, rules, units, facts, gaps, names, unit_kecamatan)


def _figures(required: int, present: int, eligible: int, insured: int, gaps: int) -> dict:
    return {"required": required, "present": present, "eligible": eligible, "insured": insured,
            "coverage_pct": round(100 * insured / present, 1) if present else 0.0, "gaps": gaps}


def by_kecamatan(registry: Registry) -> tuple[list[dict], dict]:
    """Per kecamatan: code, name and the numeric figures; and the totals.
    required: posts the rules ask for; present: officers registered; eligible: of them, those
    passing the age and health rules; insured: with BPJS cover active on polling day;
    coverage_pct: insured / present; gaps: posts still empty."""
    required = Counter()
    for (_position, unit), n in eligibility.requirements(registry.rules, registry.units).items():
        required[unit[:8]] += n
    counts = defaultdict(Counter)
    for f in registry.officers:
        c = counts[f.kecamatan]
        c["present"] += 1
        c["eligible"] += f.eligible
        c["insured"] += f.insured
    gaps = Counter()
    for gap in registry.gaps:
        gaps[gap.unit_code[:8]] += gap.missing
    codes = sorted(set(required) | set(counts))
    rows = [{"code": code, "name": registry.kecamatan_names.get(code, code),
             **_figures(required[code], counts[code]["present"], counts[code]["eligible"],
                        counts[code]["insured"], gaps[code])} for code in codes]
    return rows, totals(rows)


def by_position(registry: Registry) -> tuple[list[dict], dict]:
    """The same figures per position (KPPS, PPS, PPK, PTPS, Linmas)."""
    required = Counter()
    for (position, _unit), n in eligibility.requirements(registry.rules,
                                                         registry.units).items():
        required[position] += n
    counts = defaultdict(Counter)
    for f in registry.officers:
        counts[f.position]["present"] += 1
        counts[f.position]["eligible"] += f.eligible
        counts[f.position]["insured"] += f.insured
    gaps = Counter()
    for gap in registry.gaps:
        gaps[gap.position.value] += gap.missing
    names = {"LINMAS": "Linmas"}
    rows = [{"code": r.position.value, "name": names.get(r.position.value, r.position.value),
             **_figures(required[r.position.value], counts[r.position.value]["present"],
                        counts[r.position.value]["eligible"],
                        counts[r.position.value]["insured"], gaps[r.position.value])}
            for r in registry.rules.positions]
    return rows, totals(rows)


def totals(rows: list[dict]) -> dict:
    summed = {key: sum(r[key] for r in rows) for key in ("required", "present", "eligible",
                                                          "insured", "gaps")}
    return _figures(summed["required"], summed["present"], summed["eligible"],
                    summed["insured"], summed["gaps"])
