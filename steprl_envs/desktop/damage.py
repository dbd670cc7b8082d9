"""When was the screen last drawn on? X's DAMAGE extension tells, so waiting for a still screen grabs no frames.

Polling means grabbing and comparing whole frames (about 10 ms each at 1920x1080) for the length of the wait, on a
core the app needs for drawing. With a DAMAGE object on the root window, X sends an event when something is drawn
(in any window); the server sleeps on the connection in between and grabs a frame only after drawing.
Needs python-xlib and a server with DAMAGE (Xvfb has it); :func:`watch_damage` gives None otherwise, and callers poll.
"""

from __future__ import annotations

import select
import threading
from collections.abc import Callable

try:
    from Xlib import display as xlib_display
    from Xlib.ext import damage as xlib_damage
except ImportError:  # the desktop then polls frames
    xlib_display = xlib_damage = None


class DamageWatch:
    """A DAMAGE object on the root window of one display, on a connection of its own. It reports "non-empty": one
    event when something is drawn after its region was last emptied, so nothing piles up between steps. One waiter
    at a time: hold :attr:`lock` around :meth:`start` ... :meth:`wait`."""

    def __init__(self, display_name: str):
        self.conn = xlib_display.Display(display_name)
        if not self.conn.has_extension("DAMAGE"):
            self.conn.close()
            raise OSError(f"X display {display_name} has no DAMAGE extension")
        self.conn.damage_query_version()
        self._notify = self.conn.extension_event.DamageNotify  # the event's code on this connection
        self._damage = self.conn.screen().root.damage_create(xlib_damage.DamageReportNonEmpty)
        self.lock = threading.Lock()

    def _drain(self) -> bool:
        """Read the events that arrived; whether one of them reported drawing."""
        drawn = False
        while self.conn.pending_events():
            drawn |= self.conn.next_event().type & 0x7F == self._notify  # the top bit marks a SendEvent
        return drawn

    def _rearm(self) -> None:
        """Empty the damaged region, so that the next drawing sends a new event."""
        self.conn.damage_subtract(self._damage)
        self.conn.flush()

    def start(self) -> None:
        """Watch from now on (call before acting): what was drawn before is forgotten."""
        self.conn.damage_subtract(self._damage)
        self.conn.sync()  # a round trip: every event sent before the region was emptied has arrived
        self._drain()

    def wait(self, timeout_s: float) -> bool:
        """Block up to ``timeout_s`` for drawing; True when something was drawn since the last call."""
        if not self._drain():
            ready, _, _ = select.select([self.conn.fileno()], [], [], max(0.0, timeout_s))
            if not ready or not self._drain():
                return False
        self._rearm()
        return True

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # the display is gone already
            pass


def watch_damage(display_name: str) -> DamageWatch | None:
    """A watch on ``display_name``, or None where python-xlib or the DAMAGE extension is missing."""
    if xlib_display is None:
        return None
    try:
        return DamageWatch(display_name)
    except Exception:  # python-xlib raises its own types for a display that does not answer
        return None


def frames_when_drawn(
    watch: DamageWatch, grab: Callable[[], tuple], pointer: Callable[[], tuple[int, int]], wait_s: float = 0.01
) -> Callable[[], tuple]:
    """A frame source for :func:`~steprl_envs.desktop.settle.wait_until_still` that grabs (``grab``: a
    ``(pointer, size, pixels)`` frame) only when ``watch`` reported drawing within ``wait_s``, and otherwise gives
    the last frame's pixels (the same object, so comparing them is free) with the pointer where it is now."""
    last: list[tuple] = []

    def frame() -> tuple:
        if not last or watch.wait(wait_s):
            last[:] = [grab()]
        else:
            _, size, pixels = last[0]
            last[:] = [(pointer(), size, pixels)]
        return last[0]

    return frame
