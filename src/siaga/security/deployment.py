"""The security plan of a region from today's kerawanan grades: the Django side of plan.py."""

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from django.db import models

from siaga.regions.models import TPS, Election, Region
from siaga.risk.assessments import region_risk
from siaga.security.models import Personnel
from siaga.security.patterns import DEFAULT_PRESET, PRESETS, Pattern, PatternSet
from siaga.security.plan import Plan, Sites, Strength, plan_security
from siaga.security.roster import Person, Post, Roster, assign_roster

# Polres Barito Timur, Dec 2023 (kalteng.antaranews 674916): 197 Polri + 70 TNI + 702 Linmas
# for 351 TPS, 20 of them rawan. Taken from a news report, not from an official plan.
BARTIM_2024 = {"police": 197, "tni": 70, "linmas": 702,
               "source": "Kapolres Barito Timur, Des 2023 (kalteng.antaranews.com 674916)"}


@dataclass(frozen=True)
class Scenario:
    preset: str = DEFAULT_PRESET
    police: int = 0
    tni: int = 0
    linmas: int = 0
    bko_police: int = 0  # reinforcements from the Polda (bawah kendali operasi)
    bko_tni: int = 0
    # What-if patterns ("2-8-16") replacing the preset's, per grade; "" keeps the preset's.
    patterns: tuple[str, str, str] = ("", "", "")
    tni_per_police: str = ""  # e.g. "1/2": TNI alongside each police officer

    def pattern_set(self) -> PatternSet:
        """The preset with this scenario's changes; ValueError on a pattern it cannot read."""
        chosen = PRESETS[self.preset]
        for grade, text in enumerate(self.patterns):
            if text.strip():
                chosen = chosen.with_pattern(grade, Pattern.parse(text))
        if self.tni_per_police.strip():
            chosen = chosen.with_tni(Fraction(self.tni_per_police.strip()))
        return chosen

    @classmethod
    def from_query(cls, query, prefix: str) -> "Scenario | None":
        if f"{prefix}preset" not in query:
            return None
        preset = query.get(f"{prefix}preset")
        return cls(preset=preset if preset in PRESETS else DEFAULT_PRESET,
                   patterns=tuple(query.get(f"{prefix}pattern_{g}", "")[:20] for g in range(3)),
                   tni_per_police=query.get(f"{prefix}tni_per_police", "")[:10],
                   **{k: _count(query.get(f"{prefix}{k}"))
                      for k in ("police", "tni", "linmas", "bko_police", "bko_tni")})


def _count(raw) -> int:
    try:
        return max(0, int(raw or 0))
    except ValueError:
        return 0


def sites_for(election: Election, region: Region) -> Sites:
    risk = region_risk(election, region.code)
    place = {t[0]: t[1:] for t in TPS.objects.filter(election=election, code__startswith=region.code)
             .values_list("code", "latitude", "longitude", "access")}
    lat = np.array([place[c][0] if place[c][0] is not None else np.nan for c in risk.codes])
    lon = np.array([place[c][1] if place[c][1] is not None else np.nan for c in risk.codes])
    return Sites(codes=risk.codes, grades=risk.grades.grades.astype(np.int8), latitude=lat,
                 longitude=lon, access=[place[c][2] for c in risk.codes])


def strength_for(region: Region, sites: Sites, scenario: Scenario) -> Strength:
    """Police and TNI as one pool of the region; Linmas shared over the desa by their TPS."""
    desa = [code.split("-")[0] for code in sites.codes]
    names, counts = np.unique(desa, return_counts=True)
    linmas = np.floor(scenario.linmas * counts / max(counts.sum(), 1)).astype(int)
    linmas[np.argsort(-counts)[: scenario.linmas - int(linmas.sum())]] += 1
    return Strength(police={region.code: scenario.police}, tni={region.code: scenario.tni},
                    linmas={str(n): int(k) for n, k in zip(names, linmas, strict=True)},
                    bko_police={region.code[:2]: scenario.bko_police},
                    bko_tni={region.code[:2]: scenario.bko_tni})


def plan_for(election: Election, region: Region, scenario: Scenario) -> Plan:
    sites = sites_for(election, region)
    return plan_security(sites, scenario.pattern_set(), strength_for(region, sites, scenario))


def news_scenario() -> "Scenario":
    """The strength the Kapolres of Barito Timur gave the press (BARTIM_2024), for pages that
    have no registered personnel to plan with."""
    return Scenario(DEFAULT_PRESET, BARTIM_2024["police"], BARTIM_2024["tni"],
                    BARTIM_2024["linmas"])


def registered_scenario(region: Region) -> Scenario | None:
    """The personnel registered in the region, as a scenario (None when there are none)."""
    counts = dict(Personnel.objects.filter(region__code__startswith=region.code)
                  .values_list("kind").annotate(n=models.Count("id")))
    if not counts:
        return None
    return Scenario(DEFAULT_PRESET, counts.get("polri", 0), counts.get("tni", 0),
                    counts.get("linmas", 0))


def roster_for(plan: Plan, region: Region) -> Roster:
    """Names on every post of the plan, from the personnel registered in the region."""
    posts = []
    for g in plan.groups():
        tni = math.ceil(g.police * g.pattern.tni_per_police)
        posts.append(Post(g.name, g.tps, g.police, tni, g.linmas))
    people = [Person(str(pk), name, kind, code) for pk, name, kind, code in
              Personnel.objects.filter(region__code__startswith=region.code)
              .order_by("kind", "region__code", "name").values_list("pk", "name", "kind", "region__code")]
    return assign_roster(posts, people)
