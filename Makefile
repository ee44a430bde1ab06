# One task runner: CI (.ci/run) calls `make test`, the README names `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
NODE_DEPS := node_modules/axe-core/axe.min.js

.PHONY: demo test lint architecture typecheck pytest bench docs screenshots system-deps browser-deps spark-deps install clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev,web,spark]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/socialproof demo demo-workspace --force
	@echo ""
	@echo "Open the workbench: $(BIN)/socialproof serve --workspace demo-workspace"
	@echo "  then browse http://127.0.0.1:8765/ (Ctrl-C stops it)"

# System packages the tests need: Debian's chromium for browser tests,
# fonts and harfbuzz-subset for weasyprint.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-color-emoji libharfbuzz-subset0 >/dev/null 2>&1; then \
	  echo "installing system packages (chromium, fonts) ..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-color-emoji libharfbuzz-subset0 fonts-dejavu-core >/dev/null; \
	fi

# axe-core (accessibility rules) comes from the npm registry; it is injected into pages under test.
$(NODE_DEPS):
	npm install --no-audit --no-fund --no-package-lock --silent

browser-deps: system-deps $(NODE_DEPS)

# The Spark engine tests need Java 17+ (pyspark itself comes with the [spark] extra).
spark-deps:
	@command -v java >/dev/null 2>&1 || { echo "installing Java for Spark ..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/lint-imports --no-logo
	$(BIN)/python scripts/check_private_imports.py

# The architecture checks alone (also part of `lint`): import-linter contracts in
# pyproject [tool.importlinter], and no private name used across modules.
architecture: $(STAMP)
	$(BIN)/lint-imports --no-logo
	$(BIN)/python scripts/check_private_imports.py

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) browser-deps spark-deps
	$(BIN)/pytest -q -p no:cacheprovider

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

docs: $(STAMP)
	$(BIN)/python scripts/gen_cli_docs.py

# the README's workbench picture (docs/img/workbench.png), taken by the dashboard's browser test
screenshots: $(STAMP) browser-deps
	SOCIALPROOF_UPDATE_SCREENSHOTS=1 $(BIN)/pytest -q -p no:cacheprovider tests/web/test_browser.py -k dashboard_chart_is_interactive

clean:
	rm -rf $(VENV) node_modules demo-workspace site .mypy_cache .ruff_cache .pytest_cache
