"""The full image's pieces that run without a container: image selection, build contexts, published service
ports, the timedatectl stand-in's format and the Chromium title rewrite."""

from __future__ import annotations

import importlib.util
import re
import struct
import subprocess
import sys

import pytest

from steprl_envs.desktop import image
from steprl_envs.desktop.providers.base import Endpoint
from steprl_envs.desktop.providers.docker import DockerProvider
from steprl_envs.osworld.context import published_services

FULL = image.REPO / "docker" / "desktop-full"


def test_image_argument_names_light_full_or_a_tag():
    assert DockerProvider().image == "steprl/desktop:latest"
    assert DockerProvider(image="light").image == "steprl/desktop:latest"
    assert DockerProvider(image="full").image == "steprl/desktop-full:latest"
    assert DockerProvider(image="example/other:1").image == "example/other:1"


def test_osworld_env_passes_image_to_the_docker_provider_only():
    from steprl_envs.osworld.env import OSWorldEnv

    assert OSWorldEnv(provider="docker", image="full")._make_provider().image == "steprl/desktop-full:latest"
    with pytest.raises(ValueError, match="docker provider only"):
        OSWorldEnv(provider="local", image="full")


def test_each_image_has_its_own_context_and_hash(tmp_path):
    light, full = image._files("light"), image._files("full")
    assert FULL / "session.sh" in full and FULL / "session.sh" not in light
    assert image.tag("light").startswith("steprl/desktop:") and image.tag("full").startswith("steprl/desktop-full:")
    assert image.content_hash("light") != image.content_hash("full")
    staged = image.stage(tmp_path, "full")
    assert (staged / "Dockerfile").read_bytes() == (FULL / "Dockerfile").read_bytes()
    assert (staged / "docker/desktop-full/timedatectl.py").is_file()
    assert (staged / "steprl_envs/desktop/server.py").is_file()
    with pytest.raises(ValueError, match="unknown desktop image 'huge'"):
        image.tag("huge")


def test_published_services_map_desktop_ports_to_host_ports():
    endpoint = Endpoint("127.0.0.1", 4000, "t", {"server": 4000, "chromium": 4001, "vlc": 4002})
    assert published_services(endpoint) == {9222: ("127.0.0.1", 4001), 8080: ("127.0.0.1", 4002)}
    assert published_services(Endpoint("127.0.0.1", 4000)) == {}


def test_timedatectl_stand_in_prints_systemd_status():
    out = subprocess.run(
        [sys.executable, str(FULL / "timedatectl.py")], capture_output=True, text=True, check=True
    ).stdout
    lines = out.splitlines()
    assert [line[:26] for line in lines] == [
        "               Local time:",
        "           Universal time:",
        "                 RTC time:",
        "                Time zone:",
        "System clock synchronized:",
        "              NTP service:",
        "          RTC in local TZ:",
    ]
    assert re.fullmatch(r" {16}Time zone: \S+ \(\S+, [+-]\d{4}\)", lines[3])  # OSWorld's is_utc_0 reads line 3
    assert re.fullmatch(r" {11}Universal time: \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", lines[1])
    bad = subprocess.run([sys.executable, str(FULL / "timedatectl.py"), "frobnicate"], capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stderr.strip() == "Unknown command verb frobnicate."


def _branding():
    spec = importlib.util.spec_from_file_location("chrome_branding", FULL / "chrome-branding.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pak(resources: dict[int, bytes], aliases: list[tuple[int, int]] = ()) -> bytes:
    """A format-5 pak: header, (id, offset) table with a sentinel, aliases, then the bodies."""
    count = len(resources)
    offset = 12 + 6 * (count + 1) + 4 * len(aliases)
    table, bodies = b"", b""
    for rid, body in resources.items():
        table += struct.pack("<HI", rid, offset + len(bodies))
        bodies += body
    table += struct.pack("<HI", 0, offset + len(bodies))
    head = struct.pack("<IBxxxHH", 5, 1, count, len(aliases))
    return head + table + b"".join(struct.pack("<HH", *a) for a in aliases) + bodies


def _resources(pak: bytes) -> dict[int, bytes]:
    count = struct.unpack_from("<H", pak, 8)[0]
    aliases = struct.unpack_from("<H", pak, 10)[0]
    entries = [struct.unpack_from("<HI", pak, 12 + 6 * i) for i in range(count + 1)]
    assert entries[0][1] == 12 + 6 * (count + 1) + 4 * aliases
    return {entries[i][0]: pak[entries[i][1] : entries[i + 1][1]] for i in range(count)}


def test_chromium_title_suffix_becomes_google_chromes():
    rewrite = _branding().rewrite
    before = {
        10: b"About Chromium",
        947: b"$1 - Chromium",
        948: b"$1 - Network Sign-in - Chromium",
        950: b"$1 - Chromium Beta",
        2000: b"",
    }
    pak = _pak(before, aliases=[(3000, 1)])
    after = rewrite(pak)
    assert _resources(after) == {**before, 947: b"$1 - Google Chrome", 948: b"$1 - Network Sign-in - Google Chrome"}
    aliases = 12 + 6 * (len(before) + 1)
    assert after[aliases : aliases + 4] == struct.pack("<HH", 3000, 1)  # aliases kept
    assert rewrite(after) == after  # idempotent: a rebuilt layer may run it on patched files
    with pytest.raises(ValueError, match="unknown pak version 7"):
        rewrite(struct.pack("<I", 7) + pak[4:])
