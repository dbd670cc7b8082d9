"""Reset every task of an official ``evaluation_examples`` folder that can run offline in the full desktop image,
and say per domain how many resets ran their setup without error.

    python -m bench.osworld_official_resets /path/to/evaluation_examples [--domain chrome] [--limit N] [--json out]

A task is tried when it is supported here (every setup step, getter and metric registered, no account to sign in
to), has no ``download`` step (those need the task's files from the network or a filled cache) and every
``related_apps`` entry is in the full image. Each reset is a fresh container (one env, reused). Setup errors are
grouped by their first line with the step's parameters left out, so one cause shows once with its count.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict

from steprl_envs.osworld import tasks as tasks_mod


def candidates(taskset) -> tuple[list[str], Counter]:
    """Task ids to try, and why the others are left out (reason -> count)."""
    chosen, skipped = [], Counter()
    for task in taskset.registry:
        steps = task.config if isinstance(task.config, list) else []
        if task.id in taskset.unsupported:
            skipped["unsupported here"] += 1
        elif task.id in taskset.credentials:
            skipped["needs credentials"] += 1
        elif any(isinstance(s, dict) and s.get("type") == "download" for s in steps):
            skipped["has a download step"] += 1
        elif tasks_mod.apps_outside_full_image(task):
            skipped["app not in the full image: " + ", ".join(tasks_mod.apps_outside_full_image(task))] += 1
        else:
            chosen.append(task.id)
    return chosen, skipped


def cause(error: str) -> str:
    """The first line of a setup error, with quoted values and numbers folded, so one cause groups once."""
    line = error.strip().splitlines()[0] if error.strip() else "(empty error)"
    line = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", line)
    return re.sub(r"\d+(\.\d+)?", "N", line)[:160]


def sweep(folder: str, domain: str | None = None, limit: int | None = None, log=print) -> dict:
    from steprl_envs.osworld.env import OSWorldEnv

    env = OSWorldEnv(provider="docker", image="full", tasks=folder, observation="screenshot", max_steps=1)
    ids, skipped = candidates(env.taskset)
    if domain:
        ids = [i for i in ids if env.taskset.registry.get(i).domain == domain]
    ids = ids[:limit] if limit else ids
    per_domain: dict[str, Counter] = defaultdict(Counter)
    errors: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    times: list[float] = []
    try:
        for n, task_id in enumerate(ids, 1):
            dom = env.taskset.registry.get(task_id).domain
            per_domain[dom]["tried"] += 1
            t0 = time.perf_counter()
            try:
                env.reset(options={"task_id": task_id})
                error = env.env_error
            except Exception as e:  # a reset that raises (desktop gone, engine error) is a setup error too
                error = f"{type(e).__name__}: {e}"
            times.append(time.perf_counter() - t0)
            if error:
                per_domain[dom]["errors"] += 1
                errors[dom][cause(error)].append(task_id)
                log(f"[{n}/{len(ids)}] {task_id}: SETUP ERROR {error.strip().splitlines()[0][:200]}")
            else:
                per_domain[dom]["ok"] += 1
                log(f"[{n}/{len(ids)}] {task_id}: ok {times[-1]:.1f} s")
    finally:
        env.close()
    return {
        "folder": folder,
        "skipped": dict(skipped),
        "domains": {d: dict(c) for d, c in sorted(per_domain.items())},
        "errors": {d: {k: v for k, v in e.items()} for d, e in errors.items()},
        "reset_s_median": sorted(times)[len(times) // 2] if times else None,
        "wall_s": sum(times),
    }


def report(result: dict) -> str:
    lines = [f"{'domain':<22} {'tried':>5} {'reset OK':>8} {'errors':>6}"]
    total = Counter()
    for dom, c in result["domains"].items():
        lines.append(f"{dom:<22} {c.get('tried', 0):>5} {c.get('ok', 0):>8} {c.get('errors', 0):>6}")
        total.update(c)
    lines.append(f"{'all':<22} {total['tried']:>5} {total['ok']:>8} {total['errors']:>6}")
    for dom, causes in result["errors"].items():
        lines.append(f"setup errors in {dom}:")
        for text, ids in sorted(causes.items(), key=lambda kv: -len(kv[1])):
            lines.append(f"  {len(ids)} x {text}  (e.g. {ids[0]})")
    lines.append("not tried: " + ", ".join(f"{k}: {v}" for k, v in sorted(result["skipped"].items())))
    if result["reset_s_median"] is not None:
        lines.append(f"reset median {result['reset_s_median']:.2f} s, {result['wall_s']:.0f} s in all")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="an official evaluation_examples folder")
    parser.add_argument("--domain", help="only this domain")
    parser.add_argument("--limit", type=int, help="at most this many tasks")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    result = sweep(args.folder, args.domain, args.limit, log=lambda s: print(s, file=sys.stderr, flush=True))
    print(report(result))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
