# The two commands of the README. Both set up .venv from requirements.lock first (once; again when the
# lock or pyproject.toml change), so a fresh machine needs only Python 3.11 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AXE    := node_modules/.installed
AS_OF  ?= 2020

.PHONY: book preview test fuzz mutate bench lock clean browser pdftools

# The book and its print edition (_build/pdf/, printed by Chromium; poppler reads the page numbers).
book: $(STAMP) browser pdftools
	$(BIN)/evalkit build --as-of $(AS_OF)

# Live preview for editing a chapter: serves the book on http://127.0.0.1:$(PORT)/, rebuilds what a save
# changed (that chapter's notebook, that page) and reloads the page in the browser.
PORT ?= 8000
preview: $(STAMP)
	$(BIN)/evalkit preview --as-of $(AS_OF) --port $(PORT)

# Two test processes (pytest-xdist): the files using the built book in one, the rest in the other (conftest.py).
TEST_WORKERS ?= 2
test: $(STAMP) browser pdftools $(AXE)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope

# The validation fuzz test with many more cases than `make test` runs (FUZZ_EXAMPLES=30 there).
FUZZ_EXAMPLES ?= 3000
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz.py

# Mutation testing (mutmut, configured in pyproject.toml) of classify, trend, significance, views, fmt,
# tables and keys against the fast tests; prints the killed/survived counts per module. Not in `make test`.
mutate: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run || true
	$(BIN)/python benchmarks/mutation_scores.py

# Build-speed benchmark (not part of the tests): prints one line per figure, writes benchmarks/results.json.
RUNS ?= 3
bench: $(STAMP)
	$(BIN)/python benchmarks/build.py --runs $(RUNS)

# The browser tests use Debian's Chromium and its driver (no browser is downloaded by a test tool).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  echo "installing Debian's chromium and chromium-driver"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

# axe-core for the accessibility test, at the exact version of package-lock.json (npm ci; no scripts run).
# Debian's npm is installed first if the machine has none.
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || { \
	  echo "installing Debian's npm"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# poppler's pdfinfo (the print edition's page numbers) and, for the tests, pdffonts, pdftotext, pdftoppm.
pdftools:
	@command -v pdfinfo >/dev/null && command -v pdftoppm >/dev/null || { \
	  echo "installing Debian's poppler-utils"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Python 3.11 is required (set PYTHON=...)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

# Re-resolve the lock from pyproject.toml in a throw-away environment.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -e '.[test]' setuptools wheel
	{ echo "# Exact versions for Python 3.11, resolved from pyproject.toml's dependencies and [test] extra."; \
	  echo "# Regenerate with: make lock   (never edit by hand)"; \
	  .lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -v -E '^pip=='; } > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) _build node_modules
