"""Task evaluators in AndroidWorld's style (``android_world/task_evals/task_eval.py``).

A :class:`TaskEval` has a ``template`` (the goal with ``{params}``), a ``complexity`` (the step budget is
``int(10 * complexity)``), ``app_names``, and four stages, all over ADB through :class:`~.device.AndroidDevice`:

* ``generate_random_params(rng)``: parameters from a seeded ``random.Random`` (the instance seed is
  ``sha256(f"{seed}_{task_id}_0") % 2**32``, as AndroidWorld's suite builder derives it);
* ``initialize_task(dev)``: preconditions (settings, content-provider rows, app databases);
* ``is_successful(dev, answer)``: the state check, 1.0 or 0.0 (information tasks read the agent's ``answer``);
* ``tear_down(dev)``: closes the apps that were touched.

Checks read: ``settings get`` (system apps), ``content query`` (contacts, SMS) and SQLite databases pulled from
``/data/data/<package>/databases`` (Clock's ``alarms.db``, Joplin's ``joplin.sqlite``). Task records live in
``tasks/androidworld/*.json`` with ``evaluator: {"class": NAME}`` and ``config: {"complexity": X}``.

``oracle_checks`` (MockGUI state checks) and ``answer`` let the sim provider's scripted oracle solve the task.
"""

from __future__ import annotations

import hashlib
import random
import re
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from ..mock_gui.data import FIRST, LAST, SENTENCES, WORDS
from .device import AndroidDevice
from .sim.catalog import ALARMS_DB, APPS, NOTES_DB

CONTACTS_PHONES = "content://com.android.contacts/data/phones"
CONTACTS = "content://com.android.contacts/contacts"
SMS_SENT, SMS_INBOX = "content://sms/sent", "content://sms/inbox"


def instance_seed(seed: int, task_id: str, index: int = 0) -> int:
    return int(hashlib.sha256(f"{seed}_{task_id}_{index}".encode()).hexdigest(), 16) % 2**32


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _number(rng: random.Random) -> str:
    return f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"


def _time(rng: random.Random) -> str:
    return f"{rng.randint(5, 22):02d}:{rng.choice((5, 10, 20, 25, 35, 40, 50, 55)):02d}"


def _title(rng: random.Random) -> str:
    return f"{rng.choice(WORDS).capitalize()} {rng.randint(100, 999)}"


def _digits(s: str | None) -> str:
    return re.sub(r"\D", "", s or "")


def _norm(s: str | None) -> str:
    return re.sub(r"\s+", " ", (s or "").strip().lower()).rstrip(".")


def _sql(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class TaskEval(ABC):
    template: ClassVar[str] = ""
    complexity: ClassVar[float] = 1.0
    app_names: ClassVar[tuple[str, ...]] = ()
    #: information-retrieval tasks are scored on the agent's ``answer``
    answer_task: ClassVar[bool] = False
    start_on_home_screen: ClassVar[bool] = True

    def __init__(self, params: dict[str, Any]):
        self.params = dict(params)
        self.initialized = False

    @property
    def goal(self) -> str:
        return self.template.format(**self.params)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {}

    def initialize_task(self, dev: AndroidDevice) -> None:
        if self.initialized:
            raise RuntimeError(f"{type(self).__name__} is already initialized")
        random.seed(self.params.get("seed"))
        self.setup(dev)
        self.initialized = True

    def setup(self, dev: AndroidDevice) -> None:  # noqa: B027 - optional: tasks without preconditions keep it
        """Preconditions (subclasses)."""

    @abstractmethod
    def is_successful(self, dev: AndroidDevice, answer: str | None = None) -> float: ...

    def tear_down(self, dev: AndroidDevice) -> None:
        for app in self.app_names:
            if app in APPS:
                dev.app_stop(APPS[app][0])
        self.initialized = False

    # for the sim provider's oracle
    def oracle_checks(self) -> list[dict]:
        return []

    def answer(self) -> str | None:
        return None


# -- settings ----------------------------------------------------------------------------------------------------
class _SettingTask(TaskEval):
    app_names = ("settings",)
    namespace, key, start, target = "global", "", "0", ("1",)
    mock: ClassVar[tuple[str, Any]] = ("", None)

    def setup(self, dev):
        dev.settings_put(self.namespace, self.key, self.start)

    def is_successful(self, dev, answer=None):
        return 1.0 if dev.settings_get(self.namespace, self.key) in self.target else 0.0

    def oracle_checks(self):
        return [{"query": "phone_setting", "args": [self.mock[0]], "equals": self.mock[1]}]


class SystemAirplaneModeOn(_SettingTask):
    template = "Turn on airplane mode."
    key, start, target, mock = "airplane_mode_on", "0", ("1",), ("airplane", True)


class SystemDarkThemeOn(_SettingTask):
    template = "Switch the phone to the dark theme."
    complexity = 1.2
    namespace, key, start, target, mock = "secure", "ui_night_mode", "1", ("2",), ("dark", True)


# -- contacts ----------------------------------------------------------------------------------------------------
def _phones(dev: AndroidDevice, name: str) -> list[dict]:
    return dev.content_query(CONTACTS_PHONES, ["display_name", "data1"], where=f"display_name={_sql(name)}")


def _put_contact(dev: AndroidDevice, name: str, number: str | None = None) -> None:
    """Delete the contacts called ``name``, then (with a ``number``) add one with that number."""
    dev.content_delete(CONTACTS_PHONES, where=f"display_name={_sql(name)}")
    if number is not None:
        dev.content_insert(CONTACTS_PHONES, {"display_name": name, "data1": number})


class _ContactTask(TaskEval):
    app_names = ("contacts",)
    #: the contact exists (with ``number``) when the task starts
    existing: ClassVar[bool] = True

    @classmethod
    def generate_random_params(cls, rng):
        return {"name": _person(rng), "number": _number(rng)}

    def setup(self, dev):
        _put_contact(dev, self.params["name"], self.params["number"] if self.existing else None)


class ContactsDeleteContact(_ContactTask):
    template = "Delete the contact {name}."
    complexity = 1.2

    def is_successful(self, dev, answer=None):
        return 0.0 if _phones(dev, self.params["name"]) else 1.0

    def oracle_checks(self):
        return [{"query": "contact_phone", "args": [self.params["name"]], "equals": None}]


class ContactsEditNumber(_ContactTask):
    template = "Change the phone number of {name} to {new_number}."
    complexity = 1.5

    @classmethod
    def generate_random_params(cls, rng):
        return {**super().generate_random_params(rng), "new_number": _number(rng)}

    def is_successful(self, dev, answer=None):
        rows = _phones(dev, self.params["name"])
        return 1.0 if rows and all(_digits(r["data1"]) == _digits(self.params["new_number"]) for r in rows) else 0.0

    def oracle_checks(self):
        return [{"query": "contact_phone", "args": [self.params["name"]], "equals": self.params["new_number"]}]


class ContactsStarContact(_ContactTask):
    template = "Add {name} to my favourite (starred) contacts."
    complexity = 1.2

    def is_successful(self, dev, answer=None):
        rows = dev.content_query(
            CONTACTS, ["display_name", "starred"], where=f"display_name={_sql(self.params['name'])}"
        )
        return 1.0 if rows and rows[0]["starred"] == "1" else 0.0

    def oracle_checks(self):
        return [{"query": "contact_starred", "args": [self.params["name"]], "equals": True}]


class ContactsPhoneQuery(_ContactTask):
    template = "What is the phone number of {name}? Answer with the number only."
    answer_task = True

    def is_successful(self, dev, answer=None):
        return 1.0 if answer and _digits(answer) == _digits(self.params["number"]) else 0.0

    def answer(self):
        return self.params["number"]


# -- clock (alarms.db) -------------------------------------------------------------------------------------------
class _AlarmTask(TaskEval):
    app_names = ("clock",)
    start_state: ClassVar[int | None] = None  # None: no alarm at that time; else enabled 0/1
    #: the alarm's state the oracle aims for ("on", "off", or None: no alarm)
    oracle_state: ClassVar[str | None] = "on"

    @classmethod
    def generate_random_params(cls, rng):
        return {"time": _time(rng)}

    def _hm(self) -> tuple[int, int]:
        h, m = self.params["time"].split(":")
        return int(h), int(m)

    def setup(self, dev):
        h, m = self._hm()
        statements = [("DELETE FROM alarm_templates WHERE hour=? AND minutes=?", (h, m))]
        if self.start_state is not None:
            statements.append(
                (
                    "INSERT INTO alarm_templates (hour, minutes, enabled, label, days_of_week, vibrate, "
                    "ringtone, delete_after_use) VALUES (?, ?, ?, 'Alarm', 0, 1, 'default', 0)",
                    (h, m, self.start_state),
                )
            )
        dev.sqlite_modify(ALARMS_DB, statements)
        dev.app_stop(APPS["clock"][0])

    def rows(self, dev) -> list[dict]:
        h, m = self._hm()
        return dev.sqlite_query(ALARMS_DB, "SELECT * FROM alarm_templates WHERE hour=? AND minutes=?", (h, m))

    def oracle_checks(self):
        return [{"query": "alarm", "args": [self.params["time"]], "equals": self.oracle_state}]


class ClockAlarmAdd(_AlarmTask):
    template = "Create an alarm at {time} in the Clock app."
    complexity = 1.5

    def is_successful(self, dev, answer=None):
        return 1.0 if any(r["enabled"] for r in self.rows(dev)) else 0.0


class ClockAlarmTurnOn(_AlarmTask):
    template = "Turn on the {time} alarm in the Clock app."
    start_state = 0

    def is_successful(self, dev, answer=None):
        rows = self.rows(dev)
        return 1.0 if rows and all(r["enabled"] for r in rows) else 0.0


class ClockAlarmTurnOff(_AlarmTask):
    template = "Turn off the {time} alarm in the Clock app."
    start_state = 1
    oracle_state = "off"

    def is_successful(self, dev, answer=None):
        rows = self.rows(dev)
        return 1.0 if rows and not any(r["enabled"] for r in rows) else 0.0


class ClockAlarmDelete(_AlarmTask):
    template = "Delete the {time} alarm."
    complexity = 1.5
    start_state = 1
    oracle_state = None

    def is_successful(self, dev, answer=None):
        return 0.0 if self.rows(dev) else 1.0


# -- notes (Joplin's joplin.sqlite) ------------------------------------------------------------------------------
class _NoteTask(TaskEval):
    app_names = ("notes",)
    existing: ClassVar[bool] = True

    @classmethod
    def generate_random_params(cls, rng):
        return {"title": _title(rng), "body": rng.choice(SENTENCES), "new_body": rng.choice(SENTENCES) + " today"}

    def setup(self, dev):
        statements = [("DELETE FROM notes WHERE title=?", (self.params["title"],))]
        if self.existing:
            statements.append(
                (
                    "INSERT INTO notes (id, title, body, parent_id, created_time, updated_time) "
                    "VALUES (?, ?, ?, '', 1697384040000, 1697384040000)",
                    (f"{random.getrandbits(64):032x}", self.params["title"], self.params["body"]),
                )
            )
        dev.sqlite_modify(NOTES_DB, statements)
        dev.app_stop(APPS["notes"][0])

    def bodies(self, dev) -> list[str]:
        return [
            r["body"]
            for r in dev.sqlite_query(NOTES_DB, "SELECT body FROM notes WHERE title=?", (self.params["title"],))
        ]


class NotesCreateNote(_NoteTask):
    template = 'In Joplin, create a note titled "{title}" with the text "{body}".'
    complexity = 1.6
    existing = False

    def is_successful(self, dev, answer=None):
        return 1.0 if any(b.strip() == self.params["body"] for b in self.bodies(dev)) else 0.0

    def oracle_checks(self):
        return [{"query": "note", "args": [self.params["title"]], "equals": self.params["body"]}]


class NotesEditNote(_NoteTask):
    template = 'In Joplin, replace the text of the note "{title}" with "{new_body}".'
    complexity = 1.6

    def is_successful(self, dev, answer=None):
        bodies = self.bodies(dev)
        return 1.0 if bodies and all(b.strip() == self.params["new_body"] for b in bodies) else 0.0

    def oracle_checks(self):
        return [{"query": "note", "args": [self.params["title"]], "equals": self.params["new_body"]}]


class NotesDeleteNote(_NoteTask):
    template = 'Delete the note "{title}" in Joplin.'
    complexity = 1.2

    def is_successful(self, dev, answer=None):
        return 0.0 if self.bodies(dev) else 1.0

    def oracle_checks(self):
        return [{"query": "note", "args": [self.params["title"]], "equals": None}]


class NotesBodyQuery(_NoteTask):
    template = 'What does the Joplin note "{title}" say? Answer with its text.'
    answer_task = True

    def is_successful(self, dev, answer=None):
        return 1.0 if answer and _norm(answer) == _norm(self.params["body"]) else 0.0

    def answer(self):
        return self.params["body"]


# -- SMS ---------------------------------------------------------------------------------------------------------
class _SmsTask(TaskEval):
    app_names = ("messages",)

    @classmethod
    def generate_random_params(cls, rng):
        return {"name": _person(rng), "number": _number(rng), "message": rng.choice(SENTENCES)}

    def sent_to(self, dev, *addresses: str) -> list[str]:
        rows = dev.content_query(SMS_SENT, ["address", "body"])
        wanted = {a for a in addresses} | {_digits(a) for a in addresses if _digits(a)}
        return [r["body"] or "" for r in rows if r["address"] in wanted or _digits(r["address"]) in wanted]

    def _was_sent(self, dev, *addresses: str) -> bool:
        """The task's message is among the texts sent to ``addresses``."""
        return any(_norm(b) == _norm(self.params["message"]) for b in self.sent_to(dev, *addresses))


class SimpleSmsSendToContact(_SmsTask):
    template = 'Text my contact {name} the message "{message}".'
    complexity = 1.6
    app_names = ("messages", "contacts")

    def setup(self, dev):
        _put_contact(dev, self.params["name"], self.params["number"])

    def is_successful(self, dev, answer=None):
        return 1.0 if self._was_sent(dev, self.params["name"], self.params["number"]) else 0.0

    def oracle_checks(self):
        return [{"query": "sms", "args": [self.params["name"]], "equals": self.params["message"]}]


class SimpleSmsLastMessageQuery(_SmsTask):
    template = "What was the last text message I received from {number}? Answer with the message only."
    answer_task = True

    def setup(self, dev):
        dev.content_insert(SMS_INBOX, {"address": self.params["number"], "body": self.params["message"]})

    def is_successful(self, dev, answer=None):
        return 1.0 if answer and _norm(answer) == _norm(self.params["message"]) else 0.0

    def answer(self):
        return self.params["message"]


class ContactsNumberToSms(SimpleSmsSendToContact):
    """Multi-app: read a number in Contacts, then text it (set up and checked as SimpleSmsSendToContact)."""

    template = 'Look up the phone number of {name} in Contacts and send "{message}" to that number.'
    complexity = 2.4
    app_names = ("contacts", "messages")

    def oracle_checks(self):
        return [{"query": "sms", "args": [self.params["number"]], "equals": self.params["message"]}]


class BrokenCheck(TaskEval):
    """A task whose check always throws (used to test that the env reports evaluator failures)."""

    template = "Press the home button, then finish."

    def is_successful(self, dev, answer=None):
        raise RuntimeError("this check is broken on purpose")


TASK_CLASSES: dict[str, type[TaskEval]] = {
    cls.__name__: cls
    for cls in (
        SystemAirplaneModeOn,
        SystemDarkThemeOn,
        ContactsDeleteContact,
        ContactsEditNumber,
        ContactsStarContact,
        ContactsPhoneQuery,
        ClockAlarmAdd,
        ClockAlarmTurnOn,
        ClockAlarmTurnOff,
        ClockAlarmDelete,
        NotesCreateNote,
        NotesEditNote,
        NotesDeleteNote,
        NotesBodyQuery,
        SimpleSmsSendToContact,
        SimpleSmsLastMessageQuery,
        ContactsNumberToSms,
        BrokenCheck,
    )
}
