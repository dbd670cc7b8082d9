"""The default engine: the policy's own sampling loop (:meth:`trainers.policy.Policy.generate`). It shares the
policy's module, so there are no weights to sync and its log-probs are the trainer's own up to float rounding."""

from __future__ import annotations

from typing import Any

import torch

from ..policy import Generation, Policy
from . import RolloutEngine, register_engine


class HFEngine(RolloutEngine):
    name = "hf"

    def __init__(self, policy: Policy, batch_size: int = 32):
        self.policy, self.batch_size = policy, batch_size

    def generate(
        self,
        prompts: list[list[int]],
        max_new_tokens: int,
        temperature: float = 1.0,
        *,
        generators: list[torch.Generator] | None = None,
        greedy: bool = False,
    ) -> list[Generation]:
        return self.policy.generate(
            prompts, max_new_tokens, temperature, batch_size=self.batch_size, generators=generators, greedy=greedy
        )


@register_engine("hf")
def _make(policy: Policy, cfg: Any) -> HFEngine:
    return HFEngine(policy)
