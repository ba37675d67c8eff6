# 代表联络 — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
APT_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 poppler-utils chromium
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench setup system-packages venv migrate demo worker beat lint clean

## Install what the machine lacks, then serve the app with a Celery worker and beat.
run: setup migrate demo
	@echo ""
	@echo "代表联络已启动：http://$(HOST):$(PORT)/"
	@echo "演示账号（密码 Demo@2026）：staff 工作人员 · committee 常委会 · liaison 联络员 · deputy 代表 · deputy2 第二组代表 · admin 超级用户"
	@echo "按 Ctrl+C 停止。"
	@mkdir -p var/broker/processed
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) -m celery -A liaison worker --loglevel=INFO --concurrency=2 --without-gossip --without-mingle & \
	  $(PY) -m celery -A liaison beat --loglevel=INFO --pidfile= & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

## The whole test suite (SQLite and the filesystem queue unless DATABASE_URL / REDIS_URL are set).
test: setup
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m ruff check .
	$(PY) -m pytest

bench: setup
	$(PY) -m pytest benchmarks -p no:cacheprovider -q -s

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
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py seed_demo --if-empty

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
