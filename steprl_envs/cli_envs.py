"""``steprl envs`` and ``steprl tasks``: what can be run."""

from __future__ import annotations

import argparse
import json


def add_parser(sub: argparse._SubParsersAction, name: str, help_text: str) -> None:
    if name == "rates":
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("path", help="a success-rate file written by SuccessRateTracker (e.g. a training run's)")
        p.add_argument("--json", action="store_true", help="print JSON instead of a table")
        p.set_defaults(func=cmd_rates)
        return
    if name == "envs":
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help="print JSON instead of a table")
        p.set_defaults(func=cmd_envs)
    else:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("env_id", help="a registered env id, e.g. MockGUI-v0")
        p.add_argument("--split", default=None, help="only tasks of this split")
        p.add_argument("--json", action="store_true", help="print JSON records instead of ids")
        p.set_defaults(func=cmd_tasks)


def _make(env_id: str, **kwargs):
    import gymnasium as gym

    import steprl_envs  # noqa: F401  (registers the ids)

    return gym.make(env_id, disable_env_checker=True, **kwargs)


def env_summary(env_id: str) -> dict:
    """Task counts per split of one env; problems are reported, not raised, so one broken env never hides the rest."""
    try:
        env = _make(env_id)
    except Exception as e:  # an optional dependency may be missing
        return {"id": env_id, "error": f"{type(e).__name__}: {e}"}
    try:
        u = env.unwrapped
        splits: dict[str, int] = {}
        tasks = getattr(u, "tasks", None)
        if tasks is not None and hasattr(tasks, "splits"):
            splits = tasks.splits()
        total = len(u.task_ids())
        return {"id": env_id, "tasks": total, "splits": splits, "action_mode": getattr(u, "action_mode", None)}
    finally:
        env.close()


def cmd_envs(args: argparse.Namespace) -> int:
    from .registration import ENVS

    rows = [env_summary(env_id) for env_id in ENVS]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'env id':<24} {'tasks':>6}  {'action mode':<12} splits")
    for row in rows:
        if "error" in row:
            print(f"{row['id']:<24} {'-':>6}  unavailable: {row['error']}")
        else:
            splits = ", ".join(f"{k}={v}" for k, v in sorted(row["splits"].items()))
            print(f"{row['id']:<24} {row['tasks']:>6}  {row['action_mode'] or '-':<12} {splits}")
    return 0


def cmd_tasks(args: argparse.Namespace) -> int:
    from .cli_common import check_env_id

    env = _make(check_env_id(args.env_id))
    try:
        u = env.unwrapped
        ids = u.task_ids(args.split)
        table = getattr(u, "task_table", None)
        if table is not None and not args.json:  # an env that describes its tasks in columns
            for line in table(ids):
                print(line)
            ids = []
        for task_id in ids:
            if args.json:
                print(json.dumps(u.tasks.get(task_id).to_dict(), default=str))
            else:
                print(task_id)
        errors = getattr(getattr(u, "tasks", None), "errors", [])
        for problem in errors:
            print(f"warning: {problem}")
    finally:
        env.close()
    return 0


def cmd_rates(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .cli_common import UsageError
    from .core import SuccessRateTracker

    if not Path(args.path).is_file():
        raise UsageError(f"no success-rate file at {args.path}")
    snapshot = SuccessRateTracker(args.path).snapshot()
    if args.json:
        print(json.dumps({k: {**vars(v), "raw_rate": v.raw_rate} for k, v in snapshot.items()}, indent=2))
        return 0
    print(f"{'task':<48} {'attempts':>8} {'successes':>9} {'smoothed':>8} {'mean score':>10}")
    for task_id, s in snapshot.items():
        print(f"{task_id:<48} {s.attempts:>8} {s.successes:>9} {s.rate:>8.2f} {s.mean_score:>10.2f}")
    return 0
