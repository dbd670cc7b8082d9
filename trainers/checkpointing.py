"""Checkpoint bookkeeping: the ``checkpoints/latest`` link and the random states a resumed run restores.

``latest`` is a relative directory symlink to the newest ``iter_N``, so ``from_pretrained(OUT/checkpoints/latest)``
loads it and the run folder can move; runs written before it was a link hold the checkpoint's name in a text
file, which is still read. The RNG file holds Python's, NumPy's global and torch's (CPU and every CUDA device)
states: with the trainer's own generators (saved by the algorithm) a resumed run draws what an uninterrupted one
would.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

LATEST = "latest"
RNG_FILE = "rng_state.pt"


def latest_checkpoint(root: Path) -> Path | None:
    """The newest checkpoint folder under ``root`` (``checkpoints/``): the ``latest`` link's target, or the folder an
    old ``latest`` text file names; None when there is none."""
    marker = root / LATEST
    if marker.is_symlink():
        path = root / os.readlink(marker)
    elif marker.is_file():
        path = root / marker.read_text().strip()
    else:
        return None
    return path if path.is_dir() else None


def point_latest(root: Path, checkpoint: Path) -> None:
    """Make ``root/latest`` a relative symlink to ``checkpoint`` (atomically replacing a link or an old marker)."""
    tmp = root / f".{LATEST}.{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(os.path.relpath(checkpoint, root), target_is_directory=True)
    os.replace(tmp, root / LATEST)


def rng_state() -> dict[str, Any]:
    """The global random states (tensors and plain lists, so ``torch.load(weights_only=True)`` reads them)."""
    import numpy as np
    import torch

    version, words, gauss = random.getstate()
    name, keys, pos, has_gauss, cached = np.random.get_state()
    state: dict[str, Any] = {
        "python": [version, list(words), gauss],
        "numpy": [name, torch.from_numpy(keys.astype(np.int64)), int(pos), int(has_gauss), float(cached)],
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    import numpy as np
    import torch

    if "python" in state:
        version, words, gauss = state["python"]
        random.setstate((version, tuple(words), gauss))
    if "numpy" in state:
        name, keys, pos, has_gauss, cached = state["numpy"]
        np.random.set_state((name, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    if "torch" in state:
        torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_rng(path: Path) -> None:
    import torch

    torch.save(rng_state(), path / RNG_FILE)


def load_rng(path: Path) -> bool:
    """Restore the states saved in checkpoint ``path``; False for a checkpoint written before they were saved."""
    import torch

    if not (path / RNG_FILE).is_file():
        return False
    set_rng_state(torch.load(path / RNG_FILE, map_location="cpu", weights_only=True))
    return True


def generator_state(generator) -> list[int]:
    """A torch generator's state as JSON-ready bytes."""
    return generator.get_state().tolist()


def set_generator_state(generator, state: list[int]) -> None:
    import torch

    generator.set_state(torch.tensor(state, dtype=torch.uint8))
