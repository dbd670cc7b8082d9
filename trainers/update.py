"""The policy update shared by every algorithm: a batch of (prompt, response, advantage) samples, PPO epochs over
minibatches of the clipped surrogate plus the k3 KL to the reference model, an optional critic regression, and a
guard that skips any optimiser step whose loss is not finite.

Minibatches: ``minibatches`` > 0 splits each epoch's shuffled rows into that many near-equal minibatches (one
optimiser step each), so the number of steps per iteration is ``epochs x minibatches`` whatever the row count;
``minibatches=0`` keeps fixed ``minibatch_size``-row minibatches (the step count then grows with the rows). A
minibatch without signal (every advantage 0, no KL term, no critic) takes no optimiser step: AdamW's momentum and
weight decay would otherwise move the policy on a zero loss. The loss of a minibatch is normalised by the
minibatch's own token (``token-mean``) or row (``seq-mean-token-mean``) count, whatever its micro-batches.

Old log-probs are the ones recorded while sampling (the behaviour policy's own probabilities), so no extra
forward pass is spent on them; the reference model is run once per batch, without gradients. When the rollout
engine is not the policy's own loop (``recompute_old_logprobs``), the trainer rescores the sampled tokens for its
old log-probs and weighs each token by the truncated importance ratio to the engine's (:mod:`trainers.correction`).
Under many processes each minibatch's rows are sharded across the ranks (:mod:`trainers.distributed`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import nn

from .correction import mismatch_stats, tis_weights, weigh_advantages
from .distributed import Distributed
from .engines import recompute_old_logprobs
from .losses import aggregate, get_policy_loss, kl_k3, minibatch_norm, value_loss
from .memory import reference_scope, trainable_parameters
from .policy import Policy
from .sharding import local


@dataclass
class Batch:
    """Training samples. ``advantages`` is ``[R]`` (one value per step) or ``[R, L]`` (per token, token GAE);
    ``returns`` (critic targets, same shape convention) only for algorithms with a critic."""

    prompts: list[list[int]]
    responses: list[list[int]]
    old_logprobs: list[list[float]]
    advantages: torch.Tensor
    returns: torch.Tensor | None = None
    old_values: torch.Tensor | None = None
    meta: dict[str, list] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.prompts)


@dataclass
class UpdateStats:
    loss: float = math.nan
    pg_loss: float = math.nan
    kl: float = math.nan
    clipfrac: float = math.nan
    value_loss: float = math.nan
    steps: int = 0
    skipped_nonfinite: int = 0
    skipped_no_signal: int = 0
    #: Metrics of the engine/trainer mismatch (``logp_gap``, ``tis_capped_frac``, ...) when old log-probs are
    #: recomputed.
    extra: dict[str, float] = field(default_factory=dict)


def minibatch_slices(n_rows: int, minibatches: int, minibatch_size: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each minibatch over ``n_rows`` shuffled rows: ``minibatches`` > 0 gives that many
    near-equal slices (fewer only when there are fewer rows), ``minibatches=0`` slices of ``minibatch_size`` rows."""
    if n_rows <= 0:
        return []
    if minibatches > 0:
        k = min(minibatches, n_rows)
        bounds = [round(i * n_rows / k) for i in range(k + 1)]
        return list(zip(bounds[:-1], bounds[1:], strict=True))
    return [(s, min(s + minibatch_size, n_rows)) for s in range(0, n_rows, minibatch_size)]


def _pad(rows: list[list[float]], width: int) -> torch.Tensor:
    out = torch.zeros((len(rows), width))
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r, dtype=torch.float32)
    return out


class Updater:
    """Owns the optimisers and the reference model; ``update(batch)`` runs the epochs and returns averages."""

    def __init__(
        self, policy: Policy, cfg, ref_model: nn.Module | None = None, *, dist: Distributed | None = None, engine=None
    ):
        """``ref_model``: a frozen module, or a LoRA policy's :class:`trainers.memory.AdapterOffReference`."""
        self.policy, self.cfg, self.ref_model = policy, cfg, ref_model
        self.dist, self.engine = dist or Distributed(), engine
        self.recompute = recompute_old_logprobs(cfg)
        if isinstance(ref_model, nn.Module):
            ref_model.eval()  # the reference is scored without dropout
        self.optimizer = torch.optim.AdamW(trainable_parameters(policy.model), lr=cfg.lr, weight_decay=cfg.weight_decay)
        #: ``progress(description, total)`` -> a bar with ``update(n)`` and ``close()`` (see trainers.tracking).
        self.progress = None
        self.critic_optimizer = (
            torch.optim.AdamW(trainable_parameters(policy.critic), lr=cfg.critic_lr, weight_decay=0.0)
            if policy.critic is not None
            else None
        )
        self.loss_fn = get_policy_loss(cfg.ratio_level)

    def _ref_logprobs(self, batch: Batch) -> torch.Tensor | None:
        if self.ref_model is None or self.cfg.kl_coef == 0:
            return None
        with torch.no_grad(), reference_scope(self.ref_model) as ref_model:
            return self._scored(batch, ref_model)

    def old_logprobs(self, batch: Batch) -> torch.Tensor:
        """``[R, L]``: the trainer's own log-probs of the sampled tokens under the current (pre-update) policy,
        scored as a rollout would be (eval mode, no gradient); 0 on padding."""
        with self.policy.evaluating():
            return self._scored(batch, self.policy.model)

    def _scored(self, batch: Batch, model: nn.Module) -> torch.Tensor:
        """Log-probs of every row under ``model`` in micro-batches, each rank scoring its share of the rows."""
        width = max(len(r) for r in batch.responses)

        def fill(rows: list[int]) -> torch.Tensor:
            return self.policy.score(
                [batch.prompts[i] for i in rows],
                [batch.responses[i] for i in rows],
                model=model,
                temperature=self.cfg.temperature,
            ).logp

        return self.dist.rows(len(batch), width, fill, self.policy.device, self.cfg.micro_batch_size)

    def correct(
        self, batch: Batch, old: torch.Tensor, adv: torch.Tensor, stats: UpdateStats
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The trainer's old log-probs ``[R, L]`` in place of the engine's ``old``, and the advantages weighted per
        token by truncated IS (``[R, L]``; unchanged when ``tis_cap`` is 0); the mismatch metrics go to ``stats``."""
        lengths = torch.tensor([len(r) for r in batch.responses], device=old.device)
        mask = torch.arange(old.shape[1], device=old.device)[None, :] < lengths[:, None]
        trainer_old = self.old_logprobs(batch)
        if self.cfg.tis_cap > 0:
            weights, tstats = tis_weights(trainer_old, old, mask, self.cfg.tis_cap)
            adv = weigh_advantages(adv, weights)
        else:
            tstats = mismatch_stats(trainer_old, old, mask)
        stats.extra.update(tstats)
        return trainer_old, adv

    def update(self, batch: Batch) -> UpdateStats:
        cfg, policy = self.cfg, self.policy
        stats = UpdateStats()
        if len(batch) == 0:
            return stats
        width = max(len(r) for r in batch.responses)
        if self.engine is not None:
            self.engine.sleep()
        old = _pad(batch.old_logprobs, width).to(policy.device)
        ref = self._ref_logprobs(batch)
        adv = batch.advantages.to(policy.device)
        if self.recompute:
            old, adv = self.correct(batch, old, adv, stats)
        value_mode = None if batch.returns is None else ("step" if batch.returns.dim() == 1 else "token")
        sums = {"loss": 0.0, "pg": 0.0, "kl": 0.0, "clipfrac": 0.0, "vf": 0.0}
        policy.model.train()
        gen = torch.Generator().manual_seed(cfg.seed)
        slices = minibatch_slices(len(batch), cfg.minibatches, cfg.minibatch_size)
        bar = self.progress("update", cfg.epochs * len(slices)) if self.progress else None
        for _ in range(cfg.epochs):
            order = torch.randperm(len(batch), generator=gen).tolist()
            for start, stop in slices:
                if bar is not None:
                    bar.update(1)
                idx = order[start:stop]
                policy_signal = ref is not None or bool(adv[idx].any())
                if not policy_signal and value_mode is None:
                    stats.skipped_no_signal += 1
                    continue
                part = self._minibatch(batch, idx, old, ref, adv, value_mode, policy_signal)
                if part is None:
                    stats.skipped_nonfinite += 1
                    continue
                stats.steps += 1
                for k, v in part.items():
                    sums[k] += v
        if bar is not None:
            bar.close()
        if stats.steps:
            n = stats.steps
            stats.loss, stats.pg_loss, stats.clipfrac = sums["loss"] / n, sums["pg"] / n, sums["clipfrac"] / n
            stats.kl = sums["kl"] / n if ref is not None else 0.0
            stats.value_loss = sums["vf"] / n if value_mode else math.nan
        source = self.dist.refresh_replica(policy.model)  # sharded: gathers the weights on every rank
        if self.engine is not None:
            self.engine.sync_weights(source)
        return stats

    def _minibatch(self, batch, idx, old, ref, adv, value_mode, policy_signal=True) -> dict[str, float] | None:
        """One optimiser step over rows ``idx`` (in micro-batches); None when the loss was not finite. The policy
        and critic losses are normalised over the whole minibatch (see :func:`trainers.losses.aggregate`), so the
        micro-batches' gradients add up to the minibatch's. Without ``policy_signal`` only the critic steps. Each
        rank runs its shard of the rows; the normalisers are the whole minibatch's, so the summed gradients are the
        one-process gradient."""
        cfg, policy = self.cfg, self.policy
        self.optimizer.zero_grad(set_to_none=True)
        if self.critic_optimizer:
            self.critic_optimizer.zero_grad(set_to_none=True)
        acc = {"loss": 0.0, "pg": 0.0, "kl": 0.0, "clipfrac": 0.0, "vf": 0.0}
        lengths = [len(batch.responses[i]) for i in idx]
        norm = minibatch_norm(lengths, cfg.loss_agg)
        tokens = max(sum(lengths), 1)
        finite = True
        for sub in self.dist.micro_batches(idx, cfg.micro_batch_size):
            padding = not sub  # a sharded policy's zero-weight pass, so that every rank runs as many passes
            sub = sub or idx[:1]
            weight = len(sub) / len(idx)
            prompts = [batch.prompts[i] for i in sub]
            responses = [batch.responses[i] for i in sub]
            sc = policy.score(prompts, responses, values=value_mode, temperature=cfg.temperature)
            w = sc.logp.shape[1]
            mask = sc.mask
            pg, pg_stats = self.loss_fn(
                sc.logp,
                old[sub, :w],
                adv[sub] if adv.dim() == 1 else adv[sub, :w],
                mask,
                eps_low=cfg.clip_eps_low,
                eps_high=cfg.clip_eps_high,
                agg=cfg.loss_agg,
                norm=norm,
                dual_clip=cfg.dual_clip,
            )
            loss = pg
            kl = torch.zeros(())
            if ref is not None:
                kl = aggregate(kl_k3(sc.logp, ref[sub, :w]), mask, cfg.loss_agg, norm)
                loss = loss + cfg.kl_coef * kl
            vf = torch.zeros(())
            if value_mode is not None:
                returns = batch.returns[sub].to(policy.device)
                old_v = batch.old_values[sub].to(policy.device) if batch.old_values is not None else None
                if value_mode == "step":
                    vmask = torch.ones_like(returns)
                else:
                    returns, vmask = returns[:, :w], mask
                    old_v = old_v[:, :w] if old_v is not None else None
                vf = value_loss(sc.values, returns, vmask, old_v, cfg.value_clip) * weight
                loss = loss + vf
            if padding or not torch.isfinite(loss):
                finite = finite and padding
                if not self.dist.sharding:
                    break
                loss = torch.nan_to_num(loss) * 0.0  # sharded: the backward's collectives must still run
                (loss + 0.0 * sc.logp.sum()).backward()
                continue
            loss.backward()
            acc["loss"] += loss.item()
            acc["pg"] += pg.item()
            acc["kl"] += kl.item()
            acc["vf"] += vf.item()
            acc["clipfrac"] += pg_stats["clipfrac"] * float(mask.sum()) / tokens
        if not self.dist.all_true(finite):
            self.optimizer.zero_grad(set_to_none=True)
            if self.critic_optimizer:
                self.critic_optimizer.zero_grad(set_to_none=True)
            return None
        if self.dist.enabled:
            acc = self.dist.sum(acc)
            if not self.dist.sharding:  # FSDP has reduced a sharded policy's gradients already
                self.dist.sum_grads_(policy.model.parameters())
            if policy.critic is not None:
                self.dist.sum_grads_(policy.critic.parameters())
        norms = [torch.nn.utils.clip_grad_norm_(policy.model.parameters(), cfg.max_grad_norm)]
        if self.critic_optimizer:
            norms.append(torch.nn.utils.clip_grad_norm_(policy.critic.parameters(), cfg.max_grad_norm))
        if not all(torch.isfinite(local(n)) for n in norms):
            return None
        if policy_signal:
            self.optimizer.step()
        else:
            self.optimizer.zero_grad(set_to_none=True)
        if self.critic_optimizer:
            self.critic_optimizer.step()
        return acc
