"""Waiting until the screen stops changing after an action, instead of OSWorld's fixed 2 s pause.

The same rule runs on the desktop itself (``/step``: raw frames, grabbed when X's DAMAGE events report drawing, or
back to back where the display lacks DAMAGE; one image encoded at the end) and, against servers without
``/step`` such as the official VM's, on the client (PNG screenshots, slower). Changes are always judged on pixels:
apps redraw unchanged areas (Calc repaints the cell cursor about 13 ms after a key, then the typed text after
about 100 ms), so drawing alone would start the quiet window too early.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TypeVar

Frame = TypeVar("Frame")
#: values of :attr:`Settle.watch`
WATCHES = ("auto", "frames")


@dataclass(frozen=True)
class Settle:
    """When a screen counts as settled."""

    quiet_s: float = 0.05
    """the screen has not changed for this long since its last change"""
    react_s: float = 0.25
    """when nothing changed since the previous observation, the app is given this long to react before the screen
    counts as settled (a click on nothing, a key that does nothing)"""
    timeout_s: float = 3.0
    """give up and return the last frame (a video, a progress bar); the result says it did not settle"""
    watch: str = "auto"
    """when the desktop grabs frames: "auto" (after X's DAMAGE events report drawing, where the display has them)
    or "frames" (back to back, 5 ms apart)"""

    def __post_init__(self):
        for name, value in asdict(self).items():
            if name == "watch":
                if value not in WATCHES:
                    raise ValueError(f"settle watch must be one of {', '.join(WATCHES)}, not {value!r}")
            elif not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 60:
                raise ValueError(f"settle {name} must be a number of seconds in [0, 60], not {value!r}")

    @classmethod
    def from_json(cls, data: dict) -> Settle:
        """From a request body's ``quiet_s`` / ``react_s`` / ``timeout_s`` / ``watch`` (absent ones keep their
        defaults)."""
        return cls(**{k: data[k] for k in ("quiet_s", "react_s", "timeout_s", "watch") if k in data})


@dataclass(frozen=True)
class Settled:
    """The last frame seen, whether the screen settled before the timeout, how long the wait took, and how."""

    frame: object
    settled: bool
    waited_s: float
    watched: str = "frames"
    """how frames were taken: "damage" (grabbed after X reported drawing), "frames" (back to back, 5 ms apart) or
    "screenshots" (PNGs polled by the client, against servers without ``/step``)"""


def wait_until_still(
    grab: Callable[[], Frame],
    before: Frame | None,
    settle: Settle,
    poll_s: float = 0.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Settled:
    """Grab frames until the screen settles; ``before`` is the frame of the previous observation (None: unknown,
    so the first frame counts as a change and only the quiet window applies).

    A change seen after the action restarts the quiet window. With no change at all, the wait ends after
    ``react_s``: an app that reacts later than that is seen at the next step.
    """
    start = clock()
    previous, last_change = before, None
    while True:
        frame = grab()
        now = clock()
        if before is None and last_change is None or frame != previous:
            previous, last_change = frame, now
        elapsed = now - start
        if last_change is not None and now - last_change >= settle.quiet_s:
            return Settled(frame, True, elapsed)
        if last_change is None and elapsed >= settle.react_s:
            return Settled(frame, True, elapsed)
        if elapsed >= settle.timeout_s:
            return Settled(frame, False, elapsed)
        if poll_s:
            sleep(poll_s)
