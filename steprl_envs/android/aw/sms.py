"""Simple SMS Messenger (``task_evals/single/sms.py``, ``common_validators/sms_validators.py``): setup clears the
messages and adds received / sent ones through ``content://sms``; a task passes when ``content://sms/sent`` has
the message for the number (fuzzy body match) and Simple SMS Messenger is the app on the screen."""

from __future__ import annotations

import random

from ..tasks import CONTACTS_PHONES, _put_contact, _sql
from .common import OfficialTask, fuzzy_match, person, sentence
from .system import foreground_package

SMS, SMS_SENT, SMS_INBOX = "content://sms", "content://sms/sent", "content://sms/inbox"
PACKAGE = "com.simplemobiletools.smsmessenger"
GLITCH = "Sorry, there was a glitch, what was the last message you sent me?"
ADDRESSES = (
    "12 Harbor Rd, Portland, ME, 04101",
    "450 Lake Ave, Madison, WI, 53703",
    "77 Pine St, Boulder, CO, 80302",
    "9 Orchard Ln, Salem, OR, 97301",
    "301 River Dr, Austin, TX, 78701",
    "58 Hill St, Burlington, VT, 05401",
)


def number(rng: random.Random) -> str:
    return f"{rng.randint(200, 999)}{rng.randint(200, 999)}{rng.randint(1000, 9999)}"


def _clean(address: str | None) -> str:
    return (address or "").replace("-", "").replace(" ", "")


def sent(dev) -> list[dict]:
    """Sent messages, newest first (by ``date``)."""
    rows = dev.content_query(SMS_SENT, ["address", "body", "date"])
    return sorted(rows, key=lambda r: int(r.get("date") or 0), reverse=True)


def to_number(dev, address: str | None, phone: str) -> bool:
    """``address`` is ``phone`` (dashes and spaces ignored), or names the contact whose number it is."""
    if _clean(address) == _clean(phone):
        return True
    rows = dev.content_query(CONTACTS_PHONES, ["display_name", "data1"], where=f"display_name={_sql(address or '')}")
    return any(_clean(r["data1"]) == _clean(phone) for r in rows)


def was_sent(dev, phone: str, body: str) -> bool:
    return any(to_number(dev, r["address"], phone) and fuzzy_match(r["body"], body) for r in sent(dev))


def clear_sms(dev) -> None:
    dev.content_delete(SMS)


def receive(dev, phone: str, body: str) -> None:
    dev.content_insert(SMS_INBOX, {"address": phone, "body": body})


class _Sms(OfficialTask):
    app = "messages"
    app_names = ("simple sms messenger",)
    complexity = 1.0

    @classmethod
    def generate_random_params(cls, rng):
        return {"number": number(rng), "message": sentence(rng)}

    def setup(self, dev):
        dev.settings_put("global", "airplane_mode_on", "0")
        clear_sms(dev)
        self.prepare(dev)
        dev.app_stop(PACKAGE)

    def prepare(self, dev) -> None:  # noqa: B027 - tasks without messages keep it
        """Messages of the task."""

    def is_successful(self, dev, answer=None):
        ok = was_sent(dev, self.params["number"], self.params["message"]) and foreground_package(dev) == PACKAGE
        return 1.0 if ok else 0.0

    def oracle_checks(self):
        return [{"query": "sms", "args": [self.params["number"]], "equals": self.params["message"]}]


class SimpleSmsSend(_Sms):
    template = "Send a text message using Simple SMS Messenger to {number} with message: {message}"


class SimpleSmsReply(_Sms):
    template = "Reply to {number} with message: {message} in Simple SMS Messenger"
    complexity = 1.2

    def prepare(self, dev):
        for _ in range(random.randint(1, 5)):
            other = sentence(random)
            if random.choice((True, False)):
                receive(dev, number(random), other)
            else:
                receive(dev, self.params["number"], other)
        receive(dev, self.params["number"], sentence(random))


class SimpleSmsReplyMostRecent(_Sms):
    template = "Reply to the most recent text message using Simple SMS Messenger with message: {message}"

    def prepare(self, dev):
        for _ in range(random.randint(0, 5)):
            receive(dev, number(random), self.other())
        receive(dev, self.params["number"], self.other())

    def other(self) -> str:
        text = sentence(random)
        while text == self.params["message"]:
            text = sentence(random)
        return text


class SimpleSmsResend(_Sms):
    """Passes when exactly one more message was sent and the newest equals the one sent during setup."""

    template = "Resend the message I just sent to {name} in Simple SMS Messenger"
    complexity = 1.2
    app_names = ("simple sms messenger", "contacts")

    @classmethod
    def generate_random_params(cls, rng):
        return {"name": person(rng), "number": number(rng), "message": sentence(rng)}

    def prepare(self, dev):
        _put_contact(dev, self.params["name"], self.params["number"])
        dev.content_insert(SMS_SENT, {"address": self.params["number"], "body": self.params["message"]})
        receive(dev, self.params["number"], GLITCH)
        self.before = sent(dev)

    def is_successful(self, dev, answer=None):
        after = sent(dev)
        if len(after) != len(self.before) + 1:
            return 0.0
        newest, old = after[0], self.before[0]
        same = to_number(dev, newest["address"], self.params["number"]) and fuzzy_match(newest["body"], old["body"])
        return 1.0 if same else 0.0

    def tear_down(self, dev):
        _put_contact(dev, self.params["name"])
        super().tear_down(dev)

    def oracle_checks(self):
        return [{"query": "sms_count", "args": [self.params["number"], self.params["message"]], "equals": 2}]


class SimpleSmsSendReceivedAddress(_Sms):
    template = "Text the address of the event to {name1} that {name2} just sent me in Simple SMS Messenger"
    complexity = 1.8
    app_names = ("simple sms messenger", "contacts")

    @classmethod
    def generate_random_params(cls, rng):
        name1 = person(rng)
        name2 = person(rng)
        while name2 == name1:
            name2 = person(rng)
        return {"name1": name1, "number": number(rng), "name2": name2, "message": rng.choice(ADDRESSES)}

    def prepare(self, dev):
        other = number(random)
        _put_contact(dev, self.params["name1"], self.params["number"])
        _put_contact(dev, self.params["name2"], other)
        receive(dev, other, self.params["message"])

    def tear_down(self, dev):
        _put_contact(dev, self.params["name1"])
        _put_contact(dev, self.params["name2"])
        super().tear_down(dev)

    def oracle_checks(self):
        return [{"query": "sms", "args": [self.params["name1"]], "equals": self.params["message"]}]


TASKS = (SimpleSmsSend, SimpleSmsReply, SimpleSmsReplyMostRecent, SimpleSmsResend, SimpleSmsSendReceivedAddress)
