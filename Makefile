# One task runner. `make run` starts everything on embedded defaults; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The links in the emails point at where `make run` listens (production sets SITE_URL itself).
SITE_URL ?= http://$(HOST):$(PORT)
export SITE_URL
# Debian packages the project needs on a bare machine: Chromium and a CJK font for the browser
# journeys (and their screenshots), gettext for compiling translations.
APT_PACKAGES := chromium fonts-wqy-zenhei gettext

.PHONY: install run web worker beat migrate demo test test-postgres lint format messages browser bench check-deploy clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py loaddemo --if-empty

run: demo
	$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/honcho --procfile Procfile.dev start

web: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	DJANGO_SETTINGS_MODULE=config.settings.local $(VENV)/bin/celery -A config worker --loglevel INFO --concurrency 2

beat: install
	DJANGO_SETTINGS_MODULE=config.settings.local $(VENV)/bin/celery -A config beat --loglevel INFO

# Installs Chromium for the browser journeys when it is missing and we may (root + apt-get).
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES)) >/dev/null; \
	  else echo "Chromium not found: browser journeys will be skipped (apt-get install $(APT_PACKAGES))"; fi; \
	fi

test: install browser
	$(VENV)/bin/pytest -n 2

# The same suite on PostgreSQL (CI runs both).
test-postgres: install browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/budgetcycle} $(VENV)/bin/pytest -n 2

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(PY) manage.py makemessages --locale zh_Hans --ignore ".venv/*" --ignore "var/*" --ignore "tests/*" \
	  --ignore "performance/*" --ignore "templates/performance/*" --ignore "static/performance/*" \
	  --ignore "disclosure/*" --ignore "templates/disclosure/*" --ignore "reminders/*" --ignore "templates/reminders/*"
	$(PY) manage.py compilemessages --locale zh_Hans --ignore ".venv/*"
	# The performance app keeps its own catalogue (performance/locale), its templates included.
	cd performance && ln -sfn ../templates/performance _templates && ln -sfn ../static/performance _static && \
	  env -u DJANGO_SETTINGS_MODULE ../$(VENV)/bin/django-admin makemessages -l zh_Hans --symlinks -i "demo_data/*" --no-obsolete; \
	  rm -f _templates _static
	sed -i -E '/^#: /s#(^| )_(templates|static)/#\1../\2/performance/#g' performance/locale/zh_Hans/LC_MESSAGES/django.po
	msgfmt -c -o performance/locale/zh_Hans/LC_MESSAGES/django.mo performance/locale/zh_Hans/LC_MESSAGES/django.po

check-deploy: install
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-enough-secret-key-value \
	  ALLOWED_HOSTS=budget.example DATABASE_URL=sqlite:///tmp/check.sqlite3 CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	  STORAGE_S3_ENDPOINT_URL=http://127.0.0.1:9000 STORAGE_S3_BUCKET=budget STORAGE_S3_ACCESS_KEY=check STORAGE_S3_SECRET_KEY=check \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Import, reminders, workbook and pages at 1x/3x/10x the bureau, each beside the plain way (bench/,
# figures in docs/benchmarks.md). Its own database (bench_speed, recreated) on the PostgreSQL of
# 127.0.0.1:5432 when one listens, else SQLite; Redis db 7 on loopback for the reminders.
bench: install
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
