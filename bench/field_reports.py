"""Target: the field-report endpoint (token auth, validation, idempotency, audit) sustains at
least 0.8x the throughput of a bare one-row-insert endpoint on the same stack, p99 under
250 ms; a burst with 10% retried duplicates stores each report once; killing the server
mid-burst loses no acknowledged report.

The stack is production's: `siaga serve` (gunicorn, 2 workers, persistent PostgreSQL
connections, DEBUG off) on a fresh PostgreSQL database; the demo regency's TPS (synthetic).
The load comes from client processes on the same machine, the same for both endpoints;
bare and real rounds alternate so that a busy moment hits both. Prints one JSON line.
"""

import glob
import http.client
import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

import psycopg

PG = os.environ.get("SIAGA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
DB = "siaga_bench_reports"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 6))
ROUND_SECONDS = 5.0
ROUNDS = 4  # of each endpoint, alternating
DUPLICATE_SHARE = 0.10


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(name: str = DB) -> str:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{PG}/{name}"


class Server:
    def __init__(self, env: dict, port: int):
        self.env, self.port = env, port
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "siaga", "serve", "--port", str(self.port), "--insecure-http"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        for _ in range(600):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/masuk/")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.5)
        raise RuntimeError("the server did not answer")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (web workers and task worker)."""
        total = 0
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                with open(stat) as f:
                    fields = f.read().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[3]) == self.process.pid:  # the session the server leads
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def wait_quiet(self, window: float = 2.0, limit: float = 600.0) -> float:
        """Wait until the server is idle (the task worker's first start compiles the
        simulation engine, which must not run during a measurement): under 5% of a core
        over `window` seconds. Returns the seconds waited."""
        started = time.perf_counter()
        used = self.cpu_seconds()
        while time.perf_counter() - started < limit:
            time.sleep(window)
            now = self.cpu_seconds()
            if now - used < 0.05 * window:
                break
            used = now
        return time.perf_counter() - started

    def kill(self) -> None:
        """As a power cut would: every process at once, no clean shutdown."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def client(port, path, token, codes, seconds, seed, out, body):
    try:
        out.put(requests(port, path, token, codes, seconds, seed, body))
    except Exception as exc:  # report, never leave the parent waiting
        out.put({"latencies": [], "acked": [], "errors": 1, "crash": repr(exc)})


def report_body(rng, cid, codes) -> dict:
    return {"client_id": cid, "tps": rng.choice(codes), "kind": "HADIR",
            "time": f"{rng.randint(8, 12):02d}.00", "count": rng.randint(0, 300),
            "election": "pemilu-2024"}


def requests(port, path, token, codes, seconds, seed, body=report_body) -> dict:
    """Send requests one after another until the time is up; 10% of requests to a real
    endpoint repeat an earlier client id (a phone retrying after a lost answer). `body(rng,
    client id, codes)` makes a real endpoint's request."""
    rng = random.Random(seed)
    latencies, acked, sent_ids, errors = [], [], [], 0
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    deadline = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < deadline:
        if path.endswith("bench/bare"):
            cid = f"bare{seed}-{n}"
            body_json = {"value": cid}
        else:
            if sent_ids and rng.random() < DUPLICATE_SHARE:
                cid = rng.choice(sent_ids)
            else:
                cid = f"b{seed}-{n:07d}"
                sent_ids.append(cid)
            body_json = body(rng, cid, codes)
        n += 1
        start = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", path, json.dumps(body_json), headers)
            response = conn.getresponse()
            response.read()
            conn.close()
        except OSError:
            errors += 1
            time.sleep(0.01)
            continue
        latencies.append(time.perf_counter() - start)
        if response.status in (200, 201):
            acked.append(cid)
        else:
            errors += 1
    return {"latencies": latencies, "acked": acked, "errors": errors}


def burst(port, path, token, codes, seconds, seed_base, during=None, body=report_body):
    queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=client, args=(port, path, token, codes, seconds,
                                                          seed_base + i, queue, body))
             for i in range(CLIENTS)]
    started = time.perf_counter()
    for p in procs:
        p.start()
    if during:
        during()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    wall = time.perf_counter() - started
    return {"latencies": [x for r in results for x in r["latencies"]],
            "acked": [x for r in results for x in r["acked"]],
            "errors": sum(r["errors"] for r in results), "seconds": min(wall, seconds)}


def note(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def p99_ms(latencies) -> float:
    ordered = sorted(latencies)
    return round(1000 * ordered[int(0.99 * (len(ordered) - 1))], 1) if ordered else 0.0


def token_for(env: dict, username: str) -> str:
    code = ("from django.contrib.auth.models import User; from siaga.accounts.models import "
            f"ApiToken; print(ApiToken.issue(User.objects.get(username='{username}'), "
            "'bench')[1])")
    return subprocess.run([sys.executable, "-m", "siaga", "shell", "-c", code], env=env,
                          capture_output=True, text=True, check=True).stdout.split()[-1]


def start_demo_server(database: str, var: str) -> tuple[Server, str, str]:
    """`siaga serve` on a fresh PostgreSQL database with the demo regency: (server, database
    URL, a device token of the demo coordinator)."""
    url = fresh_database(database)
    env = dict(os.environ, SIAGA_DATABASE_URL=url, SIAGA_VAR_DIR=var, SIAGA_BENCH_ENDPOINTS="1")
    server = Server(env, free_port())
    note("starting the server (first start migrates and loads the demo)")
    server.start()
    note("server up; issuing a device token")
    token = token_for(env, "koordinator")
    note(f"waiting for a quiet server: {server.wait_quiet():.0f} s")
    return server, url, token


def alternate(port, token, codes, real_path, body=report_body, rounds=ROUNDS):
    """Warm both endpoints, then alternate bare and real rounds so that a busy moment hits
    both: (bare bursts, real bursts, bare per s, real per s)."""
    burst(port, "/api/v1/bench/bare", None, codes, 1.5, 900)
    burst(port, real_path, token, codes, 1.5, 950, body=body)
    bare, real = [], []
    note("measuring")
    for r in range(rounds):
        bare.append(burst(port, "/api/v1/bench/bare", None, codes, ROUND_SECONDS, 1000 + 100 * r))
        real.append(burst(port, real_path, token, codes, ROUND_SECONDS, 5000 + 100 * r,
                          body=body))
    baseline = sum(len(b["latencies"]) for b in bare) / sum(b["seconds"] for b in bare)
    rate = sum(len(b["latencies"]) for b in real) / sum(b["seconds"] for b in real)
    return bare, real, baseline, rate


def main() -> None:
    with tempfile.TemporaryDirectory() as var:
        server, url, token = start_demo_server(DB, var)
        port = server.port
        with psycopg.connect(url) as conn:
            codes = [r[0] for r in conn.execute(
                "SELECT t.code FROM regions_tps t JOIN regions_election e ON e.id = t.election_id "
                "WHERE e.slug = 'pemilu-2024' ORDER BY t.code")]
        note(f"{len(codes)} TPS; warming up")
        try:
            _bare, real, baseline, reports = alternate(port, token, codes, "/api/v1/laporan")
            latencies = [x for b in real for x in b["latencies"]]
            acked = {cid for b in real for cid in b["acked"]}
            errors = sum(b["errors"] for b in real)

            note("a burst killed half-way")
            # A burst killed half-way: which acknowledged reports survive?
            killed = burst(port, "/api/v1/laporan", token, codes, 3.0, 9000,
                           during=lambda: (time.sleep(1.5), server.kill()))
        finally:
            if server.process.poll() is None:
                server.stop()
        note("restarting on the same database")
        server.start()  # comes back on the same database
        server.stop()
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT count(*), count(DISTINCT client_id) FROM "
                                "operations_fieldreport WHERE client_id LIKE 'b%'").fetchone()
            stored = {r[0] for r in conn.execute(
                "SELECT client_id FROM operations_fieldreport")}
            audited = conn.execute("SELECT count(*) FROM accounts_auditentry WHERE model = "
                                   "'operations.FieldReport'").fetchone()[0]
    killed_acked = set(killed["acked"])
    print(json.dumps({
        "reports_per_s": round(reports, 1), "baseline_per_s": round(baseline, 1),
        "ratio": round(reports / baseline, 3), "target_ratio": 0.8,
        "p99_ms": p99_ms(latencies), "target_p99_ms": 250,
        "requests": len(latencies), "errors": errors,
        "duplicates": rows[0] - rows[1], "acked_missing": len(acked - stored),
        "audited_per_report": round(audited / max(len(stored), 1), 3),
        "kill_acked": len(killed_acked), "lost": len(killed_acked - stored),
        "clients": CLIENTS, "database": "postgresql",
    }))


if __name__ == "__main__":
    main()
