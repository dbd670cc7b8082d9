"""Joplin information-retrieval tasks over note text (``tasks.textproto``): the note that answers the question
among notes that cannot (no other title contains its title), written into ``joplin.sqlite``'s ``notes`` table;
the answer is scored as AndroidWorld's expected values are (a string fuzzily, a number exactly)."""

from __future__ import annotations

import random

from ..sim.catalog import APPS, NOTES_DB
from ..sim.joplin import folder_id
from .calendar_ir import check_answer
from .common import OfficialTask, sentence

RECIPES = ("Pancake Stack", "Mushroom Soup", "Banana Bread", "Veggie Curry", "Lemon Tart", "Bean Chili", "Granola")
INGREDIENTS = ("chia seeds", "tahini", "oat flour", "cocoa nibs", "flax meal", "maple syrup", "sesame oil")
QUANTITIES = ("1 cup", "2 cups", "1/2 cup", "1/4 cup", "1 tablespoon", "2 tablespoons", "1 teaspoon", "3 teaspoons")
OTHER_LINES = ("1 cup rolled oats", "1/2 cup brown sugar", "1 teaspoon baking soda", "2 eggs", "1/4 teaspoon salt")
FOLDERS = ("Personal", "Work", "Home", "Projects", "Ideas", "Travel")
MEETINGS = ("Weekly Sync", "Budget Planning", "Launch Review", "Hiring Panel", "Vendor Call", "Board Prep")
PEOPLE = ("Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonas", "Kim", "Leo", "Mia")


class _NotesAnswer(OfficialTask):
    app = "notes"
    app_names = ("joplin",)
    answer_task = True
    complexity = 1.0

    @classmethod
    def note(cls, rng) -> tuple[dict, str, str, str]:
        """(goal parameters, title, body, expected answer)."""
        raise NotImplementedError

    @classmethod
    def generate_random_params(cls, rng):
        params, title, body = cls.note(rng)
        noise = []
        while len(noise) < rng.randint(2, 5):
            other = f"{rng.choice(('Ideas', 'Plans', 'Trip', 'Books', 'Groceries'))} {rng.randint(1, 99)}"
            if title not in other and other not in [n[0] for n in noise]:
                noise.append((other, sentence(rng), rng.random() < 0.3, rng.choice(FOLDERS)))
        return {**params, "title": title, "body": body, "noise": noise}

    def notes(self) -> list[tuple[str, str, bool, str]]:
        """(title, body, is a to-do, folder) of every note."""
        p = self.params
        return [*map(tuple, p["noise"]), (p["title"], p["body"], p.get("is_todo") == "True", p.get("folder", ""))]

    @property
    def goal(self):
        return self.template.format(**self.params)

    def setup(self, dev):
        notes = self.notes()
        statements = [("DELETE FROM notes", ()), ("DELETE FROM folders", ())]
        for folder in sorted({n[3] for n in notes} - {""}):
            statements.append(
                (
                    "INSERT INTO folders (id, title, created_time, updated_time) VALUES (?, ?, 1697300000000, "
                    "1697300000000)",
                    (folder_id(folder), folder),
                )
            )
        for i, (title, body, todo, folder) in enumerate(notes):
            stamp = 1697300000000 + i * 60000
            statements.append(
                (
                    "INSERT INTO notes (id, title, body, parent_id, created_time, updated_time, is_todo) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (f"{random.getrandbits(64):032x}", title, body, folder_id(folder), stamp, stamp, int(todo)),
                )
            )
        dev.sqlite_modify(NOTES_DB, statements)
        dev.app_stop(APPS["notes"][0])

    def answer(self):
        return self.params["expected"]


class NotesRecipeIngredientCount(_NotesAnswer):
    template = (
        "What quantity of {ingredient} do I need for the recipe '{title}' in the Joplin app? Express your answer in "
        "the format <amount> <unit> where both the amount and unit exactly match the format in the recipe."
    )

    @classmethod
    def note(cls, rng):
        ingredient, quantity = rng.choice(INGREDIENTS), rng.choice(QUANTITIES)
        lines = rng.sample(OTHER_LINES, 3)
        lines.insert(rng.randint(0, 3), f"{quantity} {ingredient}")
        body = "Ingredients:\n" + "\n".join(f"- {line}" for line in lines) + "\n\nInstructions:\nMix and bake."
        return {"ingredient": ingredient, "expected": quantity}, rng.choice(RECIPES), body

    def is_successful(self, dev, answer=None):
        return 1.0 if check_answer(answer, [self.params["expected"]]) else 0.0


class NotesMeetingAttendeeCount(_NotesAnswer):
    template = (
        "How many attendees were present in the meeting titled '{title}' in the Joplin app? Express your answer as "
        "just a single number."
    )

    @classmethod
    def note(cls, rng):
        people = rng.sample(PEOPLE, rng.randint(3, 9))
        body = "Attendees: " + ", ".join(people) + "\n\nNotes:\n" + sentence(rng) + "."
        return {"expected": str(len(people))}, rng.choice(MEETINGS), body

    def is_successful(self, dev, answer=None):
        try:
            return 1.0 if answer and float(answer.strip()) == float(self.params["expected"]) else 0.0
        except ValueError:
            return 0.0


class NotesIsTodo(_NotesAnswer):
    template = (
        "Is the note titled '{title}' in the Joplin app marked as a todo item? Respond with either 'True' if it is a "
        "todo or 'False' if not."
    )
    TITLES = ("Grocery Run", "Meeting Agenda", "Garden Plan", "Reading List", "Gift Ideas", "Move Checklist")

    @classmethod
    def note(cls, rng):
        todo = rng.choice(("True", "False"))
        params = {"is_todo": todo, "folder": rng.choice(FOLDERS), "expected": todo}
        return params, rng.choice(cls.TITLES), sentence(rng) + "."

    def is_successful(self, dev, answer=None):
        return 1.0 if check_answer(answer, [self.params["expected"]]) else 0.0


class NotesTodoItemCount(_NotesAnswer):
    """Several to-dos in one folder; the other notes are plain notes there or anything elsewhere."""

    template = "How many to-dos do I have in the '{folder}' folder in the Joplin app? Express your answer as just a single number."

    @classmethod
    def generate_random_params(cls, rng):
        folder = rng.choice(FOLDERS)
        titles = rng.sample(
            ("Call plumber", "Pay rent", "Send invoice", "Book dentist", "Buy paint", "Renew visa"), rng.randint(2, 5)
        )
        todos = [(t, sentence(rng) + ".", True, folder) for t in titles]
        noise = []
        for i in range(rng.randint(2, 5)):
            other = rng.choice([f for f in FOLDERS if f != folder])
            todo = rng.random() < 0.5
            noise.append((f"Note {i + 1}", sentence(rng) + ".", todo, other if todo else rng.choice(FOLDERS)))
        return {"folder": folder, "rows": todos, "noise": noise, "expected": str(len(todos))}

    def notes(self):
        return [*map(tuple, self.params["noise"]), *map(tuple, self.params["rows"])]

    def is_successful(self, dev, answer=None):
        try:
            return 1.0 if answer and float(answer.strip()) == float(self.params["expected"]) else 0.0
        except ValueError:
            return 0.0


TASKS = (NotesRecipeIngredientCount, NotesMeetingAttendeeCount, NotesIsTodo, NotesTodoItemCount)
