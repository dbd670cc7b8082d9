"""OSWorld's evaluator semantics, on a :class:`~steprl_envs.osworld.context.DesktopContext`.

``evaluator = {"func": name | [names], "conj": "and" | "or", "result": getter | [getters],
"expected": getter | [getters], "options": {} | [{}], "postconfig": [steps]}``:

1. ``postconfig`` steps run first (typically: activate the window, save, wait).
2. ``func == "infeasible"``: 1 when the agent ended with FAIL, else 0. On any other task, FAIL scores 0.
3. One metric: ``metric(result, expected, **options)`` (``metric(result, **options)`` without ``expected``).
4. Several: ``conj="and"`` stops at the first 0 and otherwise averages; ``"or"`` stops at the first 1 and
   otherwise takes the maximum. Scores may be fractional.
5. A getter that raises ``FileNotFoundError`` scores that metric 0 (as OSWorld). Other exceptions propagate:
   the env turns them into score 0 with ``info["error"]``.
"""

from __future__ import annotations

from typing import Any

from .context import DesktopContext
from .current import scoring_on
from .getters import GETTERS
from .metrics import METRICS
from .setup import run_steps


def as_list(value: Any, n: int | None = None) -> list:
    if isinstance(value, list):
        return value
    return [value] * (n or 1)


def _get(ctx: DesktopContext, config: dict | None):
    if not config:
        return None
    config = ctx.vm(config)
    return GETTERS.get(config["type"])(ctx, config)


def _score(value: Any) -> float:
    if isinstance(value, tuple):  # some metrics report (score, reason)
        value = value[0]
    if value is None:
        return 0.0
    return float(value)


def run_metric(ctx: DesktopContext, func: str, result_cfg, expected_cfg, options: dict | None) -> float:
    metric = METRICS.get(func)
    try:
        result = _get(ctx, result_cfg)
        if expected_cfg:
            expected = _get(ctx, expected_cfg)
            with scoring_on(ctx):
                return _score(metric(result, expected, **(options or {})))
        with scoring_on(ctx):
            return _score(metric(result, **(options or {})))
    except FileNotFoundError as e:
        ctx.log.append(f"{func}: file not found ({e}): scored 0")
        return 0.0


def evaluate(ctx: DesktopContext, evaluator: dict, agent_failed: bool) -> float:
    """The task score in [0, 1]; ``agent_failed``: the episode ended with the agent's FAIL."""
    run_steps(ctx, evaluator.get("postconfig"), "postconfig")
    func = evaluator["func"]
    if func == "infeasible" or func == ["infeasible"]:
        return 1.0 if agent_failed else 0.0
    if agent_failed:
        return 0.0
    if not isinstance(func, list):
        return run_metric(ctx, func, evaluator.get("result"), evaluator.get("expected"), evaluator.get("options"))
    n = len(func)
    results = as_list(evaluator.get("result"), n)
    expected = as_list(evaluator.get("expected"), n)
    options = as_list(evaluator.get("options") or {}, n)
    conj = evaluator.get("conj", "and")
    if conj not in ("and", "or"):
        raise ValueError(f"conj must be 'and' or 'or', got {conj!r}")
    scores = []
    for i, name in enumerate(func):
        score = run_metric(
            ctx, name, results[i], expected[i] if i < len(expected) else None, options[i] if i < len(options) else {}
        )
        if conj == "and" and score == 0:
            return 0.0
        if conj == "or" and score >= 1:
            return 1.0
        scores.append(score)
    return sum(scores) / len(scores) if conj == "and" else max(scores)
