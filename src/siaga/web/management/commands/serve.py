import hashlib
import io
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand

from siaga.accounts.demo import accounts_file
from siaga.regions.models import Region


class Command(BaseCommand):
    help = ("Migrate, load the demo regency on first start, then serve the web app (gunicorn) "
            "and a task worker (siaga worker) until stopped.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        # gunicorn's advice for sync workers: 2 per core + 1, so that one waiting on the
        # database does not leave a core idle.
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
        parser.add_argument("--insecure-http", action="store_true",
                            help="plain http on a laptop: cookies without the Secure flag, no HSTS")
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo regency")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        collect_static_if_changed()
        if not options["no_demo"] and not Region.objects.exists():
            self.stdout.write("Memuat kabupaten demo (pertama kali)...")
            call_command("demo", stdout=io.StringIO())  # the accounts are printed below
        env = dict(os.environ)
        if options["insecure_http"]:
            env["SIAGA_HTTPS"] = "0"
        bind = f"{options['host']}:{options['port']}"
        children = [
            subprocess.Popen([sys.executable, "-m", "siaga", "worker"], env=env),
            subprocess.Popen([sys.executable, "-m", "gunicorn", "siaga.wsgi:application",
                              "--bind", bind, "--workers", str(options["workers"]),
                              "--access-logfile", "-", "--timeout", "120"], env=env),
        ]
        self.stdout.write(f"\nSiaga Pemilu berjalan di http://{bind}/  (Ctrl+C untuk berhenti)")
        if accounts_file().exists():
            self.stdout.write(f"Akun demo (login / kata sandi), dari {accounts_file()}:")
            self.stdout.write(accounts_file().read_text())
        self.stdout.flush()

        def stop(*_):
            for child in children:
                child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop()
            for child in children:
                child.wait(timeout=10)


def collect_static_if_changed() -> None:
    """collectstatic compresses every file (~15 s); do it only when a static file changed."""
    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    stamp = settings.STATIC_ROOT / ".fingerprint"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(digest.hexdigest())
