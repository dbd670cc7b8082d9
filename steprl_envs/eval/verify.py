"""``steprl eval verify DIR``: recompute a run's scores from its recorded files and check every hash.

Checks, each reported as a problem rather than an exception so that one run yields one complete verdict:

1. ``summary.json`` names the digest of ``hashes.json``, and every listed file still has its hash (no file
   missing, changed or added);
2. the protocol hash matches the protocol, and summary.json and run.json name the same layout;
3. every completed episode is consistent: ``traj.jsonl`` ends with the step that ``result.json`` and
   ``result.txt`` report (score, success, step count);
4. with ``replay`` (default), every completed episode's recorded actions are played again in a fresh env with the
   same task and seed, and must reach the same score, success and step count (steprl's embedded envs are
   deterministic), so a score cannot be raised by rewriting files and their hashes together;
5. the summary's results, per-domain and per-task scores equal those recomputed from the files.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..core.recorder import RESULT_FILE, Episode, load_episode
from .hashing import file_hashes, hashes_digest
from .layout import HASHES_FILE, RUN_FILE, SUMMARY_FILE, Layout, read_json
from .protocol import protocol_hash
from .summary import scores

RECOMPUTED = ("results", "per_domain", "per_task", "episodes")


def verify(out: str | Path, *, replay: bool = True) -> dict[str, Any]:
    """Return ``{"ok": bool, "problems": [...], "episodes_checked": n, "episodes_replayed": n}``."""
    out = Path(out)
    problems: list[str] = []
    try:
        summary, hashes, run = (read_json(out / f) for f in (SUMMARY_FILE, HASHES_FILE, RUN_FILE))
        layout = Layout.of_run(run)  # checked before any path is built from it
    except (OSError, ValueError) as e:
        return {"ok": False, "problems": [f"cannot read the run: {e}"], "episodes_checked": 0, "episodes_replayed": 0}
    problems += _check_hashes(out, summary, hashes)
    protocol = summary.get("protocol", {})
    if protocol_hash(protocol) != protocol.get("sha256") or protocol != run.get("protocol"):
        problems.append("protocol: its hash does not match its content or run.json")
    if (summary.get("layout") or Layout().to_dict()) != layout.to_dict():
        problems.append("layout: summary.json and run.json name different episode folders")
    records = scores(out, run)
    checked = {e["path"] for e in records["episodes"] if e["status"] == "ok"}
    done = []
    for planned in run["episodes"]:
        path = layout.episode_path(out, planned)
        if path.relative_to(out).as_posix() in checked:
            done.append((planned, path))
    env, replay_problems = _replay_env(run["protocol"]) if replay and done else (None, [])
    replayed = 0
    try:  # one pass: each episode is read once, checked, then replayed (its problems listed after the checks')
        for planned, path in done:
            episode_problems, episode = _check_episode(out, path)
            problems += episode_problems
            if env is not None and episode is not None:  # an unreadable episode is reported above, not replayed
                replay_problems += _replay(env, planned, path.relative_to(out).as_posix(), episode)
                replayed += 1
    finally:
        if env is not None:
            env.close()
    problems += replay_problems
    for key in RECOMPUTED:
        if not _close(summary.get(key), records[key]):
            problems.append(f"summary.json: {key!r} differs from the scores recomputed from the episodes")
    return {"ok": not problems, "problems": problems, "episodes_checked": len(checked), "episodes_replayed": replayed}


def _check_hashes(out: Path, summary: dict[str, Any], hashes: dict[str, str]) -> list[str]:
    problems = []
    if summary.get("hashes_sha256") != hashes_digest(hashes):
        problems.append("hashes.json: its digest differs from the one summary.json records")
    actual = file_hashes(out)
    for name in sorted(set(hashes) | set(actual)):
        if name not in actual:
            problems.append(f"{name}: listed in hashes.json but missing")
        elif name not in hashes:
            problems.append(f"{name}: not listed in hashes.json")
        elif actual[name] != hashes[name]:
            problems.append(f"{name}: sha256 mismatch (the file was changed after the run)")
    return problems


def _check_episode(out: Path, path: Path) -> tuple[list[str], Episode | None]:
    """The episode's problems, and the episode when its folder could be loaded (for the replay)."""
    where = path.relative_to(out).as_posix()
    episode = None
    try:
        episode = load_episode(path)
        # load_episode read result.json when it is there; read_json raises the error to report when it is not
        result = episode.result if episode.result is not None else read_json(path / RESULT_FILE)
        text_score = float((path / "result.txt").read_text().strip())
    except (OSError, ValueError) as e:
        return [f"{where}: unreadable ({e})"], episode
    if not episode.steps:
        return [f"{where}: finished with an empty trajectory"], episode
    last = episode.steps[-1]
    info = last.get("info") or {}
    problems = []
    if [s.get("step_num") for s in episode.steps] != list(range(1, len(episode.steps) + 1)):
        problems.append(f"{where}: traj.jsonl step numbers are not 1..{len(episode.steps)}")
    if not last.get("done"):
        problems.append(f"{where}: the last recorded step does not end the episode")
    if int(result.get("steps", -1)) != len(episode.steps):
        problems.append(f"{where}: result.json says {result.get('steps')} steps, traj.jsonl has {len(episode.steps)}")
    for name, recorded in (("result.json", result.get("score")), ("result.txt", text_score)):
        if not _close(float(recorded), float(info.get("score", math.nan))):
            problems.append(f"{where}: {name} score {recorded} differs from the trajectory's {info.get('score')}")
    if bool(result.get("success")) != bool(info.get("success")):
        problems.append(f"{where}: result.json success differs from the trajectory's")
    return problems, episode


def _replay_env(protocol: dict[str, Any]) -> tuple[Any, list[str]]:
    """``(env, [])`` for replays, or ``(None, [why not])``."""

    from ..registration import make

    kwargs = dict(protocol.get("env_kwargs") or {})
    if protocol.get("max_steps") is not None:
        kwargs["max_steps"] = protocol["max_steps"]
    try:
        return make(protocol["env_id"], **kwargs), []
    except Exception as e:  # an env this machine cannot make: say so instead of failing the whole check
        return None, [f"replay: cannot make {protocol['env_id']} here ({type(e).__name__}: {e}); use --no-replay"]


def _replay(env, planned: dict[str, Any], where: str, episode: Episode) -> list[str]:
    """Play the episode's recorded actions again with its task and seed; a problem when the outcome differs."""
    steps = episode.steps
    env.reset(seed=planned["seed"], options={"task_id": planned["task_id"]})
    info: dict[str, Any] = {}
    n = 0
    for step in steps:
        _, _, terminated, truncated, info = env.step(step["action"])
        n += 1
        if terminated or truncated:
            break
    recorded = steps[-1]["info"] if steps else {}
    if (
        n != len(steps)
        or not _close(info.get("score"), recorded.get("score"))
        or bool(info.get("success")) != bool(recorded.get("success"))
    ):
        return [
            f"{where}: replaying the recorded actions gives score {info.get('score')} after {n} "
            f"steps, the recording says {recorded.get('score')} after {len(steps)}"
        ]
    return []


def _close(a: Any, b: Any) -> bool:
    """Equality of JSON values with a tolerance for floats (scores pass through text and back)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return a == b
