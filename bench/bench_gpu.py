"""GPU throughput of the trainers: generation tokens/s of each rollout engine (``hf``: the policy's own sampling
loop; ``vllm``: the colocated vLLM engine), and update throughput (tokens/s of forward + backward, and MFU) for
SmolLM2-135M and the tiny VLM. Without a CUDA GPU it prints that it skipped and exits 0.

MFU (model FLOPs utilisation) = achieved model FLOPs / the GPU's peak. A training token costs 6 N FLOPs (N
parameters; forward 2 N, backward 4 N) plus the attention term 12 L d T (L layers, width d, context T), as in the
PaLM paper's appendix. The peak is the dense bf16 (or fp32) figure of the GPU's datasheet, looked up by name, or
``--peak-tflops``.

    python bench/bench_gpu.py [--quick] [--models smollm2,tiny-vlm] [--engines hf,vllm] [--dtype bf16]

Results: ``bench/results/gpu.json`` (``--quick``: ``gpu_quick.json``). A model or engine that cannot run here
(the tiny VLM in a tree without it, vLLM without the package) is reported as skipped, with the reason.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Figure, show, write  # noqa: E402

ENV = "ALFWorld-v0"
#: Dense peak TFLOPS per GPU name fragment: (bf16/fp16 tensor cores, fp32 without TF32).
PEAKS = {
    "H200": (989.0, 67.0),
    "H100 SXM": (989.0, 67.0),
    "H100 PCIe": (756.0, 51.0),
    "H100": (989.0, 67.0),
    "A100": (312.0, 19.5),
    "L40S": (362.0, 91.6),
    "L4": (121.0, 30.3),
    "A10": (125.0, 31.2),
    "RTX 4090": (165.0, 82.6),
}


def peak_flops(name: str, dtype: str, override: float) -> float:
    """The GPU's dense peak in FLOP/s for ``dtype`` (``override`` TFLOPS wins); 0 when unknown."""
    if override > 0:
        return override * 1e12
    for key, (half, single) in PEAKS.items():
        if key in name:
            return (half if dtype != "fp32" else single) * 1e12
    return 0.0


def train_flops_per_token(model, context: int) -> float:
    """6 N + 12 L d T: FLOPs of one token's forward and backward pass (N parameters, L layers, width d, T context)."""
    cfg = getattr(model.config, "text_config", None) or model.config
    n = sum(p.numel() for p in model.parameters())
    return 6.0 * n + 12.0 * cfg.num_hidden_layers * cfg.hidden_size * context


def prompts_for(tokenizer, count: int, length: int) -> list[list[int]]:
    """``count`` distinct prompts of ``length`` tokens each, cut from an ALFWorld-like text."""
    text = " ".join(
        f"You are in room {i}. You see a drawer {i}, a cabinet {i + 1} and a countertop." for i in range(400)
    )
    ids = tokenizer(text)["input_ids"]
    return [ids[k * 7 : k * 7 + length] for k in range(count)]


def measure_generation(engine, prompts, new_tokens: int, runs: int) -> list[float]:
    import torch

    rates = []
    for r in range(runs + 1):  # the first run warms up (kernels, caches) and is not counted
        gens = [torch.Generator().manual_seed(1000 * r + i) for i in range(len(prompts))]
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        out = engine.generate(prompts, new_tokens, 1.0, generators=gens)
        torch.cuda.synchronize()
        if r:
            rates.append(sum(len(g.response_ids) for g in out) / (time.perf_counter() - t0))
    return rates


def measure_update(policy, prompts, response_len: int, runs: int) -> tuple[list[float], int]:
    """Tokens/s of :class:`trainers.update.Updater` (one epoch, one minibatch, no reference) on a fixed batch."""
    import torch

    from trainers.config import make_config
    from trainers.update import Batch, Updater

    cfg = make_config({"algo": "grpo", "kl_coef": 0.0, "epochs": 1, "minibatches": 1, "micro_batch_size": 8})
    updater = Updater(policy, cfg)
    g = torch.Generator().manual_seed(0)
    vocab = policy.model.get_output_embeddings().weight.shape[0]
    responses = [torch.randint(3, vocab, (response_len,), generator=g).tolist() for _ in prompts]
    batch = Batch(prompts, responses, [[-1.0] * response_len for _ in prompts], torch.randn(len(prompts)))
    tokens = sum(len(p) + len(r) for p, r in zip(prompts, responses, strict=True))
    rates = []
    for r in range(runs + 1):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        updater.update(batch)
        torch.cuda.synchronize()
        if r:
            rates.append(tokens / (time.perf_counter() - t0))
    return rates, tokens


def bench_model(spec: str, engines: list[str], args, figures: dict[str, Figure]) -> None:
    import torch

    from trainers.engines.hf import HFEngine
    from trainers.models import load_model
    from trainers.policy import Policy

    try:
        model, tok = load_model(spec, ENV)
    except (FileNotFoundError, ImportError, ValueError) as e:
        figures[f"{spec}/skipped"] = Figure.single(0, "-", f"cannot load: {e}")
        return
    dtype = {"bf16": torch.bfloat16, "fp32": torch.float32}[args.dtype]
    policy = Policy(model.to(dtype), tok, "cuda")
    count, prompt_len, new_tokens = (8, 128, 32) if args.quick else (64, 512, 128)
    runs = 1 if args.quick else 3
    prompts = prompts_for(policy.text_tokenizer, count, prompt_len)  # text prompts, for a VLM too
    context = prompt_len + new_tokens
    for name in engines:
        try:
            if name == "hf":
                engine = HFEngine(policy, batch_size=count)
            else:
                from trainers.engines.vllm_engine import VLLMEngine

                engine = VLLMEngine(
                    policy,
                    Path(tempfile.mkdtemp()) / "vllm_model",
                    max_model_len=context + 64,
                    sleep_between_rounds=False,
                )
        except (ImportError, ValueError, NotImplementedError) as e:
            figures[f"{spec}/{name}/skipped"] = Figure.single(0, "-", str(e))
            continue
        try:
            rates = measure_generation(engine, prompts, new_tokens, runs)
        except (RuntimeError, TypeError, ValueError, NotImplementedError) as e:  # e.g. a VLM without its images
            figures[f"{spec}/{name}/skipped"] = Figure.single(0, "-", f"generation failed: {str(e)[:200]}")
            engine.close()
            continue
        note = f"{count} prompts x {prompt_len} tokens, {new_tokens} new, {args.dtype}"
        figures[f"{spec}/{name}/generate"] = Figure.of(rates, "tok/s", note)
        engine.close()
    torch.cuda.reset_peak_memory_stats()
    rates, _ = measure_update(policy, prompts, new_tokens, runs)
    peak = peak_flops(torch.cuda.get_device_name(), args.dtype, args.peak_tflops)
    flops = train_flops_per_token(policy.model, context)
    figures[f"{spec}/update"] = Figure.of(rates, "tok/s", f"{count} rows x {context} tokens, micro-batch 8")
    if peak:
        figures[f"{spec}/update_mfu"] = Figure.of(
            [r * flops / peak for r in rates], "fraction", f"peak {peak / 1e12:g} TFLOPS"
        )
    figures[f"{spec}/update_peak_mem"] = Figure.single(torch.cuda.max_memory_allocated() / 2**30, "GiB")
    del policy, model
    torch.cuda.empty_cache()


def main() -> int:
    parser = argparse.ArgumentParser(description="benchmark: generation and update throughput on a GPU")
    parser.add_argument("--quick", action="store_true", help="small batch, one timed run (a smoke run)")
    parser.add_argument("--models", default="smollm2,tiny-vlm", help="comma-separated --model specs")
    parser.add_argument("--engines", default="hf,vllm", help="comma-separated rollout engines")
    parser.add_argument("--dtype", default="bf16", choices=("bf16", "fp32"), help="weights and compute dtype")
    parser.add_argument("--peak-tflops", type=float, default=0.0, help="the GPU's peak (0: look it up by name)")
    args = parser.parse_args()
    import torch

    if not torch.cuda.is_available():
        print("bench_gpu: skipped: no CUDA GPU on this machine")
        return 0
    figures: dict[str, Figure] = {}
    engines = [e for e in args.engines.split(",") if e]
    for spec in [m for m in args.models.split(",") if m]:
        bench_model(spec, engines, args, figures)
    name = "gpu_quick" if args.quick else "gpu"
    show(name, figures)
    print(f"  -> {write(name, figures)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
