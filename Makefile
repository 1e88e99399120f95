# b12pain — two commands for a newcomer: `make run` and `make test`.
# Everything installs into .venv from the lock file (requirements.lock); nothing touches the system Python.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck coverage bench lock clean

$(STAMP): requirements.lock pyproject.toml package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	npm ci --silent --no-audit --no-fund
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## run: start the web app on this machine and print its address (`b12pain check` stays for the terminal)
# Ctrl-C is how a person stops the server: the recipe's shell catches it (the server still gets
# it and shuts down), and an exit by Ctrl-C (130) counts as success, so make does not print
# "Error 130". Any other failure still fails the target.
run: $(STAMP)
	@trap : INT; $(BIN)/b12pain serve --host 127.0.0.1 --port $${PORT:-8000}; \
	  status=$$?; [ $$status -eq 0 ] || [ $$status -eq 130 ] || exit $$status

## test: lint, type-check, then the whole test suite with branch coverage of clinical/
test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest -n 2 --dist loadgroup --cov=b12pain --cov-branch \
	  --cov-report=term:skip-covered --cov-report=xml:.coverage.xml -p no:cacheprovider
	$(BIN)/python tools/check_coverage.py .coverage.xml b12pain/clinical 95

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/lint-imports
	$(BIN)/ruff format --check src/b12pain/clinical src/b12pain/knowledge src/b12pain/instruments

typecheck: $(STAMP)
	$(BIN)/mypy --strict src/b12pain/knowledge src/b12pain/clinical src/b12pain/instruments \
	  src/b12pain/service src/b12pain/journal

## bench: run the benchmarks (results go in docs/benchmarks.md)
bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks -o python_files='bench_*.py' -p no:cacheprovider --benchmark-only --benchmark-columns=median,mean,min,max,rounds -q

## lock: regenerate requirements.lock from pyproject.toml (maintainers only; needs uv)
lock:
	uv pip compile pyproject.toml --extra all --extra dev --python-version 3.11 \
	  --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) .coverage .coverage.xml build *.egg-info
