"""What every algorithm shares: task planning, the rollout call, flattening trajectories into step tensors,
the update and the per-iteration metrics. An algorithm subclass says how to plan a round (``plan``) and how to
turn trajectories into training samples with advantages (``make_batch``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import torch

from steprl_envs.core import UniformSampler

from ..advantages import group_norm_by_std, trajectory_balance
from ..rollout import Roller, Trajectory
from ..update import Batch, Updater

ALGORITHMS: dict[str, type[Algorithm]] = {}


def register_algorithm(name: str):
    def wrap(cls):
        ALGORITHMS[name] = cls
        cls.name = name
        return cls

    return wrap


@dataclass
class Flat:
    """Step rows of a list of trajectories as aligned tensors (row order: trajectory, then step)."""

    rows: list
    row_traj: torch.Tensor  # [R] index into the trajectory list
    row_step: torch.Tensor  # [R]
    rewards: torch.Tensor  # [R]
    row_task: torch.Tensor  # [R] task group label
    state_group: torch.Tensor  # [R] label of (task, observation hash)
    traj_task: torch.Tensor  # [T] task group label of each trajectory
    scores: torch.Tensor  # [T] episode return (score plus step penalties)

    @classmethod
    def of(cls, trajs: list[Trajectory]) -> Flat:
        tasks: dict[str, int] = {}
        states: dict[tuple[str, str], int] = {}
        rows, row_traj, row_task, state = [], [], [], []
        for t, traj in enumerate(trajs):
            task = tasks.setdefault(traj.task_id, len(tasks))
            for row in traj.rows:
                rows.append(row)
                row_traj.append(t)
                row_task.append(task)
                state.append(states.setdefault((traj.task_id, row.state_key), len(states)))
        long = lambda x: torch.tensor(x, dtype=torch.long)  # noqa: E731
        return cls(
            rows,
            long(row_traj),
            long([r.step for r in rows]),
            torch.tensor([r.reward for r in rows], dtype=torch.float32),
            long(row_task),
            long(state),
            long([tasks[t.task_id] for t in trajs]),
            torch.tensor([t.ret for t in trajs], dtype=torch.float32),
        )

    def batch(self, advantages: torch.Tensor, balance: bool = False, **kw: Any) -> Batch:
        """Training samples of every row; ``balance`` scales per-row advantages by :func:`trajectory_balance`
        (the clipped surrogate is linear in a positive scale of the advantage, so this weighs the row's loss)."""
        if balance and len(self.rows):
            weights = trajectory_balance(self.row_traj)
            advantages = advantages * (weights if advantages.dim() == 1 else weights.unsqueeze(-1))
        return Batch(
            [r.prompt_ids for r in self.rows],
            [r.response_ids for r in self.rows],
            [r.logprobs for r in self.rows],
            advantages,
            **kw,
        )


def norm_by_std(cfg) -> bool:
    """Whether this run's group advantages divide by the std (mean-only with a penalty: see
    :func:`trainers.advantages.group_norm_by_std`)."""
    return group_norm_by_std(cfg.norm_adv_by_std, cfg.invalid_action_penalty, cfg.std_norm_with_penalty)


class Algorithm:
    """One training iteration: plan -> rollout -> make_batch (advantages) -> update."""

    name = "base"
    #: Scoring passes the batch needs beyond the recorded log-probs (entropy for STAPO, values for StepPO).
    needs_critic = False

    def __init__(self, cfg, policy, updater: Updater, roller: Roller, task_ids: list[str], action_mode: str):
        self.cfg, self.policy, self.updater, self.roller = cfg, policy, updater, roller
        self.task_ids, self.action_mode = task_ids, action_mode
        self.sampler = UniformSampler(task_ids, seed=cfg.seed)

    # -- hooks ---------------------------------------------------------------------------------------------------
    def plan(self, iteration: int) -> list[tuple[str, str]]:
        """``(planned task, task to run)`` per rollout slot: B uniformly drawn tasks x N rollouts."""
        return [(t, t) for t in self.sampler.sample(self.cfg.batch_tasks) for _ in range(self.cfg.group_size)]

    def make_batch(self, trajs: list[Trajectory]) -> tuple[Batch, dict[str, Any]]:
        raise NotImplementedError

    def observe(self, trajs: list[Trajectory]) -> None:
        """Called after each rollout, before ``make_batch`` (STEP updates its success-rate record here)."""

    def state(self) -> dict[str, Any]:
        """Algorithm state saved with checkpoints (sampler position, success-rate records)."""
        return {"sampler": self.sampler.rng.bit_generator.state}

    def load_state(self, state: dict[str, Any]) -> None:
        if "sampler" in state:
            self.sampler.rng.bit_generator.state = state["sampler"]

    # -- the iteration -------------------------------------------------------------------------------------------
    def iterate(self, iteration: int) -> dict[str, Any]:
        t0 = time.perf_counter()
        slots = self.plan(iteration)
        trajs, rstats = self.roller.run(slots, seed=self.cfg.seed * 1_000_003 + iteration * 10_007, shared_start=True)
        t1 = time.perf_counter()
        self.observe(trajs)
        batch, extra = self.make_batch(trajs)
        ustats = self.updater.update(batch)
        t2 = time.perf_counter()
        n = max(len(trajs), 1)
        metrics = {
            "iter_env_steps": rstats.env_steps,
            "iter_episodes": rstats.episodes,
            "success_rate": sum(t.success for t in trajs) / n,
            "mean_score": sum(t.score for t in trajs) / n,
            "loss": ustats.loss,
            "kl": ustats.kl,
            "pg_loss": ustats.pg_loss,
            "clipfrac": ustats.clipfrac,
            "samples": len(batch),
            # The net push of the update: below zero, sampled tokens lose probability overall.
            "adv_row_mean": float(batch.advantages.float().mean()) if len(batch) else 0.0,
            "optimizer_steps": ustats.steps,
            "skipped_nonfinite": ustats.skipped_nonfinite,
            "skipped_no_signal": ustats.skipped_no_signal,
            "invalid_action_rate": rstats.invalid_actions / max(rstats.env_steps, 1),
            "errored_episodes": rstats.errored,
            "generated_tokens": rstats.generated_tokens,
            "time_generate_s": rstats.time_generate_s,
            "time_rollout_s": t1 - t0,
            "time_update_s": t2 - t1,
        }
        if ustats.value_loss == ustats.value_loss:
            metrics["value_loss"] = ustats.value_loss
        metrics.update(ustats.extra)
        metrics.update(extra)
        return metrics
