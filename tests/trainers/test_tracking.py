"""Metric sinks beside metrics.jsonl (TensorBoard event files, an offline W&B run, both read back) and the progress
bars (on for a terminal or when asked, off in CI logs)."""

from __future__ import annotations

import io
import json
import struct

import pytest

from steprl_envs.cli import main
from tests.trainers.runs import TINY_RUN, cli_options
from trainers.config import make_config
from trainers.tracking import progress_enabled, progress_factory, scalars

FIELDS = {"algo": "grpo", "env_id": "steprl/Countdown-v0", "iterations": 2, "task_limit": 2}
SMALL = cli_options(**FIELDS)


def tensorboard_scalars(folder) -> dict[str, list[tuple[int, float]]]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(folder))
    acc.Reload()
    return {tag: [(e.step, e.value) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}


def wandb_history(out) -> list[dict[str, float]]:
    """The history rows of the offline run under ``out/wandb``, read from its transaction log (LevelDB log format:
    a 7-byte W&B header, then 32 KiB blocks of records with a 7-byte header: crc, length, type)."""
    from wandb.proto import wandb_internal_pb2 as pb

    (path,) = (out / "wandb").glob("offline-run-*/run-*.wandb")
    data, block, pos = path.read_bytes(), 32768, 7
    assert data[:4] == b":W&B"
    records, partial = [], b""
    while pos + 7 <= len(data):
        left = block - pos % block
        if left < 7:
            pos += left
            continue
        _, length, kind = struct.unpack("<IHB", data[pos : pos + 7])
        if kind == 0 and length == 0:
            pos += left
            continue
        chunk, pos = data[pos + 7 : pos + 7 + length], pos + 7 + length
        if kind == 1:
            records.append(chunk)
        elif kind == 2:
            partial = chunk
        elif kind == 3:
            partial += chunk
        elif kind == 4:
            records.append(partial + chunk)
    rows = []
    for raw in records:
        record = pb.Record()
        record.ParseFromString(raw)
        if record.WhichOneof("record_type") == "history":
            items = record.history.item
            rows.append({item.key or "/".join(item.nested_key): json.loads(item.value_json) for item in items})
    return rows


def test_scalars_keep_finite_numbers_only():
    line = {"iteration": 3, "loss": 0.5, "kl": float("nan"), "eval": None, "name": "x", "flag": True}
    assert scalars(line) == {"iteration": 3.0, "loss": 0.5, "flag": 1.0}


def test_unknown_sink_is_a_config_error():
    with pytest.raises(ValueError, match="mlflow"):
        make_config({"log_with": "tensorboard,mlflow"})


def test_training_logs_to_tensorboard_and_offline_wandb(tmp_path, monkeypatch):
    pytest.importorskip("tensorboard")
    pytest.importorskip("wandb")
    monkeypatch.delenv("WANDB_MODE", raising=False)
    monkeypatch.setenv("WANDB_API_KEY", "")  # nothing to log in with: an online attempt could not pass unnoticed
    out = tmp_path / "run"
    assert main(["train", *SMALL, "--out", str(out), "--log-with", "tensorboard,wandb"]) == 0
    lines = [json.loads(s) for s in (out / "metrics.jsonl").read_text().splitlines()]
    assert [m["iteration"] for m in lines] == [1, 2]

    tb = tensorboard_scalars(out / "tensorboard")
    assert [step for step, _ in tb["env_steps"]] == [1, 2]
    assert [v for _, v in tb["env_steps"]] == [m["env_steps"] for m in lines]
    assert tb["loss"][-1][1] == pytest.approx(lines[-1]["loss"])

    history = wandb_history(out)
    assert [row["_step"] for row in history] == [1, 2]
    assert [row["env_steps"] for row in history] == [m["env_steps"] for m in lines]
    assert history[-1]["loss"] == pytest.approx(lines[-1]["loss"])
    assert list((out / "wandb").glob("offline-run-*"))  # offline mode, under OUT


def test_progress_is_off_unless_a_terminal_or_forced():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert not progress_enabled("auto", io.StringIO())
    assert progress_enabled("auto", Terminal())
    assert progress_enabled("on", io.StringIO()) and not progress_enabled("off", Terminal())
    assert progress_factory("auto", io.StringIO()) is None


def test_progress_bars_show_counts_and_eta():
    stream = io.StringIO()
    bar = progress_factory("on", stream)("rollout", 3)
    bar.update(3)
    bar.refresh()
    bar.close()
    text = stream.getvalue()
    assert "rollout" in text and "3/3" in text and "<" in text  # [elapsed<remaining]


def test_the_trainer_feeds_the_bars_rollout_episodes_and_update_minibatches(tmp_path):
    from trainers.train import Trainer

    seen: dict[str, list[int]] = {}

    class Recorder:
        def __init__(self, name, total):
            self.name, self.total, self.done = name, total, 0

        def update(self, n):
            self.done += n

        def close(self):
            seen.setdefault(self.name, []).append((self.total, self.done))

    cfg = make_config({**TINY_RUN, **FIELDS, "iterations": 1, "out": str(tmp_path / "run"), "progress": "on"})
    trainer = Trainer(cfg, log=lambda _: None)
    assert trainer.roller.progress is not None and trainer.updater.progress is not None  # "on": tqdm bars
    trainer.roller.progress = trainer.updater.progress = Recorder
    trainer.train()
    assert seen["rollout"] == [(4, 4)]  # B x N = 4 episodes
    assert seen["update"] == [(4, 4)]  # 1 epoch x 4 minibatches
    quiet = Trainer(make_config({**TINY_RUN, **FIELDS, "out": str(tmp_path / "q")}), log=lambda _: None)
    assert quiet.roller.progress is None  # auto, and pytest's stderr is no terminal
    quiet.roller.close()
