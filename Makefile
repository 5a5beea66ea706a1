# Two commands do all the set-up on a fresh machine:
#   make report   - install (first time) and render the default comparison report (the four Table IV cohorts)
#   make test     - install (first time) and run the whole test suite
VENV ?= .venv
STAMP := $(VENV)/.installed

.PHONY: report test lint bench setup

report: $(STAMP)
	$(VENV)/bin/trialcompare report

test: $(STAMP)
	$(VENV)/bin/python -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/bench_cli.py && $(VENV)/bin/python benchmarks/bench_meta.py

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/bootstrap.sh
	VENV=$(VENV) bash scripts/bootstrap.sh
