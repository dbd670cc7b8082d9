"""The policy around a Hugging Face causal LM: batched sampling with per-token log-probs, and scoring of given
token ids (log-probs, entropies, critic values) for the update.

Generation runs its own sampling loop over the model's KV cache rather than ``model.generate`` so that the
log-prob of every sampled token is read off the very distribution it was drawn from. Prompts are left-padded
with explicit position ids, so a row's logits do not depend on its neighbours in the batch.

Vision-language policies: prompts that carry screenshots (``PromptIds.images``) go with their pixel inputs
through the processor's image processor, in generation and in every scoring pass alike. Qwen2-VL-family models
then compute their own multimodal positions (see :mod:`trainers.vlm`); generation continues them from the model's
``rope_deltas``.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from . import vlm


@dataclass
class Generation:
    """One sampled response: its token ids (ending with EOS unless the budget ran out) and their log-probs."""

    response_ids: list[int]
    logprobs: list[float]


@dataclass
class Scores:
    """Per-row results of :meth:`Policy.score`, padded to ``[R, L]`` (L = longest response); ``mask`` is 1 on
    response tokens. ``values`` is ``[R]`` (critic at the last prompt token) or ``[R, L]`` (before each response
    token) when a critic was asked for."""

    logp: torch.Tensor
    mask: torch.Tensor
    entropy: torch.Tensor | None = None
    values: torch.Tensor | None = None


class Critic(nn.Module):
    """A value model: a scalar head on the last hidden state of a copy of the policy's network (StepPO's critic is
    a separate model initialised from the policy checkpoint), or with ``shared`` on the policy's own network.

    A shared trunk is held outside the module's parameters, so the critic's optimiser, gradient clipping and
    ``critic.pt`` see only the head, and the head reads detached hidden states: the value loss trains the head
    alone and the policy's weights move by the policy loss only, as with a separate critic."""

    def __init__(self, lm: nn.Module, shared: bool = False):
        super().__init__()
        self.shared = shared
        if shared:
            self._trunk = (lm,)  # a tuple, so that nn.Module does not register (or copy, or save) the policy
        else:
            self.lm = copy.deepcopy(lm)
        self.head = nn.Linear(lm.config.get_text_config().hidden_size, 1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    @property
    def trunk(self) -> nn.Module:
        return self._trunk[0] if self.shared else self.lm

    def value_of(self, hidden: torch.Tensor) -> torch.Tensor:
        """``[B, T]`` values from ``[B, T, H]`` last hidden states (any dtype; the head stays float32)."""
        if self.shared:
            hidden = hidden.detach()
        return self.head(hidden.to(self.head.weight.dtype)).squeeze(-1)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        position_ids: torch.Tensor | None,
        **visual: Any,
    ):
        out = self.trunk(
            input_ids=input_ids,
            attention_mask=attention_mask,
            output_hidden_states=True,
            **_positions(position_ids),
            **visual,
        )
        return self.value_of(out.hidden_states[-1])


def _positions(position_ids: torch.Tensor | None) -> dict[str, torch.Tensor]:
    """``position_ids`` as a keyword argument, or none at all (the model computes its own)."""
    return {} if position_ids is None else {"position_ids": position_ids}


def _cache(result: Any) -> Any:
    """The KV cache of a forward pass (``past_key_values``, or ``cache`` in newer transformers)."""
    keys = result.keys()
    return result["cache"] if "cache" in keys else result["past_key_values"]


def _cache_name(model: nn.Module) -> str:
    """The keyword a model's forward takes its KV cache by (``cache`` in newer transformers)."""
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model  # a peft model passes it on
    return "cache" if "cache" in inspect.signature(inner.forward).parameters else "past_key_values"


def _right_pad(seqs: list[list[int]], pad: int, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    attn = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s, dtype=torch.long)
        attn[i, : len(s)] = 1
    return ids.to(device), attn.to(device)


class Policy:
    """A causal LM and its tokenizer, or a vision-language model and its processor, with an optional critic."""

    def __init__(self, model: nn.Module, tokenizer: Any, device: str = "cpu", critic: Critic | None = None):
        self.model = model.to(device)
        #: What was given: the tokenizer, or the processor of a vision-language model (both save_pretrained).
        self.tokenizer = tokenizer
        self.processor = tokenizer if vlm.is_processor(tokenizer) else None
        text = vlm.text_tokenizer(tokenizer)
        self.text_tokenizer = text
        self.device = device
        self.critic = critic.to(device) if critic is not None else None
        self.eos_id = text.eos_token_id
        self.pad_id = text.pad_token_id if text.pad_token_id is not None else text.eos_token_id

    def pixels(self, prompts: list[list[int]], model: nn.Module | None = None) -> dict[str, torch.Tensor]:
        """Pixel inputs of the screenshots that ``prompts`` carry, rows in order ({} for text prompts)."""
        if self.processor is None:
            return {}
        dtype = next((model or self.model).parameters()).dtype
        return vlm.pixel_inputs(self.processor, prompts, self.device, dtype)

    def _forward_inputs(self, model, ids, attn, pos, pixels) -> dict[str, Any]:
        """Keyword arguments of a forward pass: with pixels, a model with multimodal positions gets no position ids
        (it computes them from the ids, the image grid and the mask); otherwise the explicit 1-D ones."""
        kwargs: dict[str, Any] = {"input_ids": ids, "attention_mask": attn}
        kwargs.update(vlm.visual_kwargs(model, ids, pixels))
        if not (pixels and vlm.mrope_module(model) is not None):
            kwargs["position_ids"] = pos
        return kwargs

    @contextlib.contextmanager
    def evaluating(self) -> Iterator[None]:
        """Policy (and critic) in eval mode, i.e. dropout off, without gradients; the modes are restored after.
        Every scoring pass that stands for the rollout policy runs so (old log-probs are the sampler's own, drawn in
        eval mode; STAPO's entropies and StepPO's values are read here), as verl's ``compute_log_prob`` does. The
        loss's own forward pass stays in train mode, as verl's ``update_policy`` has it."""
        modules = [m for m in (self.model, self.critic) if m is not None]
        modes = [m.training for m in modules]
        try:
            for m in modules:
                m.eval()
            with torch.no_grad():
                yield
        finally:
            for m, mode in zip(modules, modes, strict=True):
                m.train(mode)

    @torch.no_grad()
    def generate(
        self,
        prompts: list[list[int]],
        max_new_tokens: int,
        temperature: float = 1.0,
        generator: torch.Generator | None = None,
        batch_size: int = 32,
        *,
        generators: list[torch.Generator] | None = None,
        greedy: bool = False,
    ) -> list[Generation]:
        """Sample one response per prompt (batched), with the log-prob of each sampled token under the
        temperature-scaled distribution it was drawn from.

        ``generators`` (one CPU generator per prompt) gives each row its own uniforms, whatever shares the batch.
        The tokens drawn with them still depend on the batch: float kernels are not batch-invariant, so a row's
        logits differ in the last bits with the batch's size and padding, and a draw near a boundary of the
        distribution can flip. The same prompts in the same order give the same tokens; callers that need a
        reproducible round fix that order. ``greedy`` takes the most likely token (evaluation); the log-probs are
        then those of the temperature-scaled distribution."""
        if generators is not None and len(generators) != len(prompts):
            raise ValueError(f"{len(generators)} generators for {len(prompts)} prompts")
        out: list[Generation] = []
        was_training = self.model.training
        self.model.eval()
        try:
            for start in range(0, len(prompts), batch_size):
                gens = generators[start : start + batch_size] if generators is not None else None
                out.extend(
                    self._generate(
                        prompts[start : start + batch_size], max_new_tokens, temperature, generator, gens, greedy
                    )
                )
        finally:
            self.model.train(was_training)
        return out

    def _draw(self, logprobs: torch.Tensor, generator, generators, greedy: bool) -> torch.Tensor:
        if greedy:
            return logprobs.argmax(-1)
        if generators is None:
            return torch.multinomial(logprobs.exp(), 1, generator=generator).squeeze(-1)
        # Inverse-CDF sampling with one uniform per row from the row's own stream.
        u = torch.stack([torch.rand((), generator=g) for g in generators]).to(logprobs.device)
        cdf = logprobs.exp().cumsum(-1)
        cdf = cdf / cdf[:, -1:]
        return torch.searchsorted(cdf, u[:, None]).squeeze(-1).clamp(max=logprobs.shape[-1] - 1)

    def _generate(self, prompts, max_new_tokens, temperature, generator, generators=None, greedy=False):
        n, width = len(prompts), max(len(p) for p in prompts)
        ids = torch.full((n, width), self.pad_id, dtype=torch.long)
        attn = torch.zeros((n, width), dtype=torch.long)
        for i, p in enumerate(prompts):
            ids[i, width - len(p) :] = torch.tensor(p, dtype=torch.long)
            attn[i, width - len(p) :] = 1
        ids, attn = ids.to(self.device), attn.to(self.device)
        pos = (attn.cumsum(-1) - 1).clamp(min=0)
        inputs = self._forward_inputs(self.model, ids, attn, pos, self.pixels(prompts))
        result = self.model(**inputs, use_cache=True)
        past, logits = _cache(result), result.logits[:, -1, :]
        if "position_ids" in inputs:
            next_pos = pos[:, -1:] + 1
        else:  # the model placed the prompt itself: text after it continues at len(prompt) + the model's delta
            next_pos = attn.sum(-1, keepdim=True) + vlm.mrope_module(self.model).rope_deltas.to(self.device)
        cache_name = _cache_name(self.model)
        tokens: list[list[int]] = [[] for _ in range(n)]
        logps: list[list[float]] = [[] for _ in range(n)]
        done = torch.zeros(n, dtype=torch.bool, device=self.device)
        for _ in range(max_new_tokens):
            logprobs = torch.log_softmax(logits.float() / temperature, dim=-1)
            sample = self._draw(logprobs, generator, generators, greedy)
            chosen = logprobs.gather(-1, sample[:, None]).squeeze(-1)
            sampled, chosen_logps = sample.tolist(), chosen.tolist()  # one device read per step, not per row
            for i in (~done).nonzero().flatten().tolist():
                tokens[i].append(sampled[i])
                logps[i].append(chosen_logps[i])
            done |= sample == self.eos_id
            if bool(done.all()):
                break
            attn = torch.cat([attn, torch.ones((n, 1), dtype=attn.dtype, device=self.device)], dim=1)
            result = self.model(
                input_ids=sample[:, None],
                attention_mask=attn,
                position_ids=next_pos,
                use_cache=True,
                **{cache_name: past},
            )
            past, logits, next_pos = _cache(result), result.logits[:, -1, :], next_pos + 1
        return [Generation(t, lp) for t, lp in zip(tokens, logps, strict=True)]

    def decode(self, response_ids: list[int]) -> str:
        return self.text_tokenizer.decode(response_ids, skip_special_tokens=True)

    def _inputs(self, prompts: list[list[int]], responses: list[list[int]]):
        """What :meth:`score` and :meth:`values` feed the networks: right-padded ``prompt + response`` ids, their
        attention mask and position ids; and, ``[R, L]``: the response tokens (0-padded), their mask (bool) and
        the index of the position whose output predicts each of them."""
        seqs = [p + r for p, r in zip(prompts, responses, strict=True)]
        ids, attn = _right_pad(seqs, self.pad_id, self.device)
        pos = (attn.cumsum(-1) - 1).clamp(min=0)
        targets, mask = _right_pad(responses, 0, self.device)
        # Position j of response i is predicted from index len(prompt_i) - 1 + j.
        index = torch.zeros_like(targets)
        for i, (p, r) in enumerate(zip(prompts, responses, strict=True)):
            index[i, : len(r)] = torch.arange(len(p) - 1, len(p) - 1 + len(r), device=self.device)
        return ids, attn, pos, targets, mask.bool(), index

    def _critic_values(self, ids, attn, pos, index, mask, level: str, pixels=None, hidden=None) -> torch.Tensor:
        if self.critic is None:
            raise ValueError("values were asked for but this policy has no critic")
        if hidden is not None:  # a shared trunk: the policy's own pass gave the hidden states
            v = self.critic.value_of(hidden)
        else:
            inputs = self._forward_inputs(self.critic.trunk, ids, attn, pos, pixels or {})
            v = self.critic(
                inputs.pop("input_ids"), inputs.pop("attention_mask"), inputs.pop("position_ids", None), **inputs
            )
        return v.gather(1, index)[:, 0] if level == "step" else v.gather(1, index) * mask

    def score(
        self,
        prompts: list[list[int]],
        responses: list[list[int]],
        *,
        model: nn.Module | None = None,
        entropy: bool = False,
        values: str | None = None,
        temperature: float = 1.0,
    ) -> Scores:
        """Log-probs of ``responses`` given ``prompts`` under ``model`` (default: the policy), in one right-padded
        forward pass. ``values``: None, ``"step"`` (critic at the last prompt token) or ``"token"`` (critic before
        each response token). Gradients flow unless the caller disables them."""
        model = model if model is not None else self.model
        ids, attn, pos, targets, mask, index = self._inputs(prompts, responses)
        pixels = self.pixels(prompts, model)
        # A critic on the policy's trunk reads this very pass's last hidden state (no second forward pass).
        shared = values is not None and model is self.model and getattr(self.critic, "shared", False)
        out = model(**self._forward_inputs(model, ids, attn, pos, pixels), output_hidden_states=shared)
        logits = out.logits.float() / temperature
        picked = logits.gather(1, index[:, :, None].expand(-1, -1, logits.shape[-1]))
        logprobs = torch.log_softmax(picked, dim=-1)
        logp = logprobs.gather(-1, targets[:, :, None]).squeeze(-1) * mask
        scores = Scores(logp=logp, mask=mask)
        if entropy:
            scores.entropy = -(logprobs.exp() * logprobs).sum(-1) * mask
        if values is not None:
            hidden = out.hidden_states[-1] if shared else None
            scores.values = self._critic_values(ids, attn, pos, index, mask, values, pixels, hidden)
        return scores

    def values(self, prompts: list[list[int]], responses: list[list[int]], level: str) -> torch.Tensor:
        """The critic's values alone (no policy forward pass), as :meth:`score` gives them with ``values=level``:
        ``[R]`` for ``"step"``, ``[R, L]`` (0 on padding) for ``"token"``."""
        ids, attn, pos, _, mask, index = self._inputs(prompts, responses)
        return self._critic_values(ids, attn, pos, index, mask, level, self.pixels(prompts))
