"""Runs of the simulation engine for a region's TPS: inputs from the registry, results stored.

The engine and findings are pure; this module reads TPS from the database, runs the engine in
slices (to report progress), folds split TPS back, and stores per-TPS arrays with a summary.
"""

import io
import time
from dataclasses import dataclass, replace

import numpy as np
from django.utils import timezone

from siaga.regions.models import TPS
from siaga.simulation import findings
from siaga.simulation.engine import simulate, summarize
from siaga.simulation.params import Params, SimulationInputError, TPSInputs

# Progress is reported after each slice; a slice is large enough that the threads stay busy.
SLICE_TPS = 50_000

ARRAYS = ("dpt", "booths", "desks", "voting_close", "counting_end_mean", "counting_end_p10",
          "counting_end_p90", "longest_queue", "mean_wait", "p95_wait", "duty_hours_mean",
          "p_after_midnight", "p_after_deadline")


@dataclass
class Loaded:
    codes: list[str]
    kecamatan: list[str]  # kecamatan code of each TPS
    inputs: TPSInputs


def load_inputs(region, election, *, booths=None, desks=None, turnout=None) -> Loaded:
    """The TPS of a region as engine inputs; each TPS's random stream is keyed by its id, so a
    what-if on the same TPS replays the same voters."""
    rows = list(TPS.objects.filter(election=election, code__startswith=region.code)
                .order_by("code").values_list("id", "code", "dpt_men", "dpt_women"))
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.uint64, count=n)
    dpt = np.fromiter((r[2] + r[3] for r in rows), dtype=np.int64, count=n)
    codes = [r[1] for r in rows]
    inputs = TPSInputs(
        dpt=dpt, key=ids,
        booths=np.full(n, booths) if booths is not None else None,
        desks=np.full(n, desks) if desks is not None else None,
        turnout=np.full(n, turnout) if turnout is not None else None,
    )
    return Loaded(codes, [c[:8] for c in codes], inputs)


def params_for(election) -> Params:
    params = findings.default_params(election.max_voters_per_tps)
    voting = replace(params.voting, opens_at=_hours(election.voting_opens),
                     closes_at=_hours(election.voting_closes))
    counting = replace(params.counting,
                       legal_deadline=24.0 + election.counting_deadline_hours)
    return replace(params, voting=voting, counting=counting)


def _hours(value) -> float:
    return value.hour + value.minute / 60


def run_engine(loaded: Loaded, params: Params, *, replications: int, seed: int,
               split_above: int | None = None, relief_at: int | None = None,
               progress=lambda share: None) -> dict[str, np.ndarray]:
    """Simulate every TPS; per-TPS arrays (split TPS folded back to their later half)."""
    inputs, origin = loaded.inputs, np.arange(len(loaded.inputs))
    if split_above:
        inputs, origin = findings.split_large(inputs, split_above)
    parts = []
    for start in range(0, len(inputs), SLICE_TPS):
        part = inputs.take(np.arange(start, min(start + SLICE_TPS, len(inputs))))
        parts.append(simulate(part, params, replications, seed))
        progress(min(len(inputs), start + SLICE_TPS) / len(inputs))
    raw = {name: np.concatenate([getattr(p, name) for p in parts])
           for name in ("voting_close", "counting_end", "longest_queue", "mean_wait",
                        "p95_wait", "duty_hours", "voters", "dpk_turned_away")}
    if relief_at is not None:
        raw["duty_hours"] = findings.with_relief_shift(raw["duty_hours"], params.counting.duty_start,
                                                       relief_at)
    count = len(loaded.inputs)
    folded = {name: findings.fold_split(values, origin, count) for name, values in raw.items()}
    result_type = type(parts[0])
    summary = summarize(result_type(**folded), legal_deadline=params.counting.legal_deadline)
    booths = loaded.inputs.booths if loaded.inputs.booths is not None else np.full(
        count, params.voting.booths)
    desks = loaded.inputs.desks if loaded.inputs.desks is not None else np.full(
        count, params.voting.desks)
    return {
        "dpt": loaded.inputs.dpt, "booths": booths, "desks": desks,
        "voting_close": summary.voting_close_mean, "counting_end_mean": summary.counting_end_mean,
        "counting_end_p10": summary.counting_end_p10, "counting_end_p90": summary.counting_end_p90,
        "longest_queue": summary.longest_queue_mean, "mean_wait": summary.mean_wait,
        "p95_wait": summary.p95_wait, "duty_hours_mean": summary.duty_hours_mean,
        "p_after_midnight": summary.p_after_midnight, "p_after_deadline": summary.p_after_deadline,
    }


def summary_of(loaded: Loaded, arrays: dict[str, np.ndarray], names: dict[str, str]) -> dict:
    groups = findings.group_figures(loaded.kecamatan, arrays["counting_end_mean"],
                                    arrays["p_after_midnight"], arrays["p_after_deadline"])
    risky = findings.at_risk(arrays["p_after_midnight"], arrays["p_after_deadline"])
    return {
        "tps": len(loaded.codes),
        "at_risk": len(risky),
        "after_midnight": int((arrays["p_after_midnight"]
                               >= findings.LIKELY_AFTER_MIDNIGHT).sum()),
        "after_deadline": int((arrays["p_after_deadline"] >= findings.RISK_AFTER_DEADLINE).sum()),
        "end_median": float(np.median(arrays["counting_end_mean"])),
        "duty_hours_median": float(np.median(arrays["duty_hours_mean"])),
        "kecamatan": [{"code": g.key, "name": names.get(g.key, g.key), "tps": g.tps,
                       "end_median": g.end_median, "end_p90": g.end_p90,
                       "after_midnight": g.after_midnight, "after_deadline": g.after_deadline}
                      for g in groups],
    }


def execute(run) -> None:
    """Run a SimulationRun to the end, saving progress, results and summary (or the error)."""
    from siaga.regions.models import Region

    started = time.monotonic()
    run.status, run.progress = run.Status.RUNNING, 0
    run.save(update_fields=["status", "progress"])
    try:
        loaded = load_inputs(run.region, run.election, booths=run.booths, desks=run.desks,
                             turnout=run.turnout)
        if not loaded.codes:
            raise SimulationInputError(["there are no TPS in this region for this election"])

        def progress(share: float) -> None:
            run.progress = int(share * 100)
            run.save(update_fields=["progress"])

        arrays = run_engine(loaded, params_for(run.election), replications=run.replications,
                            seed=run.seed, split_above=run.split_above,
                            relief_at=run.relief_at, progress=progress)
    except SimulationInputError as exc:
        run.status, run.error = run.Status.FAILED, "; ".join(exc.problems)
        run.save(update_fields=["status", "error"])
        return
    names = dict(Region.objects.filter(code__in=set(loaded.kecamatan)).values_list("code", "name"))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, codes=np.asarray(loaded.codes), **arrays)
    run.results = buffer.getvalue()
    run.summary = summary_of(loaded, arrays, names)
    run.tps_count = len(loaded.codes)
    run.status, run.progress = run.Status.DONE, 100
    run.seconds = time.monotonic() - started
    run.finished_at = timezone.now()
    run.save()


def results_of(run) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(bytes(run.results))) as data:
        return {name: data[name] for name in data.files}


def latest_finished(election, region, *, what_if: bool = False):
    """The newest finished run of `election` over `region` or a region containing it (None
    when there is none). Unless `what_if`, only runs with the documented settings count: the
    forecast a board or report shows is not a what-if."""
    from siaga.regions.codes import ancestor_codes
    from siaga.simulation.models import SimulationRun

    found = SimulationRun.objects.filter(
        election=election, status=SimulationRun.Status.DONE, results__isnull=False,
        region__code__in=[*ancestor_codes(region.code), region.code])
    if not what_if:
        found = found.filter(booths__isnull=True, desks__isnull=True, split_above__isnull=True,
                             relief_at__isnull=True)
    return found.select_related("region").order_by("-finished_at", "-pk").first()
