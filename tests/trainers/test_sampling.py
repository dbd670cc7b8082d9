"""Reproducible sampling: a row's uniforms come from its own stream whichever rows share the batch, the same
batch with the same streams draws the same tokens, a rollout round (whose batches the pool fills in completion
order) repeats exactly, greedy decoding is deterministic, and the fixed evaluation set is the same slots every
time."""

from __future__ import annotations

import math

import pytest
import torch

from steprl_envs.agents.prompting import PromptBuilder
from trainers.config import make_config
from trainers.evaluation import eval_slots
from trainers.models import load_model
from trainers.policy import Policy
from trainers.rollout import Roller

ENV = "steprl/Countdown-v0"


@pytest.fixture(scope="module")
def policy():
    model, tok = load_model("tiny", ENV, seed=3)
    return Policy(model, tok)


def _prompts(policy):
    tok = policy.tokenizer
    return [
        tok("Task: reach 10 Observation: 3 4 Action:")["input_ids"],
        tok("Task: x Action:")["input_ids"],
        tok("Task: count down from 7 to 0 Observation: 7 Action:")["input_ids"],
    ]


def _streams(seeds):
    return [torch.Generator().manual_seed(s) for s in seeds]


def test_a_rows_draw_depends_only_on_its_own_stream_and_distribution(policy):
    """The sampler itself is row-independent (the model's logits are not batch-invariant; see Policy.generate)."""
    logprobs = torch.log_softmax(torch.randn(3, 50, generator=torch.Generator().manual_seed(0)), dim=-1)
    together = policy._draw(logprobs, None, _streams([1, 2, 3]), greedy=False)
    reordered = policy._draw(logprobs.flip(0), None, _streams([3, 2, 1]), greedy=False)
    alone = policy._draw(logprobs[1:2], None, _streams([2]), greedy=False)
    assert together.tolist() == reordered.flip(0).tolist()
    assert alone.tolist() == together[1:2].tolist()
    assert len({policy._draw(logprobs[1:2], None, _streams([s]), greedy=False).item() for s in range(20)}) > 1


def test_the_same_batch_and_streams_draw_the_same_tokens(policy):
    prompts = _prompts(policy)
    first = policy.generate(prompts, 12, 1.0, generators=_streams([1, 2, 3]))
    again = policy.generate(prompts, 12, 1.0, generators=_streams([1, 2, 3]))
    assert [g.response_ids for g in first] == [g.response_ids for g in again]
    assert [g.logprobs for g in first] == [g.logprobs for g in again]
    draws = {tuple(policy.generate(prompts[1:2], 12, 1.0, generators=_streams([s]))[0].response_ids) for s in range(6)}
    assert len(draws) > 1  # the seed matters


def test_sampled_logprobs_match_rescoring(policy):
    prompts = _prompts(policy)
    gens = policy.generate(prompts, 10, 0.7, generators=_streams(range(3)))
    with torch.no_grad():
        sc = policy.score(prompts, [g.response_ids for g in gens], temperature=0.7)
    for i, g in enumerate(gens):
        assert sc.logp[i, : len(g.response_ids)].tolist() == pytest.approx(g.logprobs, abs=1e-4)


def test_greedy_is_deterministic_and_takes_the_argmax(policy):
    prompts = _prompts(policy)
    a = policy.generate(prompts, 8, 1.0, greedy=True)
    b = policy.generate(prompts[::-1], 8, 1.0, greedy=True)[::-1]
    assert [g.response_ids for g in a] == [g.response_ids for g in b]
    with torch.no_grad():
        first = policy.model(torch.tensor([prompts[0]])).logits[0, -1]
    assert a[0].response_ids[0] == int(first.argmax())
    assert all(lp <= 0 and math.isfinite(lp) for g in a for lp in g.logprobs)


def test_generators_must_match_prompts(policy):
    with pytest.raises(ValueError, match="generators"):
        policy.generate(_prompts(policy), 4, generators=[torch.Generator()])


def test_eval_slots_are_fixed_and_cycle():
    ids = ["a", "b", "c"]
    assert eval_slots(ids, 2) == [("a", "a"), ("b", "b")]
    assert eval_slots(ids, 5) == [("a", "a"), ("b", "b"), ("c", "c"), ("a", "a"), ("b", "b")]
    assert eval_slots(ids, 5) == eval_slots(ids, 5)


def test_a_rollout_round_and_an_evaluation_repeat_exactly(tmp_path):
    """Same weights, same seed: the same actions in every episode, although the pool finishes them unordered."""
    from trainers.evaluation import build_eval_sets, evaluate

    env = "ALFWorld-v0"
    model, tok = load_model("tiny", env, seed=1)
    pol = Policy(model, tok)
    cfg = make_config(
        {"env_id": env, "max_env_steps": 3, "max_new_tokens": 8, "eval_tasks": 6, "max_prompt_tokens": 384}
    )
    roller = Roller(
        env,
        pol,
        PromptBuilder.from_config(tok, cfg, "text"),
        pool_size=4,
        max_new_tokens=8,
        make_kwargs={"max_steps": 3},
    )
    tasks = [f"alfworld/pick_and_place_simple/{i}" for i in range(3)]
    try:
        slots = [(t, t) for t in tasks for _ in range(2)]
        runs = [roller.run(slots, seed=7)[0] for _ in range(2)]
        assert [[r.response for r in t.rows] for t in runs[0]] == [[r.response for r in t.rows] for t in runs[1]]
        sets = build_eval_sets(("train",), tasks, tasks, cfg.eval_tasks)
        first, second = evaluate(roller, sets), evaluate(roller, sets)
    finally:
        roller.close()
    assert first["eval_episodes"] == 6 and first["eval_success_rate"] == second["eval_success_rate"]
    p = first["eval_success_rate"]
    assert first["eval_success_se"] == pytest.approx(math.sqrt(p * (1 - p) / 6))


def test_group_rollouts_share_their_start_but_not_their_samples():
    """MockGUI draws a layout per env seed: a training round gives all slots of one task the same start (GRPO's
    group, GiGPO's anchor states), each with its own sampling stream; evaluation slots keep their own seeds."""
    env = "MockGUI-v0"
    model, tok = load_model("tiny", env, seed=1)
    cfg = make_config({"env_id": env, "max_new_tokens": 8, "max_prompt_tokens": 384})
    roller = Roller(
        env,
        Policy(model, tok),
        PromptBuilder.from_config(tok, cfg, "pyautogui"),
        pool_size=3,
        max_new_tokens=8,
        make_kwargs={"max_steps": 1},
    )
    task, other = "desktop-settings-wifi-off", "desktop-settings-theme-dark"
    slots = [(task, task), (task, task), (other, other)]
    try:
        shared, _ = roller.run(slots, seed=3, shared_start=True)
        separate, _ = roller.run(slots, seed=3)
    finally:
        roller.close()
    first = [t.rows[0] for t in shared]
    assert first[0].state_key == first[1].state_key != first[2].state_key
    assert first[0].response_ids != first[1].response_ids
    assert separate[0].rows[0].state_key != separate[1].rows[0].state_key
    assert first[0].response_ids == separate[0].rows[0].response_ids  # slot 0: same seed, same stream
