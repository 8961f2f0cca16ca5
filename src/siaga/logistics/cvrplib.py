"""CVRPLIB instances (TSPLIB format) and their solution files: read, cost and check.

Pure: no Django. Used by bench/routing.py as the quality yardstick of the routing core.
Set A (Augerat et al., 1995) uses EUC_2D: Euclidean distances rounded to the nearest integer
("nint"); costs and best-known values are in those rounded units.
"""

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import vrplib


@dataclass(frozen=True)
class Instance:
    name: str
    coordinates: np.ndarray  # (n, 2), node 0 the depot
    demands: tuple[int, ...]
    capacity: int
    vehicles: int | None  # "No of trucks" in the comment, the fleet size of the best known
    best_known: int | None  # "Optimal value" in the comment
    distances: np.ndarray  # (n, n) int64, rounded Euclidean


def rounded_euclidean(coordinates: np.ndarray) -> np.ndarray:
    """TSPLIB EUC_2D: nint(sqrt(dx² + dy²)), with nint(x) = floor(x + 0.5)."""
    diff = coordinates[:, None, :] - coordinates[None, :, :]
    return np.floor(np.sqrt((diff**2).sum(axis=-1)) + 0.5).astype(np.int64)


def read_instance(path: str | Path) -> Instance:
    """Read a CVRP instance with EUC_2D distances and one depot (node 1 in the file)."""
    raw = vrplib.read_instance(str(path), compute_edge_weights=False)
    if raw.get("edge_weight_type") != "EUC_2D":
        raise ValueError(f"{path}: only EUC_2D instances are supported")
    depots = np.atleast_1d(raw.get("depot", [0]))
    if list(depots) != [0]:
        raise ValueError(f"{path}: expected one depot, node 1")
    coordinates = np.asarray(raw["node_coord"], dtype=float)
    comment = str(raw.get("comment", ""))
    trucks = re.search(r"trucks:\s*(\d+)", comment, re.IGNORECASE)
    optimal = re.search(r"(?:optimal|best) value:\s*(\d+)", comment, re.IGNORECASE)
    return Instance(
        name=str(raw["name"]),
        coordinates=coordinates,
        demands=tuple(int(d) for d in raw["demand"]),
        capacity=int(raw["capacity"]),
        vehicles=int(trucks.group(1)) if trucks else None,
        best_known=int(optimal.group(1)) if optimal else None,
        distances=rounded_euclidean(coordinates),
    )


def read_solution(path: str | Path) -> tuple[list[list[int]], int | None]:
    """Routes (customers numbered 1..n-1, depot 0 implicit) and the stated cost."""
    raw = vrplib.read_solution(str(path))
    cost = raw.get("cost")
    return [list(map(int, r)) for r in raw["routes"]], None if cost is None else int(cost)


def route_cost(instance: Instance, routes: list[list[int]] | tuple) -> int:
    """Total rounded-Euclidean length of the routes, each from and back to the depot."""
    d = instance.distances
    total = 0
    for route in routes:
        path = [0, *route, 0]
        total += int(sum(d[a, b] for a, b in zip(path, path[1:])))
    return total


def check_solution(instance: Instance, routes) -> list[str]:
    """What is wrong with a solution: customers missing or repeated, routes over capacity."""
    errors = []
    n = len(instance.demands)
    seen = [c for r in routes for c in r]
    if sorted(seen) != list(range(1, n)):
        missing = sorted(set(range(1, n)) - set(seen))
        repeated = sorted({c for c in seen if seen.count(c) > 1})
        errors.append(f"customers missing {missing}, repeated {repeated}")
    for k, route in enumerate(routes, start=1):
        load = sum(instance.demands[c] for c in route)
        if load > instance.capacity:
            errors.append(f"route {k} carries {load} > {instance.capacity}")
    if instance.vehicles is not None and len([r for r in routes if r]) > instance.vehicles:
        errors.append(f"{len(routes)} routes > {instance.vehicles} vehicles")
    return errors


def gap_pct(cost: float, best_known: float) -> float:
    """How far above the best known a cost is, in percent."""
    if not best_known:
        return math.inf
    return 100.0 * (cost - best_known) / best_known
