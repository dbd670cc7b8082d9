"""X DAMAGE on a real Xvfb: drawing in an app's window is reported, a still screen reports nothing, what was drawn
before the watch started is not reported, and a display that goes away ends the watch with an error, not a hang."""

from __future__ import annotations

import shutil
import time

import pytest

from tests.conftest import require_infra

pytestmark = pytest.mark.xvfb


@pytest.fixture
def display():
    require_infra(shutil.which("Xvfb") is not None, "Xvfb not installed (make system-deps)")
    pytest.importorskip("Xlib.ext.damage", reason="python-xlib is not installed")
    from steprl_envs.desktop.display import Display

    d = Display(size=(320, 240))
    d.start()
    yield d
    d.stop()


class Painter:
    """Another client with a mapped window it paints into, as an app draws."""

    def __init__(self, display_name: str):
        from Xlib import X
        from Xlib import display as xlib_display

        self.conn = xlib_display.Display(display_name)
        screen = self.conn.screen()
        self.window = screen.root.create_window(
            10, 10, 50, 50, 0, screen.root_depth, event_mask=X.ExposureMask | X.StructureNotifyMask
        )
        self.window.map()
        deadline = time.monotonic() + 5
        while self.conn.next_event().type != X.Expose:  # viewable (the window manager has framed it)
            assert time.monotonic() < deadline, "the window never showed"
        time.sleep(0.2)  # the window manager's own drawing ends

    def paint(self, color: int) -> None:
        gc = self.window.create_gc(foreground=color)
        self.window.fill_rectangle(gc, 0, 0, 30, 30)
        self.conn.sync()


def test_drawing_is_reported_and_the_watch_rearms(display):
    from steprl_envs.desktop.damage import watch_damage

    painter = Painter(display.name)
    watch = watch_damage(display.name)
    assert watch is not None, "Xvfb has DAMAGE: the watch must open"
    try:
        watch.start()
        t = time.monotonic()
        assert watch.wait(0.2) is False  # nothing drawn: the wait sleeps its time out
        assert time.monotonic() - t >= 0.19
        painter.paint(0xFF0000)
        assert watch.wait(2.0) is True
        assert watch.wait(0.1) is False  # reported once, then re-armed
        painter.paint(0x00FF00)
        assert watch.wait(2.0) is True
        painter.paint(0x0000FF)  # drawn before the next start: forgotten
        watch.start()
        assert watch.wait(0.1) is False
        painter.paint(0xFF00FF)
        assert watch.wait(2.0) is True
    finally:
        watch.close()


def test_a_display_that_goes_away_raises_instead_of_hanging(display):
    from steprl_envs.desktop.damage import watch_damage

    watch = watch_damage(display.name)
    display.stop()
    with pytest.raises(Exception):  # noqa: B017 - python-xlib raises its own connection error types
        for _ in range(3):
            watch.start()
            watch.wait(0.5)


def test_no_display_gives_no_watch():
    from steprl_envs.desktop.damage import watch_damage

    assert watch_damage(":987") is None
