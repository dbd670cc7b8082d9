"""Learning demonstration (not CI): does RL raise the success rate over an SFT warm start, and how do T-GRPO,
GiGPO, STEP (and its three ablations), StepPO and STAPO compare under one env-step budget?

Setting (ALFWorld-v0, tiny model, CPU): 64 pick_and_place_simple training tasks with an 8-step budget; MockGUI-v0
(``--env``): the Settings app's eleven tasks on layouts drawn per seed. The warm start is deliberately weak (SFT on
the oracle steps of half of the tasks, briefly), so that success starts well above zero and well below one. Every
variant trains from that one checkpoint with the same budget: B x N = 8 x 4 episodes per iteration until the
training rollouts have taken ``BUDGET_ITERATIONS`` x B x N x the step budget env steps (at least that many
iterations, more when episodes succeed early), the same seeds and optimiser settings (``RL``), and its own
learning rate from the sweep (``bench/tune_learning.py``, chosen on the ``val`` tasks; the presets in
``trainers.config.PRESETS``). Progress is greedy success on fixed episodes, every ``eval_every`` iterations and at
the budget, on the set ``EVAL_SET`` names: MockGUI's ``test`` set (the training tasks on layouts never trained
on), ALFWorld's training tasks (the STEP paper's measure; the tiny model solves no held-out ALFWorld task). Each
point is deterministic for given weights; its binomial standard error over 64 (66) episodes is at most 0.0625,
and the bands show the standard error over seeds.

Results: ``bench/results/learning[_mockgui].json`` (figures, curves, the comparison table as Markdown for
bench/RESULTS.md) and ``bench/results/learning[_mockgui]_<env>.png`` (``--quick``: ``*_quick*``, so a smoke run
never overwrites the full results). Runs execute ``--jobs`` at a time in separate processes; timings taken side by
side share the machine, so compare them within one file only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import learning_summary as summary  # noqa: E402
from bench.common import RESULTS_DIR, Figure, machine, show  # noqa: E402

#: What the demo compares: each algorithm with its preset, and STEP with one of its three parts switched off.
VARIANTS: dict[str, tuple[str, dict]] = {
    "grpo": ("grpo", {}),
    "gigpo": ("gigpo", {}),
    "step": ("step", {}),
    "step_no_sr_traj": ("step", {"sr_traj": False}),
    "step_no_sr_adv": ("step", {"sr_adv": False}),
    "step_no_sl_grpo": ("step", {"sl_grpo": False}),
    "steppo": ("steppo", {}),
    "stapo": ("stapo", {}),
}
MAIN_ALGOS = ("step", "grpo", "gigpo")
ALL_VARIANTS = tuple(VARIANTS)
LABELS = {
    "step": "STEP",
    "grpo": "T-GRPO",
    "gigpo": "GiGPO",
    "steppo": "StepPO",
    "stapo": "STAPO",
    "step_no_sr_traj": "STEP w/o SR-Traj",
    "step_no_sr_adv": "STEP w/o SR-Adv",
    "step_no_sl_grpo": "STEP w/o SL-GRPO",
}
#: Run directories (checkpoints, metrics); only figures and curves go to bench/results/.
WORK = Path(os.environ.get("STEPRL_BENCH_WORK", Path(tempfile.gettempdir()) / "steprl-bench-learning"))
ENV = "ALFWorld-v0"
#: ``--env MockGUI-v0``: the eleven short tasks of the Settings app (open a pane from a shuffled list, tick a box or
#: pick a radio button, DONE: 2 or 3 steps), 5-step budget. MockGUI draws window sizes, places and the order of
#: the pane list per env seed, so the prompt shows the set-of-marks view of the accessibility tree
#: (``a11y_format="marks"``: numbered elements, responses click ``@N``): the index of a pane's entry must be read
#: off the list, while the controls inside a pane keep their numbers. SFT sees ``MOCKGUI_SFT_LAYOUTS`` oracle
#: episodes per task (distinct env seeds); evaluation: 66 episodes, 6 per task, each on its own fixed seed
#: (layouts never seen in SFT).
MOCKGUI = "MockGUI-v0"
MOCKGUI_TASKS = tuple(
    f"desktop-settings-{name}"
    for name in (
        "wifi-off",
        "bluetooth-on",
        "night_light-off",
        "mute-on",
        "notifications-off",
        "dnd-on",
        "location-off",
        "auto_update-on",
        "theme-light",
        "theme-dark",
        "theme-auto",
    )
)
MOCKGUI_SFT_LAYOUTS = 8
ENVS = (ENV, MOCKGUI)
#: The set each env's curves are measured on. MockGUI: the training tasks on held-out layouts. ALFWorld: the training
#: tasks, as the STEP paper measures, because the tiny warm start solves none of the held-out tasks (new layouts):
#: 0 of 64 ``val`` episodes before and after training at every rate tried.
EVAL_SET = {ENV: "train", MOCKGUI: "test"}


def common(env_id: str = ENV) -> dict:
    """Settings shared by SFT, evaluation and every RL run (prompts must match between them)."""
    if env_id == MOCKGUI:  # the same B x N = 8 x 4 episodes per iteration as ALFWorld
        return {
            "env_id": env_id,
            "tasks": ",".join(MOCKGUI_TASKS),
            "max_env_steps": 5,
            "max_new_tokens": 16,
            "pool_size": 16,
            "batch_tasks": 8,
            "group_size": 4,
            "eval_tasks": 6 * len(MOCKGUI_TASKS),
            "max_prompt_tokens": 512,
            "gui_observation": "a11y",
            "a11y_format": "marks",
        }
    return {
        "env_id": env_id,
        "task_limit": 64,
        "max_env_steps": 8,
        "max_new_tokens": 16,
        "pool_size": 16,
        "batch_tasks": 8,
        "group_size": 4,
        "eval_tasks": 64,
        "max_prompt_tokens": 512,
    }


#: RL settings common to every variant; each algorithm's preset adds its learning rate from the sweep (and StepPO
#: its clip range). PPO-style: 4 passes over each iteration's batch, each pass one optimiser step (``minibatches=1``:
#: the minibatch holds the whole batch, whatever its row count), so the algorithms differ in what they train on,
#: not in how many updates they make. Temperature 0.6 keeps rollouts near the greedy policy that is evaluated. The
#: reward is the env's binary success (no invalid-action penalty). No KL penalty for any algorithm, StepPO
#: included, so that the learning rate is the one knob tuned.
RL = {
    "kl_coef": 0.0,
    "temperature": 0.6,
    "epochs": 4,
    "minibatches": 1,
    "micro_batch_size": 32,
    "invalid_action_penalty": 0.0,
}
#: ALFWorld's prompts are about 450 tokens (MockGUI's about 150) and a T-GRPO batch holds about 240 rows, so 4
#: passes over it cost about a minute per iteration on one CPU core. There each iteration's rows are seen once, in
#: 4 minibatches: the same 4 optimiser steps per iteration, a quarter of the compute (the first step on-policy, the
#: later ones slightly off-policy, as in verl's default of one epoch over several minibatches).
RL_BY_ENV = {ENV: {"epochs": 1, "minibatches": 4}}


def rl_settings(env_id: str) -> dict:
    """:data:`RL` with the env's own changes (:data:`RL_BY_ENV`)."""
    return {**RL, **RL_BY_ENV.get(env_id, {})}


#: The env-step budget of a run, in iterations of all-failed episodes: B x N x max_env_steps steps each.
BUDGET_ITERATIONS = 30
#: The warm start: SFT on the oracle steps of the first 32 tasks, briefly.
SFT = {"sft_tasks": 32, "sft_epochs": 20, "sft_lr": 2e-3}
#: MockGUI's warm start: every task under MOCKGUI_SFT_LAYOUTS layouts (the task list repeated: one oracle episode
#: per entry, env seed ``seed + entry``).
SFT_MOCKGUI = {
    "sft_tasks": len(MOCKGUI_TASKS) * MOCKGUI_SFT_LAYOUTS,
    "sft_epochs": 20,
    "sft_lr": 2e-3,
    "micro_batch_size": 32,
}


def sft_settings(env_id: str = ENV) -> dict:
    if env_id == MOCKGUI:
        return {**common(env_id), **SFT_MOCKGUI, "tasks": ",".join(MOCKGUI_TASKS * MOCKGUI_SFT_LAYOUTS)}
    return {**common(env_id), **SFT}


def env_step_budget(env_id: str, iterations: int = BUDGET_ITERATIONS) -> int:
    c = common(env_id)
    return iterations * c["batch_tasks"] * c["group_size"] * c["max_env_steps"]


def warm_start(env_id: str = ENV) -> Path:
    """SFT checkpoint (reused when already there); its evaluation is the curves' starting point."""
    from trainers.config import make_config
    from trainers.sft import run_sft

    cfg_fields = {**sft_settings(env_id), "model": "tiny"}
    digest = hashlib.sha256(json.dumps(cfg_fields, sort_keys=True, default=str).encode()).hexdigest()[:10]
    out = WORK / env_id / f"sft-{digest}"  # a changed warm-start recipe never reuses an old checkpoint
    if not (out / "sft_metrics.json").is_file() or "eval_success_se" not in json.loads(
        (out / "sft_metrics.json").read_text()
    ):
        cfg = make_config({**sft_settings(env_id), "model": "tiny", "out": str(out)})
        run_sft(cfg, log=lambda s: print(f"  [{env_id} sft] {s}", flush=True))
    return out


def train(
    env_id: str, variant: str, seed: int, sft: Path, iterations: int, extra: dict | None = None, group: str = "learning"
) -> list[dict]:
    """One RL run of ``variant`` (an algorithm, or a STEP ablation) from the warm start, for at most
    ``iterations``; returns its metrics lines (iteration 0: the evaluation before training). ``group`` (the
    results name) keeps the run directories of variants apart."""
    from trainers.config import make_config
    from trainers.train import Trainer

    algo, switches = VARIANTS[variant]
    out = WORK / env_id / group / f"{variant}_s{seed}"
    if out.exists():
        import shutil

        shutil.rmtree(out)
    cfg = make_config(
        {
            **common(env_id),
            **rl_settings(env_id),
            **switches,
            "algo": algo,
            "model": str(sft),
            "out": str(out),
            "seed": seed,
            "iterations": iterations,
            **(extra or {}),
        }
    )
    Trainer(cfg, log=lambda s: print(f"  [{env_id} {variant} s{seed}] {s}", flush=True)).train()
    return [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]


def finished_run(out: Path) -> list[dict] | None:
    """The metrics lines of a run that reached its end (a final checkpoint was written), else None."""
    if not (out / "metrics.jsonl").is_file() or not (out / "checkpoints" / "latest").exists():
        return None
    return [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]


def _job(args: tuple) -> tuple[str, int, list[dict]]:
    env_id, variant, seed, sft, iterations, extra, group = args
    return variant, seed, train(env_id, variant, seed, Path(sft), iterations, extra, group)


def curves_png(env_id: str, data: dict, sft_rate: float, title: str, name: str = "learning") -> Path:
    """Evaluation success against env steps (mean and SE band over seeds) and time per iteration split into
    rollout and update."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax_t) = plt.subplots(1, 2, figsize=(13, 5), gridspec_kw={"width_ratios": [2.2, 1]})
    for k, (name_, c) in enumerate(data["curves"].items()):
        pts = c["points"]
        xs = [p["env_steps"] for p in pts]
        ys = [p["success_mean"] for p in pts]
        se = [p["success_se"] for p in pts]
        style = "--" if name_.startswith("step_no") else "-"
        (line,) = ax.plot(xs, ys, style + "o", ms=3, color=f"C{k}", label=f"{LABELS[name_]} (n={len(c['seeds'])})")
        ax.fill_between(
            xs,
            [y - e for y, e in zip(ys, se, strict=True)],
            [y + e for y, e in zip(ys, se, strict=True)],
            color=line.get_color(),
            alpha=0.12,
        )
    ax.axhline(sft_rate, color="grey", ls=":", lw=1, label="SFT warm start")
    ax.set(xlabel="environment steps (training rollouts)", ylabel="evaluation success (greedy)", ylim=(-0.02, 1.02))
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", ncol=2)
    names = list(data["table"])
    rollout = [data["table"][n]["rollout_s"] for n in names]
    update = [data["table"][n]["update_s"] for n in names]
    ax_t.bar([LABELS[n] for n in names], rollout, color="C7", label="rollout")
    ax_t.bar([LABELS[n] for n in names], update, bottom=rollout, color="C0", label="update")
    ax_t.set(ylabel="seconds")
    ax_t.set_title("time per iteration (median)", fontsize=10)
    ax_t.tick_params(axis="x", labelsize=7, rotation=60)
    ax_t.legend(fontsize=7)
    fig.tight_layout()
    path = RESULTS_DIR / f"{name}_{env_id}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def parse_sets(items: list[str]) -> dict:
    """``FIELD=VALUE`` strings -> config overrides, each value converted to the field's type."""
    from trainers.config import parse_field

    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.replace("-", "_")
        try:
            if not sep:
                raise ValueError("no '='")
            out[key] = parse_field(key, value)
        except (ValueError, TypeError, argparse.ArgumentTypeError) as e:
            raise SystemExit(f"--set {item!r}: expected FIELD=VALUE with a TrainConfig field ({e})") from None
    return out


def run(
    quick: bool,
    jobs: int = 2,
    variants: tuple[str, ...] = MAIN_ALGOS,
    seeds: int | None = None,
    budget_iterations: int | None = None,
    env_id: str = ENV,
    overrides: dict | None = None,
    name: str | None = None,
    collect: bool = False,
    keep_finished: bool = False,
) -> tuple[dict[str, Figure], dict]:
    """Train every variant under every seed and summarise. ``collect``: read the runs that finished instead;
    ``keep_finished``: read those and train only the others (a stopped comparison, or more seeds)."""
    from trainers.config import PRESETS

    seed_list = list(range(seeds if seeds else (1 if quick else 3)))
    budget_iterations = budget_iterations or (6 if quick else BUDGET_ITERATIONS)
    budget = env_step_budget(env_id, budget_iterations)
    eval_every = 2 if quick else 5
    t0 = time.perf_counter()
    sft = warm_start(env_id)
    sft_report = json.loads((sft / "sft_metrics.json").read_text())
    overrides = overrides or {}
    name = name or result_name(env_id, quick)
    extra = {"eval_every": eval_every, "eval_sets": EVAL_SET[env_id], "env_step_budget": budget, **overrides}
    tasks = [(env_id, v, s, str(sft), 3 * budget_iterations, extra, name) for s in seed_list for v in variants]
    runs: dict[str, dict[int, list[dict]]] = {v: {} for v in variants}
    if collect or keep_finished:
        for env, variant, seed, *_ in tasks:
            if (metrics := finished_run(WORK / env / name / f"{variant}_s{seed}")) is not None:
                runs[variant][seed] = metrics
    if collect:
        runs = {v: by_seed for v, by_seed in runs.items() if by_seed}
        if not runs:
            raise SystemExit(f"--collect: no finished run under {WORK / env_id / name}")
    else:
        pending = [t for t in tasks if t[2] not in runs[t[1]]]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for variant, seed, metrics in pool.map(_job, pending):
                runs[variant][seed] = metrics
    curve = summary.curves(runs)
    rows = summary.table(runs, curve)
    start = statistics.mean(r["start"] for r in rows.values())
    sft_fields = SFT if env_id == ENV else {**SFT_MOCKGUI, "sft_layouts_per_task": MOCKGUI_SFT_LAYOUTS}
    data: dict = {
        "env": env_id,
        "setting": {
            **common(env_id),
            **rl_settings(env_id),
            **overrides,
            **sft_fields,
            "env_step_budget": budget,
            "iterations_cap": 3 * budget_iterations,
            "eval_every": eval_every,
            "eval_set": EVAL_SET[env_id],
            "seeds": sorted({seed for by_seed in runs.values() for seed in by_seed}),
            "jobs": jobs,
            "learning_rates": {v: PRESETS[VARIANTS[v][0]].get("lr") for v in variants},
        },
        "sft": sft_report,
        "eval_start": start,
        "curves": curve,
        "table": rows,
        "markdown": summary.markdown(rows, LABELS, LABELS["grpo"]),
    }
    figures = {
        f"{env_id}/sft_success_train_tasks": Figure.single(
            sft_report["eval_success_rate"],
            "rate",
            f"SFT warm start on the training tasks, SE {sft_report['eval_success_se']:.3f}",
        ),
        f"{env_id}/eval_success_start": Figure.single(start, "rate", f"the warm start on the {EVAL_SET[env_id]} set"),
        **summary.figures(env_id, rows),
    }
    what = (
        "pick_and_place_simple (64 training tasks)"
        if env_id == ENV
        else f"Settings tasks ({len(MOCKGUI_TASKS)}) on held-out layouts, set-of-marks a11y"
    )
    c = common(env_id)
    title = (
        f"{env_id} {what}, tiny model\nB x N = {c['batch_tasks']} x {c['group_size']} per iteration, "
        f"budget {budget} env steps, {len(seed_list)} seed{'s' * (len(seed_list) > 1)}; line: mean, band: SE over seeds"
    )
    if overrides:
        title += "\nwith " + ", ".join(f"{k}={v}" for k, v in overrides.items())
    data["title"] = title
    png = curves_png(env_id, data, start, title, name)
    data["png"] = str(png.relative_to(RESULTS_DIR.parent.parent))
    data["wall_s"] = time.perf_counter() - t0
    print(f"  curves -> {png}")
    print(data["markdown"])
    return figures, data


def result_name(env_id: str, quick: bool) -> str:
    """``learning[_quick]`` for ALFWorld, ``learning_mockgui[_quick]`` for MockGUI."""
    return "learning" + ("_mockgui" if env_id == MOCKGUI else "") + ("_quick" if quick else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 seed, a 6-iteration budget: a few minutes")
    parser.add_argument("--all", action="store_true", help="every variant: StepPO, STAPO and STEP's ablations too")
    parser.add_argument(
        "--variants",
        help=f"comma-separated variants (default {','.join(MAIN_ALGOS)}; --all: {','.join(ALL_VARIANTS)})",
    )
    parser.add_argument("--seeds", type=int, help="seeds per variant (default 3; --quick 1)")
    parser.add_argument(
        "--budget-iterations",
        type=int,
        help=f"env-step budget in all-failed iterations (default {BUDGET_ITERATIONS}; --quick 6)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="runs in parallel (processes)")
    parser.add_argument("--env", choices=ENVS, default=ENV, help="environment setting (default ALFWorld-v0)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="override an RL config field for every run (repeatable; needs --tag)",
    )
    parser.add_argument("--tag", help="suffix of the results files, for a variant run (e.g. with --set)")
    parser.add_argument("--replot", action="store_true", help="redraw the PNG from the results JSON only")
    parser.add_argument(
        "--collect", action="store_true", help="summarise the runs that finished (e.g. of a stopped sweep); no training"
    )
    parser.add_argument(
        "--keep-finished",
        action="store_true",
        help="reuse the runs that finished and train only the missing ones (e.g. after raising --seeds)",
    )
    args = parser.parse_args()
    if args.set and not args.tag:
        parser.error("--set changes the settings: name the variant with --tag so the main results stay as they are")
    overrides = parse_sets(args.set)
    name = result_name(args.env, args.quick) + (f"_{args.tag}" if args.tag else "")
    if args.replot:
        data = json.loads((RESULTS_DIR / f"{name}.json").read_text())
        print(curves_png(data["env"], data, data["eval_start"], data["title"], name))
        return
    variants = tuple(args.variants.split(",")) if args.variants else (ALL_VARIANTS if args.all else MAIN_ALGOS)
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants {', '.join(unknown)}; choose from {', '.join(VARIANTS)}")
    figures, data = run(
        args.quick,
        args.jobs,
        variants,
        args.seeds,
        args.budget_iterations,
        args.env,
        overrides,
        name,
        args.collect,
        args.keep_finished,
    )
    show("learning", figures)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    payload = {
        "name": name,
        "machine": machine(),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "figures": {k: asdict(v) for k, v in figures.items()},
        **data,
    }
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"  -> {path}")


if __name__ == "__main__":
    main()
