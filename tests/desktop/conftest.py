"""Fixtures for desktop tests: a local desktop per test, a container engine and the desktop image per session,
and leak checks (no process group, no labelled container of ours may outlive a test)."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import require_infra

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def local_desktop():
    missing = [t for t in ("Xvfb", "xdotool", "wmctrl", "bwrap") if not shutil.which(t)]
    missing += [] if shutil.which("openbox") or shutil.which("fluxbox") else ["openbox"]
    require_infra(not missing, f"{', '.join(missing)} not installed (make system-deps)")
    from steprl_envs.desktop.providers.local import LocalProvider, group_has_live_members

    provider = LocalProvider()
    provider.start()
    pgid, root = provider.pgid(), provider.root
    yield provider
    provider.stop()
    assert not group_has_live_members(pgid), "desktop processes outlived stop()"
    assert not os.path.exists(root), "the desktop's home outlived stop()"


@pytest.fixture(scope="session")
def engine():
    try:
        import docker
    except ImportError:
        require_infra(False, "the docker SDK is not installed (pip install 'steprl[osworld]')")
    if not os.environ.get("DOCKER_HOST") and not Path("/var/run/docker.sock").exists() and shutil.which("podman"):
        try:
            out = subprocess.run(
                [str(REPO / "docker" / "podman-service.sh"), "start"], capture_output=True, text=True, timeout=60
            )
        except subprocess.TimeoutExpired:
            require_infra(False, "docker/podman-service.sh start did not return within 60 s")
        for word in out.stdout.split():
            if "=" in word:
                key, value = word.split("=", 1)
                os.environ[key] = value
    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except docker.errors.DockerException as e:
        require_infra(False, f"no container engine reachable through the Docker API ({e})")
    return client


def _locked(name: str):
    """A cross-process lock, so xdist workers build the base and the image once."""
    f = open(Path(tempfile.gettempdir()) / f"steprl-test-{name}.lock", "w")
    fcntl.flock(f, fcntl.LOCK_EX)
    return f


def _ensure(engine, kind: str) -> str:
    from steprl_envs.desktop import image

    with _locked("image"):
        if shutil.which("podman") and not shutil.which("docker"):
            subprocess.run(
                [str(REPO / "docker" / "desktop" / "build-base.sh"), "podman"], check=True, capture_output=True
            )
        return image.ensure_image(engine, kind=kind)


@pytest.fixture(scope="session")
def desktop_image(engine):
    return _ensure(engine, "light")


@pytest.fixture(scope="session")
def desktop_full_image(engine):
    """The full image's tag (OSWorld's applications); building it the first time takes minutes."""
    return _ensure(engine, "full")


@pytest.fixture
def no_leaked_containers(engine):
    from steprl_envs.desktop.providers import engine as eng

    yield
    mine = [c.name for c in eng.labelled(engine) if c.labels.get(eng.OWNER_LABEL) == eng.owner()]
    assert not mine, f"containers left behind: {mine}"
