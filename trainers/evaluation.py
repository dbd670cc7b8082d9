"""Evaluation sets of a training run and their scoring.

Three sets, so that settings can be chosen on one and reported on another:

- ``train``: the first ``eval_tasks`` training tasks (the STEP paper's measure: success on the training tasks);
- ``val`` and ``test``: held-out tasks, the split's tasks that are not training tasks, taken alternately (``val``
  the 1st, 3rd, ... and ``test`` the 2nd, 4th, ...), so the two sets come from the same part of the split and never
  share a task. Where the split has no other tasks (an explicit ``--tasks`` list, or training on the whole split),
  both sets replay the training tasks under env seeds of their own: held-out layouts in envs that draw a layout
  per seed (MockGUI), but the same episodes in envs that do not (ALFWorld's layout follows the task id).

Each set has its own env-seed base, so the three never share an episode; every evaluation of one set runs the same
slots, seeds and sampling streams, so two evaluations of the same weights give the same number.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

EVAL_SETS = ("train", "val", "test")
#: Env-seed base of each evaluation set (the training rounds draw theirs from the run's seed, far below these).
SET_SEEDS = {"train": 10_000_019, "val": 20_000_033, "test": 30_000_049}
EVAL_SEED = SET_SEEDS["train"]


@dataclass(frozen=True)
class EvalSet:
    """One evaluation set: its name, its ``(planned_task, task_id)`` slots and its env-seed base."""

    name: str
    slots: list[tuple[str, str]]
    seed: int


def eval_slots(task_ids: list[str], episodes: int) -> list[tuple[str, str]]:
    """The first ``episodes`` tasks, cycling through the list when it is shorter."""
    return [(task_ids[i % len(task_ids)],) * 2 for i in range(episodes)]


def parse_eval_sets(text: str) -> tuple[str, ...]:
    """``"train,test"`` -> ``("train", "test")``; ValueError naming the valid sets otherwise."""
    names = tuple(s.strip() for s in text.split(",") if s.strip())
    bad = [s for s in names if s not in EVAL_SETS]
    if bad or not names or len(set(names)) != len(names):
        raise ValueError(
            f"eval_sets must be distinct names among {', '.join(EVAL_SETS)} (comma-separated), got {text!r}"
        )
    return names


def build_eval_sets(names: tuple[str, ...], train_ids: list[str], split_ids: list[str], episodes: int) -> list[EvalSet]:
    """The sets ``names`` of a run that trains on ``train_ids`` out of the split ``split_ids``."""
    training = set(train_ids)
    held_out = [t for t in split_ids if t not in training]
    sets = []
    for name in names:
        if name == "train" or not held_out:
            pool = train_ids
        else:
            pool = held_out[0::2] if name == "val" else held_out[1::2] or held_out
        sets.append(EvalSet(name, eval_slots(pool, episodes), SET_SEEDS[name]))
    return sets


def score_set(roller: Any, eval_set: EvalSet, greedy: bool) -> dict[str, float]:
    """Success on one set, with its binomial standard error ``sqrt(p (1 - p) / n)``, under ``eval_<set>_*``."""
    t0 = time.perf_counter()
    trajs, stats = roller.run(eval_set.slots, seed=eval_set.seed, greedy=greedy)
    n = max(len(trajs), 1)
    p = sum(t.success for t in trajs) / n
    key = f"eval_{eval_set.name}"
    return {
        f"{key}_success_rate": p,
        f"{key}_success_se": math.sqrt(p * (1 - p) / n),
        f"{key}_episodes": len(trajs),
        f"{key}_mean_score": sum(t.score for t in trajs) / n,
        f"{key}_env_steps": stats.env_steps,
        f"{key}_time_s": time.perf_counter() - t0,
    }


def evaluate(roller: Any, sets: list[EvalSet], greedy: bool = True) -> dict[str, float]:
    """Every set's figures, plus the first set's under the plain ``eval_*`` names (the curves' y values) and the
    total evaluation time. Greedy decoding by default; sampling (``greedy=False``) uses per-episode seeded streams,
    so both are reproducible."""
    out: dict[str, float] = {}
    for s in sets:
        out.update(score_set(roller, s, greedy))
    first = f"eval_{sets[0].name}_"
    for name in ("success_rate", "success_se", "episodes", "mean_score", "env_steps"):
        out[f"eval_{name}"] = out[first + name]
    out["time_eval_s"] = sum(out[f"eval_{s.name}_time_s"] for s in sets)
    return out
