"""Step budgets: every id declares ``spec.max_episode_steps``, the env (not Gymnasium's TimeLimit) ends and scores
each episode, and a budget above the ceiling lifts the wrapper through ``steprl_envs.make``."""

from __future__ import annotations

import warnings

import gymnasium as gym
import pytest

import steprl_envs


@pytest.mark.parametrize("env_id", list(steprl_envs.ENVS))
def test_every_id_declares_a_ceiling_no_bundled_task_exceeds(env_id):
    ceiling = gym.spec(env_id).max_episode_steps
    assert isinstance(ceiling, int) and ceiling >= 1
    env = gym.make(env_id)
    try:
        assert env.spec.max_episode_steps == ceiling
        inner = env.unwrapped
        budgets = []
        for task in inner.tasks:
            inner.task = task
            budgets.append(inner.max_steps)
        inner.task = None
        assert budgets and max(budgets) <= ceiling, f"a bundled task of {env_id} has a budget above {ceiling}"
    finally:
        env.close()


def _play_noops(env, task_id: str) -> tuple[int, bool, bool, float]:
    env.reset(seed=0, options={"task_id": task_id})
    steps, terminated, truncated, reward = 0, False, False, 0.0
    while not (terminated or truncated):
        _, reward, terminated, truncated, info = env.step("WAIT")
        steps += 1
    return steps, terminated, truncated, info


def test_make_lifts_time_limit_to_a_larger_budget_and_the_env_scores_the_last_step():
    env = steprl_envs.make("steprl/Countdown-v0", max_steps=40)
    try:
        task_id = env.unwrapped.tasks.ids()[0]
        steps, terminated, truncated, info = _play_noops(env, task_id)
        assert (steps, truncated) == (40, True)
        assert info["ended_by"] == "truncated"  # the env ended it: scored, not cut
    finally:
        env.close()


def test_an_episode_cut_by_time_limit_before_its_budget_is_reported_once():
    env = gym.make("steprl/Countdown-v0", max_steps=40)  # TimeLimit stays at the id's ceiling of 15
    try:
        task_id = env.unwrapped.tasks.ids()[0]
        steps, _, truncated, info = _play_noops(env, task_id)
        assert (steps, truncated) == (15, True) and "ended_by" not in info
        with pytest.warns(UserWarning, match=r"cut by Gymnasium's TimeLimit after 15 steps, before its budget of 40"):
            env.reset(seed=0, options={"task_id": task_id})
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _play_noops(env, task_id)
            env.reset(seed=0, options={"task_id": task_id})  # said once per env
    finally:
        env.close()
