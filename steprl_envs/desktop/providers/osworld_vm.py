"""The ``osworld-vm`` provider: OSWorld's official Ubuntu VM (``happysixd/osworld-docker`` running the qcow2 under
QEMU), driven through the same API as our own desktop.

Instead of mounting the whole qcow2 read-only and cold-booting it (OSWorld's provider), each container gets its own
copy-on-write overlay (``qemu-img create -b base``) in a private directory: every VM starts from the same pristine
base, writes only its differences (MBs, not 24 GB), and revert is "new overlay, new container". The base is
mounted read-only at the path the overlay names as its backing file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import uuid

from ..errors import DesktopError
from . import engine
from .base import SERVICE_PORTS, Endpoint, Health, Provider

DEFAULT_IMAGE = "happysixd/osworld-docker"
BASE_IN_CONTAINER = "/base/System.qcow2"
#: guest port -> name, as in OSWorld: control server, noVNC viewer, Chrome DevTools (via socat), VLC HTTP
GUEST_PORTS = {5000: "server", 8006: "vnc", **SERVICE_PORTS}


class OSWorldVMProvider(Provider):
    name = "osworld-vm"

    def __init__(
        self,
        path_to_vm: str,
        image: str = DEFAULT_IMAGE,
        host: str = "127.0.0.1",
        ready_timeout: float = 600.0,
        ram: str = "4G",
        cpus: int = 4,
        overlay_dir: str | None = None,
        command: list[str] | None = None,
        client=None,
    ):
        super().__init__()
        self.base = os.path.abspath(path_to_vm)
        self.image = image
        self.host = host
        self.ready_timeout = ready_timeout
        self.ram, self.cpus = ram, cpus
        self.overlay_dir = overlay_dir
        self.command = command  # only to run a stand-in image in tests; the real image boots the VM by itself
        self._client = client
        self.container = None
        self.workdir = ""

    @property
    def engine(self):
        if self._client is None:
            self._client = engine.connect(self.name)
            engine.remove_stale(self._client)
        return self._client

    def make_overlay(self) -> str:
        """A fresh qcow2 overlay backed by the base image (as seen from inside the container)."""
        if not os.path.isfile(self.base):
            raise DesktopError(
                self.name,
                f"VM image {self.base} not found",
                "download Ubuntu.qcow2 (see docs/desktop.md) and pass path_to_vm",
            )
        if not shutil.which("qemu-img"):
            raise DesktopError(self.name, "qemu-img is not installed", "apt-get install qemu-utils")
        self.workdir = tempfile.mkdtemp(prefix="steprl-osworld-vm-", dir=self.overlay_dir)
        overlay = os.path.join(self.workdir, "System.qcow2")
        size = _virtual_size(self.base)
        subprocess.run(
            [
                "qemu-img",
                "create",
                "-q",
                "-f",
                "qcow2",
                "-F",
                "qcow2",
                "-u",
                "-b",
                BASE_IN_CONTAINER,
                overlay,
                str(size),
            ],
            check=True,
            capture_output=True,
        )
        return overlay

    def container_spec(self, overlay: str, ports: dict[int, int]) -> dict:
        """Keyword arguments for ``containers.run``: mounts, ports, devices, labels."""
        kvm = os.path.exists("/dev/kvm")
        spec = {
            "image": self.image,
            "detach": True,
            "name": f"steprl-osworld-{uuid.uuid4().hex[:12]}",
            "labels": {engine.LABEL: self.name, engine.OWNER_LABEL: engine.owner()},
            "environment": {
                "DISK_SIZE": "32G",
                "RAM_SIZE": self.ram,
                "CPU_CORES": str(self.cpus),
                **({} if kvm else {"KVM": "N"}),
            },
            "cap_add": ["NET_ADMIN"],
            "devices": ["/dev/kvm"] if kvm else [],
            "volumes": {
                self.base: {"bind": BASE_IN_CONTAINER, "mode": "ro"},
                overlay: {"bind": "/System.qcow2", "mode": "rw"},
            },
            "ports": {f"{guest}/tcp": (self.host, host_port) for guest, host_port in ports.items()},
        }
        if self.command is not None:
            spec["command"] = self.command
        return spec

    def launch_container(self):
        """Create the overlay and the container; do not wait for the guest (tests inspect the spec this way)."""
        client = self.engine
        overlay = self.make_overlay()
        with engine.port_lock():
            taken = engine.published_ports(client)
            ports = {guest: engine.free_port(self.host, taken) for guest in GUEST_PORTS}
            spec = self.container_spec(overlay, ports)
            errors = engine.docker_sdk(self.name).errors
            try:
                self.container = client.containers.run(**spec)
            except errors.ImageNotFound:
                raise DesktopError(
                    self.name, f"image {self.image} is not in the container engine", f"docker pull {self.image}"
                ) from None
            except errors.APIError as e:
                engine.remove_named(client, spec["name"])
                raise DesktopError(self.name, f"the engine refused to start {self.image}: {e}") from None
        return self.container, ports

    def _start(self) -> Endpoint:
        _, ports = self.launch_container()
        named = {GUEST_PORTS[guest]: port for guest, port in ports.items()}
        endpoint = Endpoint(self.host, named["server"], None, named)
        from ..client import DesktopClient

        DesktopClient(endpoint.url, None, self.name).wait_ready(
            self.ready_timeout, 1.0, lambda: engine.container_problem(self.container)
        )
        return endpoint

    def health(self) -> Health:
        if self.container is None:
            return Health(False, "not started")
        problem = engine.container_problem(self.container)
        return Health(False, f"{problem}; revert() boots a fresh VM") if problem else Health(True, self.container.name)

    def _stop(self) -> None:
        container, self.container = self.container, None
        try:
            if container is not None:
                engine.remove_container(container, self.name)
        finally:
            if self.workdir:
                shutil.rmtree(self.workdir, ignore_errors=True)
                self.workdir = ""


def _virtual_size(path: str) -> int:
    out = subprocess.run(["qemu-img", "info", "--output=json", path], check=True, capture_output=True, text=True)
    return int(json.loads(out.stdout)["virtual-size"])
