"""Time per iteration of each algorithm at one sampling budget (tiny model, SFT warm start), and the STEP /
T-GRPO ratio (the STEP paper reports 74-86 % less time per training step than trajectory-level sampling).

Split into rollout and update time: the update is where STEP saves (it trains only the steps of successful
trajectories, plus cheap SL-GRPO variants), so the ratio depends on the success rate of the warm start.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_learning import common, train, warm_start  # noqa: E402
from bench.common import Figure, main  # noqa: E402
from trainers.config import ALGORITHMS as ALGOS  # noqa: E402

ENV = "ALFWorld-v0"


def run(quick: bool) -> dict[str, Figure]:
    iterations = 2 if quick else 4
    sft = warm_start(ENV)
    figures: dict[str, Figure] = {}
    budget = f"B x N = {common()['batch_tasks'] * common()['group_size']} episodes"
    for algo in ALGOS:
        rows = [m for m in train(ENV, algo, 100, sft, iterations, {"eval_every": 0}) if m["iteration"]]
        total = [m["time_rollout_s"] + m["time_update_s"] for m in rows]
        figures[f"{algo}/time_per_iter"] = Figure.of(total, "s", budget)
        figures[f"{algo}/time_update"] = Figure.of([m["time_update_s"] for m in rows], "s")
        figures[f"{algo}/time_rollout"] = Figure.of([m["time_rollout_s"] for m in rows], "s")
        figures[f"{algo}/samples"] = Figure.of([m["samples"] for m in rows], "rows")
        figures[f"{algo}/tokens_per_s"] = Figure.of(
            [m["generated_tokens"] / max(m["time_generate_s"], 1e-9) for m in rows], "tok/s", "generation"
        )
    for key in ("time_per_iter", "time_update"):
        ratio = figures[f"step/{key}"].median / figures[f"grpo/{key}"].median
        figures[f"step_vs_tgrpo/{key}_ratio"] = Figure.single(ratio, "ratio", "STEP / T-GRPO")
    return figures


if __name__ == "__main__":
    main("trainers", run)
