"""``steprl osworld fetch PATH``: download the files a task set's setup and evaluation need, for offline runs.

It collects every ``http(s)`` URL of the tasks' ``download`` steps (config and postconfig), ``cloud_file``
getters and ``update_browse_history`` steps (a fixed empty history) and stores each where a run looks first
(:mod:`steprl_envs.osworld.sources`): ``<cache>/<task id>/`` under OSWorld's own file name. Per file it prints ``OK`` (downloaded), ``cached`` (already there) or ``failed`` with a
one-line reason, then a summary; the exit status is 1 when anything failed. Files arrive through ``.part`` files
renamed when complete (an interrupt leaves no half file under the real name) and a rerun skips what is there and
resumes what was cut off. A host that cannot be reached (no DNS, refused, timed out) fails its remaining files at
once instead of waiting ``--timeout`` seconds for each.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import time
import urllib.error
import urllib.parse
from dataclasses import dataclass, field
from typing import TextIO

from . import sources
from . import tasks as tasks_mod
from .evaluate import as_list

DEFAULT_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class Wanted:
    """One file of one task: where it comes from and the name it gets in ``<cache>/<file_id>/``."""

    task: str  # the registry id (``<domain>/<id>``)
    file_id: str  # the id inside the task file: OSWorld's cache folder name
    url: str
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.aliases[0] if self.aliases else self.name


def wanted_files(taskset: tasks_mod.TaskSet, domain: str | None = None, task_id: str | None = None) -> list[Wanted]:
    """The http(s) files the selected tasks download, each (folder, name) once, in task order."""
    chosen = taskset.resolve(task_id) if task_id else None
    out: dict[tuple[str, str], Wanted] = {}
    for task in taskset.registry:
        if (domain and task.domain != domain) or (chosen and task.id != chosen):
            continue
        file_id = taskset.file_id(task.id)
        steps = as_list(task.config or []) + list(task.evaluator.get("postconfig") or [])
        for step in steps:
            if isinstance(step, dict) and step.get("type") == "update_browse_history":
                url, name = sources.BROWSE_HISTORY
                out.setdefault((file_id, name), Wanted(task.id, file_id, url, name))
            if not isinstance(step, dict) or step.get("type") != "download":
                continue
            for item in (step.get("parameters") or {}).get("files") or []:
                url, path = item.get("url"), item.get("path")
                if isinstance(url, str) and isinstance(path, str) and url and path:
                    base = os.path.basename(path)
                    w = Wanted(task.id, file_id, url, sources.download_name(url, path), (base,))
                    out.setdefault((file_id, w.name), w)
        for key in ("result", "expected"):
            for cfg in as_list(task.evaluator.get(key)):
                if not isinstance(cfg, dict) or cfg.get("type") != "cloud_file":
                    continue
                urls, dests = (
                    (cfg.get("path"), cfg.get("dest")) if cfg.get("multi") else ([cfg.get("path")], [cfg.get("dest")])
                )
                for url, dest in zip(urls or [], dests or [], strict=False):
                    if isinstance(url, str) and isinstance(dest, str) and url and dest:
                        out.setdefault((file_id, dest), Wanted(task.id, file_id, url, dest))
    return [w for w in out.values() if urllib.parse.urlsplit(w.url).scheme in ("http", "https")]


def _reason(error: BaseException) -> str:
    """One line that says why a download failed."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        error = error.reason if isinstance(error.reason, BaseException) else error
    if isinstance(error, socket.gaierror):
        return f"host not found ({error.strerror})"
    if isinstance(error, TimeoutError | socket.timeout):
        return "timed out"
    text = str(error) or type(error).__name__
    return " ".join(text.split())[:200]


def _unreachable(error: BaseException) -> bool:
    """True when the host itself is out of reach (its other files would fail the same way)."""
    if isinstance(error, urllib.error.HTTPError):
        return False
    if isinstance(error, urllib.error.URLError):
        error = error.reason if isinstance(error.reason, BaseException) else error
    return isinstance(error, socket.gaierror | TimeoutError | socket.timeout | ConnectionRefusedError)


@dataclass
class Outcome:
    fetched: int = 0
    cached: int = 0
    failed: int = 0
    bytes: int = 0
    failed_tasks: set[str] = field(default_factory=set)
    tasks: set[str] = field(default_factory=set)


def _copy_atomic(src: str, dest: str) -> None:
    tmp = dest + ".part"
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)


def fetch_all(
    wanted: list[Wanted], cache: str, timeout: float = DEFAULT_TIMEOUT_S, out: TextIO | None = None
) -> Outcome:
    """Download what is not cached yet, printing one line per file (to ``out``, default stdout)."""
    out = out or sys.stdout
    result = Outcome()
    dead: dict[str, str] = {}  # host[:port] -> why it is out of reach
    done: dict[str, str] = {}  # url -> a cached copy (tasks share files)
    for w in wanted:
        result.tasks.add(w.task)
        target = os.path.join(cache, w.file_id, w.name)
        have = next(
            (p for p in sources.cache_paths(cache, w.file_id, w.url, w.name, w.aliases) if os.path.isfile(p)), None
        )
        host = urllib.parse.urlsplit(w.url).netloc or "?"
        t0 = time.monotonic()
        try:
            if have:
                status, detail = "cached", ""
                done.setdefault(w.url, have)
            elif w.url in done:
                _copy_atomic(done[w.url], target)
                status, detail = "OK", "same file as another task's"
            elif host in dead:
                raise OSError(f"skipped: {host} is out of reach ({dead[host]})")
            else:
                size = sources.download_to(w.url, target, timeout)
                done[w.url] = target
                result.bytes += size
                status, detail = "OK", f"{size:,} bytes in {time.monotonic() - t0:.1f} s"
        except OSError as e:
            status, detail = "failed", _reason(e)
            if host not in dead and _unreachable(e):
                dead[host] = detail
        if status == "failed":
            result.failed += 1
            result.failed_tasks.add(w.task)
        elif status == "cached":
            result.cached += 1
        else:
            result.fetched += 1
        print(f"{status:<7} {w.task}  {w.label}" + (f": {detail}" if detail else ""), file=out, flush=True)
    return result


def summary(result: Outcome, total: int, cache: str) -> str:
    complete = len(result.tasks - result.failed_tasks)
    return (
        f"{total} files of {len(result.tasks)} tasks: {result.fetched} fetched ({result.bytes:,} bytes), "
        f"{result.cached} cached, {result.failed} failed; {complete} tasks have all their files in {cache}"
    )


def cmd_fetch(args: argparse.Namespace) -> int:
    from ..cli_common import UsageError
    from .coverage import resolve_root

    try:
        taskset = tasks_mod.load(resolve_root(args.path), args.index)
        if args.task and taskset.resolve(args.task) not in taskset.registry:
            raise UsageError(f"fetch: no task {args.task!r} in {args.path}")
        if args.domain and args.domain not in {t.domain for t in taskset.registry}:
            raise UsageError(f"fetch: no domain {args.domain!r} in {args.path}")
        wanted = wanted_files(taskset, args.domain, args.task)
    except (FileNotFoundError, tasks_mod.AmbiguousTaskError) as e:
        raise UsageError(f"fetch: {e.args[0] if e.args else e}") from None
    cache = args.cache or sources.default_cache()
    try:
        result = fetch_all(wanted, cache, args.timeout)
    except KeyboardInterrupt:
        print("interrupted: run the same command again to go on (finished files are kept)", file=sys.stderr)
        return 130
    print(summary(result, len(wanted), cache))
    return 1 if result.failed else 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="an OSWorld evaluation_examples/ folder (or a checkout holding one)")
    parser.add_argument("--index", default=None, help="index file to use, e.g. test_small (default: test_all)")
    parser.add_argument("--domain", default=None, help="only this domain's tasks")
    parser.add_argument("--task", default=None, help="only this task (<domain>/<id>, or an id unique across domains)")
    parser.add_argument(
        "--cache", default=None, help="cache folder (default: $STEPRL_OSWORLD_CACHE or ~/.cache/steprl/osworld)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help=f"seconds without an answer before a download fails (default {DEFAULT_TIMEOUT_S:g})",
    )
    parser.set_defaults(func=cmd_fetch)
