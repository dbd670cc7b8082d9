"""Memory options of the trained networks: the weights' dtype, gradient checkpointing, LoRA adapters (peft), the
KL reference as the base with the adapter disabled, and a critic that shares the policy's trunk.

Why these shapes: with LoRA the base weights are frozen, so the reference policy of the KL term *is* the base,
and a second copy would only cost memory; peft's ``disable_adapter`` context scores it with the same tensors. A
LoRA checkpoint holds the adapter (``adapter/``, for resuming on the saved base) and the merged weights at its top
level, so that ``AutoModelForCausalLM.from_pretrained(checkpoint)`` and ``--model checkpoint`` need neither peft
nor the base.

Nothing here imports torch at module level: the config's checks use :func:`check_memory_options`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DTYPES = ("float32", "bfloat16", "float16")
#: Where a LoRA run keeps its base weights (the KL reference and what every adapter checkpoint sits on).
BASE_DIR = "base"
ADAPTER_DIR = "adapter"
PEFT_MISSING = "LoRA needs peft: pip install peft (or steprl[train])"


def check_memory_options(cfg) -> None:
    """One-line ValueErrors for memory settings that cannot work together."""
    if cfg.dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}, got {cfg.dtype!r}")
    if cfg.lora_rank < 0:
        raise ValueError(f"lora_rank must be >= 0 (0: off), got {cfg.lora_rank}")
    if cfg.lora_rank and cfg.lora_alpha <= 0:
        raise ValueError(f"lora_alpha must be > 0, got {cfg.lora_alpha}")
    if not 0 <= cfg.lora_dropout < 1:
        raise ValueError(f"lora_dropout must be in [0, 1), got {cfg.lora_dropout}")
    if cfg.dtype == "float16" and not cfg.lora_rank:
        raise ValueError(
            "dtype float16 trains only LoRA adapters (AdamW's small steps vanish in float16 weights); "
            "set --lora-rank or use --dtype bfloat16"
        )


def torch_dtype(name: str):
    """The torch dtype named by a config value (``float32``, ``bfloat16``, ``float16``)."""
    import torch

    if name not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}, got {name!r}")
    return getattr(torch, name)


def target_modules(spec: str) -> str | list[str]:
    """peft's ``target_modules``: the string ``all-linear`` or a list of module names."""
    spec = spec.strip()
    if spec == "all-linear":
        return spec
    names = [n.strip() for n in spec.split(",") if n.strip()]
    if not names:
        raise ValueError("lora_target_modules is empty; use 'all-linear' or names such as q_proj,v_proj")
    return names


def enable_gradient_checkpointing(model) -> None:
    """Recompute each layer's activations in backward. Non-reentrant checkpointing gives the same gradients and
    needs no input that requires grad, so it works under frozen embeddings (LoRA) too."""
    kwargs = {"use_reentrant": False}
    if hasattr(model, "activation_checkpointing_enable"):  # transformers >= 5.x names it so
        model.activation_checkpointing_enable(activation_checkpointing_kwargs=kwargs)
    else:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=kwargs)
    model.config.use_cache = False  # generation passes use_cache=True itself; training must not build a cache


def add_lora(model, cfg):
    """``model`` wrapped as a peft model with one fresh trainable adapter; the base weights are frozen. The adapter
    weights stay float32 whatever the base's dtype (peft's autocast_adapter_dtype)."""
    try:
        from peft import LoraConfig, get_peft_model
    except ImportError as e:
        raise ImportError(f"{PEFT_MISSING} ({e})") from e
    config = LoraConfig(
        r=cfg.lora_rank,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        target_modules=target_modules(cfg.lora_target_modules),
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, config)


def load_lora(model, adapter_dir: Path):
    """``model`` with the trainable adapter saved in ``adapter_dir`` (a resumed LoRA run)."""
    try:
        from peft import PeftModel
    except ImportError as e:
        raise ImportError(f"{PEFT_MISSING} ({e})") from e
    return PeftModel.from_pretrained(model, str(adapter_dir), is_trainable=True)


def is_lora(model) -> bool:
    return hasattr(model, "disable_adapter") and hasattr(model, "peft_config")


def prepare_policy(cfg, log=print, save: bool = True) -> tuple[Any, Any, Path | None]:
    """``(model, tokenizer, resume_dir)`` of a training run: the weights in ``cfg.dtype``, with gradient
    checkpointing and a LoRA adapter when asked for. A resumed LoRA run reloads the saved base plus the adapter of
    the latest checkpoint; a fresh one saves its base under ``checkpoints/base`` so that resuming needs nothing else
    (``save``: whether this process writes it; one of many processes does)."""
    from .checkpointing import latest_checkpoint
    from .models import load_model

    root = Path(cfg.out) / "checkpoints"
    resume_dir = latest_checkpoint(root) if cfg.resume else None
    base_dir = root / BASE_DIR
    adapter = resume_dir / ADAPTER_DIR if resume_dir else None
    if adapter is not None and bool(cfg.lora_rank) != adapter.is_dir():  # its optimiser state fits only that way
        how = "with" if adapter.is_dir() else "without"
        raise ValueError(
            f"{resume_dir} was trained {how} LoRA: resume with the lora_rank it had, or start a new run from its "
            f"weights with --model {resume_dir}"
        )
    if adapter is not None and adapter.is_dir() and not base_dir.is_dir():
        raise ValueError(f"{base_dir} (the LoRA base) is missing, so {resume_dir} cannot resume; --model loads it")
    resume_lora = adapter is not None and adapter.is_dir()
    if resume_lora:
        model, tokenizer = load_model(str(base_dir), cfg.env_id, cfg.seed, dtype=cfg.dtype)
    else:
        spec = str(resume_dir) if resume_dir else cfg.model
        model, tokenizer = load_model(spec, cfg.env_id, cfg.seed, dtype=cfg.dtype)
    if cfg.gradient_checkpointing:
        enable_gradient_checkpointing(model)
    if resume_lora:
        model = load_lora(model, adapter)
    elif cfg.lora_rank:
        if save:
            model.save_pretrained(base_dir)
            tokenizer.save_pretrained(base_dir)
        model = add_lora(model, cfg)
    return model, tokenizer, resume_dir


def make_critic(model, cfg, resume_dir: Path | None):
    """StepPO's critic: its own copy of the network (``separate``) or a value head on the policy's trunk
    (``shared``); its saved state is restored on resume."""
    import torch

    from .policy import Critic

    critic = Critic(model, shared=cfg.critic_trunk == "shared")
    if resume_dir and (resume_dir / "critic.pt").is_file():
        critic.load_state_dict(torch.load(resume_dir / "critic.pt", map_location="cpu"))
    return critic


class AdapterOffReference:
    """The KL reference of a LoRA policy: the policy's own network with its adapter disabled (the frozen base),
    scored in eval mode. Stands where a reference module would (see :func:`reference_scope`)."""

    def __init__(self, peft_model):
        self.model = peft_model

    @contextlib.contextmanager
    def scope(self) -> Iterator[Any]:
        was_training = self.model.training
        self.model.eval()
        try:
            with self.model.disable_adapter():
                yield self.model
        finally:
            self.model.train(was_training)


@contextlib.contextmanager
def reference_scope(reference) -> Iterator[Any]:
    """The module that scores the reference policy: a separate frozen model as it is, or a LoRA policy's base
    while its adapter is disabled."""
    if isinstance(reference, AdapterOffReference):
        with reference.scope() as model:
            yield model
    else:
        yield reference


def make_reference(model, tokenizer, cfg, resume_dir: Path | None, save: bool = True):
    """The frozen KL reference (None without a KL term). With LoRA: the policy's base, adapter disabled; otherwise a
    frozen copy, saved under ``checkpoints/reference`` once so that a resumed run keeps the very same weights."""
    import copy

    from .models import load_model

    if cfg.kl_coef <= 0:
        return None
    if is_lora(model):
        return AdapterOffReference(model)
    ref_dir = Path(cfg.out) / "checkpoints" / "reference"
    if resume_dir and ref_dir.is_dir():
        ref = load_model(str(ref_dir), cfg.env_id, dtype=cfg.dtype)[0]
    else:
        ref = copy.deepcopy(model)
        if not resume_dir and save:
            ref.save_pretrained(ref_dir)
            tokenizer.save_pretrained(ref_dir)
    return ref.to(cfg.device).eval().requires_grad_(False)


def merged_state_dict(peft_model, cpu: bool = True) -> dict[str, Any]:
    """The base model's state dict with every LoRA delta added (in the base's dtype; on CPU, or with ``cpu=False``
    where the weights live, for a rollout engine's weight sync) and peft's key names undone, leaving the live model
    untouched (merging in place and back would round bfloat16 base weights)."""
    import torch
    from peft.tuners.lora import LoraLayer

    def place(t: torch.Tensor) -> torch.device:
        return torch.device("cpu") if cpu else t.device

    base = peft_model.get_base_model()
    merged: dict[str, torch.Tensor] = {}
    adapter = peft_model.active_adapter
    for name, module in base.named_modules():
        if isinstance(module, LoraLayer) and adapter in module.lora_A:
            layer = module.get_base_layer()
            weight = layer.weight.detach()
            delta = module.get_delta_weight(adapter).detach().float().to(place(weight))
            merged[f"{name}.weight"] = (weight.float().to(place(weight)) + delta).to(weight.dtype)
            if getattr(layer, "bias", None) is not None:
                merged[f"{name}.bias"] = layer.bias.detach().to(place(layer.bias))
    out = {}
    for key, value in base.state_dict().items():
        if "lora_" in key:
            continue
        clean = key.replace(".base_layer.", ".")
        out[clean] = merged.get(clean, value.detach().to(place(value)))
    return out


def save_policy(model, tokenizer, path: Path) -> None:
    """Weights that ``from_pretrained(path)`` loads (LoRA: merged) and, for a LoRA policy, ``path/adapter``."""
    if is_lora(model):
        model.save_pretrained(path / ADAPTER_DIR)
        model.get_base_model().save_pretrained(path, state_dict=merged_state_dict(model))
    else:
        model.save_pretrained(path)
    tokenizer.save_pretrained(path)


def trainable_parameters(module) -> list:
    """Parameters the optimiser steps (LoRA: the adapters alone)."""
    return [p for p in module.parameters() if p.requires_grad]
