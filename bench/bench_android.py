"""AndroidWorld-v0 on the sim provider (simulated phone behind a real adb server, through adbutils):
step latency (action + screenshot + UI tree), reset, adb shell round trips and the pieces of a step."""

from __future__ import annotations

import json
import time

from bench.common import Figure, main, percentile


def _ms(values: list[float]) -> list[float]:
    return [v * 1000 for v in values]


def run(quick: bool) -> dict[str, Figure]:
    from steprl_envs.android.env import AndroidWorldEnv

    n_steps, n_resets, n_rt = (30, 5, 50) if quick else (200, 20, 300)
    env = AndroidWorldEnv(provider="sim", observation="both")
    figures: dict[str, Figure] = {}
    try:
        t = time.perf_counter()
        env.reset(seed=0, options={"task_id": "SystemWifiTurnOn"})
        figures["first_reset_s"] = Figure.single(time.perf_counter() - t, "s", "starts the sim device + adb server")
        dev = env.device

        # adb round trips
        for name, cmd in (
            ("adb_shell_rt_ms", "true"),
            ("adb_shell_tool_rt_ms", "getprop ro.build.version.sdk"),
            ("adb_shell_sh_tool_rt_ms", "getprop ro.build.version.sdk; true"),
        ):
            dev.shell(cmd)
            times = []
            for _ in range(n_rt):
                t = time.perf_counter()
                dev.shell(cmd)
                times.append(time.perf_counter() - t)
            note = {
                "adb_shell_rt_ms": "`true` through /bin/sh on the device side",
                "adb_shell_tool_rt_ms": "an Android tool answered in-process (one simple command)",
                "adb_shell_sh_tool_rt_ms": "an Android tool through /bin/sh and its bash stub",
            }[name]
            figures[name] = Figure.of(_ms(times), "ms", note)

        # steps: a mix of taps, typing, navigation (oracle actions over several tasks)
        step_times = []
        tasks = ["ContactsAddContact", "NotesCreateNote", "ClockAlarmAdd", "SystemBrightnessMax", "SimpleSmsSend"]
        resets = []
        i = 0
        while len(step_times) < n_steps:
            t = time.perf_counter()
            env.reset(seed=i, options={"task_id": tasks[i % len(tasks)]})
            resets.append(time.perf_counter() - t)
            i += 1
            while len(step_times) < n_steps:
                action = env.oracle()
                if json.loads(action)["action_type"] == "status":
                    break
                t = time.perf_counter()
                _, _, term, trunc, _ = env.step(action)
                step_times.append(time.perf_counter() - t)
                if term or trunc:
                    break
        while len(resets) < n_resets:
            t = time.perf_counter()
            env.reset(seed=i, options={"task_id": tasks[i % len(tasks)]})
            resets.append(time.perf_counter() - t)
            i += 1
        ms = _ms(step_times)
        figures["step_ms"] = Figure.of(ms, "ms", "oracle actions: tap / input_text / scroll + screenshot + UI tree")
        figures["step_p50_ms"] = Figure.single(percentile(ms, 50), "ms")
        figures["step_p95_ms"] = Figure.single(percentile(ms, 95), "ms")
        figures["reset_s"] = Figure.of(resets, "s", "reseed phone + task init over ADB + first observation")

        # AndroidWorld's official families: reset (task setup over ADB: files, app databases) and steps
        official = [
            "MarkorCreateNote",
            "ExpenseDeleteMultiple2",
            "RecipeAddSingleRecipe",
            "SimpleCalendarDeleteEvents",
            "FilesMoveFile",
            "SimpleSmsReply",
            "SystemBrightnessMax",
        ]
        o_steps, o_resets = [], []
        for j in range(max(n_resets, len(official) * (1 if quick else 3))):
            t = time.perf_counter()
            env.reset(seed=j, options={"task_id": official[j % len(official)]})
            o_resets.append(time.perf_counter() - t)
            while True:
                action = env.oracle()
                if json.loads(action)["action_type"] == "status":
                    break
                t = time.perf_counter()
                _, _, term, trunc, _ = env.step(action)
                o_steps.append(time.perf_counter() - t)
                if term or trunc:
                    break
        o_ms = _ms(o_steps)
        figures["official_step_ms"] = Figure.of(o_ms, "ms", "official tasks' oracle actions + screenshot + UI tree")
        figures["official_step_p50_ms"] = Figure.single(percentile(o_ms, 50), "ms")
        figures["official_step_p95_ms"] = Figure.single(percentile(o_ms, 95), "ms")
        figures["official_reset_s"] = Figure.of(
            o_resets, "s", "official tasks: reseed + setup over ADB (files, app databases) + first observation"
        )

        for name, fn in (
            ("screenshot_ms", dev.screenshot),
            ("ui_tree_ms", dev.ui_elements),
            ("tap_ms", lambda: dev.tap(5, 5)),
        ):
            times = []
            for _ in range(max(10, n_rt // 5)):
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
            figures[name] = Figure.of(_ms(times), "ms")
    finally:
        env.close()
    return figures


if __name__ == "__main__":
    main("android", run)
