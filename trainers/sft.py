"""SFT warm start: imitate the env's oracle so that a small model starts RL with a non-zero success rate.

The oracle's episodes are recorded through the very prompt builder and history the rollout uses, so the SFT
prompts are the RL prompts (for a vision-language model, prompt ids that carry their screenshots, which every
scoring pass of the fit feeds to the model); the target of each step is the oracle action followed by EOS. The output directory
is a Hugging Face model directory: pass it to ``steprl train --model``.
"""

from __future__ import annotations

import contextlib
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch

from steprl_envs.agents.prompting import History, PromptBuilder, extract_action

from .config import TrainConfig
from .evaluation import evaluate
from .models import load_model, setup_torch
from .policy import Policy
from .rollout import Roller
from .train import env_info, run_eval_sets


def oracle_samples(
    cfg: TrainConfig, builder: PromptBuilder, task_ids: list[str], make_kwargs: dict
) -> tuple[list[list[int]], list[list[int]]]:
    """``(prompts, responses)`` of one oracle episode per task."""
    from steprl_envs.registration import make

    env = make(cfg.env_id, **make_kwargs)
    prompts, responses = [], []
    try:
        for k, task in enumerate(task_ids):
            obs, _ = env.reset(seed=cfg.seed + k, options={"task_id": task})
            instruction, history = obs.get("instruction", ""), History()
            while True:
                action = env.unwrapped.oracle()
                target = builder.target(action, obs)  # what the model should write: @N in a marked prompt
                written = extract_action(target, builder.action_mode, builder.marks(obs)).action  # as rollout logs it
                prompts.append(builder.build(instruction, obs, history))
                responses.append(builder.response_ids(target))
                obs, _, terminated, truncated, _ = env.step(action)
                if terminated or truncated:
                    break
                history.add(written or action, builder.history_text(obs))
    finally:
        env.close()
    return prompts, responses


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's global generators (dropout and any unseeded draw use them)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


@contextlib.contextmanager
def deterministic() -> Iterator[None]:
    """torch's deterministic algorithms for the duration (restored after); ops without a deterministic version
    warn instead of failing. On CPU, with a fixed thread count, the same inputs then give the same weights."""
    before, warn = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(before, warn_only=warn)


def fit(
    policy: Policy, prompts: list[list[int]], responses: list[list[int]], cfg: TrainConfig, log=print
) -> list[float]:
    """``sft_epochs`` passes of token-mean NLL over (prompt, response) pairs in shuffled micro-batches, seeded by
    ``cfg.seed`` and deterministic; returns each epoch's mean loss."""
    seed_everything(cfg.seed)
    optimizer = torch.optim.AdamW(policy.model.parameters(), lr=cfg.sft_lr)
    gen = torch.Generator().manual_seed(cfg.seed)
    policy.model.train()
    losses = []
    with deterministic():
        for epoch in range(cfg.sft_epochs):
            order = torch.randperm(len(prompts), generator=gen).tolist()
            total, count = 0.0, 0
            for s in range(0, len(order), cfg.micro_batch_size):
                idx = order[s : s + cfg.micro_batch_size]
                sc = policy.score([prompts[i] for i in idx], [responses[i] for i in idx])
                loss = -(sc.logp.sum() / sc.mask.sum())
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(policy.model.parameters(), cfg.max_grad_norm)
                optimizer.step()
                total, count = total + loss.item(), count + 1
            losses.append(total / max(count, 1))
            log(f"sft: epoch {epoch + 1}/{cfg.sft_epochs} loss {losses[-1]:.4f}")
    return losses


def run_sft(cfg: TrainConfig, log=print) -> dict:
    """Oracle data, :func:`fit`, save, evaluate. Seeded throughout (model initialisation, oracle env seeds, batch
    order, global generators) and deterministic, so on one machine the same command gives the same weights and the
    same SFT success."""
    setup_torch(cfg.torch_threads)
    seed_everything(cfg.seed)
    info = env_info(cfg)
    action_mode, task_ids, make_kwargs = info.action_mode, info.task_ids, info.make_kwargs
    model, tokenizer = load_model(cfg.model, cfg.env_id, cfg.seed, dtype=cfg.dtype)
    policy = Policy(model, tokenizer, cfg.device)
    builder = PromptBuilder.from_config(tokenizer, cfg, action_mode)
    t0 = time.perf_counter()
    prompts, responses = oracle_samples(cfg, builder, task_ids[: cfg.sft_tasks], make_kwargs)
    log(
        f"sft: {len(prompts)} oracle steps from {min(cfg.sft_tasks, len(task_ids))} tasks "
        f"({time.perf_counter() - t0:.1f}s)"
    )
    losses = fit(policy, prompts, responses, cfg, log)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    policy.model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    roller = Roller(
        cfg.env_id,
        policy,
        builder,
        pool_size=cfg.pool_size,
        backend=cfg.pool_backend,
        max_new_tokens=cfg.max_new_tokens,
        temperature=cfg.temperature,
        make_kwargs=make_kwargs,
    )
    try:
        ev = evaluate(roller, run_eval_sets(cfg, info), cfg.eval_greedy)
    finally:
        roller.close()
    report = {
        "steps": len(prompts),
        "epoch_loss": losses,
        "eval_tasks": cfg.eval_tasks,
        **ev,
        "time_s": time.perf_counter() - t0,
        "config": cfg.to_dict(),  # what ``steprl eval --agent hf:OUT`` builds its prompts from
    }
    (out / "sft_metrics.json").write_text(json.dumps(report, indent=1))
    log(
        f"sft: eval success {ev['eval_success_rate']:.3f} +- {ev['eval_success_se']:.3f} on {ev['eval_episodes']} "
        f"episodes; model in {out}"
    )
    return report


def run(cfg: TrainConfig) -> int:
    try:
        run_sft(cfg)
    except (FileNotFoundError, ImportError, ValueError, NotImplementedError) as e:
        print(f"steprl sft: {e}", file=sys.stderr)
        return 2
    return 0
