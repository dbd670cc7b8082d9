#!/usr/bin/env bash
# Build the desktop images (steprl/desktop and steprl/desktop-full, each :<content hash> and :latest) with the
# available container engine; the full one takes about 5 minutes the first time (2 cores).
# Without a Docker daemon, Podman's API service is started; without registry access, the base image is made
# with debootstrap first. Run from anywhere; the build context is staged from this checkout.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
python="${PYTHON:-$repo/.venv/bin/python}"
[[ -x "$python" ]] || python=python3

if [[ -z "${DOCKER_HOST:-}" ]] && ! [[ -S /var/run/docker.sock ]]; then
    eval "$("$here/podman-service.sh" start)"
fi
if command -v podman >/dev/null && ! command -v docker >/dev/null; then
    "$here/desktop/build-base.sh" podman
elif command -v docker >/dev/null && ! docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
    docker pull debian:bookworm-slim || "$here/desktop/build-base.sh" docker
fi
cd "$repo" && "$python" -m steprl_envs.desktop.image
