# Two commands on a fresh machine: `make demo` and `make test`.
# Each bootstraps .venv with uv (from PyPI) and installs what it needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test eval eval-extraction eval-dedup eval-clustering eval-retrieval bench bench-ingest bench-scale bench-index install clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@export NEWSBRIEF_DATA_DIR=$${NEWSBRIEF_DATA_DIR:-$$PWD/.demo-data}; \
	$(BIN)/newsbrief ingest examples/apple-alibaba && \
	$(BIN)/newsbrief articles && \
	$(BIN)/newsbrief stories

# pytest exits 5 when it collects no tests: a broken suite, so it fails loudly here.
test: $(STAMP)
	@$(BIN)/python -m pytest -q; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; exit $$status

eval-extraction: $(STAMP)
	$(BIN)/python eval/extraction.py

eval-dedup: $(STAMP)
	$(BIN)/python eval/dedup.py

eval-clustering: $(STAMP)
	$(BIN)/python eval/clustering.py

eval-retrieval: $(STAMP)
	$(BIN)/python eval/retrieval.py

# Every eval against the floors pinned in eval/baseline.json; fails below any of them.
eval: eval-extraction eval-dedup eval-clustering eval-retrieval

bench-ingest: $(STAMP)
	$(BIN)/python eval/bench_ingest.py

bench-scale: $(STAMP)
	$(BIN)/python eval/bench_scale.py

bench-index: $(STAMP)
	$(BIN)/python eval/bench_index.py

bench: bench-ingest bench-scale bench-index

clean:
	rm -rf $(VENV) .demo-data .pytest_cache
