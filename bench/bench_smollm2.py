"""Learning with a pretrained model on a CPU (not CI): SmolLM2-135M-Instruct on ALFWorld-v0, as the recipe
``trainers/recipes/alfworld_smollm2.toml`` writes it: an SFT on the oracle's steps of 4 tasks, then STEP on 8 (those
4 and 4 the SFT never saw). The figures are the greedy success before and during RL, the sampled success of each
iteration, how many iterations had a learning signal, and the time per iteration.

    python -m bench.bench_smollm2                          # SFT + RL into runs/bench-smollm2 (about an hour)
    python -m bench.bench_smollm2 --collect runs/smol      # summarise a finished run (DIR/sft and DIR/step)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.common import Figure, show, write

RECIPE = Path(__file__).resolve().parents[1] / "trainers" / "recipes" / "alfworld_smollm2.toml"


def train(out: Path) -> None:
    from trainers.config import make_config
    from trainers.sft import run_sft
    from trainers.train import Trainer

    run_sft(make_config({"out": str(out / "sft")}, str(RECIPE)))
    Trainer(make_config({"model": str(out / "sft"), "out": str(out / "step")}, str(RECIPE))).train()


def summarise(out: Path) -> dict[str, Figure]:
    sft = json.loads((out / "sft" / "sft_metrics.json").read_text())
    lines = [json.loads(x) for x in (out / "step" / "metrics.jsonl").read_text().splitlines()]
    episodes = sft["eval_episodes"]
    figures = {
        "sft_eval_success": Figure.single(
            sft["eval_success_rate"],
            "rate",
            f"greedy, {episodes} episodes on the 8 tasks, SE {sft['eval_success_se']:.3f}",
        )
    }
    for line in lines:
        if "eval_success_rate" in line:
            figures[f"eval_success_iter{line['iteration']:02d}"] = Figure.single(
                line["eval_success_rate"], "rate", f"greedy after {line['iteration']} STEP iterations"
            )
    iterations = [line for line in lines if line["iteration"] > 0]
    for line in iterations:
        figures[f"rollout_success_iter{line['iteration']:02d}"] = Figure.single(
            line["success_rate"], "rate", f"sampled (T=0.6), {line['iter_episodes']} episodes"
        )
    updated = [line for line in iterations if line.get("optimizer_steps")]
    figures["iterations_with_signal"] = Figure.single(
        len(updated), "iterations", f"of {len(iterations)}: the others had every advantage 0 or no successful rollout"
    )
    figures["time_rollout"] = Figure.of(
        [line["time_rollout_s"] for line in iterations], "s", "per iteration, one core, other runs beside it"
    )
    if updated:
        figures["time_update"] = Figure.of(
            [line["time_update_s"] for line in updated], "s", "per iteration that updated (the others take none)"
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="runs/bench-smollm2", help="where the run goes (DIR/sft, DIR/step)")
    parser.add_argument("--collect", metavar="DIR", help="summarise the finished run in DIR instead of training")
    args = parser.parse_args()
    out = Path(args.collect or args.out)
    if not args.collect:
        train(out)
    figures = summarise(out)
    show("learning_smollm2", figures)
    print(f"  -> {write('learning_smollm2', figures)}")


if __name__ == "__main__":
    main()
