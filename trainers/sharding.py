"""Sharded data parallelism for the update: the policy's parameters, gradients and AdamW state split across the
ranks with torch's FSDP2 (``fully_shard``), one unit per decoder layer plus the root, as FSDP's and DeepSpeed
ZeRO-3's full sharding do. ``full`` reshards the parameters after each forward pass (ZeRO-3, FSDP FULL_SHARD);
``grad_op`` keeps them gathered from the forward to the backward pass (FSDP SHARD_GRAD_OP, the closest FSDP2 has
to ZeRO-2). A sharded forward pass is a collective: every rank must run the same number of them, which
:meth:`trainers.distributed.Distributed.micro_batches` guarantees.

FSDP averages gradients over the ranks; the update normalises its loss by the global token count and wants the
SUM, so the divide factor is set to 1.
"""

from __future__ import annotations

import torch
from torch import nn


def layer_classes(model: nn.Module) -> set[str]:
    """Class names of the model's repeated blocks: the model's own ``_no_split_modules`` (transformers lists its
    decoder layers there), else any class whose name ends in ``DecoderLayer``."""
    names = set(getattr(model, "_no_split_modules", None) or [])
    return names or {type(m).__name__ for m in model.modules() if type(m).__name__.endswith("DecoderLayer")}


def shard_(model: nn.Module, mode: str) -> nn.Module:
    """Shard ``model`` in place (each block, then the root); ``mode`` is ``full`` or ``grad_op``."""
    from torch.distributed.fsdp import fully_shard

    reshard = mode == "full"
    blocks = layer_classes(model)
    for module in list(model.modules()):
        if module is not model and type(module).__name__ in blocks:
            fully_shard(module, reshard_after_forward=reshard)
    fully_shard(model, reshard_after_forward=reshard)
    for module in model.modules():
        if hasattr(module, "set_gradient_divide_factor"):
            module.set_gradient_divide_factor(1.0)
            module.set_force_sum_reduction_for_comms(True)  # a plain SUM (gloo has no pre-multiplied sum)
    return model


def full_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """The whole (unsharded) state dict on rank 0, on the CPU; an empty dict on the other ranks. A collective:
    every rank calls it."""
    from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict

    return get_model_state_dict(model, options=StateDictOptions(full_state_dict=True, cpu_offload=True))


def local(value: torch.Tensor) -> torch.Tensor:
    """A plain tensor from a DTensor (a sharded gradient norm, ...), else ``value``."""
    return value.full_tensor() if hasattr(value, "full_tensor") else value
