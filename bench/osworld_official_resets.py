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
    """A setup error folded so that one cause groups once: its first line with the command left out and numbers
    folded, and the last line of the output when there is more (usually the program's own reason)."""
    lines = [line.strip() for line in error.strip().splitlines() if line.strip()] or ["(empty error)"]
    head = re.sub(r"""failed: (['"]).*\1 (exited with status|did not reach)""", r"failed: <command> \2", lines[0])
    head = re.sub(r"\d+(\.\d+)?", "N", head)[:160]
    return head + (f" … {lines[-1][:120]}" if len(lines) > 1 else "")


def sweep(folder: str, domain: str | None = None, limit: int | None = None, only=(), log=print) -> dict:
    from steprl_envs.desktop import image
    from steprl_envs.osworld.env import OSWorldEnv

    tag = image.ensure_image(kind="full")  # built from these sources (a build takes minutes the first time)
    env = OSWorldEnv(provider="docker", image=tag, tasks=folder, observation="screenshot", max_steps=1)
    ids, skipped = candidates(env.taskset)
    if domain:
        ids = [i for i in ids if env.taskset.registry.get(i).domain == domain]
    if only:
        ids = [i for i in ids if i in set(only)]
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


def figures(result: dict) -> dict:
    """The sweep as benchmark figures (``bench/results/osworld_official_resets.json``): reset OK per domain."""
    from bench.common import Figure

    out = {}
    total = Counter()
    for dom, c in result["domains"].items():
        causes = result["errors"].get(dom, {})
        why = "; ".join(f"{len(ids)} x {text}" for text, ids in causes.items())
        out[f"reset_ok_{dom}"] = Figure.single(
            c.get("ok", 0), "tasks", f"of {c.get('tried', 0)} tried" + (f"; {why}" if why else "")
        )
        total.update(c)
    skipped = ", ".join(f"{k}: {v}" for k, v in sorted(result["skipped"].items()))
    out["reset_ok_all"] = Figure.single(total["ok"], "tasks", f"of {total['tried']} tried; not tried: {skipped}")
    if result["reset_s_median"] is not None:
        out["reset_median"] = Figure.single(result["reset_s_median"], "s", "per task, fresh container + its setup")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="an official evaluation_examples folder")
    parser.add_argument("--domain", help="only this domain")
    parser.add_argument("--limit", type=int, help="at most this many tasks")
    parser.add_argument("--task", action="append", default=[], help="only this task (domain/id); repeatable")
    parser.add_argument("--json", help="also write the whole result (task ids by cause) to this file")
    parser.add_argument("--save", action="store_true", help="write bench/results/osworld_official_resets.json")
    args = parser.parse_args(argv)
    result = sweep(args.folder, args.domain, args.limit, args.task, log=lambda s: print(s, file=sys.stderr, flush=True))
    print(report(result))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    if args.save:
        from bench.common import write

        print(f"  -> {write('osworld_official_resets', figures(result))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
