"""``steprl eval --agent hf:RUN``: run and checkpoint folders resolve, prompts come from the saved config, and the
harness's greedy success on the trainer's evaluation tasks equals the trainer's own evaluation of the weights."""

from __future__ import annotations

import json

import pytest

from steprl_envs.agents.prompting import PromptBuilder
from steprl_envs.core.recorder import iter_episodes
from steprl_envs.eval.runner import EvalConfig, run_eval
from trainers.config import make_config
from trainers.evaluation import EVAL_SEED, eval_slots
from trainers.hf_agent import resolve
from trainers.models import load_model
from trainers.policy import Policy
from trainers.rollout import Roller
from trainers.sft import run_sft
from trainers.train import env_info

ENV = "steprl/Countdown-v0"


def test_run_and_checkpoint_folders_resolve(tmp_path):
    run = tmp_path / "run"
    ckpt = run / "checkpoints" / "iter_00003"
    ckpt.mkdir(parents=True)
    (run / "checkpoints" / "latest").write_text("iter_00003\n")
    (run / "config.json").write_text(json.dumps({"history_window": 1}))
    (ckpt / "config.json").write_text(json.dumps({"model_type": "llama"}))  # the model's, not the trainer's
    assert resolve(str(run)) == (str(ckpt), {"history_window": 1})
    assert resolve(str(ckpt)) == (str(ckpt), {"history_window": 1})
    (ckpt / "trainer_state.json").write_text(json.dumps({"config": {"history_window": 2}}))
    assert resolve(str(run)) == (str(ckpt), {"history_window": 2})
    assert resolve("tiny") == ("tiny", None)
    (run / "checkpoints" / "latest").write_text("iter_00009")
    with pytest.raises(ValueError, match="iter_00009"):
        resolve(str(run))


def test_hf_eval_of_sft_weights_equals_the_trainers_evaluation(tmp_path):
    cfg = make_config(
        {
            "model": "tiny",
            "env_id": ENV,
            "task_limit": 4,
            "sft_tasks": 4,
            "sft_epochs": 40,
            "sft_lr": 3e-3,
            "eval_tasks": 3,
            "pool_size": 2,
            "max_new_tokens": 8,
            "micro_batch_size": 4,
            "observation_chars": 1000,
            "out": str(tmp_path / "sft"),
        }
    )
    run_sft(cfg, log=lambda _: None)
    report = json.loads((tmp_path / "sft" / "sft_metrics.json").read_text())
    info = env_info(cfg)
    task_ids, make_kwargs = info.task_ids, info.make_kwargs
    tasks = [task for task, _ in eval_slots(task_ids, cfg.eval_tasks)]
    assert len(set(tasks)) == len(tasks)  # the harness plays each task once per seed
    summary = run_eval(
        EvalConfig(
            agent=f"hf:{tmp_path / 'sft'}",
            env_id=ENV,
            out=tmp_path / "eval",
            tasks=",".join(tasks),
            split=None,
            max_steps=make_kwargs.get("max_steps"),
            num_envs=2,
            progress=False,
        )
    )
    r = summary["results"]
    assert r["n_errors"] == 0 and r["n_completed"] == len(tasks)
    assert r["success_rate"] == pytest.approx(report["eval_success_rate"])
    assert summary["agent"]["prompt"]["observation_chars"] == 1000 and summary["agent"]["trained_config"]
    assert report["eval_success_rate"] > 0, "the check means little unless the SFT model solves some tasks"
    played = {
        e.result["task_id"]: [s["response"] for s in e.steps] for e in iter_episodes(tmp_path / "eval" / "episodes")
    }
    model, tok = load_model(str(tmp_path / "sft"), ENV)
    roller = Roller(
        ENV,
        Policy(model, tok),
        PromptBuilder.from_config(tok, cfg, "text"),
        pool_size=2,
        max_new_tokens=cfg.max_new_tokens,
        make_kwargs=make_kwargs,
    )
    try:
        trajs, _ = roller.run(eval_slots(task_ids, cfg.eval_tasks), seed=EVAL_SEED, greedy=True)
    finally:
        roller.close()
    assert played == {t.task_id: [row.response for row in t.rows] for t in trajs}  # the same responses, step by step
