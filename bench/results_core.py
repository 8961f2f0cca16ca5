"""Results core at national scale: check every presidential C.Hasil and roll them up.

SYNTHETIC data: one PPWP form at each of 820,161 TPS, built by
`siaga.results.synthetic.synthetic_presidential` so that the provinces add up to the published
per-province result (Sulawesi Tenggara's empty row replaced by the derived remainder "Sulawesi
Tenggara + luar negeri (sisa, diturunkan)") and the nation to Keputusan KPU 360/2024:
40,971,906 / 96,214,691 / 27,040,878. Then, as Sirekap did on 15 Feb 2024, 2,325 forms are
misread (one digit of a candidate's votes replaced, a stray leading digit, valid votes that lost
their leading digits, one digit of the voters who voted).

Timed (median of several runs; the form columns are int32, as stored):
* check_seconds: `check_arrays` over all forms; rollup_seconds: `Rollup.build` of every level
  with the flagged forms left out (target: both together ≤ 0.1 s);
* correction_ms: one flagged form re-entered with its true numbers, checked with `check` and
  applied with `Rollup.apply` (target ≤ 5 ms).
national_totals_match is true only when, after the corrections, the rolled-up national totals
equal the official ones and an incremental roll-up equals a rebuild from scratch.

Run: .tools/bin/uv run python bench/results_core.py [--seed 2024] [--repeat 7]
"""

import argparse
import json
import statistics
import sys
import time
from dataclasses import fields, replace

import numpy as np

from siaga.results.checks import FormArrays, check, check_arrays, find_anomalies, flags
from siaga.results.rollup import ACCEPTED, FLAGGED, Hierarchy, Rollup, Row
from siaga.results.synthetic import (
    CANDIDATES,
    CHOICES,
    NATIONAL_VOTES,
    default_inputs,
    synthetic_presidential,
)

SIREKAP_MISREAD_TPS = 2_325  # of 358,775 TPS on 15 Feb 2024 (DOMAIN.md)


def as_int32(forms: FormArrays) -> FormArrays:
    return replace(forms, **{f.name: getattr(forms, f.name).astype(np.int32)
                             for f in fields(forms)
                             if isinstance(getattr(forms, f.name), np.ndarray)})


def misread(forms: FormArrays, count: int, rng: np.random.Generator):
    """A copy with `count` forms misread the ways Sirekap misread them; which field of which
    TPS was changed, and its true value."""
    shown = replace(forms, votes=forms.votes.copy(), valid=forms.valid.copy(),
                    voted=forms.voted.copy())
    tps = rng.choice(np.flatnonzero(forms.valid >= 100), size=count, replace=False)
    truth = {}
    for n, i in enumerate(tps):
        kind = n % 4
        if kind in (0, 1):
            c = int(rng.integers(len(CHOICES)))
            true = int(shown.votes[i, c])
            text = str(true)
            if kind == 0:  # one digit replaced (117 → 617)
                p = int(rng.integers(len(text)))
                digits = [d for d in ("123456789" if p == 0 and len(text) > 1 else "0123456789")
                          if d != text[p]]
                new = int(text[:p] + str(rng.choice(digits)) + text[p + 1:])
            else:  # a stray leading digit (17 → 617)
                new = int(str(rng.integers(1, 10)) + text)
            shown.votes[i, c] = new
            truth[int(i)] = (f"votes:{CHOICES[c]}", true)
        elif kind == 2:  # valid votes lost their leading digits (202 → 2)
            truth[int(i)] = ("valid", int(shown.valid[i]))
            shown.valid[i] = shown.valid[i] % 10
        else:  # voters who voted, one digit replaced
            true = int(shown.voted[i])
            text = str(true)
            p = int(rng.integers(1, len(text)))
            other = str(rng.choice([d for d in "0123456789" if d != text[p]]))
            shown.voted[i] = int(text[:p] + other + text[p + 1:])
            truth[int(i)] = ("voted", true)
    return shown, truth


def apply_corrections(rollup: Rollup, flagged, true_forms: FormArrays) -> list[float]:
    """Each flagged form re-entered from its photo, checked and applied incrementally; the
    seconds each correction took."""
    times = []
    for i in flagged:
        started = time.perf_counter()
        form = true_forms.form(int(i))
        if flags(check(form)):
            raise SystemExit(f"the corrected form at TPS {i} is still flagged")
        rollup.apply(int(i), Row(FLAGGED), Row(ACCEPTED, tuple(form.votes.values())))
        times.append(time.perf_counter() - started)
    return times


def median_time(run, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    started = time.perf_counter()
    facts, provinces = default_inputs()
    data = synthetic_presidential(facts, provinces, seed=args.seed)
    build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    hierarchy = Hierarchy.from_villages(data.country.village_codes, data.country.tps_village)
    hierarchy_seconds = time.perf_counter() - started

    true_forms = as_int32(data.forms)
    shown, truth = misread(true_forms, SIREKAP_MISREAD_TPS, rng)

    check_seconds, checked = median_time(lambda: check_arrays(shown), args.repeat)
    status = np.where(checked.flagged, FLAGGED, ACCEPTED).astype(np.int8)
    rollup_seconds, rollup = median_time(
        lambda: Rollup.build(hierarchy, shown.votes, status, columns=CHOICES), args.repeat)
    flagged = np.flatnonzero(checked.flagged)
    before = rollup.national()
    missing_before = int(rollup.level("nasional").missing[0])

    # The hints on each flagged form: does the proposed reading give back the true number?
    hinted_true = hinted_other = 0
    for i in flagged:
        readings = {(f.params["field"], f.params["probably"])
                    for f in check(shown.form(int(i))) if f.code == "likely_misread"}
        if truth.get(int(i)) in readings:
            hinted_true += 1
        elif readings:
            hinted_other += 1

    correction_times = apply_corrections(rollup, flagged, true_forms)

    rebuilt = Rollup.build(hierarchy, true_forms.votes, np.full(len(true_forms), ACCEPTED),
                           columns=CHOICES)
    national = {CANDIDATES[c]: v for c, v in rollup.national().items()}
    anomalies_seconds, anomalies = median_time(
        lambda: find_anomalies(true_forms, hierarchy.tps_desa,
                               hierarchy.paths[:, 1] - hierarchy.offsets[1]), 1)

    print(json.dumps({
        "national_tps": len(true_forms),
        "synthetic": True,
        "dtype": "int32",
        "build_seconds": round(build_seconds, 2),
        "hierarchy_seconds": round(hierarchy_seconds, 3),
        "check_seconds": round(check_seconds, 4),
        "rollup_seconds": round(rollup_seconds, 4),
        "check_plus_rollup_seconds": round(check_seconds + rollup_seconds, 4),
        "target_seconds": 0.1,
        "correction_ms": round(1000 * statistics.median(correction_times), 3),
        "correction_p99_ms": round(1000 * float(np.percentile(correction_times, 99)), 3),
        "correction_max_ms": round(1000 * max(correction_times), 3),
        "target_correction_ms": 5,
        "misreads": len(truth),
        "flagged": len(flagged),
        "misreads_flagged": int(sum(checked.flagged[i] for i in truth)),
        "hint_gives_true_value": hinted_true,
        "hint_gives_other_value": hinted_other,
        "missing_before_corrections": missing_before,
        "votes_before_corrections": {CANDIDATES[c]: v for c, v in before.items()},
        "national_totals_match": national == NATIONAL_VOTES
        and np.array_equal(rollup.table, rebuilt.table),
        "candidate_totals": national,
        "anomalies_seconds": round(anomalies_seconds, 2),
        "anomaly_hinted_tps": int(anomalies.hinted.sum()),
        "uneven_digit_kecamatan": int(anomalies.uneven_digits.sum()),
        "python": sys.version.split()[0],
    }))
    return 0 if national == NATIONAL_VOTES else 1


if __name__ == "__main__":
    sys.exit(main())
