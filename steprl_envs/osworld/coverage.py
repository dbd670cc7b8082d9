"""``steprl osworld coverage PATH``: which tasks of an OSWorld task folder this package can run, and what is missing.

PATH is an ``evaluation_examples/`` folder (``examples/<domain>/<id>.json`` plus ``test_*.json`` indexes) or a
checkout that contains one. Per domain it counts the tasks that load, and of those: fully supported (every setup
step, getter, metric and metric option is implemented and no account is needed), runnable in the full image
(fully supported and every ``related_apps`` entry is in :data:`~steprl_envs.osworld.apps.FULL_IMAGE_APPS`), needing
credentials (a step or getter signs in to an account: :mod:`~steprl_envs.osworld.credentials`, whatever else is
missing) and unsupported (something is missing); loaded = supported + needs credentials + unsupported. It then lists the missing names and
accounts by how many tasks need them. Only fully supported tasks are in ``OSWorld-v0``'s task list, so the others
are never scored. ``--json`` adds every task's status and reasons.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from . import tasks as tasks_mod


def resolve_root(path: str | Path) -> Path:
    root = Path(path)
    if (root / "evaluation_examples").is_dir() and not (root / "examples").is_dir():
        root = root / "evaluation_examples"
    return root


COLUMNS = ("tasks", "loaded", "supported", "full_image", "needs_credentials", "unsupported", "not_loaded")


def _status(parts: dict[str, list[str]], accounts: list[str]) -> str:
    """An account outranks missing parts: without it the task cannot run here whatever else gets implemented."""
    if accounts:
        return "needs_credentials"
    return "unsupported" if any(parts.values()) else "supported"


def analyse(path: str | Path, index: str | None = None) -> dict[str, Any]:
    """Coverage of one task folder as a JSON-ready dict."""
    root = resolve_root(path)
    loaded = tasks_mod.load(root, index)
    domains: dict[str, dict[str, int]] = {}

    def row(domain: str) -> dict[str, int]:
        return domains.setdefault(domain, dict.fromkeys(COLUMNS, 0))

    missing: dict[str, Counter] = {kind: Counter() for kind in tasks_mod.REASON_PREFIXES}
    accounts_count: Counter = Counter()
    outside: Counter = Counter()
    per_task: dict[str, dict[str, Any]] = {}
    for task in loaded.registry:
        r = row(task.domain)
        r["tasks"] += 1
        r["loaded"] += 1
        parts = tasks_mod.missing_parts(task)
        accounts = tasks_mod.accounts_needed(task)
        apps_out = tasks_mod.apps_outside_full_image(task)
        status = _status(parts, accounts)
        r[status] += 1
        full_image = status == "supported" and not apps_out
        r["full_image"] += full_image
        for kind, names in parts.items():
            missing[kind].update(names)
        accounts_count.update(accounts)
        if status == "supported":
            outside.update(apps_out)
        per_task[task.id] = {
            "domain": task.domain,
            "status": status,
            "full_image": full_image,
            "apps": tasks_mod.task_apps(task),
            "apps_outside_full_image": apps_out,
            "missing": {k: v for k, v in parts.items() if v},
            "needs_credentials": accounts,
        }
    problems = []
    for problem in loaded.problems:
        p = Path(problem.path)
        domain = p.parent.name if p.parent.parent.name == "examples" else "<index>"
        r = row(domain)
        r["tasks"] += 1
        r["not_loaded"] += 1
        problems.append(
            {"path": problem.path, "field": problem.field, "message": problem.message, "text": str(problem)}
        )
    total = {k: sum(d[k] for d in domains.values()) for k in COLUMNS}
    return {
        "root": str(root),
        "indexes": [p.name for p in loaded.indexes],
        "total": total,
        "domains": dict(sorted(domains.items())),
        "missing": {k: dict(v.most_common()) for k, v in missing.items()},
        "needs_credentials": dict(accounts_count.most_common()),
        "apps_outside_full_image": dict(outside.most_common()),
        "unsupported_tasks": {k: v for k, v in sorted(loaded.unsupported.items())},
        "credential_tasks": {k: v for k, v in sorted(loaded.credentials.items())},
        "tasks": dict(sorted(per_task.items())),
        "problems": problems,
    }


def format_report(report: dict[str, Any]) -> str:
    t = report["total"]
    lines = [
        f"OSWorld tasks in {report['root']} (index: {', '.join(report['indexes']) or 'all example files'})",
        f"{t['tasks']} tasks: {t['loaded']} loaded, {t['supported']} fully supported, {t['full_image']} runnable in "
        f"the full image, {t['needs_credentials']} need credentials, {t['unsupported']} unsupported, "
        f"{t['not_loaded']} not loaded",
        "",
        f"{'domain':<20} {'tasks':>6} {'loaded':>7} {'supported':>10} {'full image':>11} {'credentials':>12} "
        f"{'unsupported':>12} {'not loaded':>11}",
    ]
    for domain, d in [*report["domains"].items(), ("total", t)]:
        lines.append(
            f"{domain:<20} {d['tasks']:>6} {d['loaded']:>7} {d['supported']:>10} {d['full_image']:>11} "
            f"{d['needs_credentials']:>12} {d['unsupported']:>12} {d['not_loaded']:>11}"
        )
    titles = {
        "setup": "missing setup steps",
        "getters": "missing getters",
        "metrics": "missing metrics",
        "options": "unsupported metric options",
    }
    sections = [(titles[kind], report["missing"][kind]) for kind in titles]
    sections += [
        ("accounts needed", report["needs_credentials"]),
        ("apps of supported tasks outside the full image", report["apps_outside_full_image"]),
    ]
    for title, names in sections:
        lines.append("")
        if not names:
            lines.append(f"{title}: none")
            continue
        lines.append(f"{title} (tasks that need it):")
        lines += [f"  {name:<40} {count}" for name, count in names.items()]
    if report["problems"]:
        lines += ["", "not loaded:"]
        lines += [f"  {p['text']}" for p in report["problems"]]
    return "\n".join(lines)


def cmd_coverage(args: argparse.Namespace) -> int:
    from ..cli_common import UsageError

    try:
        report = analyse(args.path, args.index)
    except FileNotFoundError as e:
        raise UsageError(f"coverage: {e}") from None
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


def add_parser(sub: argparse._SubParsersAction, name: str, help_text: str) -> None:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    commands = parser.add_subparsers(dest="osworld_command", metavar="SUBCOMMAND")
    cov = commands.add_parser(
        "coverage", help="per domain: fully supported tasks and what is missing", description=__doc__.split("\n\n")[0]
    )
    cov.add_argument("path", help="an OSWorld evaluation_examples/ folder (or a checkout holding one)")
    cov.add_argument(
        "--index",
        default=None,
        help="index file to use, e.g. test_small (default: test_all.json, else every test_*.json)",
    )
    cov.add_argument("--json", action="store_true", help="print the report as JSON")
    cov.set_defaults(func=cmd_coverage)
    from . import fetch

    fetch.add_arguments(
        commands.add_parser(
            "fetch",
            help="download the tasks' input and gold files into the offline cache",
            description=fetch.__doc__.split("\n\n")[0],
        )
    )
    parser.set_defaults(func=lambda args: parser.print_help() or 2)
