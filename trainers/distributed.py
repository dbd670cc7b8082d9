"""The update on many processes (``accelerate launch`` or ``torchrun``): data-parallel over the rows of each
minibatch, every process holding the whole model (or, sharded, its slice of the policy; see below).

Rollouts run on rank 0 only (its env pool and its engine); the finished trajectories are broadcast, so every rank
builds the same batch, and every rank runs the same algorithm code with the same seeds (STEP's records, the task
sampler) and stays in step without further messages. In the update, rank k takes rows ``k, k + W, ...`` of each
minibatch; the loss is normalised by the minibatch's GLOBAL token (or row) count, so the ranks' gradients SUM to
the one-process gradient. They are summed with one all-reduce per step, then every rank clips and steps the same
optimiser on the same gradient, so the weights stay identical without a broadcast. Only rank 0 writes metrics and
checkpoints.

With a sharded launch config (trainers/launch/fsdp.yaml, deepspeed_zero2.yaml, deepspeed_zero3.yaml) the policy
is sharded with FSDP2 (:mod:`trainers.sharding`; the DeepSpeed configs choose the ZeRO stage, whose sharding FSDP2
reproduces; the DeepSpeed engine itself is not used). Every rank then runs the same number of forward passes
(short shards are padded with a zero-weight micro-batch), and rank 0 keeps a whole copy of the policy, ``replica``,
refreshed after each update, which its engine samples from and its checkpoints are written from.

A run with one process (``WORLD_SIZE`` unset or 1) gets :class:`Distributed` with ``world_size == 1``, whose
methods do nothing, so the single-process code path is unchanged. The process group uses gloo on CPU and NCCL on
CUDA; ``accelerate launch`` and ``torchrun`` set the ``RANK``/``WORLD_SIZE``/``MASTER_ADDR`` variables it reads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch import nn

FSDP_STRATEGIES = {"1": "full", "FULL_SHARD": "full", "2": "grad_op", "SHARD_GRAD_OP": "grad_op"}


def sharding_from_env(env: dict[str, str]) -> str:
    """``full``, ``grad_op`` or ``''`` (replicated) from the variables ``accelerate launch`` sets for a config."""
    if env.get("ACCELERATE_USE_FSDP", "false").lower() == "true":
        if env.get("FSDP_VERSION", "1") == "2":
            return "grad_op" if env.get("FSDP_RESHARD_AFTER_FORWARD", "true").lower() == "false" else "full"
        return FSDP_STRATEGIES.get(env.get("FSDP_SHARDING_STRATEGY", "FULL_SHARD").upper(), "")
    if env.get("ACCELERATE_USE_DEEPSPEED", "false").lower() == "true":
        return {"3": "full", "2": "grad_op"}.get(env.get("ACCELERATE_DEEPSPEED_ZERO_STAGE", "2"), "")
    return ""


class Distributed:
    """This process's place in the run and the few collectives the update needs."""

    def __init__(self, world_size: int = 1, rank: int = 0, local_rank: int = 0, sharding: str = ""):
        self.world_size, self.rank, self.local_rank = world_size, rank, local_rank
        #: ``full``/``grad_op``: the policy is sharded (every rank runs the same forward passes); ``''``: replicated.
        self.sharding = sharding if world_size > 1 else ""
        #: Rank 0's whole copy of a sharded policy (None otherwise).
        self.replica: nn.Module | None = None

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @classmethod
    def from_env(cls, device: str = "cpu", timeout_s: float = 7200) -> Distributed:
        """Join the process group the launcher describes in the environment (nothing to join: one process).
        ``timeout_s`` bounds every collective, the broadcast that waits for rank 0's rollouts included."""
        world = int(os.environ.get("WORLD_SIZE", "1"))
        if world <= 1:
            return cls()
        import torch.distributed as dist

        local = int(os.environ.get("LOCAL_RANK", "0"))
        if device.startswith("cuda"):
            torch.cuda.set_device(local)  # NCCL's object collectives use the current device
        if not dist.is_initialized():
            import datetime

            dist.init_process_group(
                backend="nccl" if device.startswith("cuda") else "gloo", timeout=datetime.timedelta(seconds=timeout_s)
            )
        return cls(dist.get_world_size(), dist.get_rank(), local, sharding_from_env(dict(os.environ)))

    def device(self, device: str) -> str:
        """``cuda`` becomes this rank's own GPU (``cuda:LOCAL_RANK``); other devices are kept."""
        return f"cuda:{self.local_rank}" if self.enabled and device == "cuda" else device

    # -- data --------------------------------------------------------------------------------------------------
    def shard(self, rows: list[int]) -> list[int]:
        """This rank's share of ``rows``: every ``world_size``-th one from its rank."""
        return rows[self.rank :: self.world_size]

    def micro_batches(self, rows: list[int], size: int) -> list[list[int]]:
        """This rank's share of ``rows`` in micro-batches of ``size``. Sharded, every rank gets the same number of
        micro-batches (the largest share's count); the missing ones are empty lists, which the caller runs as a
        zero-weight pass so that the ranks' collectives match."""
        mine = self.shard(rows)
        out = [mine[s : s + size] for s in range(0, len(mine), size)]
        if self.sharding:
            longest = -(-len(rows) // self.world_size)
            out += [[] for _ in range(-(-longest // size) - len(out))]
        return out

    def broadcast_object(self, obj: Any) -> Any:
        """Rank 0's ``obj`` on every rank (pickled)."""
        if not self.enabled:
            return obj
        import torch.distributed as dist

        box = [obj if self.is_main else None]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def rows(
        self, n_rows: int, width: int, fill: Callable[[list[int]], torch.Tensor], device: str, size: int
    ) -> torch.Tensor:
        """A ``[n_rows, width]`` table whose rows are computed where they are sharded, ``size`` rows per pass:
        ``fill(rows)`` gives ``[len(rows), <= width]``; the pieces are summed across ranks into the whole table."""
        out = torch.zeros((n_rows, width), device=device)
        for sub in self.micro_batches(list(range(n_rows)), size):
            if not sub:
                fill([0])  # a padding pass of a sharded model: its collectives must run, its result is not used
                continue
            part = fill(sub)
            out[sub, : part.shape[1]] = part
        self.all_reduce_(out)
        return out

    # -- reductions ----------------------------------------------------------------------------------------------
    def all_reduce_(self, tensor: torch.Tensor) -> torch.Tensor:
        """Sum ``tensor`` over the ranks, in place."""
        if self.enabled:
            import torch.distributed as dist

            dist.all_reduce(tensor)
        return tensor

    def sum(self, values: dict[str, float]) -> dict[str, float]:
        """Each value summed over the ranks (float64)."""
        if not self.enabled or not values:
            return values
        t = self.all_reduce_(torch.tensor(list(values.values()), dtype=torch.float64, device=self._comm_device))
        return dict(zip(values, t.tolist(), strict=True))

    def all_true(self, flag: bool) -> bool:
        """Whether ``flag`` holds on every rank (a step is taken only when no rank saw a non-finite loss)."""
        if not self.enabled:
            return flag
        return self.sum({"bad": 0.0 if flag else 1.0})["bad"] == 0.0

    def sum_grads_(self, params: Iterable[nn.Parameter]) -> None:
        """Sum the gradients of ``params`` over the ranks in one flat all-reduce. A parameter that got no gradient
        on any rank keeps ``None`` (AdamW then leaves it alone, as in one process); one that got a gradient
        elsewhere counts zero here."""
        if not self.enabled:
            return
        params = [p for p in params if p.requires_grad]
        if not params:
            return
        device = params[0].device
        present = torch.tensor([p.grad is not None for p in params], dtype=torch.float32, device=device)
        self.all_reduce_(present)
        live = [p for p, n in zip(params, present.tolist(), strict=True) if n > 0]
        if not live:
            return
        flat = torch.cat([(p.grad if p.grad is not None else torch.zeros_like(p)).reshape(-1) for p in live])
        self.all_reduce_(flat)
        offset = 0
        for p in live:
            n = p.numel()
            p.grad = flat[offset : offset + n].view_as(p).clone()
            offset += n

    def shard_policy_(self, model: nn.Module) -> None:
        """Shard ``model`` for the update when the launch asks for it, keeping rank 0's whole copy in ``replica``."""
        if not self.sharding:
            return
        import copy

        from .sharding import shard_

        self.replica = copy.deepcopy(model).eval().requires_grad_(False) if self.is_main else None
        shard_(model, self.sharding)

    def refresh_replica(self, model: nn.Module) -> nn.Module | None:
        """After an update: the module an engine on this rank should sync from (rank 0's refreshed replica when the
        policy is sharded, else ``model`` itself). Sharded, every rank must call it (it gathers the weights)."""
        if not self.sharding:
            return model
        from .sharding import full_state_dict

        state = full_state_dict(model)
        if self.replica is not None:
            self.replica.load_state_dict(state)
        return self.replica

    def broadcast_module_(self, module: nn.Module) -> None:
        """Rank 0's parameters and buffers on every rank (start from identical weights whatever each rank built)."""
        if not self.enabled:
            return
        import torch.distributed as dist

        with torch.no_grad():
            for tensor in module.state_dict().values():
                dist.broadcast(tensor, src=0)

    def barrier(self) -> None:
        if self.enabled:
            import torch.distributed as dist

            dist.barrier()

    @property
    def _comm_device(self) -> str:
        return f"cuda:{self.local_rank}" if torch.cuda.is_available() and self._backend() == "nccl" else "cpu"

    def _backend(self) -> str:
        import torch.distributed as dist

        return dist.get_backend() if dist.is_initialized() else "gloo"


def broadcast_generate(sample: Callable[..., Any] | None, dist: Distributed) -> Callable[..., Any]:
    """``Policy.generate`` for the sampling an algorithm does itself (STEP's SL-GRPO variants): rank 0 samples
    with ``sample`` (its whole policy's bound ``generate``), every rank gets the same responses, so the ranks build
    the same batch and a sharded policy never runs a forward pass on one rank alone."""

    def generate(*args: Any, **kwargs: Any):
        return dist.broadcast_object(sample(*args, **kwargs) if sample is not None else None)

    return generate


class BroadcastRoller:
    """The Roller of a multi-process run: rank 0 runs the episodes, every rank gets the same results. Ranks other
    than 0 hold no env pool (``inner`` is None)."""

    def __init__(self, inner: Any, dist: Distributed):
        self.inner, self.dist = inner, dist

    def run(self, *args: Any, **kwargs: Any):
        result = self.inner.run(*args, **kwargs) if self.inner is not None else None
        return self.dist.broadcast_object(result)

    def close(self) -> None:
        if self.inner is not None:
            self.inner.close()

    def __getattr__(self, name: str) -> Any:
        if self.inner is None:
            raise AttributeError(f"{name!r}: rank {self.dist.rank} holds no env pool (rollouts run on rank 0)")
        return getattr(self.inner, name)
