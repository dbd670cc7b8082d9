"""Evaluation sets (train / val / test) and the env-step budget: held-out sets never share a task or a seed with
training or with each other, and a budgeted run stops at the budget with its last iteration evaluated."""

from __future__ import annotations

import json

import pytest

from steprl_envs.cli import main
from trainers.config import make_config
from trainers.evaluation import SET_SEEDS, build_eval_sets, parse_eval_sets


def test_held_out_sets_are_disjoint_from_training_and_from_each_other():
    split = [f"t{i}" for i in range(20)]
    train = split[:6]
    val, test = build_eval_sets(("val", "test"), train, split, episodes=5)
    val_tasks = {task for task, _ in val.slots}
    test_tasks = {task for task, _ in test.slots}
    assert len(val.slots) == len(test.slots) == 5
    assert not val_tasks & set(train) and not test_tasks & set(train)
    assert not val_tasks & test_tasks
    assert [t for t, _ in val.slots] == ["t6", "t8", "t10", "t12", "t14"]
    assert [t for t, _ in test.slots] == ["t7", "t9", "t11", "t13", "t15"]
    assert len({val.seed, test.seed, SET_SEEDS["train"]}) == 3


def test_without_other_tasks_the_sets_replay_training_tasks_under_their_own_seeds():
    tasks = ["a", "b", "c"]
    train, val, test = build_eval_sets(("train", "val", "test"), tasks, tasks, episodes=4)
    assert train.slots == val.slots == test.slots == [("a", "a"), ("b", "b"), ("c", "c"), ("a", "a")]
    assert len({train.seed, val.seed, test.seed}) == 3


@pytest.mark.parametrize("text", ["", "train,train", "holdout", "val,,bogus"])
def test_bad_eval_sets_are_refused_with_the_valid_names(text):
    with pytest.raises(ValueError, match="train, val, test"):
        parse_eval_sets(text)
    with pytest.raises(ValueError, match="eval_sets"):
        make_config({"eval_sets": text})


def test_a_budgeted_run_stops_at_the_budget_and_evaluates_every_set_at_its_end(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["train", "--algo", "grpo", "--env", "ALFWorld-v0", "--model", "tiny", "--out", str(out)]
    args += ["--iterations", "50", "--env-step-budget", "20", "--eval-every", "100", "--eval-tasks", "2"]
    args += ["--eval-sets", "val,test", "--batch-tasks", "2", "--group-size", "2", "--max-env-steps", "3"]
    args += ["--task-limit", "4", "--pool-size", "4", "--max-new-tokens", "6", "--max-prompt-tokens", "256"]
    assert main(args) == 0
    lines = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    # Each iteration runs 4 episodes of at most 3 steps: 20 steps take 2 iterations at least and 5 at most.
    assert 2 <= lines[-1]["iteration"] <= 5 and lines[-1]["env_steps"] >= 20
    assert lines[-2]["env_steps"] < 20
    assert lines[0]["iteration"] == 0
    for line in (lines[0], lines[-1]):  # before training and at the budget
        assert line["eval_val_episodes"] == line["eval_test_episodes"] == 2
        assert line["eval_success_rate"] == line["eval_val_success_rate"]
    assert all("eval_val_success_rate" not in line for line in lines[1:-1])


def test_an_explicit_task_list_is_held_out_by_seed_not_swapped_for_other_tasks():
    """MockGUI's demo trains on a task list: its val and test sets are those tasks on unseen layouts, not the
    split's other tasks (which the model never saw in any form)."""
    from trainers.train import env_info, run_eval_sets

    tasks = ["desktop-settings-wifi-off", "desktop-settings-theme-dark"]
    cfg = make_config({"env_id": "MockGUI-v0", "tasks": ",".join(tasks), "eval_sets": "val,test", "eval_tasks": 4})
    info = env_info(cfg)
    assert info.task_ids == tasks and len(info.split_ids) > len(tasks)
    val, test = run_eval_sets(cfg, info)
    assert {t for t, _ in val.slots} == {t for t, _ in test.slots} == set(tasks)
    assert val.seed != test.seed
