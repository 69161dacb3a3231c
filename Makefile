# The two commands a new user types: `make run` and `make test` (see README).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
PIP_INSTALL := $(PIP) install --build-constraint requirements-build.txt
# What the application needs from the system: WeasyPrint (Pango, HarfBuzz's
# subsetter) and a CJK font for the certificate PDFs.
SYSTEM_PACKAGES ?= fontconfig fonts-noto-cjk fonts-hanazono libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
CERTIFICATE_FONT := static/certificates/fonts/CertificateSerifSC.otf
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format messages clean system-packages

run: $(VENV)/.runtime system-packages $(CERTIFICATE_FONT)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py refresh_standings
	@echo "Serving on http://$(HOST):$(PORT)/ (runserver) with one background worker (manage.py db_worker)"
	@echo "for imports, certificate batches and notifications: both started by honcho from Procfile.dev;"
	@echo "one Ctrl-C stops both."
	@echo "Demo: administrators may sign in without two-factor authentication (DJANGO_MFA_REQUIRED_FOR_ADMINISTRATORS=0); production requires it."
	DJANGO_DEBUG=1 DJANGO_MFA_REQUIRED_FOR_ADMINISTRATORS=0 HOST=$(HOST) $(BIN)/honcho start -f Procfile.dev -p $(PORT)

test: $(VENV)/.dev system-packages $(CERTIFICATE_FONT)
	$(BIN)/pytest

system-packages:
	@bin/install-system-packages $(SYSTEM_PACKAGES)

# Built once from the system's Noto Serif CJK (see certificates/fonts.py). Without
# fonts-noto-cjk it cannot be built; the certificates then fall back to the
# full system font, and `manage.py check` says so.
$(CERTIFICATE_FONT): $(VENV)/.runtime
	-DJANGO_DEBUG=1 $(BIN)/python manage.py build_certificate_font

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(VENV)/.runtime
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=bench
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	# pip 25.3 is the first with --build-constraint (see requirements-build.txt).
	$(PIP) install "pip>=25.3"
	@touch $@

$(VENV)/.runtime: $(VENV)/.created requirements.txt requirements-build.txt
	$(PIP_INSTALL) -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP_INSTALL) -r requirements-dev.txt
	@touch $@

clean:
	rm -rf $(VENV) var/db.sqlite3 var/media staticfiles $(CERTIFICATE_FONT)
