"""Target: `siaga import-tps` of an 8,000-row province file finishes in under 10 s.

Builds a SYNTHETIC province (Kalimantan Tengah's code, invented regencies, kecamatan and desa)
with 8,000 TPS in a fresh SQLite database (or SIAGA_DATABASE_URL), exports it to XLSX, deletes
the TPS, then times the whole command a user runs, start-up included. Prints one JSON line.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS = 8000


def siaga(*args, env):
    return subprocess.run([sys.executable, "-m", "siaga", *args], env=env, check=True,
                          capture_output=True, text=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as var:
        env = dict(os.environ, SIAGA_VAR_DIR=var)
        siaga("migrate", "-v0", env=env)
        siaga("synth", "--tps", str(ROWS), "--province", "62", "--seed", "1", env=env)
        path = Path(var) / "kalteng-sintetis.xlsx"
        siaga("export-tps", str(path), "--region", "62", "--election", "pemilu-2024", env=env)
        siaga("shell", "--no-imports", "-c", "from siaga.regions.models import TPS; TPS.objects.all().delete()",
              env=env)
        start = time.perf_counter()
        out = siaga("import-tps", str(path), "--election", "pemilu-2024", env=env).stdout
        seconds = time.perf_counter() - start
        count = siaga("shell", "--no-imports", "-c", "from siaga.regions.models import TPS; print(TPS.objects.count())",
                      env=env).stdout.strip()
        if int(count) != ROWS or f"{ROWS} TPS baru" not in out:
            sys.exit(f"import did not create {ROWS} TPS: {out} / {count}")
        print(json.dumps({"rows": ROWS, "seconds": round(seconds, 2),
                          "database": "postgresql" if os.environ.get("SIAGA_DATABASE_URL") else "sqlite",
                          "file_bytes": path.stat().st_size}))


if __name__ == "__main__":
    main()
