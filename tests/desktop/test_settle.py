"""The settle rule on a scripted screen and clock: a change restarts the quiet window, no change ends after the
reaction time, an animation ends at the timeout unsettled; with DAMAGE, frames are grabbed only after drawing."""

from __future__ import annotations

import pytest

from steprl_envs.desktop.settle import Settle, wait_until_still

TICK = 1 / 128  # each grab takes one tick of the scripted clock (binary fractions keep the sums exact)
RULE = Settle(quiet_s=8 * TICK, react_s=32 * TICK, timeout_s=64 * TICK)


def run(frames, before, rule=RULE):
    """Grab ``frames`` in order (the last one repeats) on a clock that advances one tick per grab; returns the
    result and the wait in ticks."""
    now, seen = [0.0], []

    def grab():
        now[0] += TICK
        frame = frames[min(len(seen), len(frames) - 1)]
        seen.append(frame)
        return frame

    result = wait_until_still(grab, before, rule, clock=lambda: now[0])
    assert result.waited_s / TICK == len(seen)  # the wait ends right after the grab that decided it
    return result, len(seen)


def test_a_change_then_quiet_returns_the_new_screen_after_the_quiet_window():
    result, ticks = run(["A", "A", "B"], before="A")
    assert result.frame == "B" and result.settled
    assert ticks == 3 + 8  # seen at the third grab, then eight quiet ticks


def test_a_second_change_restarts_the_quiet_window():
    result, ticks = run(["B", "B", "B", "C"], before="A")  # C comes inside B's quiet window
    assert result.frame == "C" and ticks == 4 + 8


def test_no_change_ends_after_the_reaction_time():
    result, ticks = run(["A"], before="A")
    assert result.frame == "A" and result.settled and ticks == 32


def test_a_late_change_inside_the_reaction_time_is_waited_for():
    result, ticks = run(["A"] * 20 + ["B"], before="A")  # the app repaints 21 ticks after the action
    assert result.frame == "B" and ticks == 21 + 8


def test_an_animation_ends_at_the_timeout_unsettled():
    result, ticks = run([str(i) for i in range(1000)], before="A")
    assert not result.settled and ticks == 64
    assert result.frame == "63"  # the last frame grabbed is the one returned


def test_without_a_previous_screen_only_the_quiet_window_applies():
    result, ticks = run(["A"], before=None)
    assert result.frame == "A" and result.settled and ticks == 1 + 8


@pytest.mark.parametrize("bad", [{"quiet_s": -1}, {"react_s": "0.2"}, {"timeout_s": True}, {"timeout_s": 61}])
def test_settle_times_are_checked(bad):
    with pytest.raises(ValueError, match="settle .* must be a number of seconds"):
        Settle.from_json(bad)


def test_the_watch_is_checked():
    assert Settle.from_json({"watch": "frames"}).watch == "frames"
    with pytest.raises(ValueError, match="settle watch must be one of auto, frames"):
        Settle.from_json({"watch": "damage!"})


class ScriptedWatch:
    """A DAMAGE watch whose waits answer from a script (True: something was drawn)."""

    def __init__(self, drawn):
        self.drawn = list(drawn)

    def wait(self, timeout_s):
        return self.drawn.pop(0)


def test_frames_are_grabbed_only_after_drawing_and_the_pointer_is_always_current():
    from steprl_envs.desktop.damage import frames_when_drawn

    grabs, pointers = [], iter([(5, 5), (6, 6), (7, 7)])

    def grab():
        grabs.append(len(grabs))
        return ((0, 0), (2, 1), bytes([len(grabs)]) * 6)

    frame = frames_when_drawn(ScriptedWatch([False, True, False]), grab, lambda: next(pointers))
    first = frame()  # the first frame is always grabbed
    assert first == ((0, 0), (2, 1), b"\x01" * 6) and len(grabs) == 1
    same = frame()  # nothing drawn: no grab, the same pixels, the current pointer
    assert len(grabs) == 1 and same[0] == (5, 5) and same[2] is first[2]
    drawn = frame()
    assert len(grabs) == 2 and drawn[2] == b"\x02" * 6
    assert frame()[0] == (6, 6) and len(grabs) == 2


def test_drawing_that_leaves_the_pixels_as_they_were_is_no_change():
    """Calc repaints its cell cursor right after a key and draws the text later: the quiet window must start at
    the text, not at the repaint."""
    from steprl_envs.desktop.damage import frames_when_drawn

    screens = iter([b"A", b"A", b"B"])  # the first drawing repaints A, the second draws B
    now = [0.0]

    def grab():
        return ((0, 0), (1, 1), next(screens))

    class Watch:
        script = [True] + [False] * 10 + [True] + [False] * 100

        def wait(self, timeout_s):
            now[0] += TICK
            return self.script.pop(0)

    frame = frames_when_drawn(Watch(), grab, lambda: (0, 0))
    result = wait_until_still(frame, ((0, 0), (1, 1), b"A"), RULE, clock=lambda: now[0])
    assert result.frame[2] == b"B" and result.settled
    assert result.waited_s / TICK == 12 + 8  # B was seen at the twelfth wait, then eight quiet ticks
