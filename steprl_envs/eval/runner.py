"""``run_eval``: one agent on one protocol, episodes in parallel through an env pool, resumable.

The envs run in pool workers (``steprl_envs.pool``: local processes or Ray actors) which record each episode with
``RecordTrajectory``; the agent runs in this process. Untrusted agents run each ``act`` on a thread so that a step
that outlasts ``step_timeout_s`` or raises ends its episode as ``errored`` while the other episodes go on: the
harness aborts the episode in the pool (its recording stays unfinished, the worker takes the next episode) and the
verdict with the cause lives in ``harness.json``. Actions are passed to the env as they come: garbage costs a step
and returns ``info["action_error"]``.
"""

from __future__ import annotations

import os
import queue
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..agents import AgentFactory, load_agent
from ..core.io import dumps, write_atomic
from ..registration import make
from .layout import (
    HARNESS_FILE,
    RUN_FILE,
    Layout,
    check_distinct,
    episode_id,
    episode_state,
    make_layout,
    planned_episode,
    read_json,
    record_name,
)
from .privileged import PRIVILEGED_ID
from .protocol import build_protocol, eval_split, select_tasks

HARNESS = "steprl-eval"
#: ``EvalConfig.split`` for "the env's own evaluation split" (:func:`~.protocol.eval_split`); None means every split.
ENV_SPLIT = "<env>"
#: What the recording keeps of an agent's turn: (step field, agent attribute), read after each ``act``.
NOTES = (("response", "last_response"), ("messages", "last_messages"))


def _help(default: Any, help: str) -> Any:
    """A field with its help text; a list or dict default is built fresh per config."""
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata={"help": help})
    return field(default=default, metadata={"help": help})


@dataclass
class EvalConfig:
    """One ``steprl eval`` invocation (the CLI flags map onto these fields); every field carries its help text."""

    agent: str = field(
        metadata={
            "help": "the agent: random | oracle | module:Class | path/file.py:Class | "
            "openai:MODEL[@URL] | hf:RUN_OR_CHECKPOINT"
        }
    )
    env_id: str = field(metadata={"help": "registered env id, e.g. WebShop-v0 (see `steprl envs`)"})
    out: Path = field(metadata={"help": "results folder; running again with the same folder resumes"})
    tasks: str | None = _help(
        None, "task set: all | N (spread over the split) | id1,id2 | a file of ids or an OSWorld index {domain: [ids]}"
    )
    split: str | None = _help(ENV_SPLIT, "task split; ENV_SPLIT for the env's evaluation split, None for all")
    max_steps: int | None = _help(None, "step budget per episode (None: each task's own)")
    seeds: int = _help(1, "episodes per task, seeds 0..seeds-1")
    num_envs: int = _help(1, "episodes played at once")
    pool: str = _help("local", "where the envs run: local (processes) or ray")
    step_timeout_s: float = _help(300.0, "seconds the agent may take for one action before its episode is errored")
    env_kwargs: dict[str, Any] = _help({}, "extra env constructor arguments (part of the protocol)")
    progress: bool = _help(True, "show a progress bar")
    agent_config: str | None = _help(None, "JSON or YAML file of openai: agent settings (OpenAIAgentConfig)")
    agent_args: list[str] = _help([], "KEY=VALUE openai: agent settings, applied after agent_config")
    layout: str | None = _help(
        None, "episode folders: steprl | osworld (OSWorld's results tree); None: the run's own on a resume, else steprl"
    )


class ProtocolMismatch(RuntimeError):
    """``--out`` already holds a run of another protocol, agent or layout: resuming into it would mix two
    evaluations (or two trees of files)."""


def plan(cfg: EvalConfig) -> tuple[dict[str, Any], list[tuple[Any, int]], Any]:
    """The protocol, the (task, seed) pairs of the run, and the parent-side env used to list tasks."""
    env = make(cfg.env_id, **cfg.env_kwargs)
    split = eval_split(env) if cfg.split == ENV_SPLIT else cfg.split
    tasks = select_tasks(env, cfg.tasks, split)
    seeds = list(range(cfg.seeds))
    protocol = build_protocol(
        env,
        cfg.env_id,
        tasks,
        split=split,
        seeds=seeds,
        max_steps=cfg.max_steps,
        env_kwargs=cfg.env_kwargs,
        task_spec=cfg.tasks,
    )
    return protocol, [(t, s) for t in tasks for s in seeds], env


def run_eval(cfg: EvalConfig) -> dict[str, Any]:
    """Play every unfinished episode of the protocol and write ``summary.json`` and ``hashes.json``; return the
    summary. A second call with the same ``out`` skips the finished episodes."""
    from .summary import write_summary

    out = Path(cfg.out)
    protocol, episodes, env = plan(cfg)
    try:
        factory = load_agent(
            cfg.agent,
            env_id=cfg.env_id,
            action_mode=protocol["action_mode"],
            config_file=cfg.agent_config,
            config_args=cfg.agent_args,
        )
    finally:
        env.close()
    run = _open_run(out, cfg, protocol, episodes, factory)
    layout = Layout.of_run(run)
    todo = []
    for task, seed in episodes:
        path = layout.episode_path(out, planned_episode(task, seed))
        if episode_state(path)[0] != "done":
            if path.exists():
                shutil.rmtree(path)  # interrupted, errored or corrupt: play it again from scratch
            todo.append((task, seed))
    t0 = time.time()
    if todo:
        _play(cfg, factory, out, layout, todo, len(episodes))
    run["runs"].append({"started_at": t0, "wall_time_s": time.time() - t0, "episodes_played": len(todo)})
    write_atomic(out / RUN_FILE, dumps(run, indent=2))
    return write_summary(out, agent=factory.describe())


def _open_run(
    out: Path, cfg: EvalConfig, protocol: dict[str, Any], episodes: list[tuple[Any, int]], factory: AgentFactory
) -> dict[str, Any]:
    """run.json: read back on a resume (whose agent, settings and layout must match), else written with the layout
    the run will use."""
    settings = factory.settings
    path = out / RUN_FILE
    if path.is_file():
        run = read_json(path)
        if run["protocol"]["sha256"] != protocol["sha256"] or run["agent_spec"] != cfg.agent:
            raise ProtocolMismatch(
                f"{out} holds a run of agent {run['agent_spec']!r} under protocol {run['protocol']['sha256'][:12]}; "
                f"this is {cfg.agent!r} under {protocol['sha256'][:12]}. Use another --out."
            )
        before = run.get("agent_settings", settings)
        if before != settings:
            changed = sorted(k for k in {*before, *settings} if before.get(k) != settings.get(k))
            raise ProtocolMismatch(
                f"{out} holds a run with other agent settings ({', '.join(f'{k}={before.get(k)!r}' for k in changed)}"
                f"); resume with the same --agent-config/--agent-arg, or use another --out."
            )
        recorded = Layout.of_run(run).name
        if cfg.layout is not None and cfg.layout != recorded:
            raise ProtocolMismatch(f"{out} holds a run in the {recorded} layout, not {cfg.layout}. Use another --out.")
        return run
    planned = [planned_episode(t, s) for t, s in episodes]
    layout = make_layout(cfg.layout or "steprl", protocol, factory.describe())
    check_distinct(layout, planned)
    out.mkdir(parents=True, exist_ok=True)
    run = {
        "protocol": protocol,
        "agent_spec": cfg.agent,
        "agent_settings": settings,
        "created_at": time.time(),
        "harness": {"name": HARNESS, "step_timeout_s": cfg.step_timeout_s, "num_envs": cfg.num_envs, "pool": cfg.pool},
        "layout": layout.to_dict(),
        "episodes": planned,
        "runs": [],
    }
    write_atomic(path, dumps(run, indent=2))
    return run


def make_pool(cfg: EvalConfig, privileged: bool, record_root: Path, size: int):
    """The seam to the env pool: the privileged (oracle) env id or the plain one, local processes or Ray."""
    kwargs = dict(cfg.env_kwargs)
    if cfg.max_steps is not None:
        kwargs["max_steps"] = cfg.max_steps
    env_id = cfg.env_id
    if privileged:
        env_id, kwargs = PRIVILEGED_ID, {"inner_id": cfg.env_id, **kwargs}
    if cfg.pool == "ray":
        from ..pool import RayPool

        # at most one CPU per actor, and no more than the local machine has, so K actors start on a small host
        return RayPool(
            env_id, size, record_root=str(record_root), num_cpus=min(1.0, (os.cpu_count() or 1) / size), **kwargs
        )
    if cfg.pool != "local":
        raise ValueError(f"--pool must be local or ray, got {cfg.pool!r}")
    from ..pool import LocalPool

    return LocalPool(env_id, size, record_root=str(record_root), **kwargs)


class _Live:
    """Caller-side state of one episode attempt."""

    __slots__ = ("agent", "handle", "error", "agent_s", "busy_since", "call")

    def __init__(self, agent: Any):
        self.agent = agent
        self.handle = None
        self.error: str | None = None
        self.agent_s = 0.0
        self.busy_since: float | None = None
        self.call = 0


def _play(
    cfg: EvalConfig, factory: AgentFactory, out: Path, layout: Layout, todo: list[tuple[Any, int]], total: int
) -> None:
    from ..pool import EpisodeRequest

    by_id = {episode_id(t.id, s): (t, s) for t, s in todo}
    requests = [
        EpisodeRequest(
            task_id=t.id,
            seed=s,
            episode_id=episode_id(t.id, s),
            record_name=record_name(s),
            options=layout.record_options(planned_episode(t, s)),
        )
        for t, s in todo
    ]
    progress = _Progress(total, total - len(todo), cfg.progress)
    replies: queue.Queue = queue.Queue()
    live: dict[str, _Live] = {}
    pool = make_pool(cfg, factory.privileged, out / layout.root, max(1, min(cfg.num_envs, len(todo))))
    try:
        pool.submit(requests)
        while pool.pending:
            waiting = any(e.busy_since is not None for e in live.values())
            turns, results = pool.poll(timeout=0 if waiting else None)
            for handle, obs, info in turns:
                episode = live.get(handle.episode_id)
                if episode is None or info.get("step", 0) == 0:  # a new episode, or a retry on a fresh env
                    episode = live[handle.episode_id] = _Live(None)
                episode.handle = handle
                _start_act(factory, episode, handle, obs, {**info, "seed": by_id[handle.episode_id][1]}, replies)
            idle = waiting and not turns and not results
            _collect(pool, live, replies, cfg.step_timeout_s, wait_s=0.01 if idle else 0.0)
            for result in results:
                episode = live.pop(result.episode_id, None)
                task, seed = by_id[result.episode_id]
                _write_verdict(layout.episode_path(out, planned_episode(task, seed)), task, seed, result, episode)
                progress.add(result.ok and not (episode and episode.error))
    finally:
        pool.close()
        progress.close()


def _start_act(factory: AgentFactory, episode: _Live, handle, obs, info: dict[str, Any], replies: queue.Queue) -> None:
    """Run reset (first turn) and act, inline for trusted agents, else on a daemon thread watched by a deadline."""
    episode.call += 1
    call = episode.call
    first = episode.agent is None

    def work():
        t0 = time.perf_counter()
        try:
            if first:
                episode.agent = factory.make()
                episode.agent.reset(obs.get("instruction") or handle.instruction or "", info)  # obs: filled in
            action = episode.agent.act(obs)
            if not isinstance(action, str):
                action = repr(action)  # garbage goes to the env, which answers with an action error
            notes = {
                key: getattr(episode.agent, attr)
                for key, attr in NOTES
                if getattr(episode.agent, attr, None) is not None
            }
            replies.put((handle, call, action, notes, None, time.perf_counter() - t0))
        except Exception as e:  # an agent is user code: any failure ends its episode, not the run
            replies.put((handle, call, None, None, f"agent raised {type(e).__name__}: {e}", time.perf_counter() - t0))

    episode.busy_since = time.monotonic()
    if factory.trusted:
        work()
    else:
        threading.Thread(target=work, name=f"agent-{handle.episode_id}", daemon=True).start()


def _collect(pool, live: dict[str, _Live], replies: queue.Queue, timeout_s: float, wait_s: float) -> None:
    """Send the actions that agents have produced; abort the episodes whose agent raised or ran out of time.
    ``wait_s``: how long to wait for a first answer when nothing else can happen meanwhile."""
    actions, notes, aborts = {}, {}, {}
    while True:
        try:
            handle, call, action, note, error, spent = replies.get(timeout=wait_s) if wait_s else replies.get_nowait()
        except queue.Empty:
            break
        wait_s = 0.0
        episode = live.get(handle.episode_id)
        if episode is None or episode.handle != handle or episode.call != call or episode.busy_since is None:
            continue  # a late answer for an attempt that timed out or was retried
        episode.busy_since = None
        episode.agent_s += spent
        if error is not None:
            episode.error = aborts[handle] = error
            continue
        actions[handle] = action
        if note:
            notes[handle] = note
    now = time.monotonic()
    for episode in live.values():
        if episode.busy_since is not None and now - episode.busy_since > timeout_s:
            episode.busy_since = None
            episode.error = aborts[episode.handle] = f"agent timed out: no action within {timeout_s:g} s"
    if actions:
        pool.act(actions, notes)
    for handle, cause in aborts.items():
        pool.abort(handle, cause)


def _write_verdict(path: Path, task, seed: int, result, episode: _Live | None) -> None:
    error = (episode.error if episode else None) or (None if result.ok else result.error)
    usage = getattr(episode.agent, "usage", None) if episode and episode.agent else None
    verdict = {
        "status": "errored" if error else "ok",
        "error": error,
        "task_id": task.id,
        "seed": seed,
        "attempts": result.attempts,
        "attempt_errors": result.errors,
        "agent_time_s": round(episode.agent_s, 4) if episode else 0.0,
        "wall_time_s": round(result.wall_s, 4),
        "tokens": dict(usage) if isinstance(usage, dict) else None,
    }
    path.mkdir(parents=True, exist_ok=True)
    write_atomic(path / HARNESS_FILE, dumps(verdict, indent=2))


class _Progress:
    """A one-line progress bar on stderr (a line per 10 % when stderr is not a terminal)."""

    def __init__(self, total: int, done: int, enabled: bool):
        self.total, self.done, self.errors = total, done, 0
        self.enabled, self.tty = enabled, sys.stderr.isatty()
        self.t0 = time.perf_counter()
        self.skipped = done
        self.last_decile = -1
        self._draw()

    def add(self, ok: bool) -> None:
        self.done += 1
        self.errors += not ok
        self._draw()

    def _draw(self) -> None:
        if not self.enabled:
            return
        frac = self.done / max(self.total, 1)
        decile = int(frac * 10)
        if not self.tty and decile == self.last_decile:
            return
        self.last_decile = decile
        played = self.done - self.skipped
        rate = played / max(time.perf_counter() - self.t0, 1e-9)
        bar = "#" * int(frac * 30)
        line = f"[{bar:<30}] {self.done}/{self.total} episodes, {self.errors} errored, {rate:.1f} ep/s" + (
            f", {self.skipped} resumed" if self.skipped else ""
        )
        print(("\r" if self.tty else "") + line, end="" if self.tty else "\n", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.enabled and self.tty:
            print(file=sys.stderr)
