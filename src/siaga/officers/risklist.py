"""The risk list's Django side: the latest finished simulation run covering the region, its
per-TPS counting ends (runs.results_of), and the KPPS teams from the registry."""

from collections import defaultdict

from siaga.officers import coverage, eligibility, workload
from siaga.officers.workload import ACTIONS
from siaga.simulation import runs
from siaga.simulation.models import SimulationRun


def latest_run(region, election) -> SimulationRun | None:
    """The newest finished run of this election for the region or a region containing it
    (what-if runs included)."""
    return runs.latest_finished(election, region, what_if=True)


def teams_of(registry: coverage.Registry) -> dict[str, workload.Team]:
    rule = registry.rules.rule(eligibility.Position.KPPS)
    ages, uncertified = defaultdict(list), defaultdict(int)
    for f in registry.officers:
        if f.position == eligibility.Position.KPPS:
            ages[f.unit_code].append(f.age)
            uncertified[f.unit_code] += not f.has_health_certificate
    return {code: workload.Team(tuple(ages.get(code, ())), uncertified.get(code, 0),
                                max(0, rule.per_unit - len(ages.get(code, ()))))
            for code in registry.units.tps}


def flags_for(region, election, thresholds: workload.Thresholds | None = None
              ) -> tuple[SimulationRun | None, list[workload.Flag]]:
    run = latest_run(region, election)
    if run is None:
        return None, []
    data = runs.results_of(run)
    finishes = {str(code): workload.Finish(float(end), float(p))
                for code, end, p in zip(data["codes"], data["counting_end_mean"],
                                        data["p_after_midnight"], strict=True)
                if str(code).startswith(region.code)}
    teams = teams_of(coverage.load(region, election))
    return run, workload.flag_teams(teams, finishes, thresholds or workload.Thresholds())


def row(flag: workload.Flag, translate) -> dict:
    return {"code": flag.code, "end": workload.clock(flag.finish.counting_end_mean),
            "p_midnight": round(100 * flag.finish.p_after_midnight),
            "kpps": len(flag.team.ages), "mean_age": round(flag.mean_age, 1),
            "without_certificate": flag.team.without_certificate,
            "reasons": [r.render(translate) for r in flag.reasons],
            "actions": [translate(ACTIONS[a]) for a in flag.actions]}
