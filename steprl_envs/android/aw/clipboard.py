"""The clipboard tasks (``SystemCopyToClipboard``, ``MarkorCreateNoteFromClipboard``,
``SimpleSmsSendClipboardContent``): AndroidWorld sets and reads the clipboard through the Clipper app (bring it to
the front, ``am broadcast -a clipper.set -e text ...`` / ``clipper.get``, read ``data="..."``, press Back); the
agent copies or pastes with a text field's long-press menu."""

from __future__ import annotations

import re

from ..device import DeviceError
from .common import OfficialTask, fuzzy_match, note_name, random_string
from .markor import _Markor
from .sms import _Sms

CLIPPER = "ca.zgrs.clipper/ca.zgrs.clipper.Main"
_DATA = re.compile(r'data="(.*)"', re.S)
RESET = "~~~RESET~~~"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _clipper(dev, command: str) -> str:
    dev.run(f"am start -n {CLIPPER}")
    try:
        out = dev.run(command)
    finally:
        dev.keyevent("KEYCODE_BACK")
    match = _DATA.search(out)
    if match is None:
        raise DeviceError(f"the Clipper app did not answer: {out.strip()[:120]}")
    return match.group(1)


def set_clipboard(dev, text: str) -> None:
    _clipper(dev, f"am broadcast -a clipper.set -e text {_quote(text)}")


def get_clipboard(dev) -> str:
    return _clipper(dev, "am broadcast -a clipper.get")


CONTENTS = (
    "12 Harbor Rd, Portland, ME",
    "Order No: B778120",
    "Gate code 4471",
    "Promo code: SPRING24",
    "Wifi password: maple-lake-42",
    "Table for four at 7pm",
    "Tracking #: 9QX1184Z",
    "Room 221, second floor",
)


class SystemCopyToClipboard(OfficialTask):
    template = "Copy the following text to the clipboard: {clipboard_content}"
    complexity = 1.0
    app = "clipper"
    app_names = ("clipper",)

    @classmethod
    def generate_random_params(cls, rng):
        return {"clipboard_content": rng.choice(CONTENTS)}

    def setup(self, dev):
        set_clipboard(dev, RESET)

    def is_successful(self, dev, answer=None):
        return 1.0 if fuzzy_match(self.params["clipboard_content"], get_clipboard(dev)) else 0.0

    def tear_down(self, dev):
        set_clipboard(dev, RESET)
        super().tear_down(dev)

    def oracle_checks(self):
        return [{"query": "clipboard", "args": [], "equals": self.params["clipboard_content"]}]


class MarkorCreateNoteFromClipboard(_Markor):
    template = "Create a note in Markor named {file_name}. Perform a paste operation in the note and save the note."
    complexity = 1.4
    app_names = ("markor", "clipper")

    @classmethod
    def generate_random_params(cls, rng):
        return {"file_name": note_name(rng), "file_content": random_string(rng, 10)}

    def prepare(self, dev):
        set_clipboard(dev, self.params["file_content"])

    def is_successful(self, dev, answer=None):
        return 1.0 if self.content_matches(dev, self.params["file_name"], self.params["file_content"]) else 0.0

    def oracle_checks(self):
        p = self.params
        return [{"query": "pasted_note", "args": [p["file_name"]], "equals": p["file_content"]}]


class SimpleSmsSendClipboardContent(_Sms):
    template = "Send a message to {number} with the clipboard content in Simple SMS Messenger"
    complexity = 1.2
    app_names = ("simple sms messenger", "clipper")

    def prepare(self, dev):
        set_clipboard(dev, self.params["message"])

    def oracle_checks(self):
        return [{"query": "pasted_sms", "args": [self.params["number"]], "equals": self.params["message"]}]


TASKS = (SystemCopyToClipboard, MarkorCreateNoteFromClipboard, SimpleSmsSendClipboardContent)
