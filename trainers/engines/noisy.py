"""A stand-in for a fast engine whose numbers differ from the trainer's: it samples with the HF loop and reports
each token's log-prob plus a known perturbation. The importance-sampling correction is tested against it on CPU,
where no real second engine runs."""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..policy import Generation
from . import RolloutEngine


class NoisyEngine(RolloutEngine):
    """Wraps ``inner`` and adds ``noise(row, position)`` to every reported log-prob; the tokens are unchanged."""

    name = "noisy"

    def __init__(self, inner: RolloutEngine, noise: Callable[[int, int], float]):
        self.inner, self.noise = inner, noise
        self._row = 0

    def generate(self, prompts, max_new_tokens, temperature=1.0, *, generators=None, greedy=False) -> list[Generation]:
        gens = self.inner.generate(prompts, max_new_tokens, temperature, generators=generators, greedy=greedy)
        out = []
        for gen in gens:
            out.append(
                Generation(gen.response_ids, [lp + self.noise(self._row, j) for j, lp in enumerate(gen.logprobs)])
            )
            self._row += 1
        return out

    def sync_weights(self, model: torch.nn.Module) -> None:
        self.inner.sync_weights(model)
