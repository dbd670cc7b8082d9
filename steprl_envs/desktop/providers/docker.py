"""The ``docker`` provider: the steprl desktop image as a container, through the Docker SDK (Docker or Podman).

Revert is a fresh container from the image (about a second), not a VM boot. The control server's port is
published on 127.0.0.1 only, and the container's token is passed in its environment (not on a command line).
The desktop's service ports, Chrome's DevTools (9222, behind the task's own socat) and VLC's HTTP interface (8080),
are published beside it at free host ports, named in ``Endpoint.ports`` as on the osworld-vm provider.

``image``: ``"light"`` (default: ``steprl/desktop``, Xvfb + openbox + small apps), ``"full"``
(``steprl/desktop-full``, the applications OSWorld's tasks drive), or any image tag.

``warm_spare=True`` keeps one more fresh container started in the background, so that :meth:`revert` swaps it in
instead of waiting for a container to start (about a second less per reset, for one idle desktop's memory). The
spare is never used before it is swapped in; a spare that failed to start is replaced by a start on the spot.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid

from ..errors import DesktopError
from . import engine
from .base import SERVICE_PORTS, Endpoint, Health, Provider

DEFAULT_IMAGE = "steprl/desktop:latest"
#: image argument -> tag
IMAGES = {"light": DEFAULT_IMAGE, "full": "steprl/desktop-full:latest"}
SERVER_PORT = 5000
#: Seconds between container-state checks while the server comes up (each is an engine API call).
STATE_CHECK_S = 0.25


class DockerProvider(Provider):
    name = "docker"

    def __init__(
        self,
        image: str = DEFAULT_IMAGE,
        screen: tuple[int, int] = (1280, 720),
        port: int | None = None,
        host: str = "127.0.0.1",
        ready_timeout: float = 30.0,
        token: str | None = None,
        client=None,
        warm_spare: bool = False,
    ):
        super().__init__()
        if warm_spare and port:
            raise ValueError("warm_spare needs port=None: the spare container publishes its own port")
        self.warm_spare = warm_spare
        self._spare: tuple[threading.Thread, dict] | None = None
        self.image = IMAGES.get(image, image)
        self.screen = screen
        self.port = port
        self.host = host
        self.ready_timeout = ready_timeout
        self.token = token
        self._client = client
        self.container = None
        self._retiring: list[threading.Thread] = []
        self._leftover: list = []

    @property
    def engine(self):
        if self._client is None:
            self._client = engine.connect(self.name)
            engine.remove_stale(self._client)
        return self._client

    def _command(self) -> list[str]:
        width, height = self.screen
        return [
            "python3",
            "-m",
            "steprl_envs.desktop.server",
            "--host",
            "0.0.0.0",
            "--port",
            str(SERVER_PORT),
            "--spawn-display",
            "--screen",
            f"{width}x{height}",
            "--root",
            "/home/user",
            "--root",
            "/tmp",
        ]

    def _run(self, token: str):
        docker = engine.docker_sdk(self.name)
        client = self.engine
        for _ in range(1 if self.port else 3):
            name = f"steprl-desktop-{uuid.uuid4().hex[:12]}"
            with engine.port_lock():
                taken = engine.published_ports(client)
                port = self.port or engine.free_port(self.host, taken)
                taken.add(port)
                services = {guest: engine.free_port(self.host, taken) for guest in SERVICE_PORTS}
                published = {f"{guest}/tcp": (self.host, p) for guest, p in {SERVER_PORT: port, **services}.items()}
                try:
                    container = client.containers.run(
                        self.image,
                        self._command(),
                        detach=True,
                        name=name,
                        labels={engine.LABEL: self.name, engine.OWNER_LABEL: engine.owner()},
                        environment={"STEPRL_DESKTOP_TOKEN": token},
                        ports=published,
                        shm_size="256m",
                    )
                    return container, port, {SERVICE_PORTS[guest]: p for guest, p in services.items()}
                except docker.errors.ImageNotFound:
                    raise DesktopError(
                        self.name,
                        f"image {self.image} is not in the container engine",
                        "build it with 'make images' (docker/build-images.sh)",
                    ) from None
                except docker.errors.APIError as e:
                    engine.remove_named(client, name)  # created, but failed to start: do not leave it behind
                    if "address already in use" not in str(e).lower() and "port is already" not in str(e).lower():
                        raise DesktopError(self.name, f"the engine refused to start {self.image}: {e}") from None
                    last = e
        raise DesktopError(
            self.name,
            f"host port {self.port or port} on {self.host} is taken ({last})",
            "pass port=None to let the provider choose, or free that port",
        )

    def _launch(self) -> tuple[object, Endpoint]:
        """Start a container and wait until its server answers; remove it if that fails."""
        token = self.token or secrets.token_urlsafe(16)
        container, port, services = self._run(token)
        endpoint = Endpoint(self.host, port, token, {"server": port, **services})
        from ..client import DesktopClient

        try:
            DesktopClient(endpoint.url, token, self.name).wait_ready(
                self.ready_timeout, 0.02, self._problem_check(container)
            )
        except BaseException:
            self._remove_quietly(container)
            raise
        return container, endpoint

    def _start(self) -> Endpoint:
        spare = self._take_spare()
        self.container, endpoint = spare if spare is not None else self._launch()
        if self.warm_spare:
            self._prepare_spare()
        return endpoint

    def _prepare_spare(self) -> None:
        box: dict = {}

        def launch() -> None:
            try:
                box["spare"] = self._launch()
            except BaseException as e:  # noqa: BLE001 - the next revert starts a container on the spot instead
                box["error"] = e

        thread = threading.Thread(target=launch, daemon=True)
        thread.start()
        self._spare = (thread, box)

    def _take_spare(self) -> tuple[object, Endpoint] | None:
        """The spare (waiting for it if it is still starting), or None when there is none or it failed."""
        if self._spare is None:
            return None
        (thread, box), self._spare = self._spare, None
        thread.join()
        return box.get("spare")

    @staticmethod
    def _problem_check(container):
        """``container_problem``, asked at most every :data:`STATE_CHECK_S` (the readiness poll runs every 20 ms)."""
        last = [0.0]

        def check() -> str | None:
            if time.monotonic() - last[0] < STATE_CHECK_S:
                return None
            last[0] = time.monotonic()
            return engine.container_problem(container)

        return check

    def revert(self) -> Endpoint:
        """A fresh container; the old one is removed in the background meanwhile (removal takes ~0.4 s), and
        :meth:`stop` waits for that removal."""
        old, self.container = self.container, None
        self._retiring = [t for t in self._retiring if t.is_alive()]
        if old is not None:
            thread = threading.Thread(target=self._remove_quietly, args=(old,), daemon=True)
            thread.start()
            self._retiring.append(thread)
        self._endpoint = None
        return self.start()

    def _remove_quietly(self, container) -> None:
        try:
            engine.remove_container(container, self.name)
        except DesktopError:
            self._leftover.append(container)  # stop() tries again, and reports it if it fails again

    def health(self) -> Health:
        if self.container is None:
            return Health(False, "not started")
        problem = engine.container_problem(self.container)
        if problem:
            return Health(False, f"{problem}; reset the env (revert()) for a fresh container")
        try:
            self.client(timeout=3, retries=0).platform()
        except DesktopError as e:
            return Health(False, str(e))
        return Health(True, f"container {self.container.name}")

    def _stop(self) -> None:
        container, self.container = self.container, None
        spare = self._take_spare()
        if spare is not None:
            self._remove_quietly(spare[0])
        if container is not None:
            engine.remove_container(container, self.name)
        retiring, self._retiring = self._retiring, []
        for thread in retiring:
            thread.join()
        leftover, self._leftover = self._leftover, []
        for old in leftover:
            engine.remove_container(old, self.name)
