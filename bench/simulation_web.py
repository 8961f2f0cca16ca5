"""Target: the Barito Timur demo, 100 replications, from the web page in under 10 s end to end.

Starts `siaga serve` (gunicorn + worker) on a fresh var/ directory with the demo regency, logs
in as the demo coordinator over HTTP, submits the simulation form, follows the run page's
status polling as the browser does, and stops the clock when the finished page (table, chart,
TPS at risk) has been served. Prints one JSON line.
"""

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[str, str, dict]:
        with self.opener.open(self.base + path, timeout=60) as r:
            return r.geturl(), r.read().decode(), dict(r.headers)

    def post(self, path: str, data: dict) -> tuple[str, str]:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + path, body, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=60) as r:
            return r.geturl(), r.read().decode()


@contextmanager
def demo_server(username: str = "koordinator"):
    """`siaga serve` on a fresh var/ directory with the demo; a Browser signed in as `username`."""
    with tempfile.TemporaryDirectory() as var:
        port = free_port()
        env = dict(os.environ, SIAGA_VAR_DIR=var)
        server = subprocess.Popen([sys.executable, "-m", "siaga", "serve", "--port", str(port),
                                   "--insecure-http"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            browser = Browser(f"http://127.0.0.1:{port}")
            for _ in range(240):
                try:
                    browser.get("/masuk/")
                    break
                except OSError:
                    time.sleep(0.5)
            time.sleep(3)  # let the worker load the engine, as it has long done on a real server
            password = next(line.split()[1] for line in
                            (Path(var) / "demo-accounts.txt").read_text().splitlines()
                            if line.startswith(username))
            browser.post("/masuk/", {"username": username, "password": password})
            yield browser
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)


def until_refreshed(browser: Browser, status_path: str) -> None:
    """Poll a task's status fragment as the page does (every 700 ms) until it says reload."""
    while True:
        _, _, headers = browser.get(status_path)
        if headers.get("HX-Refresh"):
            return
        time.sleep(0.7)


def main() -> None:
    with demo_server() as browser:
        browser.get("/simulasi/")
        start = time.perf_counter()
        url, _ = browser.post("/simulasi/", {"region": "62.13", "election": "pemilu-2024",
                                             "replications": 100, "seed": 1})
        run = re.search(r"/simulasi/(\d+)/", url).group(1)
        until_refreshed(browser, f"/simulasi/{run}/status/")
        _, page, _ = browser.get(f"/simulasi/{run}/")
        seconds = time.perf_counter() - start
        if 'id="at-risk"' not in page:
            sys.exit("the run did not finish with a result page")
    print(json.dumps({"bartim_tps": 387, "replications": 100,
                      "end_to_end_seconds": round(seconds, 2)}))


if __name__ == "__main__":
    main()
