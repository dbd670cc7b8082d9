"""Clock stopwatch and timer (``task_evals/single/clock.py``): setup clears the Clock's data (a stopped
stopwatch at zero); the checks read the screen as AndroidWorld's do: the resumed activity is the DeskClock, and
the UI tree shows the stopwatch's Pause and Lap buttons (running), its Start button and the word Stopwatch twice
(paused), or the timer text ``HHh MMm SSs``."""

from __future__ import annotations

from ..sim.catalog import APPS
from .common import OfficialTask

PACKAGE = APPS["clock"][0]


def _on_clock(dev) -> bool:
    return "DeskClock" in (dev.current_activity() or "")


class _Clock(OfficialTask):
    app = "clock"
    app_names = ("clock",)
    complexity = 1.0

    def setup(self, dev):
        dev.app_clear(PACKAGE)

    def tear_down(self, dev):
        dev.app_clear(PACKAGE)
        super().tear_down(dev)


class ClockStopWatchRunning(_Clock):
    template = "Run the stopwatch."

    def is_successful(self, dev, answer=None):
        if not _on_clock(dev):
            return 0.0
        descs = {e.content_description for e in dev.ui_elements()}
        return 1.0 if {"Pause", "Lap"} <= descs else 0.0

    def oracle_checks(self):
        return [{"query": "stopwatch", "args": [], "equals": "running"}]


class ClockStopWatchPausedVerify(_Clock):
    """The stopwatch starts stopped at zero (the app's data cleared); the agent only has to show it."""

    template = "Pause the stopwatch."

    def is_successful(self, dev, answer=None):
        if not _on_clock(dev):
            return 0.0
        elements = dev.ui_elements()
        start = any(e.content_description == "Start" for e in elements)
        named = sum(1 for e in elements if "Stopwatch" in (e.content_description, e.text))
        return 1.0 if start and named >= 2 else 0.0

    def oracle_checks(self):
        return [{"query": "stopwatch", "args": [], "equals": "reset"}]


class ClockTimerEntry(_Clock):
    template = "Create a timer with {hours} hours, {minutes} minutes, and {seconds} seconds. Do not start the timer."

    @classmethod
    def generate_random_params(cls, rng):
        return {"hours": rng.randint(0, 23), "minutes": rng.randint(0, 59), "seconds": rng.randint(0, 59)}

    def text(self) -> str:
        p = self.params
        return f"{p['hours']:02d}h {p['minutes']:02d}m {p['seconds']:02d}s"

    def is_successful(self, dev, answer=None):
        if not _on_clock(dev):
            return 0.0
        p = self.params
        desc = f"{p['hours']} hours, {p['minutes']} minutes, {p['seconds']} seconds"
        hit = any(e.text == self.text() or e.content_description == desc for e in dev.ui_elements())
        return 1.0 if hit else 0.0

    def oracle_checks(self):
        return [{"query": "timer", "args": [], "equals": self.text()}]


TASKS = (ClockStopWatchRunning, ClockStopWatchPausedVerify, ClockTimerEntry)
