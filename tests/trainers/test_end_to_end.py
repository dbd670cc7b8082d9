"""Each algorithm (and each ablation switch) runs from the ``steprl`` CLI with the tiny model: metrics written,
losses finite where there were samples, checkpoints that reload, clean failures on bad input."""

from __future__ import annotations

import json
import math

import pytest
import torch

import steprl_envs  # noqa: F401
from steprl_envs.cli import main
from tests.trainers.runs import cli_options
from trainers.losses import POLICY_LOSSES
from trainers.models import load_model

SMALL = cli_options(iterations=2, max_env_steps=3, pool_size=4, max_new_tokens=10, task_limit=4, max_prompt_tokens=384)
REQUIRED = {
    "iteration",
    "env_steps",
    "episodes",
    "success_rate",
    "mean_score",
    "loss",
    "kl",
    "time_rollout_s",
    "time_update_s",
}


def _metrics(out):
    return [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]


def _check_run(out, algo):
    lines = _metrics(out)
    assert [m["iteration"] for m in lines] == [1, 2]
    for m in lines:
        assert REQUIRED <= set(m)
        assert m["env_steps"] > 0 and m["episodes"] > 0
        if m["samples"]:
            assert m["loss"] is not None and math.isfinite(m["loss"]) and m["kl"] is not None
    if algo == "stapo":
        assert all("flagged_steps" in m for m in lines)
    assert (out / "curve.png").stat().st_size > 0
    ckpt = out / "checkpoints" / "latest"  # a link to the newest checkpoint
    model, tok = load_model(str(ckpt), "unused")
    ids = torch.tensor([tok("Task: x")["input_ids"]])
    assert torch.isfinite(model(ids).logits).all()
    state = json.loads((ckpt / "trainer_state.json").read_text())
    assert state["iteration"] == 2 and state["config"]["algo"] == algo


@pytest.mark.slow
@pytest.mark.parametrize("env_id", ["ALFWorld-v0", "MockGUI-v0"])
@pytest.mark.parametrize("algo", ["grpo", "gigpo", "step", "steppo", "stapo"])
def test_each_algorithm_two_iterations(tmp_path, algo, env_id):
    out = tmp_path / algo
    assert main(["train", "--algo", algo, "--env", env_id, "--out", str(out), *SMALL]) == 0
    _check_run(out, algo)
    if algo == "steppo":
        assert (out / "checkpoints" / "iter_00002" / "critic.pt").is_file()


@pytest.mark.slow
@pytest.mark.parametrize(
    "switch",
    [
        ["--sr-traj", "false"],
        ["--sr-adv", "false"],
        ["--sl-grpo", "false"],
        ["--algo", "steppo", "--advantage-level", "token"],
        ["--algo", "steppo", "--ratio-level", "token"],
        ["--algo", "grpo", "--balance-trajectories", "true"],
        ["--env", "MockGUI-v0", "--a11y-format", "marks"],
    ],
)
def test_ablations_run(tmp_path, switch):
    args = ["train", "--algo", "step", "--env", "ALFWorld-v0", "--out", str(tmp_path / "a"), *SMALL, *switch]
    assert main(args) == 0
    assert len(_metrics(tmp_path / "a")) == 2


@pytest.mark.slow
def test_config_file_resume_and_plot(tmp_path, capsys):
    conf = tmp_path / "run.toml"
    conf.write_text(
        'algo = "gigpo"\nenv_id = "ALFWorld-v0"\ngroup_size = 2\nbatch_tasks = 2\nmax_env_steps = 2\n'
        "task_limit = 2\nmax_new_tokens = 8\ncheckpoint_every = 1\neval_every = 1\neval_tasks = 2\n"
    )
    out = tmp_path / "run"
    assert main(["train", "--config", str(conf), "--iterations", "1", "--out", str(out)]) == 0
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["algo"] == "gigpo" and cfg["iterations"] == 1 and cfg["group_size"] == 2
    assert main(["train", "--config", str(conf), "--iterations", "2", "--out", str(out), "--resume", "true"]) == 0
    lines = _metrics(out)
    assert [m["iteration"] for m in lines] == [0, 1, 2]  # iteration 0: the evaluation before training
    assert lines[2]["env_steps"] > lines[1]["env_steps"] and "eval_success_rate" in lines[2]
    assert "resumed from" in capsys.readouterr().out
    png = tmp_path / "both.png"
    assert main(["plot", str(out), str(out), "--out", str(png), "--labels", "a,b"]) == 0
    assert png.stat().st_size > 0


def test_bad_model_path_is_a_clear_error(tmp_path, capsys):
    code = main(
        [
            "train",
            "--algo",
            "grpo",
            "--env",
            "ALFWorld-v0",
            "--model",
            str(tmp_path / "missing"),
            "--out",
            str(tmp_path / "o"),
            "--iterations",
            "1",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "'tiny', 'smollm2'" in err


def test_unknown_config_field_and_bad_values(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"algo": "grpo", "learning_rate": 1}')
    assert main(["train", "--config", str(bad)]) == 2
    assert "learning_rate" in capsys.readouterr().err
    assert main(["train", "--group-size", "0"]) == 2
    assert "group_size" in capsys.readouterr().err


@pytest.mark.slow
def test_nan_guard_stops_with_a_checkpoint(tmp_path, monkeypatch, capsys):
    def nan_loss(logp, old_logp, adv, mask, **kw):
        return (logp * float("nan")).sum(), {"clipfrac": 0.0}

    monkeypatch.setitem(POLICY_LOSSES, "token", nan_loss)
    out = tmp_path / "nan"
    args = [
        "train",
        "--algo",
        "grpo",
        "--env",
        "ALFWorld-v0",
        "--out",
        str(out),
        *SMALL,
        "--iterations",
        "5",
        "--max-bad-iterations",
        "2",
    ]
    assert main(args) == 1
    err = capsys.readouterr()
    assert "non-finite loss" in err.err and "not finite" in err.out
    lines = _metrics(out)
    assert len(lines) == 2 and all(m["loss"] is None and m["skipped_nonfinite"] > 0 for m in lines)
    assert (out / "checkpoints" / "iter_00002" / "model.safetensors").is_file()
