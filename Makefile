# lmrepro: `make reproduce` runs every enabled paper at the default scale; `make test` runs the test suite.
# Both create .venv and install the pinned dependencies first (a CPU build of torch).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SCALE  ?= small
CORES  ?= all
STAMP  := $(VENV)/.installed

.PHONY: reproduce test cluster-test standin-check ui dvc-yaml dryrun bench bench-quick report pull

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --no-deps -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

reproduce: $(STAMP)
	$(BIN)/snakemake -c $(CORES) --config scale=$(SCALE)
	@cat results/$(SCALE)/summary.md
	@echo
	@echo "Summary: results/$(SCALE)/summary.md   Browse every run: make ui  (then open http://127.0.0.1:5000)"

test: $(STAMP)
	$(BIN)/python -m pytest -q --durations=25

cluster-test: $(STAMP)
	$(BIN)/python -m pytest -q -m cluster tests/cluster

report: $(STAMP)
	$(BIN)/snakemake --report results/$(SCALE)/report.html --config scale=$(SCALE)
	@echo "Report: results/$(SCALE)/report.html (each paper's plot and claims table; open it in a browser)"

ui: $(STAMP)
	$(BIN)/lmrepro ui

pull: $(STAMP)
	$(BIN)/lmrepro pull $(STAGES)

dvc-yaml: $(STAMP)
	$(BIN)/lmrepro dvc-yaml

dryrun: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_dryrun.py

standin-check: $(STAMP)
	$(BIN)/python -m pytest -q -m standin tests/test_standins.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

bench-quick: $(STAMP)
	$(BIN)/python bench/run.py --quick --out bench/quick
