# Two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
PYTEST := $(BIN)/python -m pytest -c tests/pytest.ini --rootdir .
HOST   ?= 127.0.0.1
PORT   ?= 5000
I18N   := repairapp/translations

.PHONY: run demo test test-sqlite test-postgres deploy-check lighthouse lint i18n-extract i18n-update translations bench clean

$(BIN)/python:
	.ci/system-deps run
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements.txt tests/requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r tests/requirements.txt
	touch $@

translations: $(VENV)/.run-deps
	$(BIN)/pybabel compile -d $(I18N) -D messages --statistics

## make run: install, migrate, load the demo into an empty database, serve on 127.0.0.1:5000.
## `make run HOST=0.0.0.0` serves the LAN: links, scan URLs and printed labels then carry this
## machine's LAN address (REPAIRAPP_PUBLIC_URL, when set, wins), so a phone on the Wi-Fi works.
run: $(VENV)/.run-deps translations demo
	@echo "\nNotifications go out when \`$(FLASK) sla sweep\` runs (cron: every minute)."
	@url=$${REPAIRAPP_PUBLIC_URL:-$$($(FLASK) demo url http://$(HOST):$(PORT) 2>/dev/null)} && \
	echo "\nServing on $$url  (Ctrl-C to stop)" && \
	REPAIRAPP_PUBLIC_URL=$$url exec $(FLASK) run --host $(HOST) --port $(PORT)

## make demo: migrate, load the demo into an empty database, print the logins and links
demo:
	$(FLASK) db upgrade
	@$(FLASK) demo load --base-url $${REPAIRAPP_PUBLIC_URL:-http://$(HOST):$(PORT)}

## make test: lint, then the whole suite on SQLite and on a real PostgreSQL server started here
test: $(VENV)/.test-deps translations
	.ci/system-deps test
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory deploy-check
	@# The two passes share nothing (own database, own free ports): run them side by side.
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite:
	$(PYTEST)

test-postgres:
	REPAIRAPP_TEST_DATABASE_URL=$${REPAIRAPP_TEST_DATABASE_URL:-$$(.ci/postgres)} $(PYTEST)

lint:
	$(BIN)/ruff check --config .ci/ruff.toml repairapp tests bench wsgi.py migrations/env.py \
		deploy/gunicorn.conf.py

## make deploy-check: nginx -t, gunicorn --check-config, systemd-analyze verify, logrotate -d
## on the files in deploy/ (docs/deploy.md)
deploy-check:
	deploy/check

i18n-extract:
	$(BIN)/pybabel extract -F $(I18N)/babel.cfg -k _l -k lazy_gettext --no-location \
		--sort-output --project repairapp -o $(I18N)/messages.pot repairapp templates

i18n-update: i18n-extract
	$(BIN)/pybabel update -i $(I18N)/messages.pot -d $(I18N) --no-fuzzy-matching --ignore-obsolete

## make lighthouse: Lighthouse (mobile) on the scan, tracking and My jobs pages; each of
## performance, accessibility and best practices must score 98 or more (docs/lighthouse.md)
lighthouse: $(VENV)/.test-deps translations
	.ci/system-deps lighthouse
	npm ci --prefix bench/lighthouse --no-audit --no-fund --loglevel=error
	$(BIN)/python bench/lighthouse.py

## make bench: benchmarks (not part of make test); each prints a ratio to its own baseline
bench: $(VENV)/.test-deps translations
	.ci/system-deps bench
	$(BIN)/python bench/my_jobs.py
	BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-$$(.ci/postgres)} $(BIN)/python bench/my_jobs.py
	$(BIN)/python bench/labels.py
	$(BIN)/python bench/submissions.py
	BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-$$(.ci/postgres)} $(BIN)/python bench/submissions.py
	$(BIN)/python bench/reports.py; sqlite=$$?; \
	BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-$$(.ci/postgres)} $(BIN)/python bench/reports.py \
	&& exit $$sqlite
	$(BIN)/python bench/http_pages.py; sqlite=$$?; \
	BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-$$(.ci/postgres)} $(BIN)/python bench/http_pages.py \
	&& exit $$sqlite

clean:
	rm -rf $(VENV) instance test-output .pytest_cache
