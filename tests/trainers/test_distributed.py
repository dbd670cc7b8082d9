"""The data-parallel update: two gloo processes, each taking half of every minibatch's rows, give the same weights
as one process on the same batch (the loss is normalised by the global token or row count and the gradients are
summed); and ``accelerate launch --cpu --num_processes 2 -m trainers train`` runs with only rank 0 writing."""

from __future__ import annotations

import copy
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.multiprocessing as mp

from tests.trainers.runs import cli_options
from trainers.config import make_config
from trainers.distributed import BroadcastRoller, Distributed, broadcast_generate, sharding_from_env
from trainers.models import load_model
from trainers.policy import Critic, Policy
from trainers.update import Batch, Updater

ENV = "steprl/Countdown-v0"
REPO = Path(__file__).resolve().parents[2]

#: Odd row counts (the ranks' shards differ in size), two minibatches, micro-batches of 2, two epochs (AdamW's
#: moments carry over), a KL term; the second adds a critic and the step ratio, the third recomputed old log-probs
#: with truncated IS against perturbed engine log-probs. AdamW's first steps are nearly blind to a uniform scale
#: of the gradient (and clipping is too), so ``grad`` checks the summed gradient itself: no step size, no clipping,
#: one minibatch; the gradient stays in ``.grad``.
CASES = {
    "grad": {"algo": "grpo", "kl_coef": 0.05, "lr": 0.0, "max_grad_norm": 1e9, "epochs": 1, "minibatches": 1},
    "grpo": {"algo": "grpo", "kl_coef": 0.05, "loss_agg": "token-mean"},
    "steppo": {"algo": "steppo", "kl_coef": 0.05},
    "tis": {"algo": "grpo", "kl_coef": 0.0, "recompute_old_logprobs": "on", "tis_cap": 1.2},
}
#: The same update with the policy sharded by FSDP2 (ZeRO-3-like ``full``, ZeRO-2-like ``grad_op``).
SHARDED = {
    "fsdp_grad": ("grad", "full"),
    "fsdp_full": ("grpo", "full"),
    "fsdp_grad_op": ("steppo", "grad_op"),
    "fsdp_tis": ("tis", "full"),
}
COMMON = {"lr": 1e-2, "epochs": 2, "minibatches": 2, "micro_batch_size": 2, "weight_decay": 0.01}


def _batch(tok, critic: bool) -> Batch:
    prompts = [tok(f"Task: reach {n} with 3 4 5. Action: ")["input_ids"] for n in range(7)]
    responses = [tok(" 3 + 4" * (1 + i % 3))["input_ids"][: 2 + i % 4] for i in range(7)]
    old = [[-2.0 + 0.1 * j - 0.05 * i for j in range(len(r))] for i, r in enumerate(responses)]
    adv = torch.tensor([1.0, -1.0, 0.5, 0.0, -0.5, 2.0, -2.0])
    extra = {"returns": adv * 0.5, "old_values": torch.zeros(7)} if critic else {}
    return Batch(prompts, responses, old, adv, **extra)


def _update(model_dir: str, case: str, dist: Distributed) -> tuple[dict[str, torch.Tensor], dict]:
    model, tok = load_model(model_dir, ENV)
    cfg = make_config({**COMMON, **CASES[case]})
    critic = Critic(model) if case == "steppo" else None
    policy = Policy(model, tok, critic=critic)
    ref = copy.deepcopy(model).eval().requires_grad_(False) if cfg.kl_coef else None
    dist.shard_policy_(policy.model)
    stats = Updater(policy, cfg, ref, dist=dist).update(_batch(tok, critic is not None))
    if dist.sharding:  # the whole weights, as rank 0's replica holds them after the update
        assert all(hasattr(p, "full_tensor") for p in policy.model.parameters())  # sharded indeed
        grads = {f"grad.{k}": p.grad.full_tensor() for k, p in policy.model.named_parameters() if case == "grad"}
        state = {f"policy.{k}": v.clone() for k, v in dist.replica.state_dict().items()} if dist.is_main else {}
        return {**state, **grads}, {"loss": stats.loss, "steps": stats.steps, **stats.extra}
    state = {f"policy.{k}": v.clone() for k, v in policy.model.state_dict().items()}
    state.update({f"grad.{k}": p.grad.clone() for k, p in policy.model.named_parameters() if case == "grad"})
    if critic is not None:
        state.update({f"critic.{k}": v.clone() for k, v in critic.state_dict().items()})
    return state, {"loss": stats.loss, "steps": stats.steps, **stats.extra}


class _FakeRoller:
    def __init__(self, rank: int):
        self.rank = rank

    def run(self, slots, seed):
        return [f"trajectory {s} of rank {self.rank}" for s in slots], seed


def _worker(rank: int, world: int, port: int, model_dir: str, out: str) -> None:
    import torch.distributed as tdist

    torch.set_num_threads(1)
    os.environ.update({"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)})
    tdist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        dist = Distributed(world, rank)
        # Rank 0's samples and rollouts reach every rank.
        sample = broadcast_generate((lambda *a, **k: [a, k, rank]) if rank == 0 else None, dist)
        rolls = BroadcastRoller(_FakeRoller(rank) if rank == 0 else None, dist)
        torch.save({"sample": sample("p", n=2), "roll": rolls.run([1, 2], seed=3)}, Path(out) / f"rank{rank}.pt")
        for case in CASES:
            state, stats = _update(model_dir, case, dist)
            if rank == 0:
                torch.save({"state": state, "stats": stats}, Path(out) / f"{case}.pt")
        for name, (case, sharding) in SHARDED.items():
            state, stats = _update(model_dir, case, Distributed(world, rank, sharding=sharding))
            if rank == 0:
                torch.save({"state": state, "stats": stats}, Path(out) / f"{name}.pt")
    finally:
        tdist.destroy_process_group()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_two_gloo_processes_give_the_one_process_update(tmp_path):
    model, tok = load_model("tiny", ENV)
    model_dir = tmp_path / "model"
    model.save_pretrained(model_dir)
    tok.save_pretrained(model_dir)
    mp.spawn(_worker, args=(2, _free_port(), str(model_dir), str(tmp_path)), nprocs=2, join=True)
    for rank in range(2):
        got = torch.load(tmp_path / f"rank{rank}.pt")
        assert got["sample"] == [("p",), {"n": 2}, 0]
        assert got["roll"] == (["trajectory 1 of rank 0", "trajectory 2 of rank 0"], 3)
    for case in CASES:
        one_state, one_stats = _update(str(model_dir), case, Distributed())
        two = torch.load(tmp_path / f"{case}.pt")
        assert one_stats["steps"] == two["stats"]["steps"] == (1 if case == "grad" else 4)
        assert two["stats"]["loss"] == pytest.approx(one_stats["loss"], rel=1e-5, abs=1e-8)
        if case == "grad":
            for name, value in one_state.items():
                if name.startswith("grad."):
                    assert value.abs().max() > 0
                    assert torch.allclose(two["state"][name], value, rtol=1e-4, atol=1e-8), f"{name} differs"
            continue
        moved = False
        for name, value in one_state.items():
            # The summation order differs between 1 and 2 processes; AdamW turns last-bit differences of tiny
            # gradient entries into differences of ~1e-4 of a step (the steps here move weights by ~4e-2).
            assert torch.allclose(two["state"][name], value, atol=2e-5), f"{case}: {name} differs"
            moved |= name.startswith("policy.") and not torch.equal(value, model.state_dict()[name[7:]])
        assert moved, f"{case}: the update moved no weight"
        if case == "tis":
            assert two["stats"]["logp_gap"] == pytest.approx(one_stats["logp_gap"], rel=1e-5)
    for name, (case, _) in SHARDED.items():
        one_state, one_stats = _update(str(model_dir), case, Distributed())
        two = torch.load(tmp_path / f"{name}.pt")
        assert two["stats"]["steps"] == one_stats["steps"] and two["stats"]["loss"] == pytest.approx(
            one_stats["loss"], rel=1e-5, abs=1e-8
        )
        for key, value in one_state.items():
            if key.startswith("grad."):
                assert torch.allclose(two["state"][key], value, rtol=1e-4, atol=1e-8), f"{name}: {key} differs"
            elif key.startswith("policy."):  # the replica is the policy alone
                assert torch.allclose(two["state"][key], value, atol=2e-5), f"{name}: {key} differs"


def test_shards_cover_every_row_once():
    rows = [5, 2, 9, 0, 7]
    parts = [Distributed(3, r).shard(rows) for r in range(3)]
    assert sorted(sum(parts, [])) == sorted(rows) and parts[0] == [5, 0]
    assert Distributed().shard(rows) == rows  # one process: everything


def test_launch_configs_choose_the_sharding():
    assert sharding_from_env({}) == ""
    assert sharding_from_env({"ACCELERATE_USE_FSDP": "true", "FSDP_VERSION": "2"}) == "full"
    fsdp2_op = {"ACCELERATE_USE_FSDP": "true", "FSDP_VERSION": "2", "FSDP_RESHARD_AFTER_FORWARD": "false"}
    assert sharding_from_env(fsdp2_op) == "grad_op"
    assert sharding_from_env({"ACCELERATE_USE_FSDP": "true", "FSDP_SHARDING_STRATEGY": "SHARD_GRAD_OP"}) == "grad_op"
    assert sharding_from_env({"ACCELERATE_USE_FSDP": "true", "FSDP_SHARDING_STRATEGY": "NO_SHARD"}) == ""
    deepspeed = {"ACCELERATE_USE_DEEPSPEED": "true"}
    assert sharding_from_env({**deepspeed, "ACCELERATE_DEEPSPEED_ZERO_STAGE": "3"}) == "full"
    assert sharding_from_env({**deepspeed, "ACCELERATE_DEEPSPEED_ZERO_STAGE": "2"}) == "grad_op"
    assert sharding_from_env({**deepspeed, "ACCELERATE_DEEPSPEED_ZERO_STAGE": "1"}) == ""
    assert Distributed(1, 0, sharding="full").sharding == ""  # one process: nothing to shard


def test_sharded_micro_batches_have_the_same_count_on_every_rank():
    rows = list(range(5))
    for size in (1, 2, 3):
        counts = {len(Distributed(2, r, sharding="full").micro_batches(rows, size)) for r in range(2)}
        assert len(counts) == 1
    assert Distributed(2, 1, sharding="full").micro_batches(rows, 2) == [[1, 3], []]
    assert Distributed(2, 1).micro_batches(rows, 2) == [[1, 3]]  # replicated: no padding pass
    assert Distributed(4, 3, sharding="full").micro_batches([0, 1], 2) == [[]]  # fewer rows than ranks


ARGS = ["train", *cli_options(algo="grpo", env=ENV, iterations=2, task_limit=4)]


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("accelerate") is None and not Path(sys.executable).with_name("accelerate").exists(),
    reason="needs the accelerate launcher",
)
def test_accelerate_launch_runs_train_on_two_processes(tmp_path):
    launcher = shutil.which("accelerate") or str(Path(sys.executable).with_name("accelerate"))
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    one, two = tmp_path / "one", tmp_path / "two"
    cmd = [sys.executable, "-m", "trainers", *ARGS, "--out", str(one)]
    subprocess.run(cmd, check=True, env=env, cwd=tmp_path, capture_output=True, timeout=300)
    launch = [launcher, "launch", "--cpu", "--num_processes", "2", "--num_machines", "1", "--mixed_precision", "no",
              "--dynamo_backend", "no", "--main_process_port", str(_free_port()), "-m", "trainers", *ARGS, "--out",
              str(two)]  # fmt: skip
    done = subprocess.run(launch, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("done: 2 iterations") == 1  # rank 0 alone reports and writes
    lines = [json.loads(x) for x in (two / "metrics.jsonl").read_text().splitlines()]
    ref = [json.loads(x) for x in (one / "metrics.jsonl").read_text().splitlines()]
    assert [m["iteration"] for m in lines] == [1, 2]
    for a, b in zip(lines, ref, strict=True):
        assert a["samples"] == b["samples"] and a["env_steps"] == b["env_steps"]
        assert a["loss"] == pytest.approx(b["loss"], rel=1e-3, abs=1e-8)
    assert (two / "checkpoints" / "iter_00002" / "config.json").is_file()


def _with(args: list[str], **values: str) -> list[str]:
    """``args`` with the options in ``values`` set (replaced or appended)."""
    out = list(args)
    for name, value in values.items():
        flag = f"--{name.replace('_', '-')}"
        if flag in out:
            out[out.index(flag) + 1] = value
        else:
            out += [flag, value]
    return out


@pytest.mark.slow
def test_a_sharded_launch_trains_checkpoints_and_resumes(tmp_path):
    """FSDP2 (what fsdp.yaml asks for) with StepPO's critic: rank 0 writes the whole model from its replica, each
    rank its optimiser shard, and a resumed run picks both up."""
    torchrun = Path(sys.executable).with_name("torchrun")
    if not torchrun.exists():
        pytest.skip("needs torchrun")
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    env.update({"ACCELERATE_USE_FSDP": "true", "FSDP_VERSION": "2"})
    out = tmp_path / "run"
    args = _with(ARGS, algo="steppo", iterations="1", out=str(out))
    base = [str(torchrun), "--nproc_per_node", "2", "--master_port", str(_free_port()), "-m", "trainers"]
    first = subprocess.run([*base, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr[-2000:]
    ckpt = out / "checkpoints" / "iter_00001"
    assert {"model.safetensors", "critic.pt", "optimizer.rank0.pt", "optimizer.rank1.pt"} <= {
        p.name for p in ckpt.iterdir()
    }
    again = [*base, *_with(args, iterations="2", resume="true")]
    second = subprocess.run(again, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.stdout.count("resumed from") == 1
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    assert [m["iteration"] for m in lines] == [1, 2] and all(m["optimizer_steps"] > 0 for m in lines)
    reloaded, _ = load_model(str(out / "checkpoints" / "iter_00002"), ENV)
    assert sum(p.numel() for p in reloaded.parameters()) > 0
