"""Target: polling day at all 820,161 TPS, one replication, in <= 5 s on this 2-core machine;
the SimPy reference >= 1,000x slower per TPS-replication.

SYNTHETIC inputs: the national DPT (204,807,222, DOMAIN.md) split over 820,161 TPS around
~250 voters and capped at 300, as `siaga synth` splits it; moved-in voters (DPTb) drawn
around 2 per TPS and 1 expected ID-card voter (DPK), both invented for load. Compilation
(first run on a fresh clone) is timed apart. Prints one JSON line.
"""

import json
import sys
import time

import numpy as np

from siaga.regions.synthetic import NATIONAL_TPS, split_capped
from siaga.simulation import engine, reference
from siaga.simulation.params import Params, TPSInputs

NATIONAL_DPT = 204_807_222
REFERENCE_TPS = 24
BARTIM_TPS = 387  # Barito Timur, Pemilu 2024 (DOMAIN.md)
BARTIM_REPLICATIONS = 100
SEED = 1


def national_inputs() -> TPSInputs:
    rng = np.random.default_rng(SEED)
    params = Params()
    dpt = split_capped(NATIONAL_DPT, NATIONAL_TPS, params.voting.max_voters, rng)
    return TPSInputs(
        dpt=dpt,
        dptb=rng.poisson(2.0, NATIONAL_TPS),
        dpk=np.full(NATIONAL_TPS, 1.0),
    )


def timed(run) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = run()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def main() -> None:
    tps = national_inputs()
    params = Params()

    compile_seconds, _, _ = timed(lambda: engine.simulate(tps.take([0]), params, 1, SEED))
    # Best of two: the machine is shared, and the slower run says more about the neighbours.
    runs = [timed(lambda: engine.simulate(tps, params, 1, SEED)) for _ in range(2)]
    national_seconds, national_cpu, results = min(runs, key=lambda run: run[0])

    sample = tps.take(np.arange(REFERENCE_TPS))
    reference_seconds, _, _ = timed(lambda: reference.simulate(sample, params, 1, SEED))
    engine_per = national_seconds / NATIONAL_TPS
    reference_per = reference_seconds / REFERENCE_TPS

    bartim = tps.take(np.arange(BARTIM_TPS))
    bartim_seconds, _, _ = timed(
        lambda: engine.simulate(bartim, params, BARTIM_REPLICATIONS, SEED)
    )

    print(json.dumps({
        "national_tps": NATIONAL_TPS,
        "replications": 1,
        "national_seconds": round(national_seconds, 3),
        "national_cpu_seconds": round(national_cpu, 3),
        "target_seconds": 5.0,
        "engine": "numba",
        "threads": engine.threads(),
        "compile_seconds": round(compile_seconds, 2),
        "voters": int(results.voters.sum()),
        "reference_tps": REFERENCE_TPS,
        "reference_seconds": round(reference_seconds, 3),
        "speedup_vs_simpy": round(reference_per / engine_per),
        "bartim_tps_x_replications": BARTIM_TPS * BARTIM_REPLICATIONS,
        "bartim_seconds": round(bartim_seconds, 3),
        "python": sys.version.split()[0],
    }))


if __name__ == "__main__":
    main()
