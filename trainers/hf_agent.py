"""``steprl eval --agent hf:tiny|smollm2|PATH``: a local transformers causal LM, including what ``steprl train`` and
``steprl sft`` write.

``PATH`` is a run folder (``checkpoints/latest`` points at the checkpoint used), a checkpoint folder or any folder of
Hugging Face weights. The prompts are built from the config the weights were trained with (the checkpoint's
``trainer_state.json``, else the run's ``config.json``, else an SFT folder's ``sft_metrics.json``; defaults when
there is none), and decoding is the trainer's greedy evaluation (:meth:`trainers.policy.Policy.generate`), so that
``steprl eval`` of a checkpoint plays the episodes the trainer's own evaluation plays.

``steprl_envs.agents.load_agent`` reaches this module by name (never by a static import) when an ``hf:`` spec is
used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

from steprl_envs.agents.base import AgentFactory

MISSING = "the hf: agent needs torch and transformers: pip install 'steprl[train]'"


def resolve(spec: str) -> tuple[str, dict[str, Any] | None]:
    """``(model path or built-in name, the saved training config or None)`` of an ``hf:`` spec."""
    path = Path(spec)
    if not path.is_dir():
        return spec, None
    run_config = None
    marker = path / "checkpoints" / "latest"
    if marker.is_symlink() or marker.is_file():  # a link to the newest checkpoint (older runs: a text file naming it)
        from .checkpointing import latest_checkpoint

        named = os.readlink(marker) if marker.is_symlink() else marker.read_text().strip()
        ckpt = latest_checkpoint(path / "checkpoints")
        if ckpt is None:
            raise ValueError(f"{marker} names {named!r}, which is not a checkpoint folder")
        run_config = path / "config.json"  # at a run's root it is the training config (in a checkpoint: the model's)
    else:
        ckpt = path.parent / os.readlink(path) if path.is_symlink() else path  # checkpoints/latest: its target
        if ckpt.parent.name == "checkpoints":
            run_config = ckpt.parent.parent / "config.json"
    state, sft = ckpt / "trainer_state.json", ckpt / "sft_metrics.json"
    if state.is_file():
        return str(ckpt), json.loads(state.read_text()).get("config")
    if run_config is not None and run_config.is_file():
        return str(ckpt), json.loads(run_config.read_text())
    if sft.is_file():
        return str(ckpt), json.loads(sft.read_text()).get("config")
    return str(ckpt), None


def train_config(saved: dict[str, Any] | None):
    """A :class:`TrainConfig` from a saved config (fields this version does not know are left out)."""
    from .config import TrainConfig, make_config

    known = {f.name for f in dataclasses.fields(TrainConfig)}
    return make_config({k: v for k, v in (saved or {}).items() if k in known})


def make_factory(spec: str, rest: str, env_id: str, action_mode: str) -> AgentFactory:
    """The :class:`AgentFactory` of ``hf:REST``: one shared model, a fresh :class:`HFAgent` per episode."""
    try:
        model_path, saved = resolve(rest)
    except ValueError as e:
        from steprl_envs.agents.base import AgentSpecError

        raise AgentSpecError(str(e)) from None
    shared = load(model_path, env_id, action_mode, saved)
    digest = weights_digest(model_path)
    prompt = {
        k: getattr(shared.cfg, k)
        for k in (
            "history_window",
            "history_observations",
            "observation_chars",
            "gui_observation",
            "a11y_format",
            "max_prompt_tokens",
            "max_new_tokens",
        )
    }
    return AgentFactory(
        spec,
        "hf",
        lambda: HFAgent(shared),
        identity=lambda: {
            "model": rest,
            "checkpoint": model_path,
            "weights_sha256": digest,
            "decoding": "greedy",
            "trained_config": saved is not None,
            "prompt": prompt,
        },
        settings={"checkpoint": model_path, "weights_sha256": digest, "prompt": prompt},
    )


def load(model_path: str, env_id: str, action_mode: str, saved: dict[str, Any] | None = None) -> _Shared:
    try:
        import torch  # noqa: F401

        from .models import load_model
        from .policy import Policy
    except ImportError as e:
        raise ImportError(f"{MISSING} ({e})") from e
    from steprl_envs.agents.prompting import PromptBuilder

    cfg = train_config(saved)
    model, tokenizer = load_model(model_path, env_id, cfg.seed, dtype=cfg.dtype)
    model.eval()
    builder = PromptBuilder.from_config(tokenizer, cfg, action_mode)
    return _Shared(Policy(model, tokenizer), builder, cfg)


class _Shared:
    """One model for every episode; generation is serialised because one CPU model gains nothing from threads."""

    def __init__(self, policy, builder, cfg):
        self.policy, self.builder, self.cfg = policy, builder, cfg
        self.lock = threading.Lock()

    def generate(self, prompt_ids: list[int]) -> tuple[str, int]:
        with self.lock:
            gen = self.policy.generate([prompt_ids], self.cfg.max_new_tokens, self.cfg.temperature, greedy=True)[0]
        return self.policy.decode(gen.response_ids), len(gen.response_ids)


def weights_digest(spec: str) -> str | None:
    """sha256 of a local model's weight files (the identity of a checkpoint); None for built-in names."""
    path = Path(spec)
    if not path.is_dir():
        return None
    digest = hashlib.sha256()
    for f in sorted([*path.glob("*.safetensors"), *path.glob("*.bin")]):
        digest.update(f.name.encode())
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


class HFAgent:
    """Plays an episode as the trainer's rollout does: the same prompt, history and action extraction."""

    def __init__(self, shared: _Shared):
        from steprl_envs.agents.prompting import History

        self.shared = shared
        self.instruction = ""
        self.history = History()
        self.previous: str | None = None
        self.last_response: str | None = None
        self.usage = {"prompt_tokens": 0, "completion_tokens": 0}

    def reset(self, instruction: str, info: dict[str, Any]) -> None:
        from steprl_envs.agents.prompting import History

        self.instruction = instruction or ""
        self.history = History()
        self.previous = None

    def act(self, obs: dict[str, Any]) -> str:
        from steprl_envs.agents.prompting import extract_action

        builder = self.shared.builder
        if self.previous is not None:  # the previous action's outcome is this observation
            self.history.add(self.previous, builder.history_text(obs))
        instruction = self.instruction or str(obs.get("instruction", ""))
        prompt = builder.build(instruction, obs, self.history)
        response, n_new = self.shared.generate(prompt)
        self.usage["prompt_tokens"] += len(prompt)
        self.usage["completion_tokens"] += n_new
        self.last_response = response
        extracted = extract_action(response, builder.action_mode, builder.marks(obs))
        self.previous = extracted.action or response
        return self.previous or "WAIT"
