"""Quality yardstick of the routing core: CVRPLIB set A against the best-known costs.

Solves every instance in bench/data/cvrplib/ with siaga.logistics.routing.solve_cvrp, checks each
solution (every customer once, capacity, fleet size), recomputes its cost from the coordinates,
and prints one JSON line:
{"instances": 9, "max_gap_pct": ..., "max_seconds": ..., "gaps": {...}}
Target: every gap ≤ 0.5% in ≤ 5 s per instance.

Run: .tools/bin/uv run python bench/routing.py [--seconds 3] [--seed 0]
"""

import argparse
import json
import sys
import time
from pathlib import Path

from siaga.logistics.cvrplib import check_solution, gap_pct, read_instance, route_cost
from siaga.logistics.routing import solve_cvrp

DATA = Path(__file__).resolve().parent / "data" / "cvrplib"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.5, help="search time per instance")
    parser.add_argument("--workers", type=int, default=2, help="parallel searches per instance")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    gaps, seconds, errors = {}, {}, {}
    for path in sorted(DATA.glob("*.vrp")):
        instance = read_instance(path)
        started = time.perf_counter()
        solution = solve_cvrp(instance.distances, instance.demands, instance.capacity,
                              vehicles=instance.vehicles, seconds=args.seconds, seed=args.seed,
                              workers=args.workers)
        seconds[instance.name] = round(time.perf_counter() - started, 2)
        routes = [list(r) for r in solution.routes]
        problems = check_solution(instance, routes)
        cost = route_cost(instance, routes)
        if cost != solution.cost:
            problems.append(f"solver cost {solution.cost} != recomputed {cost}")
        if problems:
            errors[instance.name] = problems
        gaps[instance.name] = round(gap_pct(cost, instance.best_known), 3)

    result = {
        "instances": len(gaps),
        "max_gap_pct": max(gaps.values()),
        "max_seconds": max(seconds.values()),
        "gaps": gaps,
    }
    if errors:
        result["errors"] = errors
    print(json.dumps(result))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
