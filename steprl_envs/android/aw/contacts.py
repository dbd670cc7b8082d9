"""Contacts (``task_evals/single/contacts.py``): a contact with the name and the number (digits compared) must be
in ``content://com.android.contacts/data/phones``."""

from __future__ import annotations

from ..tasks import _digits, _phones, _put_contact
from .common import OfficialTask, person
from .sms import number


class ContactsAddContact(OfficialTask):
    template = "Create a new contact for {name}. Their number is {number}."
    complexity = 1.2
    app = "contacts"
    app_names = ("contacts",)

    @classmethod
    def generate_random_params(cls, rng):
        return {"name": person(rng), "number": number(rng)}

    def setup(self, dev):
        _put_contact(dev, self.params["name"])

    def is_successful(self, dev, answer=None):
        rows = _phones(dev, self.params["name"])
        return 1.0 if any(_digits(r["data1"]) == _digits(self.params["number"]) for r in rows) else 0.0

    def tear_down(self, dev):
        _put_contact(dev, self.params["name"])
        super().tear_down(dev)

    def oracle_checks(self):
        return [{"query": "contact_phone", "args": [self.params["name"]], "equals": self.params["number"]}]


TASKS = (ContactsAddContact,)
