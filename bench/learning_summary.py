"""Summaries of the learning demo's runs: curves with standard-error bands, the comparison table and its figure.

Input everywhere: ``runs[variant][seed]`` = that run's metrics lines (iteration 0: the evaluation before training;
evaluations carry ``eval_success_rate``, the evaluation set's success).
"""

from __future__ import annotations

import statistics

from bench.common import Figure


def mean_se(values: list[float]) -> tuple[float, float]:
    """Mean over seeds and its standard error ``stdev / sqrt(n)`` (0 for one seed)."""
    m = statistics.mean(values)
    return m, (statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else 0.0)


def eval_rows(metrics: list[dict]) -> list[dict]:
    """The metrics lines of a run that carry an evaluation."""
    return [m for m in metrics if m.get("eval_success_rate") is not None]


def curves(runs: dict[str, dict[int, list[dict]]]) -> dict[str, dict]:
    """Per variant, the evaluation points averaged over seeds: mean env steps, mean success and its SE over seeds,
    and each seed's value. Runs under one env-step budget end after slightly different iteration counts, so the
    points are the evaluations every seed has (from the start) plus each seed's final one."""
    out = {}
    for name, by_seed in runs.items():
        evals = [eval_rows(r) for r in by_seed.values()]
        n = min(len(e) for e in evals)
        aligned = [[*e[: n - 1], e[-1]] for e in evals]
        points = []
        for i in range(n):
            ys = [e[i]["eval_success_rate"] for e in aligned]
            mean, se = mean_se(ys)
            points.append(
                {
                    "iteration": statistics.mean(e[i]["iteration"] for e in aligned),
                    "env_steps": statistics.mean(e[i]["env_steps"] for e in aligned),
                    "success_mean": mean,
                    "success_se": se,
                    "per_seed": ys,
                }
            )
        out[name] = {"seeds": sorted(by_seed), "points": points}
    return out


def steps_to_reach(points: list[dict], target: float) -> float | None:
    """Env steps at the first point of a mean curve at or above ``target`` (None: never)."""
    return next((p["env_steps"] for p in points if p["success_mean"] >= target - 1e-12), None)


def _training_rows(by_seed: dict[int, list[dict]]) -> list[dict]:
    return [m for r in by_seed.values() for m in r if m["iteration"]]


def pearson(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return statistics.correlation(xs, ys)


def table(runs: dict[str, dict[int, list[dict]]], curve: dict[str, dict], reference: str = "grpo") -> dict[str, dict]:
    """One row per variant: final and best evaluation success (mean and SE over seeds), env steps until the mean
    curve reaches the reference's final mean success, time per iteration split into rollout and update (medians),
    rows trained and rollout success per iteration (means), and how rows follow the rollout success (Pearson r
    over iterations)."""
    target = curve[reference]["points"][-1]["success_mean"] if reference in curve else None
    out = {}
    for name, by_seed in runs.items():
        evals = [eval_rows(r) for r in by_seed.values()]
        rows = _training_rows(by_seed)
        final = mean_se([e[-1]["eval_success_rate"] for e in evals])
        best = mean_se([max(m["eval_success_rate"] for m in e) for e in evals])
        out[name] = {
            "seeds": len(by_seed),
            "start": evals[0][0]["eval_success_rate"],
            "final_mean": final[0],
            "final_se": final[1],
            "best_mean": best[0],
            "best_se": best[1],
            "env_steps": statistics.mean(r[-1]["env_steps"] for r in by_seed.values()),
            "iterations": statistics.mean(r[-1]["iteration"] for r in by_seed.values()),
            "steps_to_reference_final": steps_to_reach(curve[name]["points"], target) if target is not None else None,
            "rollout_s": statistics.median(m["time_rollout_s"] for m in rows),
            "update_s": statistics.median(m["time_update_s"] for m in rows),
            "rows_per_iter": statistics.mean(m["samples"] for m in rows),
            "rollout_success": statistics.mean(m["success_rate"] for m in rows),
            "rows_vs_success_r": pearson([m["success_rate"] for m in rows], [m["samples"] for m in rows]),
        }
    return out


def markdown(rows: dict[str, dict], labels: dict[str, str], reference_label: str) -> str:
    """The table as Markdown (for bench/RESULTS.md)."""

    def fmt(v, spec=".3f"):
        return "not reached" if v is None else format(v, spec)

    lines = [
        f"| variant | seeds | final success | best | env steps to {reference_label}'s final | iterations "
        "| rollout s/iter | update s/iter | rows/iter | rollout success | r(rows, success) |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in rows.items():
        r_text = "-" if r["rows_vs_success_r"] is None else f"{r['rows_vs_success_r']:.2f}"
        lines.append(
            f"| {labels.get(name, name)} | {r['seeds']} | {r['final_mean']:.3f} ± {r['final_se']:.3f} | "
            f"{r['best_mean']:.3f} ± {r['best_se']:.3f} | {fmt(r['steps_to_reference_final'], '.0f')} | "
            f"{r['iterations']:.1f} | {r['rollout_s']:.2f} | {r['update_s']:.2f} | {r['rows_per_iter']:.1f} | "
            f"{r['rollout_success']:.3f} | {r_text} |"
        )
    lines.append("")
    lines.append(
        "Mean ± standard error over the seeds (0 with one seed); the warm start scores "
        f"{next(iter(rows.values()))['start']:.3f}. Times are medians per iteration, taken with runs side by side."
    )
    return "\n".join(lines)


def figures(env_id: str, rows: dict[str, dict]) -> dict[str, Figure]:
    """The table's headline numbers as RESULTS.md figures."""
    out: dict[str, Figure] = {}
    for name, r in rows.items():
        key = f"{env_id}/{name}"
        out[f"{key}/eval_success_final"] = Figure.single(
            r["final_mean"], "rate", f"mean over seeds, SE {r['final_se']:.3f}"
        )
        out[f"{key}/eval_success_best"] = Figure.single(
            r["best_mean"], "rate", f"mean over seeds, SE {r['best_se']:.3f}"
        )
        out[f"{key}/time_rollout"] = Figure.single(r["rollout_s"], "s", "median per iteration")
        out[f"{key}/time_update"] = Figure.single(r["update_s"], "s", "median per iteration")
        out[f"{key}/rows_per_iter"] = Figure.single(r["rows_per_iter"], "rows", "mean per iteration")
    if "step" in rows and "grpo" in rows:
        s, g = rows["step"], rows["grpo"]
        out[f"{env_id}/step_vs_tgrpo_time_ratio"] = Figure.single(
            (s["rollout_s"] + s["update_s"]) / (g["rollout_s"] + g["update_s"]),
            "ratio",
            f"STEP / T-GRPO time per iteration; update rows scale with the success rate (STEP {s['rows_per_iter']:.0f} "
            f"rows at rollout success {s['rollout_success']:.2f}, T-GRPO {g['rows_per_iter']:.0f}); rollout "
            f"{s['rollout_s']:.2f} vs {g['rollout_s']:.2f} s, update {s['update_s']:.2f} vs {g['update_s']:.2f} s",
        )
    return out
