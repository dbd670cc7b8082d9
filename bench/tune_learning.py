"""Learning-rate sweep behind the per-algorithm presets (not CI): the same grid, seeds and budget for every
algorithm, chosen on held-out validation tasks.

Each algorithm trains from the learning demo's warm start (``bench_learning``, tiny model, the same B x N, epochs
and minibatches) for ``--iterations`` at every learning rate of ``--lrs`` under ``--seeds`` seeds, and is scored by
greedy success on the ``val`` evaluation set. The sweep runs on MockGUI-v0, whose ``val`` set is the training
tasks on layouts never trained on (disjoint from the ``test`` layouts the demo reports). ALFWorld-v0 cannot serve:
its held-out tasks are new layouts, and the tiny warm start solves none of them (0 of 64 ``val`` episodes, before
and after 6 iterations of STEP at every rate), so every rate would tie. The chosen rate is the one with the highest mean final validation success over the
seeds (ties: the smaller rate, the smaller move from the warm start). The KL coefficient stays 0 for every
algorithm (StepPO's preset KL included), so the sweep compares learning rates only.

Results: ``bench/results/tuning.json`` (every run's validation success, the per-rate means and SE over seeds, the
choice) and a table on stdout; the chosen rates are written into ``trainers.config.PRESETS`` by hand.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_learning import ENVS, MOCKGUI, train, warm_start  # noqa: E402
from bench.common import RESULTS_DIR, Figure, machine  # noqa: E402
from bench.learning_summary import mean_se  # noqa: E402
from trainers.config import ALGORITHMS  # noqa: E402

LRS = (3e-5, 1e-4, 3e-4)


def _job(args: tuple) -> tuple[str, float, int, float, float]:
    env_id, algo, lr, seed, sft, iterations = args
    extra = {"lr": lr, "kl_coef": 0.0, "eval_every": iterations, "eval_sets": "val"}
    lines = train(env_id, algo, seed, Path(sft), iterations, extra, group=f"tune_lr{lr:g}")
    evals = [m for m in lines if m.get("eval_val_success_rate") is not None]
    return algo, lr, seed, evals[0]["eval_val_success_rate"], evals[-1]["eval_val_success_rate"]


def choose(final: dict[float, list[float]]) -> float:
    """The rate with the highest mean final validation success; ties go to the smaller rate."""
    return max(sorted(final), key=lambda lr: (statistics.mean(final[lr]), -lr))


def summarise(payload: dict) -> None:
    """Add the per-rate means and SE, the choice per algorithm, RESULTS.md figures and a Markdown table to a
    sweep's results (``final_val_success[algo][lr]`` = the seeds' final validation success)."""
    lrs = [f"{lr:g}" for lr in payload["lrs"]]
    table, figures, lines = {}, {}, []
    lines.append("| algorithm | " + " | ".join(f"lr {lr}" for lr in lrs) + " | chosen |")
    lines.append("|---|" + "---|" * len(lrs) + "---|")
    for algo, by_lr in payload["final_val_success"].items():
        chosen = choose({float(lr): v for lr, v in by_lr.items()})
        table[algo] = {lr: dict(zip(("mean", "se"), mean_se(by_lr[lr]), strict=True)) for lr in lrs}
        table[algo]["chosen_lr"] = chosen
        cells = " | ".join("{:.3f} ± {:.3f}".format(*mean_se(by_lr[lr])) for lr in lrs)
        lines.append(f"| {algo} | {cells} | {chosen:g} |")
        mean, se = mean_se(by_lr[f"{chosen:g}"])
        figures[f"{payload['env']}/{algo}/chosen_lr"] = asdict(
            Figure.single(chosen, "lr", f"val success {mean:.3f} ± {se:.3f} after {payload['iterations']} iterations")
        )
    lines.append("")
    lines.append(
        f"Greedy success on the val set after {payload['iterations']} iterations, mean ± SE over "
        f"{len(payload['seeds'])} seeds; the warm start scores {payload['warm_start_val_success']:.3f}."
    )
    payload.update(table=table, figures=figures, markdown="\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--algos", default=",".join(ALGORITHMS), help="comma-separated algorithms")
    parser.add_argument("--lrs", default=",".join(f"{x:g}" for x in LRS), help="comma-separated learning rates")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2, help="runs in parallel (processes)")
    parser.add_argument("--env", choices=ENVS, default=MOCKGUI)
    parser.add_argument("--report", action="store_true", help="rebuild the summary of the existing tuning.json")
    args = parser.parse_args()
    path = RESULTS_DIR / "tuning.json"
    if args.report:
        payload = json.loads(path.read_text())
        summarise(payload)
        path.write_text(json.dumps(payload, indent=2) + "\n")
        print(payload["markdown"])
        return
    algos = args.algos.split(",")
    lrs = [float(x) for x in args.lrs.split(",")]
    t0 = time.perf_counter()
    sft = warm_start(args.env)
    jobs = [(args.env, a, lr, s, str(sft), args.iterations) for a in algos for lr in lrs for s in range(args.seeds)]
    start: list[float] = []
    final: dict[str, dict[float, list[float]]] = {a: {lr: [] for lr in lrs} for a in algos}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for algo, lr, _seed, s0, s1 in pool.map(_job, jobs):
            start.append(s0)
            final[algo][lr].append(s1)
    payload = {
        "name": "tuning",
        "machine": machine(),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "env": args.env,
        "iterations": args.iterations,
        "seeds": list(range(args.seeds)),
        "lrs": lrs,
        "criterion": "mean final greedy success on the val set; ties to the smaller rate",
        "warm_start_val_success": statistics.mean(start),
        "final_val_success": {a: {f"{lr:g}": final[a][lr] for lr in lrs} for a in algos},
        "wall_s": time.perf_counter() - t0,
    }
    summarise(payload)
    print(payload["markdown"])
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"  -> {path}")


if __name__ == "__main__":
    main()
