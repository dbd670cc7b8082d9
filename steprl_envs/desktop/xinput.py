"""Replay parsed pyautogui actions with xdotool, so the desktop needs neither pyautogui nor the agent's code.

A whole step (up to 64 actions) becomes chained ``xdotool`` command lines (one process per step, or more when
text is typed: ``xdotool type`` swallows every word after it), no shell, and xdotool's delays set explicitly (its
default 100 ms click delay and 12 ms key delay would dominate a step).

Typed text goes as pyautogui types it, with no pause between keys, wherever the character is on the keyboard map:
printable ASCII, tab and newline (under load, 250 such characters typed at 0 ms into gnome-terminal arrived intact
4 times of 4, and 120 typed into a Calc cell changed only where Calc's autocorrect curls quotes). Any other
character makes xdotool rebind a spare key first, and the app may read the key before it sees the new map, so those
are typed one run at a time with a pause (:data:`REMAP_DELAY_MS`).
Only :class:`~steprl_envs.core.actions.Action` values produced by the parser get here; the text is never run.
"""

from __future__ import annotations

from ..core.actions import Action
from .keymap import keysym

_BUTTONS = {"left": "1", "primary": "1", "middle": "2", "right": "3", "secondary": "3"}
_CLICKS = {"click": None, "doubleClick": 2, "tripleClick": 3, "rightClick": 1, "middleClick": 1}
_FORCED_BUTTON = {"rightClick": "right", "middleClick": "middle"}
#: Pause in ms between characters that are not on the keyboard map (xdotool's own default key delay).
REMAP_DELAY_MS = 12
#: Characters on a US keyboard map, typed without pauses.
_ON_KEYMAP = frozenset(chr(c) for c in range(0x20, 0x7F)) | {"\n", "\t"}


def _ms(seconds: float) -> str:
    return str(max(0, round(seconds * 1000)))


def _move(args: dict) -> list[str]:
    if args.get("x") is None:
        return []
    return ["mousemove", str(round(args["x"])), str(round(args["y"]))]


def _scroll(button_pos: str, button_neg: str, args: dict) -> list[str]:
    clicks = args["clicks"]
    if clicks == 0:
        return _move(args)
    button = button_pos if clicks > 0 else button_neg
    return [*_move(args), "click", "--repeat", str(abs(clicks)), "--delay", "0", button]


def _keys(value) -> list[str]:
    return [keysym(k) for k in (value if isinstance(value, list) else [value])]


def commands(action: Action) -> list[str]:
    """xdotool words for one pyautogui-mode action (raises ValueError for a key X cannot press)."""
    name, a = action.name, action.args
    if name in _CLICKS:
        count = a.get("clicks", 1) if _CLICKS[name] is None else _CLICKS[name]
        button = _BUTTONS[_FORCED_BUTTON.get(name, a.get("button", "left"))]
        if count == 0:
            return _move(a)
        return [*_move(a), "click", "--repeat", str(count), "--delay", _ms(a.get("interval", 0.0)), button]
    if name == "moveTo":
        return _move(a)
    if name == "moveRel":
        return ["mousemove_relative", "--", str(round(a.get("xOffset") or 0)), str(round(a.get("yOffset") or 0))]
    if name in ("dragTo", "dragRel"):
        button = _BUTTONS[a.get("button", "left")]
        if name == "dragTo":
            target = _move(a)
        else:
            target = ["mousemove_relative", "--", str(round(a.get("xOffset", 0))), str(round(a.get("yOffset", 0)))]
        return ["mousedown", button, *target, "mouseup", button]
    if name in ("mouseDown", "mouseUp"):
        return [*_move(a), name.lower(), _BUTTONS[a.get("button", "left")]]
    if name in ("scroll", "vscroll"):
        return _scroll("4", "5", a)
    if name == "hscroll":
        return _scroll("7", "6", a)
    if name in ("write", "typewrite"):  # text (a string) is typed by :func:`_typing`; a list names keys
        message = a["message"]
        return ["key", "--delay", _ms(a.get("interval", 0.0)), *_keys(message)] if isinstance(message, list) else []
    if name == "press":
        keys = _keys(a["keys"]) * a.get("presses", 1)
        return ["key", "--delay", _ms(a.get("interval", 0.0)), *keys] if keys else []
    if name == "keyDown":
        return ["keydown", *_keys(a["key"])]
    if name == "keyUp":
        return ["keyup", *_keys(a["key"])]
    if name == "hotkey":
        return ["key", "--delay", "0", "+".join(_keys(a["keys"]))]
    if name == "sleep":
        return ["sleep", str(a["seconds"])]
    if action.is_control:
        return []
    raise ValueError(f"{name} is not a pyautogui action this desktop can perform")


def keymap_runs(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into maximal runs of characters that are (True) or are not (False) on the keyboard map."""
    runs: list[tuple[str, bool]] = []
    for ch in text:
        plain = ch in _ON_KEYMAP
        if runs and runs[-1][1] == plain:
            runs[-1] = (runs[-1][0] + ch, plain)
        else:
            runs.append((ch, plain))
    return runs


def _typing(action: Action) -> list[list[str]] | None:
    """The ``type`` commands of an action that types text (each must end its xdotool chain), None for any other:
    at the agent's ``interval`` when it gave one, else at 0 ms with the characters off the keyboard map in runs of
    their own at :data:`REMAP_DELAY_MS`."""
    a = action.args
    message = a.get("message")
    if action.name not in ("write", "typewrite") or not isinstance(message, str) or not message:
        return None
    if "interval" in a:
        return [["type", "--delay", _ms(a["interval"]), "--", message]]
    return [
        ["type", "--delay", "0" if plain else str(REMAP_DELAY_MS), "--", run] for run, plain in keymap_runs(message)
    ]


def invocations(actions: list[Action]) -> list[list[str]]:
    """xdotool argv lists for a whole step: one chain, cut after each ``type`` (empty for e.g. WAIT)."""
    runs: list[list[str]] = []
    words: list[str] = []
    for action in actions:
        typing = _typing(action)
        if typing is None:
            words += commands(action)
            continue
        for command in typing:
            runs.append(["xdotool", *words, *command])
            words = []
    if words:
        runs.append(["xdotool", *words])
    return runs
