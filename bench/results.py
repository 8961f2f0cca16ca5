"""Results at national scale, in process and in PostgreSQL (SYNTHETIC data).

The synthetic national presidential dataset (`siaga.results.synthetic`: one PPWP form at each
of 820,161 TPS, adding up to Keputusan KPU 360/2024), 2,325 forms misread the Sirekap ways as
in bench/results_core.py. Measured:

* rollup_seconds: in process, `check_arrays` + `Rollup.build` of every level (median of
  --repeat; the form columns int32 as stored), target 0.1 s;
* correction_ms: one flagged form re-entered with its true numbers, `check`ed and `apply`d
  (median over the 2,325), target 5 ms;
* postgres_rollup_seconds: the same rows COPYed into a fresh PostgreSQL database
  (`siaga_bench_results`, dropped and recreated) and summed by PostgreSQL itself,
  `SELECT … GROUP BY ROLLUP(province, kabkota, kecamatan, desa)` with the accepted votes and
  the accepted / flagged counts per region (median of 3, rows fetched);
* national_totals_match: true only when PostgreSQL's roll-up equals the in-process one at every
  region of every level, the in-process incremental table after the corrections equals a
  rebuild, and after the corrections (in process, and in PostgreSQL by one UPDATE from the
  COPYed true rows) the nation has the official totals.

* api_forms_per_s: presidential C.Hasil POSTed to /api/v1/hasil (device token, checks,
  idempotency by client id with 10% retried duplicates, the TPS's state locked, the totals of
  every level moved, audit) on production's stack (`siaga serve`, PostgreSQL; the demo
  regency's synthetic TPS, three sources each, so later forms are new versions of a source's
  form), against `baseline_per_s` of the bare one-row-insert endpoint on the same server;
  rounds alternate (bench/field_reports.py's helpers). Target ratio 0.7.

Run: .tools/bin/uv run python bench/results.py [--seed 2024] [--repeat 7] [--no-api]
Prints one JSON line.
"""

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import field_reports as fr
from results_core import (
    SIREKAP_MISREAD_TPS,
    apply_corrections,
    as_int32,
    median_time,
    misread,
)

from siaga.results.checks import check_arrays
from siaga.results.rollup import ACCEPTED, FLAGGED, LEVELS, Hierarchy, Rollup
from siaga.results.synthetic import (
    CANDIDATES,
    CHOICES,
    NATIONAL_VOTES,
    default_inputs,
    synthetic_presidential,
)

PG = os.environ.get("SIAGA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
DB = "siaga_bench_results"
WORK_MEM = "256MB"  # the roll-up's hash tables stay in memory (91,560 groups)

TABLE = """
CREATE TABLE result_form (
    tps integer PRIMARY KEY,
    province text NOT NULL, kabkota text NOT NULL, kecamatan text NOT NULL, desa text NOT NULL,
    status smallint NOT NULL,
    v01 integer NOT NULL, v02 integer NOT NULL, v03 integer NOT NULL,
    voted integer NOT NULL, valid integer NOT NULL, invalid integer NOT NULL
)"""
COLUMNS = "tps, province, kabkota, kecamatan, desa, status, v01, v02, v03, voted, valid, invalid"
ROLLUP = """
SELECT province, kabkota, kecamatan, desa,
       coalesce(sum(v01) FILTER (WHERE status = 1), 0),
       coalesce(sum(v02) FILTER (WHERE status = 1), 0),
       coalesce(sum(v03) FILTER (WHERE status = 1), 0),
       count(*) FILTER (WHERE status = 1), count(*) FILTER (WHERE status = 2)
FROM result_form
GROUP BY ROLLUP (province, kabkota, kecamatan, desa)
"""


def fresh_database() -> str:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    return f"{PG}/{DB}"


def tsv(rows_index, region, status, forms) -> bytes:
    """The rows as COPY text (tab separated), built column-wise."""
    columns = [np.asarray(rows_index).astype(str)]
    columns += [np.asarray(r)[rows_index] for r in region]
    columns += [np.asarray(status)[rows_index].astype(str)]
    columns += [forms.votes[rows_index, j].astype(str) for j in range(forms.votes.shape[1])]
    columns += [getattr(forms, n)[rows_index].astype(str) for n in ("voted", "valid", "invalid")]
    out = io.StringIO()
    for row in zip(*(c.tolist() for c in columns)):
        out.write("\t".join(row))
        out.write("\n")
    return out.getvalue().encode()


def copy_rows(conn, table: str, data: bytes) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({COLUMNS}) FROM STDIN") as copy:
        for start in range(0, len(data), 1 << 20):
            copy.write(data[start:start + (1 << 20)])


def pg_levels(rows) -> dict[str, dict[str, tuple]]:
    """PostgreSQL's roll-up rows by level and region code (the grouped-away columns are NULL;
    no code is NULL in the data)."""
    out = {level: {} for level in LEVELS}
    for province, kabkota, kecamatan, desa, *values in rows:
        parts = (desa, kecamatan, kabkota, province)
        depth = sum(p is not None for p in parts)  # 4 = desa … 0 = nation
        level = LEVELS[4 - depth]
        code = next((p for p in parts if p is not None), "")
        out[level][code] = tuple(int(v) for v in values)
    return out


def in_process_levels(rollup: Rollup) -> dict[str, dict[str, tuple]]:
    out = {}
    for level in LEVELS:
        t = rollup.level(level)
        out[level] = {code: (*map(int, t.values[i]), int(t.accepted[i]), int(t.flagged[i]))
                      for i, code in enumerate(t.codes)}
    return out


API_DB = "siaga_bench_results_api"
SOURCES = ("kpps", "ptps", "pemda")


def hasil_body(rng, cid, tps) -> dict:
    """The presidential C.Hasil of a random (code, DPT) of `tps` as a random source reads it:
    every source reads the same sheet (numbers seeded by the TPS), and 3% misread one digit
    of a pair's votes (the form is flagged and disagrees with the others)."""
    code, dpt = rng.choice(tps)
    source = rng.choice(SOURCES)
    misread = rng.random() < 0.03
    rng = random.Random(code)  # the sheet itself: the same for every source
    received = dpt + -(-dpt * 2 // 100)
    voted = rng.randint(dpt // 2, dpt)
    invalid = rng.randint(0, voted // 20)
    valid = voted - invalid
    a = rng.randint(0, valid)
    b = rng.randint(0, valid - a)
    damaged = rng.randint(0, received - voted)
    votes = {"01": a, "02": b, "03": valid - a - b}
    if misread:
        votes["01"] += 500  # 117 read as 617
    return {"client_id": cid, "tps": code, "contest": "PPWP", "election": "pemilu-2024",
            "source": source, "dpt": dpt, "voted": voted,
            "ballots_received": received, "ballots_used": voted, "ballots_damaged": damaged,
            "ballots_unused": received - voted - damaged, "valid": valid, "invalid": invalid,
            "votes": votes}


def api_throughput() -> dict:
    """Forms per second through the API against the bare insert endpoint, same server."""
    import tempfile

    with tempfile.TemporaryDirectory() as var:
        server, url, token = fr.start_demo_server(API_DB, var)
        try:
            with psycopg.connect(url) as conn:
                tps = [tuple(r) for r in conn.execute(
                    "SELECT t.code, t.dpt_men + t.dpt_women FROM regions_tps t JOIN "
                    "regions_election e ON e.id = t.election_id WHERE e.slug = 'pemilu-2024' "
                    "ORDER BY t.code")]
            fr.note(f"{len(tps)} TPS; warming up")
            _bare, real, baseline, rate = fr.alternate(server.port, token, tps, "/api/v1/hasil",
                                                       body=hasil_body)
        finally:
            server.stop()
        with psycopg.connect(url) as conn:
            stored, distinct = conn.execute(
                "SELECT count(*), count(DISTINCT client_id) FROM results_resultform").fetchone()
            ids = {r[0] for r in conn.execute("SELECT client_id FROM results_resultform")}
            # Every level's incremental totals equal the accepted forms' sum (the nation here).
            counted = conn.execute(
                "SELECT coalesce(sum(valid), 0) FROM results_tpsresult WHERE state = 'accepted'"
            ).fetchone()[0]
            nation = conn.execute(
                "SELECT coalesce(sum(valid), 0) FROM results_resultcount WHERE region_code = ''"
            ).fetchone()[0]
    latencies = [x for b in real for x in b["latencies"]]
    acked = {cid for b in real for cid in b["acked"]}
    return {"api_forms_per_s": round(rate, 1), "baseline_per_s": round(baseline, 1),
            "api_ratio": round(rate / baseline, 3), "target_api_ratio": 0.7,
            "api_p99_ms": fr.p99_ms(latencies), "api_requests": len(latencies),
            "api_errors": sum(b["errors"] for b in real),
            "api_forms_stored": stored, "api_duplicates": stored - distinct,
            "api_acked_missing": len(acked - ids),
            "api_totals_consistent": int(counted) == int(nation)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-api", action="store_true", help="skip the API throughput part")
    args = parser.parse_args()
    api = {"api_forms_per_s": None, "baseline_per_s": None} if args.no_api else api_throughput()
    rng = np.random.default_rng(args.seed)

    started = time.perf_counter()
    facts, provinces = default_inputs()
    data = synthetic_presidential(facts, provinces, seed=args.seed)
    hierarchy = Hierarchy.from_villages(data.country.village_codes, data.country.tps_village)
    build_seconds = time.perf_counter() - started
    true_forms = as_int32(data.forms)
    shown, _truth = misread(true_forms, SIREKAP_MISREAD_TPS, rng)

    def check_and_rollup():
        checked = check_arrays(shown)
        status = np.where(checked.flagged, FLAGGED, ACCEPTED).astype(np.int8)
        return status, Rollup.build(hierarchy, shown.votes, status, columns=CHOICES)

    rollup_seconds, (status, rollup) = median_time(check_and_rollup, args.repeat)
    before = in_process_levels(rollup)
    flagged = np.flatnonzero(status == FLAGGED)

    # PostgreSQL: the same rows, summed by PostgreSQL.
    desa_codes = np.array(hierarchy.codes[0], dtype=object)[hierarchy.tps_desa]
    region = [np.array([c[:2] for c in desa_codes], dtype=object),
              np.array([c[:5] for c in desa_codes], dtype=object),
              np.array([c[:8] for c in desa_codes], dtype=object), desa_codes]
    url = fresh_database()
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        conn.execute(TABLE)
        copy_rows(conn, "result_form", tsv(np.arange(len(shown)), region, status, shown))
        conn.commit()
        load_seconds = time.perf_counter() - started
        conn.execute("ANALYZE result_form")
        conn.execute(f"SET work_mem = '{WORK_MEM}'")
        times = []
        for _ in range(3):
            started = time.perf_counter()
            rows = conn.execute(ROLLUP).fetchall()
            times.append(time.perf_counter() - started)
        postgres_rollup_seconds = statistics.median(times)
        pg_matches = pg_levels(rows) == before

        # Corrections in process: each flagged form re-entered, checked, applied.
        correction_times = apply_corrections(rollup, flagged, true_forms)
        rebuilt = Rollup.build(hierarchy, true_forms.votes, np.full(len(true_forms), ACCEPTED),
                               columns=CHOICES)
        national = {CANDIDATES[c]: v for c, v in rollup.national().items()}

        # … and in PostgreSQL: the true rows COPYed into a temporary table, one UPDATE.
        conn.execute("CREATE TEMP TABLE fixed (LIKE result_form)")
        copy_rows(conn, "fixed", tsv(flagged, region, np.full(len(shown), ACCEPTED), true_forms))
        started = time.perf_counter()
        conn.execute("UPDATE result_form f SET status = x.status, v01 = x.v01, v02 = x.v02, "
                     "v03 = x.v03, voted = x.voted, valid = x.valid, invalid = x.invalid "
                     "FROM fixed x WHERE f.tps = x.tps")
        conn.commit()
        pg_update_seconds = time.perf_counter() - started
        nation_row = conn.execute(
            "SELECT sum(v01) FILTER (WHERE status = 1), sum(v02) FILTER (WHERE status = 1), "
            "sum(v03) FILTER (WHERE status = 1) FROM result_form").fetchone()
        pg_national = {CANDIDATES[c]: int(v) for c, v in zip(CHOICES, nation_row)}

    match = (pg_matches and np.array_equal(rollup.table, rebuilt.table)
             and national == NATIONAL_VOTES and pg_national == NATIONAL_VOTES)
    print(json.dumps({
        "national_tps": len(shown),
        "synthetic": True,
        "build_seconds": round(build_seconds, 2),
        "rollup_seconds": round(rollup_seconds, 4),
        "target_seconds": 0.1,
        "postgres_load_seconds": round(load_seconds, 2),
        "postgres_rollup_seconds": round(postgres_rollup_seconds, 3),
        "postgres_rollup_rows": len(rows),
        "postgres_work_mem": WORK_MEM,
        "postgres_matches_in_process": pg_matches,
        "postgres_corrections_update_seconds": round(pg_update_seconds, 3),
        "correction_ms": round(1000 * statistics.median(correction_times), 3),
        "correction_p99_ms": round(1000 * float(np.percentile(correction_times, 99)), 3),
        "target_correction_ms": 5,
        "flagged": len(flagged),
        "national_totals_match": bool(match),
        "candidate_totals": national,
        **api,
        "python": sys.version.split()[0],
    }))
    api_ok = args.no_api or (api["api_duplicates"] == 0 and api["api_totals_consistent"])
    return 0 if match and api_ok else 1


if __name__ == "__main__":
    sys.exit(main())
