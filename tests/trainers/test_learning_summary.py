"""The learning demo's summaries: curves aligned over seeds that ran different iteration counts, the SE band, the
env steps to reach T-GRPO's final success, and the comparison table."""

from __future__ import annotations

import math

import pytest

from bench import learning_summary as summary
from bench.tune_learning import choose


def _run(evals: list[tuple[int, int, float]], samples: int, success: float) -> list[dict]:
    """Metrics lines: an evaluation at each ``(iteration, env_steps, rate)``, a training line at every iteration."""
    lines = []
    for it, steps, rate in evals:
        line = {"iteration": it, "env_steps": steps, "eval_success_rate": rate}
        if it:
            line.update(time_rollout_s=2.0, time_update_s=1.0 + it, samples=samples, success_rate=success)
        lines.append(line)
    return lines


def test_curves_align_seeds_and_keep_each_seeds_final_point():
    runs = {
        "grpo": {
            0: _run([(0, 0, 0.2), (5, 100, 0.3), (10, 200, 0.4), (11, 220, 0.5)], 200, 0.2),
            1: _run([(0, 0, 0.2), (5, 100, 0.1), (10, 210, 0.2)], 200, 0.2),
        }
    }
    pts = summary.curves(runs)["grpo"]["points"]
    assert [p["per_seed"] for p in pts] == [[0.2, 0.2], [0.3, 0.1], [0.5, 0.2]]
    assert pts[-1]["env_steps"] == 215 and pts[-1]["iteration"] == 10.5
    assert pts[1]["success_se"] == pytest.approx(math.sqrt(0.02) / math.sqrt(2))  # stdev 0.1414 / sqrt(2)
    assert pts[0]["success_se"] == 0.0


def test_table_reports_final_best_steps_to_reference_and_time_split():
    runs = {
        "grpo": {0: _run([(0, 0, 0.2), (5, 100, 0.3), (10, 200, 0.25)], 200, 0.2)},
        "step": {0: _run([(0, 0, 0.2), (5, 90, 0.25), (10, 180, 0.4)], 40, 0.3)},
        "stapo": {0: _run([(0, 0, 0.2), (5, 100, 0.1), (10, 200, 0.1)], 200, 0.1)},
    }
    rows = summary.table(runs, summary.curves(runs))
    assert rows["step"]["final_mean"] == 0.4 and rows["step"]["best_mean"] == 0.4
    assert rows["grpo"]["best_mean"] == 0.3 and rows["grpo"]["final_mean"] == 0.25
    assert rows["step"]["steps_to_reference_final"] == 90  # first point at or above T-GRPO's final 0.25
    assert rows["grpo"]["steps_to_reference_final"] == 100
    assert rows["stapo"]["steps_to_reference_final"] is None
    assert rows["step"]["rollout_s"] == 2.0 and rows["step"]["update_s"] == 8.5
    assert rows["step"]["rows_per_iter"] == 40
    text = summary.markdown(rows, {"grpo": "T-GRPO", "step": "STEP", "stapo": "STAPO"}, "T-GRPO")
    assert "| STAPO | 1 | 0.100 ± 0.000 |" in text and "not reached" in text
    ratio = summary.figures("X", rows)["X/step_vs_tgrpo_time_ratio"]
    assert ratio.median == pytest.approx(1.0)  # same medians here: 2 + 8.5 over 2 + 8.5


def test_the_sweep_picks_the_best_mean_and_breaks_ties_towards_the_smaller_rate():
    assert choose({3e-5: [0.1, 0.2], 1e-4: [0.3, 0.3], 3e-4: [0.5, 0.0]}) == 1e-4
    assert choose({3e-5: [0.3, 0.3], 1e-4: [0.3, 0.3]}) == 3e-5
