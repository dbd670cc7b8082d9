"""Where metrics go besides ``metrics.jsonl`` (always written by the trainer), and progress bars.

``--log-with tensorboard,wandb`` adds sinks: TensorBoard event files under ``OUT/tensorboard`` and a W&B run in
offline mode under ``OUT/wandb`` (nothing leaves the machine; ``wandb sync OUT/wandb/offline-run-*`` uploads it
later). Each sink gets the numeric fields of every metrics line at ``step = iteration``.

Progress bars (tqdm, with elapsed time and ETA) count rollout episodes and update minibatches; by default they
show only when stderr is a terminal, so CI logs stay clean.

No heavy import at module level: the config's checks use :func:`check_log_with`.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path
from typing import Any

SINKS = ("tensorboard", "wandb")


def parse_log_with(spec: str) -> list[str]:
    """The sink names of ``--log-with`` (comma-separated; '' for none)."""
    return [s.strip().lower() for s in spec.split(",") if s.strip()]


def check_log_with(spec: str) -> None:
    unknown = [s for s in parse_log_with(spec) if s not in SINKS]
    if unknown:
        raise ValueError(f"log_with: unknown sink {', '.join(unknown)}; choose from {', '.join(SINKS)}")


def scalars(line: dict[str, Any]) -> dict[str, float]:
    """The finite numeric fields of a metrics line (booleans as 0/1); text and missing values are left out."""
    out = {}
    for key, value in line.items():
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, int | float) and math.isfinite(value):
            out[key] = float(value)
    return out


class TensorBoardSink:
    def __init__(self, out: Path):
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError as e:
            raise ImportError(f"--log-with tensorboard needs tensorboard: pip install tensorboard ({e})") from e
        self.writer = SummaryWriter(log_dir=str(out / "tensorboard"))

    def log(self, values: dict[str, float], step: int) -> None:
        for key, value in values.items():
            self.writer.add_scalar(key, value, global_step=step)
        self.writer.flush()

    def close(self) -> None:
        self.writer.close()


class WandbSink:
    """An offline W&B run: ``WANDB_MODE=offline`` and ``mode="offline"``, its files under ``OUT/wandb``."""

    def __init__(self, out: Path, project: str, config: dict[str, Any]):
        try:
            import wandb
        except ImportError as e:
            raise ImportError(f"--log-with wandb needs wandb: pip install wandb ({e})") from e
        os.environ["WANDB_MODE"] = "offline"
        out.mkdir(parents=True, exist_ok=True)
        self.run = wandb.init(
            project=project,
            dir=str(out),
            mode="offline",
            config=config,
            name=out.resolve().name,
            reinit="create_new",
            settings=wandb.Settings(quiet=True),
        )

    def log(self, values: dict[str, float], step: int) -> None:
        self.run.log(values, step=step)

    def close(self) -> None:
        self.run.finish()


class Tracker:
    """The configured sinks; ``log(line)`` sends a metrics line to each of them."""

    def __init__(self, out: Path, log_with: str, project: str = "steprl", config: dict[str, Any] | None = None):
        self.sinks: list[Any] = []
        for name in parse_log_with(log_with):
            if name == "tensorboard":
                self.sinks.append(TensorBoardSink(out))
            elif name == "wandb":
                self.sinks.append(WandbSink(out, project, config or {}))
            else:
                raise ValueError(f"log_with: unknown sink {name!r}; choose from {', '.join(SINKS)}")

    def log(self, line: dict[str, Any]) -> None:
        values = scalars(line)
        step = int(line.get("iteration", 0))
        for sink in self.sinks:
            sink.log(values, step)

    def close(self) -> None:
        for sink in self.sinks:
            sink.close()
        self.sinks = []


def progress_enabled(setting: str, stream=None) -> bool:
    """``on``/``off`` as said; ``auto``: on only when ``stream`` (stderr) is a terminal."""
    if setting in ("on", "off"):
        return setting == "on"
    stream = stream if stream is not None else sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


def progress_factory(setting: str, stream=None):
    """A ``progress(description, total)`` callable making tqdm bars (elapsed and ETA), or None when bars are off."""
    if not progress_enabled(setting, stream):
        return None
    from tqdm import tqdm

    def progress(description: str, total: int):
        return tqdm(
            total=total,
            desc=description,
            unit="ep" if description == "rollout" else "mb",
            leave=False,
            file=stream if stream is not None else sys.stderr,
            dynamic_ncols=True,
        )

    return progress
