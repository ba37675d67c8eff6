# 代表联络 — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
APT_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 poppler-utils chromium
HOST ?= 127.0.0.1
PORT ?= 8000

# --- Production mode for the local demo (prod-mode) ---
# The address links in e-mails and QR codes point at, and the hosts the site answers to.
SITE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
ALLOWED_HOSTS ?= 127.0.0.1,localhost,$(HOST)
# DEBUG off as in production; plain http, demo accounts allowed, no 2FA: only for this local demo.
RUN_ENV = DEBUG=false SECRET_KEY="$$(cat var/secret_key)" LIAISON_HTTPS=false LIAISON_ALLOW_DEMO=true \
  LIAISON_REQUIRE_2FA=false SITE_URL=$(SITE_URL) ALLOWED_HOSTS=$(ALLOWED_HOSTS)
DEV_ENV = DEBUG=true LIAISON_ALLOW_DEMO=true LIAISON_REQUIRE_2FA=false SITE_URL=$(SITE_URL) ALLOWED_HOSTS=$(ALLOWED_HOSTS)
# What migrate/demo/static run with: development unless `make run` says production.
APP_ENV = $(DEV_ENV)

.PHONY: run dev test bench bench-search bench-exports setup system-packages venv migrate demo static worker beat lint clean

## Install what the machine lacks, then serve the app in production mode (DEBUG off, gunicorn,
## whitenoise) with a Celery worker and beat, all three under honcho (Procfile): Ctrl+C stops them.
run: APP_ENV = $(RUN_ENV)
run: setup var/secret_key migrate demo static
	@echo ""
	@echo "代表联络已启动：http://$(HOST):$(PORT)/"
	@echo "演示账号（密码 Demo@2026）：staff 工作人员 · committee 常委会 · liaison 联络员 · deputy 代表 · deputy2 第二组代表 · dept、dept2 承办单位 · sysadmin、secadmin、auditadmin 三员 · admin 超级用户"
	@echo "按 Ctrl+C 停止。"
	@mkdir -p var/broker/processed
	@$(RUN_ENV) WEB_BIND=$(HOST):$(PORT) exec $(PY) -m honcho start -f Procfile --no-colour

## Development: runserver with DEBUG on (reloads on change), the same worker and beat.
dev: APP_ENV = $(DEV_ENV)
dev: setup migrate demo
	@mkdir -p var/broker/processed
	@$(DEV_ENV) WEB_BIND=$(HOST):$(PORT) exec $(PY) -m honcho start -f Procfile.dev --no-colour

## The whole test suite (SQLite and the filesystem queue unless DATABASE_URL / REDIS_URL are set).
test: setup
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m ruff check .
	$(PY) -m pytest

## perf: gunicorn (production settings) on PostgreSQL, measured against a no-query floor page, district and
## province scale (liaison_bench_* databases, made once by generate_scale and kept: ~10 min on a fresh
## checkout, the whole run < 25 min); see BENCHMARKS.md.
bench: setup
	$(PY) -m benchmarks.bench

## issue 12: the search box over 1M problems and a 50,000-row Excel export (own databases, made once).
bench-search: setup
	$(PY) -m benchmarks.search

bench-exports: setup
	$(PY) -m benchmarks.exports

setup: system-packages venv

system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "安装系统软件包:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

venv: .venv/.installed

.venv/.installed: requirements.txt requirements-static.txt
	test -x $(PY) || python3.11 -m venv .venv || python3 -m venv .venv
	$(PIP) install -q --upgrade pip 'setuptools<81' wheel
	$(PIP) install -q -r requirements.txt
	$(PIP) install -q --no-build-isolation -r requirements-static.txt
	touch $@

migrate: venv
	@mkdir -p var
	@$(APP_ENV) $(PY) manage.py migrate --noinput -v0

demo: migrate
	@$(APP_ENV) $(PY) manage.py seed_demo --if-empty

## Static files for whitenoise: hashed names and compressed copies in var/staticfiles, collected
## again only when our static files or the packages change (compressing takes a minute or two).
static: var/staticfiles/staticfiles.json
var/staticfiles/staticfiles.json: .venv/.installed $(shell find static -type f 2>/dev/null)
	@echo "收集静态文件（首次约需一两分钟）……"
	@$(APP_ENV) $(PY) manage.py collectstatic --noinput -v0

## A SECRET_KEY made once and kept (DEBUG off needs one).
var/secret_key:
	@mkdir -p var
	@umask 077; python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

## Backups (sec-data, issue 9 §7): the database and the stored files into var/backups/<time>/,
## with a manifest and checksums. `make restore` restores the latest; `make restore BACKUP=var/backups/<time>`.
.PHONY: backup restore
backup: venv
	$(PY) manage.py backup

restore: venv
	$(PY) manage.py restore $(BACKUP)

lint: venv
	$(PY) -m ruff check .

clean:
	rm -rf var .venv .pytest_cache
