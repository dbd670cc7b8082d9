"""Contacts (``task_evals/single/contacts.py``): a contact with the name and the number (digits compared) must be
in ``content://com.android.contacts/data/phones``."""

from __future__ import annotations

from ...mock_gui.data import FIRST, LAST
from ..sim.catalog import APPS
from ..tasks import _digits, _phones, _put_contact
from .common import OfficialTask, fuzzy_match
from .sms import number


class ContactsAddContact(OfficialTask):
    template = "Create a new contact for {name}. Their number is {number}."
    complexity = 1.2
    app = "contacts"
    app_names = ("contacts",)

    @classmethod
    def generate_random_params(cls, rng):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        return {"name": f"{first} {last}", "first": first, "last": last, "number": number(rng)}

    def setup(self, dev):
        _put_contact(dev, self.params["name"])

    def is_successful(self, dev, answer=None):
        rows = _phones(dev, self.params["name"])
        return 1.0 if any(_digits(r["data1"]) == _digits(self.params["number"]) for r in rows) else 0.0

    def tear_down(self, dev):
        _put_contact(dev, self.params["name"])
        super().tear_down(dev)

    def oracle_checks(self):
        p = self.params
        return [{"query": "saved_contact", "args": [p["first"], p["last"], p["number"]], "equals": p["number"]}]


class ContactsNewContactDraft(OfficialTask):
    """Checked on the screen, as AndroidWorld's: fields whose hints are First name / Last name / Phone hold the
    values (names fuzzily, the phone's digits), and the phone label shows under the phone field."""

    template = (
        "Go to the new contact screen and enter the following details: First Name: {first}, Last Name: {last}, "
        "Phone: {phone}, Phone Label: {phone_label}. Do NOT hit save."
    )
    complexity = 1.2
    app = "contacts"
    app_names = ("contacts",)

    @classmethod
    def generate_random_params(cls, rng):
        return {
            "first": rng.choice(FIRST),
            "last": rng.choice(LAST),
            "phone": f"{rng.randint(100, 999)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            "phone_label": rng.choice(("Home", "Work")),
        }

    def setup(self, dev):
        dev.app_stop(APPS["contacts"][0])

    def is_successful(self, dev, answer=None):
        p, elements = self.params, dev.ui_elements()
        first = any(e.text and fuzzy_match(e.text, p["first"]) and e.hint_text == "First name" for e in elements)
        last = any(e.text and fuzzy_match(e.text, p["last"]) and e.hint_text == "Last name" for e in elements)
        phone = next(
            (e for e in elements if e.text and _digits(e.text) == _digits(p["phone"]) and e.hint_text == "Phone"),
            None,
        )
        label = phone is not None and any(
            e.text == p["phone_label"]
            and (
                e.content_description == f"{p['phone_label']} Phone"
                or (e.bbox_pixels and phone.bbox_pixels and phone.bbox_pixels.y_max <= e.bbox_pixels.y_min)
            )
            for e in elements
        )
        return 1.0 if first and last and phone is not None and label else 0.0

    def oracle_checks(self):
        p = self.params
        return [{"query": "new_contact", "args": [p["first"], p["last"], p["phone"], p["phone_label"]], "equals": True}]


TASKS = (ContactsAddContact, ContactsNewContactDraft)
