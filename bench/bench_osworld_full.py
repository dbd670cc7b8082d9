"""OSWorld-v0 in the full desktop image (``provider="docker", image="full"``): reset, step and side-by-side figures
on an official-format Calc task that opens a local .xlsx (:mod:`bench.osworld_full_tasks`).

    python -m bench.bench_osworld_full [--quick]

* reset: a fresh container and the task's setup (upload, ``open`` until the Calc window shows the file,
  ``activate_window``) and the settle wait, split into desktop (container + server ready), setup and settle;
* step: ``env.step`` with a click or a typed word on the open sheet, the settle wait and the observation included,
  once with the screenshot observation and once with the accessibility tree (AT-SPI); the screenshot steps side by
  side (alternating blocks of the same actions) with the desktop told of changes by X DAMAGE events and by
  comparing whole frames;
* eight desktops side by side, each with Calc open on the file and one Chrome tab: the time to bring all up
  (resets in parallel), each container's memory (the engine's stats API and the PSS of its processes) and a step
  while all are up.

The official harness, for comparison (OSWorld's code, xlang-ai/OSWorld): ``lib_run_single.py`` sleeps 60 s after
``env.reset`` ("Wait for the environment to be ready"); ``DesktopEnv.step(action, pause=2)`` sleeps ``pause`` (2 s)
after every action; the docker provider (``desktop_env/providers/docker/provider.py``) boots a QEMU VM per reset,
polls ``/screenshot`` every ``RETRY_INTERVAL = 1`` s, sleeps ``WAIT_TIME = 3`` s after stopping, and gives each VM
``RAM_SIZE = "4G"`` and ``CPU_CORES = "4"``.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from dataclasses import replace

from bench import osworld_full_tasks
from bench.common import Figure, main, percentile, show

STEP_ACTIONS = [
    "pyautogui.click(300, 320)",
    "pyautogui.typewrite('42')",
    "pyautogui.click(420, 360)",
    "pyautogui.typewrite('7')",
]
SIDE_BY_SIDE = 8


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _env(folder: str, observation: str = "screenshot", **provider_kwargs):
    from steprl_envs.desktop import image
    from steprl_envs.osworld.env import OSWorldEnv

    tag = image.ensure_image(kind="full")  # the image of these sources (built the first time: minutes)
    return OSWorldEnv(
        provider="docker",
        image=tag,
        tasks=folder,
        observation=observation,
        max_steps=None,
        provider_kwargs=provider_kwargs,
    )


def _reset(env, task_id: str) -> dict[str, float]:
    env.reset(options={"task_id": task_id})
    if env.env_error:
        raise RuntimeError(f"setup of {task_id} failed: {env.env_error}")
    t = dict(env.timings)
    t["settle_s"] = t["reset_s"] - t["desktop_s"] - t["setup_s"]
    return t


def _steps(env, count: int, first: int = 0, waits: list | None = None) -> list[float]:
    """``count`` timed steps (``waits`` gets each one's settle wait on the desktop, ms); when the episode's step
    budget runs out, a new episode of the same task (untimed)."""
    out = []
    for i in range(count):
        t = time.perf_counter()
        _, _, terminated, truncated, _ = env.step(STEP_ACTIONS[(first + i) % len(STEP_ACTIONS)])
        out.append((time.perf_counter() - t) * 1000)
        if waits is not None:
            waits.append(env.timings["settle_s"] * 1000)
        if terminated or truncated:
            _reset(env, env.task.id)
    return out


def _steps_by_watch(env, count: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """``count`` timed steps with each way of seeing changes ("damage": X's events, "frames": whole frames
    compared), in alternating blocks of the same actions so both meet the same load; and their settle waits."""
    rules = {"damage": replace(env.settle, watch="auto"), "frames": replace(env.settle, watch="frames")}
    steps: dict[str, list[float]] = {watch: [] for watch in rules}
    waits: dict[str, list[float]] = {watch: [] for watch in rules}
    for _ in range(max(1, count // len(STEP_ACTIONS))):
        for watch, rule in rules.items():
            env.settle = rule
            steps[watch] += _steps(env, len(STEP_ACTIONS), waits=waits[watch])
            if env.watched != watch:
                raise RuntimeError(f"asked for {watch}, the desktop watched {env.watched}")
    return steps, waits


def _repaints(env, count: int) -> tuple[list[float], list[float]]:
    """Per action: ms until the screen first changes (Calc's own reaction time, as the desktop's ~20 ms frame poll
    sees it), and ms for the action plus one raw frame decoded (a step with no settle wait: the floor)."""
    from steprl_envs.core.actions import parse_action
    from steprl_envs.desktop.settle import Settle
    from steprl_envs.osworld.env import ppm_pixels

    still = Settle(quiet_s=0.1, react_s=0.1)
    first_change = Settle(quiet_s=0.0, react_s=2.0, timeout_s=2.0)
    no_wait = Settle(quiet_s=0.0, react_s=0.0, timeout_s=0.0)
    client, latencies, floors = env.client, [], []
    for i in range(2 * count):
        actions = parse_action(STEP_ACTIONS[i // 2 % len(STEP_ACTIONS)], "pyautogui")  # each action both ways
        actions = actions if isinstance(actions, list) else [actions]
        client.step([], still)  # the screen the next wait compares with
        t = time.perf_counter()
        if i % 2:
            ppm_pixels(client.step(actions, no_wait, "ppm").frame).copy()
            floors.append((time.perf_counter() - t) * 1000)
        else:
            latencies.append(client.step(actions, first_change).waited_s * 1000)
    return latencies, floors


def _resets(folder: str, runs: int, step_runs: int) -> dict[str, Figure]:
    env = _env(folder)
    try:
        _reset(env, osworld_full_tasks.CALC_ID)  # the first container start pays for cold caches
        samples = [_reset(env, osworld_full_tasks.CALC_ID) for _ in range(runs)]
        load = _load()
        by_watch, waits = _steps_by_watch(env, step_runs)
        repaints, floors = _repaints(env, max(6, step_runs // 3))
    finally:
        env.close()
    resets = [s["reset_s"] for s in samples]
    figures = {
        "reset_calc_xlsx": Figure.of(
            resets, "s", f"p95 {percentile(resets, 95):.2f} s; fresh container + open; {load}"
        ),
    }
    for part, what in (
        ("desktop_s", "container start + server ready"),
        ("setup_s", "upload + soffice until the window shows + activate"),
        ("settle_s", "screen settle"),
    ):
        figures[f"reset_part_{part[:-2]}"] = Figure.of([s[part] for s in samples], "s", what)
    for watch, suffix, how in (
        ("damage", "", "frames grabbed on X DAMAGE events"),
        ("frames", "_frames", "frames grabbed back to back"),
    ):
        steps = by_watch[watch]
        figures[f"step_screenshot{suffix}"] = Figure.of(
            steps,
            "ms",
            f"p95 {percentile(steps, 95):.0f} ms; click/type + settle ({how}) + 1920x1080 screenshot; {load}",
        )
        for kind, first in (("click", 0), ("type", 1)):  # STEP_ACTIONS alternate a click and a typed word
            figures[f"step_{kind}{suffix}"] = Figure.of(
                steps[first::2], "ms", f"the {kind} steps of step_screenshot{suffix}"
            )
        figures[f"step_settle_wait{suffix}"] = Figure.of(
            waits[watch],
            "ms",
            "of which the wait on the desktop until the screen settled (quiet 50 ms, or 250 ms unchanged)",
        )
    spare_env = _env(folder, warm_spare=True)
    try:
        _reset(spare_env, osworld_full_tasks.CALC_ID)
        spare = [_reset(spare_env, osworld_full_tasks.CALC_ID)["reset_s"] for _ in range(runs)]
    finally:
        spare_env.close()
    figures["reset_calc_xlsx_warm_spare"] = Figure.of(
        spare, "s", f"p95 {percentile(spare, 95):.2f} s; warm_spare=True, resets back to back; {_load()}"
    )
    figures["step_no_settle"] = Figure.of(floors, "ms", "action + one raw frame decoded (no settle wait): the floor")
    figures["calc_first_repaint"] = Figure.of(
        repaints, "ms", "action until the screen first changes (Calc's reaction, 20 ms frame poll on the desktop)"
    )
    return figures


def _a11y_steps(folder: str, step_runs: int) -> dict[str, Figure]:
    env = _env(folder, "a11y")
    try:
        _reset(env, osworld_full_tasks.CALC_ID)
        steps = _steps(env, step_runs)
        size = len(env._observe()["a11y_tree"])
    finally:
        env.close()
    return {
        "step_a11y": Figure.of(
            steps,
            "ms",
            f"p95 {percentile(steps, 95):.0f} ms; click/type + settle + AT-SPI tree ({size} chars); {_load()}",
        )
    }


def _pss_mib(pid: int) -> float:
    """The proportional set size of ``pid`` and every process in its PID namespace, in MiB."""
    ns = os.readlink(f"/proc/{pid}/ns/pid")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.readlink(f"/proc/{entry}/ns/pid") != ns:
                continue
            with open(f"/proc/{entry}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total / 1024


def _side_by_side(folder: str, step_runs: int) -> dict[str, Figure]:
    envs = [_env(folder) for _ in range(SIDE_BY_SIDE)]
    errors: list[str] = []

    def up(env) -> None:
        try:
            _reset(env, osworld_full_tasks.CALC_CHROME_ID)
        except Exception as e:  # reported below, with the others
            errors.append(f"{type(e).__name__}: {e}")

    try:
        t0 = time.perf_counter()
        threads = [threading.Thread(target=up, args=(env,)) for env in envs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        bring_up = time.perf_counter() - t0
        if errors:
            raise RuntimeError(f"{len(errors)} of {SIDE_BY_SIDE} desktops failed: {errors[0]}")
        time.sleep(5)  # let Chrome and Calc finish their start-up work before memory is read
        stats, pss = [], []
        for env in envs:
            container = env.provider.container
            memory = container.stats(stream=False).get("memory_stats", {})
            stats.append(memory.get("usage", 0) / 2**20)
            container.reload()
            pss.append(_pss_mib(container.attrs["State"]["Pid"]))
        load = _load()
        steps = []
        for i in range(step_runs):
            steps += _steps(envs[i % SIDE_BY_SIDE], 1, first=i // SIDE_BY_SIDE)  # each desktop: the same cycle
        scope = f"{SIDE_BY_SIDE} desktops, each Calc on an .xlsx + Chrome with one tab"
        return {
            "side_by_side_bring_up": Figure.single(bring_up, "s", f"{scope}, resets in parallel; {load}"),
            "side_by_side_memory_stats": Figure.of(stats, "MiB", "per container, engine stats API (cgroup usage)"),
            "side_by_side_memory_pss": Figure.of(pss, "MiB", "per container, PSS of its processes"),
            "side_by_side_memory_total_pss": Figure.single(sum(pss), "MiB", f"{SIDE_BY_SIDE} containers together"),
            "side_by_side_step": Figure.of(steps, "ms", f"screenshot obs, while all {SIDE_BY_SIDE} are up; {_load()}"),
        }
    finally:
        for env in envs:
            env.close()


def official() -> dict[str, Figure]:
    """The official harness's fixed waits and VM size, from its code (not measured here)."""
    return {
        "official_post_reset_sleep": Figure.single(
            60, "s", "OSWorld lib_run_single.py: time.sleep(60) after env.reset"
        ),
        "official_step_pause": Figure.single(
            2000, "ms", "OSWorld desktop_env.py: step(action, pause=2), sleeps after each"
        ),
        "official_stop_wait": Figure.single(
            3, "s", "OSWorld providers/docker/provider.py: WAIT_TIME = 3 after stop; /screenshot polled every 1 s"
        ),
        "official_vm_memory": Figure.single(
            4096, "MiB", "OSWorld providers/docker/provider.py: RAM_SIZE 4G, 4 cores per VM"
        ),
    }


def run(quick: bool) -> dict[str, Figure]:
    folder = osworld_full_tasks.write(tempfile.mkdtemp(prefix="steprl-bench-osworld-full-"))
    runs, step_runs = (3, 8) if quick else (12, 40)
    figures = {"load_before": Figure.single(os.getloadavg()[0], "", _load())}
    parts = [_resets, _a11y_steps]
    if os.environ.get("STEPRL_BENCH_SKIP_SIDE_BY_SIDE") != "1":
        parts.append(_side_by_side)
    for part in parts:
        if part is _resets:
            measured = part(folder, runs, step_runs)
        else:  # an a11y step walks a Calc sheet's whole tree: seconds each, so fewer of them
            measured = part(folder, step_runs if part is _side_by_side else max(6, step_runs // 3))
        show(part.__name__.strip("_"), measured)  # as they come: the whole run takes minutes
        figures.update(measured)
    figures.update(official())
    return figures


if __name__ == "__main__":
    main("osworld_full", run)
