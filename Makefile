# Two commands do all the set-up on a fresh machine:
#   make report   - install (first time) and render the default comparison report (the four Table IV cohorts)
#   make test     - install (first time) and run the whole test suite
#   make test-fast - the suite without the slow tests (PDF layout, the wheel, subprocesses: marker `slow`)
#   make lint     - ruff on src, tests and benchmarks; numpydoc validation of the public docstrings
#                   (scripts/check_docstrings.py, checks in pyproject's [tool.numpydoc_validation]); mypy on src
#   make wheel    - build dist/trialcompare-*.whl (templates, fonts, descriptors and specs inside: installed anywhere,
#                   `trialcompare report -o out.pdf` renders the default report)
VENV ?= .venv
STAMP := $(VENV)/.installed

.PHONY: report test test-fast lint bench setup wheel

report: $(STAMP)
	$(VENV)/bin/trialcompare report

test: $(STAMP)
	$(VENV)/bin/python -m pytest

test-fast: $(STAMP)
	$(VENV)/bin/python -m pytest -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/python scripts/check_docstrings.py
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/bench_validate.py && $(VENV)/bin/python benchmarks/bench_cli.py && $(VENV)/bin/python benchmarks/bench_meta.py && $(VENV)/bin/python benchmarks/bench_maic.py

setup: $(STAMP)

# no build isolation: the dev extra brings the build backend; build/ is cleared so no stale file can reach the wheel
wheel: $(STAMP)
	rm -rf build dist
	$(VENV)/bin/python -m pip wheel -q --no-deps --no-build-isolation -w dist .

$(STAMP): pyproject.toml scripts/bootstrap.sh
	VENV=$(VENV) bash scripts/bootstrap.sh
