"""The docker provider's revert: a fresh container at once, the old one removed in the background and gone by
stop() at the latest."""

from __future__ import annotations

import time

import pytest

from steprl_envs.desktop.providers import engine as eng
from steprl_envs.desktop.providers.docker import DockerProvider
from tests.desktop.conftest import desktop_full_image, engine, no_leaked_containers  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.container, pytest.mark.xdist_group("desktop-full")]


def _live(engine) -> set[str]:  # noqa: F811
    """Names of this process's desktop containers (other processes may run theirs beside)."""
    return {c.name for c in eng.labelled(engine) if c.labels.get(eng.OWNER_LABEL) == eng.owner()}


def test_revert_replaces_the_container_and_removes_the_old_one(engine, desktop_full_image, no_leaked_containers):  # noqa: F811
    provider = DockerProvider(desktop_full_image, client=engine)
    provider.start()
    names = [provider.container.name]
    try:
        for _ in range(2):
            provider.revert()
            names.append(provider.container.name)
            assert provider.health().ok and provider.client().screenshot().startswith(b"\x89PNG")
        assert len(set(names)) == 3
        deadline = time.monotonic() + 30
        while set(names[:-1]) & _live(engine) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not set(names[:-1]) & _live(engine), "an old container outlived its background removal"
        assert names[-1] in _live(engine)
    finally:
        provider.stop()
    assert not set(names) & _live(engine)


def test_warm_spare_is_swapped_in_on_revert(engine, desktop_full_image, no_leaked_containers):  # noqa: F811
    provider = DockerProvider(desktop_full_image, client=engine, warm_spare=True)
    provider.start()
    try:
        first = provider.container.name
        deadline = time.monotonic() + 60  # the spare starts in the background
        while len(_live(engine) - {first}) < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        spare = (_live(engine) - {first}).pop()
        provider.client().upload("/home/user/Desktop/mark.txt", b"used")
        provider.revert()
        assert provider.container.name == spare, "revert did not use the spare"
        client = provider.client()
        assert client.get_file("/home/user/Desktop/mark.txt") is None and client.screenshot().startswith(b"\x89PNG")
        assert provider.health().ok
    finally:
        provider.stop()


def test_warm_spare_needs_a_free_port():
    with pytest.raises(ValueError, match="warm_spare"):
        DockerProvider("full", port=5999, warm_spare=True)
