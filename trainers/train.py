"""The training loop: build the pieces from a config, iterate, write ``metrics.jsonl``, save checkpoints that
reload (``--model DIR/checkpoints/iter_N`` or ``--resume``), and stop cleanly when the loss stays non-finite.

Output directory::

    metrics.jsonl              one JSON object per iteration (iteration 0: the evaluation before training)
    config.json                the resolved config
    checkpoints/iter_NNNNN/    Hugging Face model + tokenizer (LoRA: merged weights, and adapter/), critic.pt,
                               optimizer.pt, rng_state.pt, trainer_state.json
    checkpoints/latest         relative symlink to the newest checkpoint (from_pretrained loads it)
    checkpoints/reference/     the frozen reference policy (when kl_coef > 0), so a resumed run keeps it
    checkpoints/base/          LoRA runs: the base weights (the reference, and what the adapters sit on)
    tensorboard/, wandb/       with --log-with
    success_rates.sqlite       STEP's success-rate record
    curve.png                  the learning curve
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from pathlib import Path
from typing import Any

import torch

from steprl_envs.agents.prompting import PromptBuilder

from .algorithms import ALGORITHMS
from .checkpointing import latest_checkpoint, load_rng, point_latest, save_rng
from .config import TrainConfig
from .distributed import BroadcastRoller, Distributed, broadcast_generate
from .engines import make_engine
from .evaluation import EvalSet, build_eval_sets, evaluate, parse_eval_sets
from .memory import make_critic, make_reference, prepare_policy, save_policy
from .models import setup_torch
from .policy import Policy
from .rollout import Roller
from .tracking import Tracker, progress_factory
from .update import Updater


class TrainingStopped(RuntimeError):
    """The run stopped early (non-finite losses); a checkpoint of the last good weights was written."""


@dataclasses.dataclass(frozen=True)
class EnvInfo:
    """What a run learns from its env once, before the pool starts."""

    action_mode: str
    task_ids: list[str]
    """the tasks trained on"""
    split_ids: list[str]
    """every task of the run's split: held-out evaluation sets are drawn from those not trained on"""
    make_kwargs: dict[str, Any]
    """the ``make`` kwargs of the pool's envs"""


def env_info(cfg: TrainConfig) -> EnvInfo:
    """Open the env once to read its action mode and task ids (the ``--tasks`` list, checked, or the split's)."""

    from steprl_envs.registration import make

    make_kwargs = {"max_steps": cfg.max_env_steps} if cfg.max_env_steps else {}
    env = make(cfg.env_id, **make_kwargs)
    try:
        base = env.unwrapped
        split = list(base.task_ids(cfg.task_split or None))
        if cfg.tasks:
            ids = [t.strip() for t in cfg.tasks.split(",") if t.strip()]
            known = set(base.task_ids())
            unknown = [t for t in ids if t not in known]
            if unknown:
                raise ValueError(f"unknown task ids for {cfg.env_id}: {', '.join(unknown[:5])}")
        else:
            ids = split[: cfg.task_limit] if cfg.task_limit else split
        if not ids:
            raise ValueError(f"no tasks of {cfg.env_id} match split {cfg.task_split!r}")
        return EnvInfo(base.action_mode, ids, split, make_kwargs)
    finally:
        env.close()


def run_eval_sets(cfg: TrainConfig, info: EnvInfo) -> list[EvalSet]:
    """The evaluation sets ``cfg.eval_sets`` of a run. With an explicit ``--tasks`` list the held-out sets replay
    those tasks under their own env seeds; otherwise they take the split's other tasks."""
    names = parse_eval_sets(cfg.eval_sets)
    split = info.task_ids if cfg.tasks else info.split_ids
    return build_eval_sets(names, info.task_ids, split, cfg.eval_tasks)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class Trainer:
    def __init__(self, cfg: TrainConfig, log=print):
        # Many processes (accelerate launch): rollouts on rank 0, the update sharded; see trainers.distributed.
        self.dist = Distributed.from_env(cfg.device, cfg.dist_timeout_s)
        cfg = dataclasses.replace(cfg, device=self.dist.device(cfg.device))
        self.cfg, self.log = cfg, (log if self.dist.is_main else lambda *a, **k: None)
        setup_torch(cfg.torch_threads)
        self.out = Path(cfg.out)
        self.ckpt_root = self.out / "checkpoints"
        info = env_info(cfg)
        self.action_mode, self.task_ids, make_kwargs = info.action_mode, info.task_ids, info.make_kwargs
        model, tokenizer, resume_dir = prepare_policy(cfg, self.log, save=self.dist.is_main)  # dtype, LoRA, ...
        algo_cls = ALGORITHMS[cfg.algo]
        critic = make_critic(model, cfg, resume_dir) if algo_cls.needs_critic else None
        self.policy = Policy(model, tokenizer, cfg.device, critic)
        self.dist.broadcast_module_(self.policy.model)  # every rank starts from rank 0's weights (on the device)
        if self.policy.critic is not None:
            self.dist.broadcast_module_(self.policy.critic)
        ref = make_reference(model, tokenizer, cfg, resume_dir, save=self.dist.is_main)
        self.dist.shard_policy_(self.policy.model)  # a sharded launch: rank 0 samples from a whole replica
        sampler = self.policy if self.dist.replica is None else Policy(self.dist.replica, tokenizer, cfg.device)
        builder = PromptBuilder.from_config(tokenizer, cfg, self.action_mode)
        self.engine = make_engine(cfg.rollout_engine, sampler, cfg) if self.dist.is_main else None
        roller = None  # ranks other than 0 hold no env pool: their rollouts come by broadcast
        if self.dist.is_main:
            roller = Roller(
                cfg.env_id,
                self.policy,
                builder,
                pool_size=cfg.pool_size,
                backend=cfg.pool_backend,
                max_new_tokens=cfg.max_new_tokens,
                temperature=cfg.temperature,
                invalid_action_penalty=cfg.invalid_action_penalty,
                make_kwargs=make_kwargs,
                engine=self.engine,
                ray_address=cfg.ray_address,
                ray_resources=json.loads(cfg.ray_resources) if cfg.ray_resources else None,
            )
        self.roller = BroadcastRoller(roller, self.dist) if self.dist.enabled else roller
        if self.dist.enabled:  # sampling inside an algorithm (SL-GRPO) also happens on rank 0 alone
            self.policy.generate = broadcast_generate(sampler.generate if self.dist.is_main else None, self.dist)
        self.updater = Updater(self.policy, cfg, ref, dist=self.dist, engine=self.engine)
        progress = progress_factory(cfg.progress) if self.dist.is_main else None
        if roller is not None:
            roller.progress = progress
        self.updater.progress = progress
        self.tracker: Tracker | None = None  # opened by train()
        self.algo = algo_cls(cfg, self.policy, self.updater, self.roller, self.task_ids, self.action_mode)
        self.eval_sets = run_eval_sets(cfg, info) if cfg.eval_every else []
        self.iteration, self.env_steps, self.episodes = 0, 0, 0
        if resume_dir:
            self._load_state(resume_dir)

    # -- checkpoints ---------------------------------------------------------------------------------------------
    def _latest(self) -> Path | None:
        return latest_checkpoint(self.ckpt_root)

    def save(self) -> Path:
        path = self.ckpt_root / f"iter_{self.iteration:05d}"
        if self.dist.sharding:  # each rank holds its own shard of the optimiser state
            path.mkdir(parents=True, exist_ok=True)
            torch.save(self.updater.optimizer.state_dict(), path / f"optimizer.rank{self.dist.rank}.pt")
        if not self.dist.is_main:  # the ranks hold the same weights; rank 0 writes them
            return path
        path.mkdir(parents=True, exist_ok=True)
        save_policy(
            self.dist.replica if self.dist.replica is not None else self.policy.model, self.policy.tokenizer, path
        )
        save_rng(path)
        if self.policy.critic is not None:
            torch.save(self.policy.critic.state_dict(), path / "critic.pt")
        opt = {} if self.dist.sharding else {"policy": self.updater.optimizer.state_dict()}
        if self.updater.critic_optimizer:
            opt["critic"] = self.updater.critic_optimizer.state_dict()
        torch.save(opt, path / "optimizer.pt")
        state = {
            "iteration": self.iteration,
            "env_steps": self.env_steps,
            "episodes": self.episodes,
            "algo": self.algo.state(),
            "next_trajectory": getattr(self.roller, "inner", self.roller)._next_traj,
            "config": self.cfg.to_dict(),
        }
        (path / "trainer_state.json").write_text(json.dumps(state, indent=1))
        point_latest(self.ckpt_root, path)
        return path

    def _load_state(self, path: Path) -> None:
        state = json.loads((path / "trainer_state.json").read_text())
        self.iteration, self.env_steps, self.episodes = state["iteration"], state["env_steps"], state["episodes"]
        self.algo.load_state(state.get("algo", {}))
        roller = getattr(self.roller, "inner", self.roller)  # None on ranks without an env pool
        if roller is not None:
            roller._next_traj = state.get("next_trajectory", roller._next_traj)
        load_rng(path)
        opt = torch.load(path / "optimizer.pt", map_location="cpu")
        shard = path / f"optimizer.rank{self.dist.rank}.pt"
        if self.dist.sharding:
            opt["policy"] = torch.load(shard, map_location="cpu", weights_only=False)
        self.updater.optimizer.load_state_dict(opt["policy"])
        if "critic" in opt and self.updater.critic_optimizer:
            self.updater.critic_optimizer.load_state_dict(opt["critic"])
        self.log(f"resumed from {path} at iteration {self.iteration}")

    # -- evaluation ----------------------------------------------------------------------------------------------
    def evaluate(self) -> dict[str, float]:
        return evaluate(self.roller, self.eval_sets, self.cfg.eval_greedy)

    # -- the loop ------------------------------------------------------------------------------------------------
    def _budget_spent(self) -> bool:
        return bool(self.cfg.env_step_budget) and self.env_steps >= self.cfg.env_step_budget

    def _write(self, line: dict[str, Any]) -> None:
        if not self.dist.is_main:
            return
        with (self.out / "metrics.jsonl").open("a") as f:
            f.write(json.dumps({k: _finite(v) for k, v in line.items()}) + "\n")
        if self.tracker is not None:
            self.tracker.log(line)

    def train(self) -> Path:
        cfg = self.cfg
        if self.dist.is_main:
            self.out.mkdir(parents=True, exist_ok=True)
            (self.out / "config.json").write_text(json.dumps(cfg.to_dict(), indent=1))
            self.tracker = Tracker(self.out, cfg.log_with, cfg.wandb_project, cfg.to_dict())
        if self.iteration == 0:
            if self.dist.is_main:
                (self.out / "metrics.jsonl").write_text("")
            if cfg.eval_every:
                self._write({"iteration": 0, "env_steps": 0, "episodes": 0, **self.evaluate()})
        bad = 0
        try:
            while self.iteration < cfg.iterations and not self._budget_spent():
                self.iteration += 1
                m = self.algo.iterate(self.iteration)
                self.env_steps += m["iter_env_steps"]
                self.episodes += m["iter_episodes"]
                last = self.iteration == cfg.iterations or self._budget_spent()
                if cfg.eval_every and (self.iteration % cfg.eval_every == 0 or last):
                    m.update(self.evaluate())
                line = {"iteration": self.iteration, "env_steps": self.env_steps, "episodes": self.episodes, **m}
                self._write(line)
                self.log(_summary(line))
                if not m["samples"]:
                    self.log(
                        f"iteration {self.iteration}: no training samples (every group was empty, e.g. no "
                        "successful trajectory for STEP); the update was skipped"
                    )
                elif not m["optimizer_steps"] and not m["skipped_nonfinite"]:
                    self.log(
                        f"iteration {self.iteration}: every advantage was 0 (no signal); no optimiser step was taken"
                    )
                if m["skipped_nonfinite"] and not m["optimizer_steps"]:
                    bad += 1
                    self.log(
                        f"iteration {self.iteration}: the loss was not finite; the update was skipped "
                        f"({bad}/{cfg.max_bad_iterations} in a row)"
                    )
                    if bad >= cfg.max_bad_iterations:
                        path = self.save()
                        raise TrainingStopped(
                            f"stopped after {bad} iterations in a row with a non-finite loss; "
                            f"the last good weights are in {path}"
                        )
                else:
                    bad = 0
                if cfg.checkpoint_every and self.iteration % cfg.checkpoint_every == 0:
                    self.save()
        except KeyboardInterrupt:
            self.log(f"interrupted; checkpoint written to {self.save()}")
            raise
        finally:
            self.roller.close()
            if self.engine is not None:
                self.engine.close()
            if self.tracker is not None:
                self.tracker.close()
        path = self.save()
        if self.dist.is_main:
            from .plot import plot_runs

            plot_runs([self.out], self.out / "curve.png")
        return path


def _summary(line: dict[str, Any]) -> str:
    def fmt(v):
        return "-" if v is None or (isinstance(v, float) and not math.isfinite(v)) else f"{v:.4g}"

    parts = [
        f"iter {line['iteration']}",
        f"steps {line['env_steps']}",
        f"success {fmt(line['success_rate'])}",
        f"loss {fmt(line['loss'])}",
        f"kl {fmt(line['kl'])}",
        f"samples {line['samples']}",
        f"rollout {line['time_rollout_s']:.1f}s",
        f"update {line['time_update_s']:.1f}s",
    ]
    for key in ("eval_success_rate", "flagged_steps", "sl_variants", "replaced_slots"):
        if key in line:
            parts.append(f"{key} {fmt(line[key])}")
    return " | ".join(parts)


def run(cfg: TrainConfig) -> int:
    """Train with ``cfg``; 0 on success, 1 when the run stopped early (with a message on stderr)."""
    try:
        trainer = Trainer(cfg)
    except (FileNotFoundError, ImportError, ValueError) as e:
        print(f"steprl train: {e}", file=sys.stderr)
        return 2
    try:
        path = trainer.train()
    except TrainingStopped as e:
        print(f"steprl train: {e}", file=sys.stderr)
        return 1
    if trainer.dist.is_main:
        print(f"done: {cfg.iterations} iterations; checkpoint {path}; metrics {Path(cfg.out) / 'metrics.jsonl'}")
    return 0
