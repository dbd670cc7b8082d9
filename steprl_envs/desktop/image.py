"""Building the desktop images from a checkout: a small build context, a content hash, build-if-missing.

Two images: ``light`` (``steprl/desktop``: Xvfb, openbox, xterm, mousepad, gnumeric; seconds to build, for fast
tests) and ``full`` (``steprl/desktop-full``: the applications OSWorld's tasks drive, LibreOffice, Chromium as
google-chrome, GIMP, VLC, Thunderbird, gnome-terminal, with a session bus and AT-SPI).

The context holds only the Dockerfile, the files it copies and the sources the image copies (not the repository,
whose virtual environment alone is hundreds of MB). Images are tagged ``<repository>:<hash>`` and ``:latest``, the
hash taken over exactly those files, so tests and ``make images`` rebuild only when something they copy changed.

    python -m steprl_envs.desktop.image [light|full|all]     # build if missing, print the tags
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import DesktopError
from .providers import engine

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("steprl_envs/core/actions", "steprl_envs/desktop")
BASE_HINT = "no registry reachable? run docker/desktop/build-base.sh to make debian:bookworm-slim with debootstrap"


@dataclass(frozen=True)
class ImageSpec:
    """One image: its name, Dockerfile folder and the folders of files its Dockerfile copies besides the sources."""

    name: str
    folder: str
    repository: str
    copies: tuple[str, ...] = ()

    @property
    def dockerfile(self) -> Path:
        return REPO / self.folder / "Dockerfile"


IMAGES = {
    "light": ImageSpec("light", "docker/desktop", "steprl/desktop"),
    "full": ImageSpec("full", "docker/desktop-full", "steprl/desktop-full", ("docker/desktop-full",)),
}
#: kept for callers of the light image
DOCKERFILE = IMAGES["light"].dockerfile
REPOSITORY = IMAGES["light"].repository


def spec(kind: str) -> ImageSpec:
    try:
        return IMAGES[kind]
    except KeyError:
        raise ValueError(f"unknown desktop image {kind!r}; choose one of {', '.join(IMAGES)}") from None


def _files(kind: str = "light") -> list[Path]:
    image = spec(kind)
    if not image.dockerfile.is_file():
        raise DesktopError("docker", f"{image.dockerfile} not found", "build the image from a steprl checkout")
    found = [image.dockerfile]
    for folder in image.copies:
        found += sorted(
            p
            for p in (REPO / folder).rglob("*")
            if p.is_file() and p != image.dockerfile and "__pycache__" not in p.parts
        )
    for src in SOURCES:
        found += sorted(p for p in (REPO / src).rglob("*.py") if "__pycache__" not in p.parts)
    return found


def content_hash(kind: str = "light") -> str:
    digest = hashlib.sha256()
    for path in _files(kind):
        digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def stage(into: Path, kind: str = "light") -> Path:
    """Copy the build context into ``into``: Dockerfile at the top, the other files at their repository paths."""
    dockerfile = spec(kind).dockerfile
    for path in _files(kind):
        target = into / ("Dockerfile" if path == dockerfile else path.relative_to(REPO))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return into


def tag(kind: str = "light") -> str:
    """The content-hash tag the current sources build to."""
    return f"{spec(kind).repository}:{content_hash(kind)}"


def ensure_image(client=None, log=None, kind: str = "light") -> str:
    """The tag of an image built from the current sources, building it first if the engine lacks it."""
    image = spec(kind)
    docker = engine.docker_sdk("docker")
    client = client or engine.connect("docker")
    wanted = tag(kind)
    try:
        client.images.get(wanted)
        return wanted
    except docker.errors.ImageNotFound:
        pass
    with tempfile.TemporaryDirectory(prefix="steprl-image-") as ctx:
        try:
            built, lines = client.images.build(
                path=str(stage(Path(ctx), kind)), tag=wanted, rm=True, forcerm=True, timeout=3600
            )
        except docker.errors.BuildError as e:
            tail = "".join(str(x.get("stream", x.get("error", ""))) for x in e.build_log)[-800:]
            hint = BASE_HINT if "bookworm-slim" in tail else "see the build log above"
            raise DesktopError("docker", f"building {wanted} failed: {e.msg}\n{tail}", hint) from None
        except docker.errors.APIError as e:
            hint = BASE_HINT if "bookworm-slim" in str(e) else ""
            raise DesktopError("docker", f"building {wanted} failed: {e}", hint) from None
    if log:
        for line in lines:
            log(str(line.get("stream", "")).rstrip())
    built.tag(image.repository, "latest")
    return wanted


def _log_steps(line: str) -> None:
    """The build's steps only: the package managers' output inside them runs to thousands of lines."""
    if line.startswith(("STEP ", "COMMIT", "Successfully")):
        print(line, file=sys.stderr)


def main(argv: list[str]) -> int:
    wanted = argv[0] if argv else "all"
    kinds = list(IMAGES) if wanted == "all" else [wanted]
    if any(k not in IMAGES for k in kinds):
        print(f"usage: python -m steprl_envs.desktop.image [{'|'.join(IMAGES)}|all]", file=sys.stderr)
        return 2
    for kind in kinds:
        print(ensure_image(log=_log_steps, kind=kind))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
