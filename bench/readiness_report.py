"""Target: the readiness report (PDF) of a province of 8,000 TPS in under 60 s.

Builds a SYNTHETIC province (Kalimantan Tengah's code, invented regencies, kecamatan, desa and
TPS from `siaga synth`) in a fresh SQLite database (or SIAGA_DATABASE_URL), gives every TPS
invented coordinates inside the province's box and 6% of them an invented kerawanan
assessment, then times the command an official runs, start-up included:
`siaga readiness-report --region 62 --output laporan.pdf`. Prints one JSON line.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

TPS = 8000
TARGET_SECONDS = 60

# Invented positions and kerawanan (all marked synthetic): a kecamatan centre inside
# Kalimantan Tengah's box, TPS within a few km of it; 6% of TPS hard to reach without signal.
DRESS = """
import datetime
import numpy as np
from siaga.regions.models import TPS
from siaga.risk.models import Assessment
rng = np.random.default_rng(9)
tps = list(TPS.objects.filter(code__startswith="62.").order_by("code"))
centres = {}
for t in tps:
    kec = t.code[:8]
    if kec not in centres:
        centres[kec] = (rng.uniform(-3.4, 0.4), rng.uniform(111.0, 115.4))
    lat, lon = centres[kec]
    t.latitude, t.longitude = lat + rng.normal(0, 0.04), lon + rng.normal(0, 0.04)
TPS.objects.bulk_update(tps, ["latitude", "longitude"], batch_size=2000)
Assessment.objects.bulk_create([
    Assessment(tps=t, source="bawaslu", indicators=["LK1", "LI2"], assessed_on=datetime.date(2024, 2, 5),
               note="data sintetis (bench)")
    for t in tps if rng.random() < 0.06])
"""


def siaga(*args, env):
    return subprocess.run([sys.executable, "-m", "siaga", *args], env=env, check=True,
                          capture_output=True, text=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as var:
        env = dict(os.environ, SIAGA_VAR_DIR=var)
        siaga("migrate", "-v0", env=env)
        siaga("synth", "--tps", str(TPS), "--province", "62", "--seed", "1", env=env)
        siaga("shell", "--no-imports", "-c", DRESS, env=env)
        path = Path(var) / "laporan-kesiapan-62.pdf"
        start = time.perf_counter()
        out = siaga("readiness-report", "--region", "62", "--output", str(path),
                    "--election", "pemilu-2024", "--date", "2024-02-07", env=env).stdout
        seconds = time.perf_counter() - start
        reader = PdfReader(path)
        if "halaman PDF" not in out:
            sys.exit(f"the report was not written: {out}")
        size = path.stat().st_size
    print(json.dumps({"province_tps": TPS, "report_seconds": round(seconds, 2),
                      "pages": len(reader.pages), "pdf_bytes": size,
                      "database": "postgresql" if os.environ.get("SIAGA_DATABASE_URL")
                      else "sqlite", "target_seconds": TARGET_SECONDS}))


if __name__ == "__main__":
    main()
