#!/usr/bin/env bash
# Run every benchmark under bench/ and gather the figures into bench/RESULTS.md.
# Extra arguments (e.g. --quick) go to every benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

# the side-by-side ALFWorld figures need ALFWorld's own engine, kept in its own interpreter
if [ -z "${ALFWORLD_PYTHON:-}" ]; then
  ALFWORLD_PYTHON="$(bash scripts/alfworld-venv.sh | tail -n1)" && export ALFWORLD_PYTHON || true
fi

# the docker-provider figures need a container engine behind the Docker API (Podman's service here)
if [ -z "${DOCKER_HOST:-}" ] && [ ! -S /var/run/docker.sock ] && command -v podman >/dev/null; then
  eval "$(bash docker/podman-service.sh start | tail -n1)" || true
fi

start=$(date +%s)
failed=()
for b in bench/bench_*.py; do
  name=$(basename "$b" .py)
  # the learning comparison trains every variant under one env-step budget (hours on a CPU): `make learning`
  [ "$name" = bench_learning ] && continue
  echo "### $name"
  t=$(date +%s)
  $PY -m "bench.$name" "$@" || failed+=("$name")
  echo "    ($(( $(date +%s) - t )) s)"
done
$PY -m bench.report
echo "bench: $(( $(date +%s) - start )) s in all"
if [ ${#failed[@]} -gt 0 ]; then echo "failed: ${failed[*]}" >&2; exit 1; fi
