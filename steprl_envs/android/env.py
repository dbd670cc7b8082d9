"""``AndroidWorld-v0``: AndroidWorld's tasks, action space and success rule over ADB, as a Gymnasium env.

Constructor kwargs: ``provider`` (``sim`` default, ``adb``, ``avd``; see :mod:`.providers`), ``serial``,
``adb_host``, ``adb_port``, ``avd`` / ``sdk_root`` / ``apks`` (avd), ``action_space`` (``android``: AndroidWorld's
JSONAction, default; ``pyautogui``: calls mapped to taps, swipes and ``input``), ``observation`` (``screenshot``,
``ui`` or ``both``), ``max_steps`` (default ``int(10 * complexity)`` of the task, as AndroidWorld), ``task_id``,
``split``, ``tasks_root``, ``screen_size`` (declared screenshot size; the sim's is 540x1200, a Pixel 6 is
1080x2400; read from the device on the first reset when not given), ``action_delay`` (scale of AndroidWorld's
sleeps; 0 for sim, 1 otherwise), ``ui_elements`` (``leaves`` or ``all``, see :mod:`.uitree`).

Observation: ``instruction`` (the task goal), ``screenshot`` ``uint8[H, W, 3]`` (``screencap``) and ``ui``
(``UI element i: {...}`` lines from ``uiautomator dump``; ``env.unwrapped.ui_elements`` has the objects). The
``index`` of actions refers to the elements of the last observation.

Success follows AndroidWorld: the episode scores only when the agent sends ``status`` complete (DONE) and the
task's state check passes; information tasks check the last ``answer``. ``status`` infeasible, truncation and a
lost device score 0. Device faults never raise from ``step``: a failing command costs the step
(``info["action_error"]``); a device that cannot be brought back ends the episode with ``info["error"]``.
"""

from __future__ import annotations

import copy
import functools
import random
import time
from typing import Any

import numpy as np
from gymnasium import spaces

from ..core import StepEnv, UnicodeText
from ..core.actions import Action, ActionError
from ..core.registry import TaskRegistry
from ..core.spaces import screenshot_space
from .device import AndroidDevice, CommandFailed, DeviceError, DeviceGone, require_adbutils
from .uitree import UIElement, parse_ui_xml

OBSERVATIONS = {"screenshot": ("screenshot",), "ui": ("ui",), "both": ("screenshot", "ui")}
MODES = ("android", "pyautogui")
SIM_SIZE = (540, 1200)
PIXEL6 = (1080, 2400)


@functools.lru_cache(maxsize=4)
def _tasks(root: str | None) -> TaskRegistry:
    return TaskRegistry.from_dir("androidworld", root)


class AndroidWorldEnv(StepEnv):
    metadata = {"render_modes": ["rgb_array"]}

    def __init__(
        self,
        provider: str = "sim",
        serial: str | None = None,
        adb_host: str = "127.0.0.1",
        adb_port: int | None = None,
        action_space: str = "android",
        observation: str = "both",
        max_steps: int | None = None,
        task_id: str | None = None,
        split: str | None = None,
        tasks_root: str | None = None,
        screen_size: tuple[int, int] | None = None,
        action_delay: float | None = None,
        ui_elements: str = "leaves",
        avd: str | None = None,
        sdk_root: str | None = None,
        apks: str | None = None,
        screencap: str = "auto",
        invalid_action_penalty: float = 0.0,
        render_mode: str | None = None,
    ):
        if provider not in ("sim", "adb", "avd"):
            raise ValueError(f"provider must be sim, adb or avd, got {provider!r}")
        if action_space not in MODES:
            raise ValueError(f"action_space must be android or pyautogui, got {action_space!r}")
        if observation not in OBSERVATIONS:
            raise ValueError(f"observation must be one of {', '.join(OBSERVATIONS)}, got {observation!r}")
        if provider == "avd" and not avd:
            raise ValueError("provider 'avd' needs avd=<AVD name>")
        super().__init__(
            _tasks(tasks_root),
            action_mode=action_space,
            max_steps=max_steps,
            split=split,
            task_id=task_id,
            invalid_action_penalty=invalid_action_penalty,
        )
        self.provider_name, self.render_mode = provider, render_mode
        self.provider_kwargs: dict[str, Any] = {"screencap": screencap}
        if provider == "sim":
            self.provider_kwargs["adb_port"] = adb_port
        elif provider == "adb":
            self.provider_kwargs.update(serial=serial, adb_host=adb_host, adb_port=adb_port)
        else:
            self.provider_kwargs.update(avd=avd, sdk_root=sdk_root, adb_port=adb_port, apks=apks)
        self.action_delay = action_delay
        self.ui_mode = ui_elements
        self.observation = observation
        self.screen_size = tuple(screen_size) if screen_size else (SIM_SIZE if provider == "sim" else None)
        self.action_space = UnicodeText(16_384)
        self._build_spaces(self.screen_size or PIXEL6)
        self.provider = None
        self.device: AndroidDevice | None = None
        self.task_eval = None
        self.instance_seed: int | None = None
        self.interaction_cache = ""
        self.ui_elements: list[UIElement] = []
        self._frame: np.ndarray | None = None
        self._ui_text = ""
        self._dead: str | None = None
        self._fresh = False  # the last refresh is of the current screen (reset's _observe can skip its own)
        self._cursor = [0, 0]

    def _build_spaces(self, size: tuple[int, int]) -> None:
        width, height = size
        parts = {"instruction": UnicodeText(10_000)}
        if "screenshot" in OBSERVATIONS[self.observation]:
            parts["screenshot"] = screenshot_space(height, width)
        if "ui" in OBSERVATIONS[self.observation]:
            parts["ui"] = UnicodeText(1_000_000)
        self.observation_space = spaces.Dict(parts)

    # -- budget ------------------------------------------------------------------------------------------------
    @property
    def max_steps(self) -> int:
        if self.max_steps_override is not None:
            return self.max_steps_override
        if self.task is not None:
            complexity = float(self.task.config.get("complexity", 1.0)) if isinstance(self.task.config, dict) else 1
            return max(1, int(10 * complexity))
        return self.default_max_steps

    # -- device ------------------------------------------------------------------------------------------------
    def _ensure_device(self) -> AndroidDevice:
        if self.device is not None:
            return self.device
        require_adbutils()
        from .providers import make_provider

        self.provider = make_provider(self.provider_name, **self.provider_kwargs)
        self.device = self.provider.start()
        if self.action_delay is None:
            self.action_delay = self.provider.action_delay
        size = self.device.screen_size()
        if self.screen_size is None:
            self.screen_size = size
            self._build_spaces(size)
        self._device_size = size
        return self.device

    def _restart_device(self) -> None:
        """Throw away a broken device connection and start the provider again."""
        self._close_provider()
        self._ensure_device()

    def _close_provider(self) -> None:
        if self.provider is not None:
            try:
                self.provider.close()
            except Exception:
                pass
        self.provider = self.device = None

    # -- StepEnv hooks -----------------------------------------------------------------------------------------
    def _setup(self, task, seed):
        from .aw import ALL as TASK_CLASSES
        from .tasks import instance_seed

        cls_name = task.evaluator.get("class") if isinstance(task.evaluator, dict) else None
        if cls_name not in TASK_CLASSES:
            raise ValueError(f"task {task.id}: unknown evaluator class {cls_name!r}")
        self._tear_down()
        base = seed if seed is not None else int(self.np_random.integers(2**31))
        self.instance_seed = instance_seed(base, task.id)
        params = TASK_CLASSES[cls_name].generate_random_params(random.Random(self.instance_seed))
        params.update((task.config or {}).get("params", {}) if isinstance(task.config, dict) else {})
        params["seed"] = self.instance_seed
        self.task_eval = TASK_CLASSES[cls_name](params)
        self.interaction_cache, self._dead, self._cursor, self._fresh = "", None, [0, 0], False
        for attempt in (0, 1):
            try:
                dev = self._ensure_device()
                self.provider.prepare(dev, self.instance_seed)
                self.task_eval.initialize_task(dev)
                if self.task_eval.start_on_home_screen:
                    dev.keyevent("KEYCODE_HOME")
                self._refresh()
                self._fresh = True
                return
            except DeviceGone:
                if attempt:
                    raise
                self.task_eval.initialized = False
                self._restart_device()

    def _tear_down(self) -> None:
        if self.task_eval is not None and self.task_eval.initialized and self.device is not None and not self._dead:
            try:
                self.task_eval.tear_down(self.device)
            except DeviceError:
                pass
        self.task_eval = None

    def _apply(self, actions: list[Action]) -> None:
        from .actions import plan, plan_pyautogui

        if self._dead:
            raise ActionError(f"the device is gone: {self._dead}")
        size = self._device_size
        steps = []
        for action in actions:
            if self.action_mode == "android":
                steps += plan(action, self.ui_elements, size)
                if action.name == "answer":
                    self.interaction_cache = action.args["text"]
            else:
                steps += plan_pyautogui(action, size, self._cursor)
        try:
            for kind, value in steps:
                if kind == "sleep":
                    if self.action_delay:
                        time.sleep(float(value) * self.action_delay)
                else:
                    self.device.run(str(value))
        except CommandFailed as e:
            raise ActionError(f"the device rejected the action: {e}") from e
        except DeviceGone as e:
            self._dead = str(e)
        except DeviceError as e:
            raise ActionError(f"device error: {e}") from e

    def _wait(self) -> None:
        if self.action_delay:
            time.sleep(1.0 * self.action_delay)

    def _refresh(self) -> None:
        dev = self.device
        if "screenshot" in self.observation_space.spaces:
            frame = dev.screenshot()
            if self.screen_size and frame.shape[:2] != (self.screen_size[1], self.screen_size[0]):
                from PIL import Image

                frame = np.asarray(Image.fromarray(frame).resize(self.screen_size))
            frame.flags.writeable = False
            self._frame = frame
        self.ui_elements = parse_ui_xml(dev.ui_xml(), mode=self.ui_mode, screen_size=self._device_size)
        self._ui_text = "\n".join(f"UI element {i}: {e.describe()}" for i, e in enumerate(self.ui_elements))

    def _observe(self):
        if self._fresh:  # _setup has just refreshed; nothing ran on the device since
            self._fresh = False
        elif not self._dead and self.device is not None:
            try:
                self._refresh()
            except DeviceGone as e:
                self._dead = str(e)
            except DeviceError as e:
                self.env_error = f"observation failed: {e}"
        obs: dict[str, Any] = {"instruction": self.task_eval.goal if self.task_eval else ""}
        if "screenshot" in self.observation_space.spaces:
            if self._frame is None:
                w, h = self.screen_size or PIXEL6
                self._frame = np.zeros((h, w, 3), np.uint8)
            obs["screenshot"] = self._frame
        if "ui" in self.observation_space.spaces:
            obs["ui"] = self._ui_text
        return obs

    def _task_done(self) -> bool:
        return self._dead is not None

    def _final_score(self, ended_by: str) -> float:
        if self._dead:
            self.env_error = f"device lost: {self._dead}"
            return 0.0
        if ended_by != "done":  # AndroidWorld counts success only when the agent declared the task complete
            return 0.0
        return self._evaluate()

    def _evaluate(self) -> float:
        return float(self.task_eval.is_successful(self.device, self.interaction_cache or None))

    def _extra_info(self):
        info = {
            "provider": self.provider_name,
            "answer": self.interaction_cache or None,
            "instance_seed": self.instance_seed,
        }
        if self.device is not None:
            info["serial"] = self.device.serial
        if self._dead:
            info["device_error"] = self._dead
        return info

    def task_table(self, ids: list[str]) -> list[str]:
        """Lines for ``steprl tasks``: each task's id, AndroidWorld's name for it, its app and whether it runs on
        the sim, then AndroidWorld's tasks that are not here, with the reason."""
        from .aw import ALL, NOT_PORTED, OFFICIAL

        lines = [f"{'task':<44} {'official name':<44} {'app':<14} sim"]
        for task_id in ids:
            task = self.tasks.get(task_id)
            cls_name = task.evaluator.get("class") if isinstance(task.evaluator, dict) else None
            cls = ALL.get(cls_name)
            official = cls_name if cls_name in OFFICIAL else "-"
            app = getattr(cls, "app", "") or task.domain or "-"
            lines.append(f"{task_id:<44} {official:<44} {app:<14} {'yes' if cls is not None else 'no'}")
        lines.append(f"not ported ({len(NOT_PORTED)} of {len(OFFICIAL) + len(NOT_PORTED)} official tasks):")
        lines += [f"  {name:<42} {why}" for name, why in sorted(NOT_PORTED.items())]
        return lines

    # -- oracle (sim only) -------------------------------------------------------------------------------------
    def oracle(self) -> str:
        """Next action of a scripted solution. Needs the sim provider (it plans on the simulated phone)."""
        if self.task_eval is None:
            raise RuntimeError("call reset() before oracle()")
        sim = getattr(self.provider, "sim", None)
        if sim is None:
            raise NotImplementedError("the oracle needs provider='sim'")
        from ..mock_gui.goals import next_intent
        from ..mock_gui.scene import Scene
        from .sim import goals as _sim_goals  # noqa: F401 - registers the goals of the sim's extra apps

        answer = self.task_eval.answer()
        with sim.phone.lock:
            world = _normalized(sim.phone.world)
            scene = Scene()
            scene.update(world)
            intent = next_intent(world, scene, self.task_eval.oracle_checks())
            if intent.kind == "done":
                if answer is not None and self.interaction_cache != answer:
                    return self._fmt(Action("answer", {"text": answer}))
                return self._fmt(Action("DONE"))
            if intent.kind == "key":
                name = "keyboard_enter" if intent.value == "enter" else "navigate_back"
                return self._fmt(Action(name))
            widget = scene.find(intent.uid)
            if widget is None:
                raise RuntimeError(f"oracle: {intent.uid!r} is not on the screen")
            index = self._element_at(widget)
            if intent.kind == "scroll":
                direction = "down" if int(intent.value) > 0 else "up"
                args = {"index": index, "direction": direction} if index is not None else {"direction": direction}
                return self._fmt(Action("scroll", args))
            target = {"index": index} if index is not None else {"x": widget.center[0], "y": widget.center[1]}
            if intent.kind == "text":
                return self._fmt(Action("input_text", {**target, "text": str(intent.value), "clear_text": True}))
            if intent.kind == "long":
                return self._fmt(Action("long_press", target))
            return self._fmt(Action("click", target))

    def _element_at(self, widget) -> int | None:
        want = (widget.x, widget.x + widget.w, widget.y, widget.y + widget.h)
        for i in range(len(self.ui_elements) - 1, -1, -1):
            b = self.ui_elements[i].bbox_pixels
            if b is not None and (b.x_min, b.x_max, b.y_min, b.y_max) == want:
                return i
        return None

    def _fmt(self, action: Action) -> str:
        if self.action_mode == "android" or action.name in ("DONE", "FAIL", "WAIT"):
            return self.format([action])
        raise NotImplementedError("the oracle speaks the android action space")

    def render(self):
        return self._frame

    def close(self):
        self._tear_down()
        self._close_provider()
        super().close()


def _normalized(world):
    """A copy of the phone's world where the ENTER that AndroidWorld presses after typing left no trailing line
    break in multi-line fields (the oracle plans on this copy; the device keeps what was really typed)."""
    world = copy.deepcopy(world)
    for app in world.apps.values():
        for tag in app.multiline:
            if tag in app.values:
                app.values[tag] = app.values[tag].rstrip("\n")
    for note in world.rec.notes:
        note.body = note.body.rstrip("\n")
    return world
