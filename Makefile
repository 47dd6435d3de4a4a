# B-POST build, demo and test entry points. Every target installs what it needs and is
# idempotent: a second run reuses the virtualenv, node_modules and compiled artifacts.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SOLC_VERSION := 0.8.30
SOLC := $(VENV)/solcx/solc-v$(SOLC_VERSION)
export SOLCX_BINARY_PATH := $(CURDIR)/$(VENV)/solcx
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(BIN):$(PATH)
# Slither lives in a virtualenv of its own, called by path: its solc-select `solc` wrapper (which
# downloads compilers) must never come before the project's solc on PATH.
SLITHER_VENV := .venv-slither
SLITHER := $(SLITHER_VENV)/bin/slither
SLITHER_INPUT := .build/slither/input.json
# Ape keeps its data (packages, accounts) inside the project, so a clean clone is self-contained.
export APE_DATA_FOLDER := $(CURDIR)/.bpost/ape

# The pinned geth (the network's engine) is built once per machine, outside the clone, and reused:
# the pin is GETH_VERSION in bpost_client/platform/network/geth.py, which finds it at the same place.
GETH_VERSION := $(shell sed -n 's/^GETH_VERSION = "\(.*\)"$$/\1/p' bpost_client/platform/network/geth.py)
BPOST_GETH_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/bpost/geth-$(GETH_VERSION)
export BPOST_GETH_DIR

CONTRACTS := $(shell find contracts -name '*.sol' -not -path 'contracts/.cache/*')
BUILD := .build/__local__.json
DEMO_NETWORK := ethereum:bpost:node
DEMO_OBSERVER := 3538000KASUMIOBS0164
# make demo-network: the consortium network's directory (bpost network demo's default).
NETWORK_DIR ?= .bpost/network

.PHONY: help install build geth demo demo-network test test-contracts test-client lint typecheck slither abi spec \
  bench lock lock-slither clean

help:
	@echo "make demo   start the embedded chain, deploy, register the demo institutions"
	@echo "make demo-network  the same demo on a 4-validator geth network in $(NETWORK_DIR)"
	@echo "make test   lint, type-check and run every test"
	@echo "make bench  run the benchmarks under bench/"
	@echo "make geth   build the pinned geth once per machine (the consortium network's engine)"

$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	grep -q SOLCX_BINARY_PATH $(BIN)/activate || \
	  echo 'export SOLCX_BINARY_PATH="$$VIRTUAL_ENV/solcx" APE_DATA_FOLDER="$$VIRTUAL_ENV/../.bpost/ape"' >> $(BIN)/activate
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(SOLC): tools/solc/install.sh tools/solc/solc.js node_modules/.installed $(BIN)/.installed
	tools/solc/install.sh $(SOLC_VERSION) $(VENV)/solcx

install: $(BIN)/.installed node_modules/.installed $(SOLC)

# Cold: 5-10 minutes on 2 cores (Go fetches and compiles go-ethereum); then a second's check.
geth:
	@tools/geth/build.sh $(GETH_VERSION) $(BPOST_GETH_DIR)

$(SLITHER_VENV)/.installed: tools/slither/requirements.lock
	$(PYTHON) -m venv $(SLITHER_VENV)
	$(SLITHER_VENV)/bin/pip install --quiet --disable-pip-version-check -r tools/slither/requirements.lock
	touch $@

$(BUILD): $(CONTRACTS) ape-config.yaml $(SOLC)
	$(BIN)/ape compile --force  # whole builds only: the packaged sources record the build's settings
	@touch $@

build: install $(BUILD)

demo: build
	$(BIN)/bpost chain start
	$(BIN)/ape run deploy --network $(DEMO_NETWORK) --skip-if-deployed
	$(BIN)/ape run roles config/demo-participants.yaml --network $(DEMO_NETWORK)
	$(BIN)/ape run demo_governance --network $(DEMO_NETWORK)
	$(BIN)/bpost calendar publish --year 2025 --year 2026
	$(BIN)/bpost --dev-account 6 securities upload config/demo-securities.csv
	$(BIN)/bpost --dev-account 6 prices upload config/demo-prices.csv
	$(BIN)/bpost --dev-account 6 dividends upload config/demo-dividends.csv
	$(BIN)/bpost status
	$(BIN)/bpost participants list
	$(BIN)/ape run demo --network $(DEMO_NETWORK)
	$(BIN)/ape run demo_lending --network $(DEMO_NETWORK)
	$(BIN)/bpost lending calc --agreements config/demo-lending/agreements.csv \
	  --positions config/demo-lending/positions.csv --prices config/demo-lending/prices.csv \
	  --dividends config/demo-lending/dividends.csv --from 2026-09-01 --to 2026-09-30 \
	  --out .bpost/demo/lending-2026-09.csv
	$(BIN)/bpost explorer start --token-for $(DEMO_OBSERVER)
	@echo "The chain and the explorer keep running: 'bpost explorer stop' and 'bpost chain stop'"
	@echo "end them (the chain's state is kept in .bpost/chain, the index in .bpost/index)."

# make demo's steps on a geth Clique network (4 validators, 1 member node whose node the client
# uses, 1-second blocks), initialised in NETWORK_DIR unless it holds one; a rerun sends nothing new.
demo-network: build geth
	$(BIN)/bpost network demo $(NETWORK_DIR)

lint: install
	$(BIN)/ruff check bpost_client scripts tests bench
	$(BIN)/ruff format --check bpost_client scripts tests bench

typecheck: install
	$(BIN)/mypy

# Every contract in one compilation, as Ape builds them (ape-config.yaml: EVM version, OpenZeppelin
# from node_modules); the folders are prerequisites so that a removed contract rewrites it.
$(SLITHER_INPUT): $(CONTRACTS) $(shell find contracts -type d -not -path 'contracts/.cache*') \
  ape-config.yaml tools/slither/input.py $(BIN)/.installed node_modules/.installed
	@mkdir -p $(@D)
	$(BIN)/python tools/slither/input.py > $@.new && mv $@.new $@

# Fails on a High or Medium finding not accepted in slither.db.json (see docs/security.md).
.build/slither/passed: $(SLITHER_INPUT) slither.config.json slither.db.json $(SLITHER_VENV)/.installed \
  $(SOLC)
	$(SLITHER) $(SLITHER_INPUT) --solc $(SOLC)
	@touch $@

slither: .build/slither/passed

test-contracts: build
	$(BIN)/ape test tests/contracts

test-client: build geth $(SLITHER_VENV)/.installed
	$(BIN)/pytest -p no:ape_test tests/toolchain tests/package tests/io tests/platform tests/registry tests/reference tests/distribution tests/lending tests/indexer tests/api tests/explorer tests/privacy tests/network tests/e2e

test: lint typecheck slither test-contracts test-client

abi: build
	$(BIN)/python -m bpost_client.contracts export .build/__local__.json

spec: install
	$(BIN)/python -m bpost_client.api.openapi docs/spec/openapi.json

bench: build geth
	@for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

lock:
	rm -rf /tmp/bpost-lock && $(PYTHON) -m venv /tmp/bpost-lock
	/tmp/bpost-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Generated by 'make lock' from requirements.in; every package pinned."; \
	  /tmp/bpost-lock/bin/pip freeze; } > requirements.lock

lock-slither:
	rm -rf /tmp/bpost-lock-slither && $(PYTHON) -m venv /tmp/bpost-lock-slither
	/tmp/bpost-lock-slither/bin/pip install --quiet -r tools/slither/requirements.in
	{ echo "# Generated by 'make lock-slither' from requirements.in; every package pinned."; \
	  /tmp/bpost-lock-slither/bin/pip freeze; } > tools/slither/requirements.lock

clean:
	rm -rf .build contracts/.cache .pytest_cache .mypy_cache .ruff_cache
