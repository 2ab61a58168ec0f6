# gym_live: `make run` serves the app with demo data; `make test` runs every test.
# Both set up what they need on a fresh machine (Python 3.11+, npm, apt) and reuse it after.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS_BIN := $(CURDIR)/.tools/node_modules/.bin
# The accessibility checker the browser tests inject into every page.
AXE := $(CURDIR)/.tools/node_modules/axe-core/axe.min.js
# Reflex 0.10 needs Node >= 22.22 and cannot download a runtime here: it comes from npm.
export PATH := $(TOOLS_BIN):$(PATH)
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := 0
.PHONY: run test cluster lint bench system-packages apt-install clean

run: $(VENV)/.runtime $(TOOLS_BIN)/node
	$(BIN)/python -m gym_live migrate
	$(BIN)/python -m gym_live seed-demo --if-empty
	$(BIN)/python -m gym_live staff first-admin --url http://localhost:3000
	$(BIN)/python -m gym_live.serve --port 3000

test: $(VENV)/.dev $(TOOLS_BIN)/node $(AXE) system-packages
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# The production setup on this machine: PostgreSQL, Redis, two instances, nginx on :8080.
cluster: $(VENV)/.runtime $(TOOLS_BIN)/node system-packages
	$(BIN)/python -m devtools.cluster

# Figures are printed and written to bench/results/ (git-ignored); see bench/README.md.
bench: $(VENV)/.dev $(TOOLS_BIN)/node system-packages
	$(BIN)/python -m bench.run live

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "gym_live needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(TOOLS_BIN)/node:
	@command -v npm >/dev/null || $(MAKE) --no-print-directory apt-install PACKAGES=npm
	npm install --prefix .tools --no-audit --no-fund --loglevel=error node@22
	@$@ --version

$(AXE):
	npm install --prefix .tools --no-audit --no-fund --loglevel=error axe-core@4
	@test -f $@

# Debian packages the tests and `make cluster` use: a real browser, and throwaway Redis,
# PostgreSQL and nginx servers (none of them left running as a service).
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then $(MAKE) --no-print-directory apt-install PACKAGES="$$missing"; fi

# policy-rc.d keeps apt from starting the packages' own services (nginx on port 80, ...).
apt-install:
	@echo "installing Debian packages:$(PACKAGES)"
	@if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	policy=""; if [ ! -e /usr/sbin/policy-rc.d ]; then policy=/usr/sbin/policy-rc.d; \
	  printf '#!/bin/sh\nexit 101\n' | $$SUDO tee $$policy >/dev/null && $$SUDO chmod +x $$policy; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(PACKAGES); \
	status=$$?; if [ -n "$$policy" ]; then $$SUDO rm -f $$policy; fi; exit $$status

clean:
	rm -rf $(VENV) .tools .web test-artifacts .pytest_cache .ruff_cache
