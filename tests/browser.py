"""Shared parts of the browser tests: `siaga serve` on a copy of a fresh var/ directory after its
first start (what a newcomer gets from `make run`: migrate, the demo regency, generated
passwords, gunicorn + worker) and
Debian chromium driven by Playwright. Each test module gets its own server (module-scoped
fixtures `server` and `browser` in tests/conftest.py), so modules do not see each other's
changes."""

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[1] / "test-results"
MARKS = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The var/ of a first start (migrated, the demo loaded, its background tasks done), made once
# per test process and copied for every server: a first start costs about a minute, a start
# on the copy a few seconds. Every module still gets its own copy, unchanged by the others.
_TEMPLATE: list[Path] = []


def _first_start() -> Path:
    if not _TEMPLATE:
        var = Path(tempfile.mkdtemp(prefix="siaga-demo-var-"))
        with _serve(var):
            _wait_for_tasks(var / "siaga.sqlite3")
        _TEMPLATE.append(var)
    return _TEMPLATE[0]


def _wait_for_tasks(database: Path, seconds: float = 300) -> None:
    """Until no background task is waiting or running (the template must not hold one
    half-done)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=20) as db:
            busy = db.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult "
                              "WHERE status IN ('READY', 'RUNNING')").fetchone()[0]
        if not busy:
            return
        time.sleep(0.5)
    raise RuntimeError("the demo's background tasks did not finish")


@contextmanager
def demo_server(var: Path):
    """(url, demo accounts {username: password}, the server's environment) of `siaga serve`
    on `var` (a copy of a first start's var/), stopped afterwards."""
    shutil.copytree(_first_start(), var, dirs_exist_ok=True)
    with _serve(var) as started:
        yield started


@contextmanager
def _serve(var: Path):
    port = free_port()
    env = dict(os.environ, SIAGA_VAR_DIR=str(var), SIAGA_DATABASE_URL="")
    process = subprocess.Popen(
        [sys.executable, "-m", "siaga", "serve", "--port", str(port), "--insecure-http"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(url + "/masuk/", timeout=2)
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(process.stdout.read()) from None
                time.sleep(0.5)
        accounts = {line.split()[0]: line.split()[1]
                    for line in (var / "demo-accounts.txt").read_text().splitlines()}
        yield url, accounts, env
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


@contextmanager
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: apt-get install chromium "
                    "(make test does this as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def watched(page):
    """(page, the console errors and page errors it will collect)."""
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


def signed_in(browser, server, username, width=1280):
    """A page in its own browser context (own cookies), signed in as `username` with the
    password the demo printed; (page, errors)."""
    url, accounts = server[0], server[1]
    page, errors = watched(browser.new_context(viewport={"width": width, "height": 900})
                           .new_page())
    page.goto(url + "/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", accounts[username])
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    return page, errors
