"""Truncated importance sampling (TIS) for the mismatch between the rollout engine and the trainer.

A fast engine (vLLM: other kernels, often another precision) samples from pi_engine, which is not exactly the
trainer's pi_old even with the same weights. The policy gradient is taken on the trainer's numbers, so each
token's term is reweighted by ``w = min(pi_old / pi_engine, C)`` = ``min(exp(logp_old - logp_engine), C)``,
detached (Yao et al. 2025, "Your efficient RL framework secretly brings you off-policy RL training"; verl's
rollout correction, ``tis_imp_ratio_cap``). The cap C bounds the variance that a rare token with a tiny engine
probability would bring.

The weight multiplies the clipped surrogate of the token. Because ``w > 0`` and the surrogate
``max(-A r, -A clip(r))`` (with dual-clip's ``min(., -A c)`` for ``A < 0``) is positively homogeneous in A,
``w * loss(A) = loss(w * A)``: the updater applies the weight as a per-token scale of the advantage, so every
registered policy loss gets the correction unchanged. Pure functions of ``[R, L]`` tensors.
"""

from __future__ import annotations

import torch


def tis_weights(
    old_logp: torch.Tensor, engine_logp: torch.Tensor, mask: torch.Tensor, cap: float
) -> tuple[torch.Tensor, dict[str, float]]:
    """Per-token TIS weights ``min(exp(old_logp - engine_logp), cap)`` (1 on padding), detached.

    Args:
        old_logp: ``[R, L]`` the trainer's log-probs of the sampled tokens before the update.
        engine_logp: ``[R, L]`` the engine's log-probs of the same tokens.
        mask: ``[R, L]`` 1 on response tokens.
        cap: C > 0.
    Returns:
        weights ``[R, L]`` and stats: ``logp_gap`` (mean ``|old - engine|`` over tokens), ``tis_capped_frac``
        (share of tokens whose ratio exceeded C) and ``tis_weight_mean``.
    """
    if cap <= 0:
        raise ValueError(f"the TIS cap must be > 0, got {cap}")
    m = mask.bool()
    diff = (old_logp - engine_logp).detach()
    raw = torch.exp(diff)
    weights = torch.where(m, raw.clamp(max=cap), torch.ones_like(raw))
    return weights, {**mismatch_stats(old_logp, engine_logp, mask), **_weight_stats(raw, weights, m, cap)}


def _weight_stats(raw: torch.Tensor, weights: torch.Tensor, m: torch.Tensor, cap: float) -> dict[str, float]:
    n = max(int(m.sum()), 1)
    return {
        "tis_capped_frac": float((raw > cap)[m].sum()) / n,
        "tis_weight_mean": float(weights[m].sum()) / n,
    }


def mismatch_stats(old_logp: torch.Tensor, engine_logp: torch.Tensor, mask: torch.Tensor) -> dict[str, float]:
    """``logp_gap``: mean ``|old_logp - engine_logp|`` over the response tokens (``[R, L]`` inputs)."""
    m = mask.bool()
    gap = (old_logp - engine_logp).detach().abs()[m]
    return {"logp_gap": float(gap.mean()) if gap.numel() else 0.0}


def weigh_advantages(adv: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Advantages ``[R]`` or ``[R, L]`` times per-token weights ``[R, L]``: ``[R, L]`` (see the module doc)."""
    return (adv.unsqueeze(-1) if adv.dim() == 1 else adv) * weights
