"""STEP: success-rate-aware trajectory-efficient policy optimisation.

1. A smoothed per-task success-rate record (``SuccessRateTracker``, EMA of each round's success fraction).
2. SR-Traj (``SuccessRateSampler``): rollout slots of mastered tasks (rate >= s0) move, with logistic
   probability, to tasks of intermediate difficulty; the budget B x N stays fixed; results regroup by the task
   actually run.
3. SR-Adv: only successful trajectories are kept; each of their steps is one sample with advantage ``1 - s``,
   s being the task's smoothed rate as known when the round was drawn (``sr_adv_rate``).
4. SL-GRPO (low-success tasks, rate <= s_low): policy variants per step sample, GRPO-normalised against the
   original action with a rule-based match (``sl_grpo.action_match``), added as extra samples.
``sr_traj``, ``sr_adv`` and ``sl_grpo`` switch each part off for ablations (``sr_adv=False`` gives GRPO
advantages on the step samples of every trajectory).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import torch

from steprl_envs.agents.prompting import extract_action
from steprl_envs.core import SuccessRateSampler, SuccessRateTracker

from ..advantages import grpo_advantages, sl_grpo_advantages, step_sr_advantages
from ..checkpointing import generator_state, set_generator_state
from ..update import Batch
from .base import Algorithm, Flat, norm_by_std, register_algorithm
from .sl_grpo import action_match, click_context


@register_algorithm("step")
class STEP(Algorithm):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        cfg = self.cfg
        Path(cfg.out).mkdir(parents=True, exist_ok=True)
        record = Path(cfg.out) / "success_rates.sqlite"
        if not cfg.resume:
            # A fresh run into a used directory must not inherit the last run's rates (they would steer SR-Traj
            # and shrink SR-Adv weights from the first round on); a resumed run keeps them.
            for stale in (record, record.with_name(record.name + "-wal"), record.with_name(record.name + "-shm")):
                stale.unlink(missing_ok=True)
        self.tracker = SuccessRateTracker(record, alpha=cfg.sr_alpha)
        self.sr_sampler = SuccessRateSampler(
            self.task_ids, self.tracker, s0=cfg.sr_s0, kappa=cfg.sr_kappa, gate=cfg.sr_gate, seed=cfg.seed
        )
        #: The stream of SL-GRPO's variant draws (nothing else draws from it).
        self.generator = torch.Generator(device=self.policy.device).manual_seed(cfg.seed)
        self.round_rate: dict[str, float] = {}
        self.prior_rate: dict[str, float] = {}
        self.record_rate: dict[str, float] = {}
        w, h = (int(v) for v in cfg.screen_size.lower().split("x"))
        self.screen = (w, h)

    def plan(self, iteration):
        if not self.cfg.sr_traj:
            return super().plan(iteration)
        return [(s.planned, s.task_id) for s in self.sr_sampler.sample_round(self.cfg.batch_tasks, self.cfg.group_size)]

    def observe(self, trajs):
        by_task: dict[str, list[float]] = defaultdict(list)
        for t in trajs:
            by_task[t.task_id].append(t.score)
        self.round_rate, self.record_rate = {}, {}
        before = self.tracker.snapshot()  # the record before this round
        self.prior_rate = {task: before[task].rate if task in before else 0.0 for task in by_task}
        for task, scores in by_task.items():
            self.record_rate[task] = self.tracker.update_round(task, scores).rate  # the record after it
            self.round_rate[task] = sum(s >= 1.0 for s in scores) / len(scores)

    def _rate(self, task: str) -> float:
        """s in SR-Adv's ``1 - s``. Default ``ema_prior``: the smoothed rate as it stood when the round was drawn
        (0 for a task never seen), i.e. what the sampler knew. ``ema`` folds the very samples being weighted into
        s, so a task solved in every rollout of its first round weighs ``1 - 1 = 0`` and its successes teach
        nothing; ``batch`` is this round's fraction alone (the positive half of Dr. GRPO's advantage)."""
        if self.cfg.sr_adv_rate == "batch":
            return self.round_rate.get(task, 0.0)
        if self.cfg.sr_adv_rate == "ema_prior":
            return self.prior_rate.get(task, 0.0)
        return self._record(task)

    def _record(self, task: str) -> float:
        """The smoothed rate after this round's update: SL-GRPO's low-success gate reads the freshest record (a
        task seen for the first time is judged by its first round rather than assumed unsolved)."""
        return self.record_rate.get(task, 0.0)

    def make_batch(self, trajs):
        cfg = self.cfg
        flat = Flat.of(trajs)
        rates = {task: s.rate for task, s in self.tracker.snapshot().items()}
        extra = {
            "replaced_slots": sum(t.planned_task != t.task_id for t in trajs),
            "cache_tasks": len(self.sr_sampler.cache(rates)),
            "tasks_above_s0": sum(rate >= cfg.sr_s0 for rate in rates.values()),
        }
        if not flat.rows:
            return flat.batch(torch.zeros(0)), extra
        if cfg.sr_adv:
            success = torch.tensor([t.success for t in trajs])
            rates = torch.tensor([self._rate(t.task_id) for t in trajs], dtype=torch.float32)
            traj_adv, keep = step_sr_advantages(success, rates)
        else:
            traj_adv = grpo_advantages(flat.scores, flat.traj_task, norm_by_std(cfg))
            keep = torch.ones(len(trajs), dtype=torch.bool)
        kept_rows = [i for i in range(len(flat.rows)) if keep[flat.row_traj[i]]]
        prompts = [flat.rows[i].prompt_ids for i in kept_rows]
        responses = [flat.rows[i].response_ids for i in kept_rows]
        logprobs = [flat.rows[i].logprobs for i in kept_rows]
        adv = [float(traj_adv[flat.row_traj[i]]) for i in kept_rows]
        extra["kept_trajectories"] = int(keep.sum())
        extra["sl_variants"] = 0
        if cfg.sl_grpo:
            low = [
                i
                for i in kept_rows
                if trajs[int(flat.row_traj[i])].success and self._record(flat.rows[i].task_id) <= cfg.sl_low
            ]
            variants = self._augment([flat.rows[i] for i in low])
            for p, r, lp, a in variants:
                prompts.append(p)
                responses.append(r)
                logprobs.append(lp)
                adv.append(a)
            extra["sl_variants"] = len(variants)
        return Batch(prompts, responses, logprobs, torch.tensor(adv, dtype=torch.float32)), extra

    def _augment(self, rows):
        """SL-GRPO samples ``(prompt, response, logprobs, advantage)`` for the given step rows."""
        if not rows:
            return []
        m = self.cfg.sl_variants or max(1, self.cfg.group_size // 2 - 1)
        prompts = [r.prompt_ids for r in rows for _ in range(m)]
        gens = self.policy.generate(prompts, self.cfg.max_new_tokens, self.cfg.temperature, self.generator)
        match = torch.zeros((len(rows), m))
        for g, gen in enumerate(gens):
            row = rows[g // m]
            text = self.policy.decode(gen.response_ids)
            action = extract_action(text, self.action_mode, row.marks).action
            match[g // m, g % m] = action_match(
                action,
                row.action,
                self.action_mode,
                **click_context(row, text),
                screen=self.screen,
                radius=self.cfg.sl_point_radius,
            )
        adv = sl_grpo_advantages(match)[:, 1:]
        return [
            (prompts[g], gens[g].response_ids, gens[g].logprobs, float(adv[g // m, g % m])) for g in range(len(gens))
        ]

    def state(self):
        return {
            **super().state(),
            "sr_sampler": self.sr_sampler.rng.bit_generator.state,
            "sl_grpo_generator": generator_state(self.generator),
        }

    def load_state(self, state):
        super().load_state(state)
        if "sr_sampler" in state:
            self.sr_sampler.rng.bit_generator.state = state["sr_sampler"]
        if "sl_grpo_generator" in state:
            set_generator_state(self.generator, state["sl_grpo_generator"])
