"""Rollout engines: what samples the responses of a rollout round. One interface, so the Roller does not care
whether tokens come from the policy's own HF loop (``hf``, the default) or from a colocated vLLM (``vllm``).

An engine returns, per prompt, the sampled token ids and the log-prob of each under the distribution the engine
drew it from (temperature-scaled). An engine other than ``hf`` runs different kernels (and often another
precision) than the trainer, so its log-probs are not exactly the trainer's: the trainer then recomputes the old
log-probs itself and corrects the mismatch with truncated importance sampling (:mod:`trainers.correction`).
After each update the trainer calls :meth:`RolloutEngine.sync_weights` so the engine samples from the new policy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ..policy import Generation, Policy

ENGINES: dict[str, Callable[..., RolloutEngine]] = {}


def register_engine(name: str) -> Callable[[Callable], Callable]:
    def wrap(factory: Callable) -> Callable:
        if name in ENGINES:
            raise ValueError(f"rollout engine {name!r} is already registered")
        ENGINES[name] = factory
        return factory

    return wrap


class RolloutEngine:
    """The interface. ``sleep`` frees the engine's accelerator memory for the update (a no-op where the engine
    holds none of its own); ``sync_weights`` loads the updated policy and wakes the engine up."""

    name = "base"

    def generate(
        self,
        prompts: list[list[int]],
        max_new_tokens: int,
        temperature: float = 1.0,
        *,
        generators: list[torch.Generator] | None = None,
        greedy: bool = False,
    ) -> list[Generation]:
        """One response per prompt (token ids) with the engine's log-prob of each sampled token; ``generators``
        (one per prompt) seed each row's sampling stream, ``greedy`` decodes the most likely tokens."""
        raise NotImplementedError

    def sync_weights(self, model: torch.nn.Module) -> None:
        """Make the engine sample from ``model``'s current weights."""

    def sleep(self) -> None:
        """Release the engine's memory until the next :meth:`sync_weights`."""

    def close(self) -> None:
        """Free everything the engine holds."""


def make_engine(name: str, policy: Policy, cfg: Any) -> RolloutEngine:
    """The engine ``name`` for ``policy`` (``cfg`` gives the engine's own settings)."""
    from . import hf, vllm_engine  # noqa: F401  (register the engines)

    try:
        factory = ENGINES[name]
    except KeyError:
        raise ValueError(f"unknown rollout engine {name!r}; choose one of {', '.join(sorted(ENGINES))}") from None
    return factory(policy, cfg)


def recompute_old_logprobs(cfg: Any) -> bool:
    """Whether the trainer rescores the sampled tokens for its old log-probs: ``auto`` does whenever the engine is
    not the policy's own HF loop (whose log-probs are already the trainer's)."""
    mode = getattr(cfg, "recompute_old_logprobs", "auto")
    if mode == "auto":
        return getattr(cfg, "rollout_engine", "hf") != "hf"
    return mode == "on"
