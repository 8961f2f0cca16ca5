# Siaga Pemilu: `make run` serves the demo regency, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := run
PORT ?= 8000
PG_URL ?= postgresql://postgres@127.0.0.1:5432/siaga

# uv: the one on PATH if it works, else a private copy installed with pip into .tools/.
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo .tools/bin/uv)

.PHONY: run test test-sqlite test-postgres bench sysdeps pgstart env messages

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

env: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) sync --locked --quiet

# System libraries: pango + harfbuzz-subset (WeasyPrint), chromium (browser tests).
# Installed with apt where we are root; otherwise named so an administrator can install them.
SYS_PKGS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
sysdeps:
	@missing=$$(for p in $(SYS_PKGS) $(EXTRA_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages: $$missing"; \
	    (apt-get install -y -qq $$missing || (apt-get update -qq && apt-get install -y -qq $$missing)) >/dev/null; \
	  else echo "please install these Debian packages: $$missing (e.g. sudo apt-get install $$missing)"; fi; \
	fi

run: env sysdeps
	$(UV) run --locked siaga serve --port $(PORT) --insecure-http

pgstart:
	@if command -v pg_ctlcluster >/dev/null && ! pg_isready -q -h 127.0.0.1; then \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; fi

test: EXTRA_PKGS := chromium poppler-utils
test: env sysdeps pgstart
	$(UV) run --locked pytest -n 2 --dist loadgroup
	SIAGA_DATABASE_URL=$(PG_URL) $(UV) run --locked pytest -n 2 -m "django_db and not browser"

bench: env pgstart
	@for b in bench/*.py; do $(UV) run --locked python $$b || exit 1; done

# Translations: regenerate the .po files from the source, then compile them (.mo is committed).
messages: env
	cd src/siaga && $(UV) run siaga makemessages -l id --no-obsolete --ignore "data/*" && $(UV) run siaga compilemessages
