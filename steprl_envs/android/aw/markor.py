"""Markor: notes are files in ``/storage/emulated/0/Documents/Markor``. Setup clears that folder and pushes the
notes; checks list it and read the files, as AndroidWorld's Markor tasks (``task_evals/single/markor.py``) do."""

from __future__ import annotations

import posixpath
import random

from ..sim.markor import MARKOR_DIR
from ..tasks import SMS_SENT, _digits
from .common import (
    OfficialTask,
    clear_dir,
    create_file,
    entries,
    exists,
    files,
    fuzzy_match,
    make_dir,
    noise_files,
    note_name,
    random_string,
    read_text,
    sentence,
)

SUBFOLDERS = (
    "BookNotes",
    "CodeSnippets",
    "DailyNotes",
    "FitnessPlans",
    "MeetingMinutes",
    "PersonalJournal",
    "RecipeCollections",
    "StudyGuides",
    "TravelItineraries",
    "WorkProjects",
)


def _path(*parts: str) -> str:
    return posixpath.join(MARKOR_DIR, *parts)


class _Markor(OfficialTask):
    app = "markor"
    app_names = ("markor",)

    def setup(self, dev):
        clear_dir(dev, MARKOR_DIR)
        self.prepare(dev)

    def prepare(self, dev) -> None:  # noqa: B027 - tasks without notes keep it
        """Files of the task (after the folder was cleared)."""

    def add_noise(self, dev, avoid: str, folder: str = "", n: int | None = None) -> list[str]:
        names = noise_files(random, avoid, n)
        for name in names:
            create_file(dev, _path(folder), name, sentence(random))
        return names

    def tear_down(self, dev):
        clear_dir(dev, MARKOR_DIR)
        super().tear_down(dev)

    def content_matches(self, dev, name: str, text: str) -> bool:
        """AndroidWorld's CreateFile check: the file exists and its stripped text fuzzily matches."""
        got = read_text(dev, _path(name))
        return got is not None and fuzzy_match(got.strip(), text)


class MarkorCreateNote(_Markor):
    template = "Create a new note in Markor named {file_name} with the following text: {text}"
    complexity = 1.6

    @classmethod
    def generate_random_params(cls, rng):
        return {"file_name": note_name(rng), "text": sentence(rng)}

    def is_successful(self, dev, answer=None):
        return 1.0 if self.content_matches(dev, self.params["file_name"], self.params["text"]) else 0.0

    def oracle_checks(self):
        return [{"query": "markor_note", "args": [self.params["file_name"]], "equals": self.params["text"]}]


class MarkorCreateFolder(_Markor):
    template = "Create a new folder in Markor named {folder_name}."
    complexity = 1.0

    @classmethod
    def generate_random_params(cls, rng):
        stamp = f"2023{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}_{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}"
        return {"folder_name": f"folder_{stamp}{rng.randint(0, 59):02d}"}

    def prepare(self, dev):
        self.add_noise(dev, "")

    def is_successful(self, dev, answer=None):
        return 1.0 if exists(dev, MARKOR_DIR, self.params["folder_name"]) else 0.0

    def oracle_checks(self):
        return [{"query": "markor_dir", "args": [self.params["folder_name"]], "equals": True}]


class MarkorEditNote(_Markor):
    complexity = 1.2
    TEMPLATES = {
        "header": "Edit {file_name} in Markor. Add to the top of the note {header}",
        "footer": "Edit {file_name} in Markor. Add to the bottom of the note {footer}",
        "replace": "Edit {file_name} in Markor. Replace the text with {replace_text}",
    }

    @property
    def template(self):
        return self.TEMPLATES[self.params["edit_type"]]

    @classmethod
    def generate_random_params(cls, rng):
        kind = rng.choice(("header", "footer", "replace"))
        params = {"file_name": f"note_{random_string(rng, 5)}{rng.choice(('.md', '.txt'))}", "edit_type": kind}
        if kind == "replace":
            params["replace_text"] = "\n".join(sentence(rng) for _ in range(3))
        else:
            params[kind] = sentence(rng)
        return params

    def prepare(self, dev):
        self.add_noise(dev, self.params["file_name"])
        self.original = sentence(random)
        create_file(dev, MARKOR_DIR, self.params["file_name"], self.original)

    def expected(self) -> str:
        kind = self.params["edit_type"]
        if kind == "header":
            return self.params["header"] + "\n" + self.original
        if kind == "footer":
            return self.original + "\n" + self.params["footer"]
        return self.params["replace_text"]

    def is_successful(self, dev, answer=None):
        got = read_text(dev, _path(self.params["file_name"]))
        return 1.0 if got is not None and fuzzy_match(got.strip(), self.expected()) else 0.0

    def oracle_checks(self):
        return [{"query": "markor_note", "args": [self.params["file_name"]], "equals": self.expected()}]


class MarkorDeleteNote(_Markor):
    template = "Delete the note in Markor named {file_name}."
    complexity = 1.0

    @classmethod
    def generate_random_params(cls, rng):
        return {"file_name": note_name(rng)}

    def prepare(self, dev):
        create_file(dev, MARKOR_DIR, self.params["file_name"], sentence(random))
        self.add_noise(dev, self.params["file_name"])

    def is_successful(self, dev, answer=None):
        return 0.0 if exists(dev, MARKOR_DIR, self.params["file_name"]) else 1.0

    def oracle_checks(self):
        return [{"query": "markor_note", "args": [self.params["file_name"]], "equals": None}]


class MarkorDeleteNewestNote(_Markor):
    """Setup dates the notes apart (AndroidWorld moves the clock between them); the newest must go, only it."""

    template = "Delete the newest note in Markor."
    complexity = 1.0

    def prepare(self, dev):
        names = noise_files(random, "", random.randint(2, 6))
        minutes = random.sample(range(0, 600), len(names))
        for name, minute in zip(names, minutes, strict=True):
            stamp = f"2023-10-15T{8 + minute // 60:02d}:{minute % 60:02d}:00"
            create_file(dev, MARKOR_DIR, name, sentence(random), mtime=stamp)
        self.before = sorted(files(dev, MARKOR_DIR), key=lambda f: f[1])

    def is_successful(self, dev, answer=None):
        after = sorted(files(dev, MARKOR_DIR), key=lambda f: f[1])
        return 1.0 if len(after) == len(self.before) - 1 and after == self.before[: len(after)] else 0.0

    def oracle_checks(self):
        return [{"query": "markor_note", "args": [self.before[-1][0]], "equals": None}]


class MarkorDeleteAllNotes(_Markor):
    template = "Delete all my notes in Markor."
    complexity = 1.4

    def prepare(self, dev):
        self.names = self.add_noise(dev, "", n=random.randint(2, 6))

    def is_successful(self, dev, answer=None):
        return 0.0 if entries(dev, MARKOR_DIR) else 1.0

    def oracle_checks(self):
        return [{"query": "markor_empty", "args": [""], "equals": True}]


class MarkorMoveNote(_Markor):
    template = "In Markor, move the note {file_name} from {source_folder} to {destination_folder}."
    complexity = 1.4

    @classmethod
    def generate_random_params(cls, rng):
        src = rng.choice(SUBFOLDERS)
        dst = rng.choice([f for f in SUBFOLDERS if f != src])
        return {"file_name": note_name(rng), "source_folder": src, "destination_folder": dst}

    def prepare(self, dev):
        src, dst = self.params["source_folder"], self.params["destination_folder"]
        self.add_noise(dev, self.params["file_name"], folder=src)
        create_file(dev, _path(src), self.params["file_name"], sentence(random))
        make_dir(dev, _path(dst))

    def is_successful(self, dev, answer=None):
        name, src, dst = self.params["file_name"], self.params["source_folder"], self.params["destination_folder"]
        moved = exists(dev, _path(dst), name) and not exists(dev, _path(src), name)
        return 1.0 if moved else 0.0

    def oracle_checks(self):
        p = self.params
        return [
            {
                "query": "markor_moved",
                "args": [p["file_name"], p["source_folder"], p["destination_folder"]],
                "equals": True,
            }
        ]


class _RenameAndEdit(_Markor):
    complexity = 1.2

    def new_content(self) -> str:
        raise NotImplementedError

    def oracle_checks(self):
        p = self.params
        return [{"query": "markor_rename", "args": [p["original_name"], p["new_name"]], "equals": self.new_content()}]

    def renamed(self, dev) -> bool:
        p = self.params
        return not exists(dev, MARKOR_DIR, p["original_name"]) and exists(dev, MARKOR_DIR, p["new_name"])


class MarkorChangeNoteContent(_RenameAndEdit):
    template = (
        'Update the content of {original_name} to "{updated_content}" in Markor and change its name to {new_name}.'
    )

    @classmethod
    def generate_random_params(cls, rng):
        original = note_name(rng)
        new = note_name(rng)
        while new == original:
            new = note_name(rng)
        return {"original_name": original, "new_name": new, "updated_content": random_string(rng, 20)}

    def prepare(self, dev):
        create_file(dev, MARKOR_DIR, self.params["original_name"], random_string(random, 20))
        self.add_noise(dev, self.params["original_name"])

    def new_content(self):
        return self.params["updated_content"]

    def is_successful(self, dev, answer=None):
        ok = self.renamed(dev) and self.content_matches(dev, self.params["new_name"], self.new_content())
        return 1.0 if ok else 0.0


class MarkorAddNoteHeader(_RenameAndEdit):
    template = (
        "Update the Markor note {original_name} by adding the following text, along with a new blank line before "
        'the existing content: "{header}", and rename it to {new_name}.'
    )

    @classmethod
    def generate_random_params(cls, rng):
        original = note_name(rng)
        new = note_name(rng)
        while new == original:
            new = note_name(rng)
        return {
            "original_name": original,
            "original_content": sentence(rng),
            "new_name": new,
            "header": random_string(rng, 20),
        }

    def prepare(self, dev):
        create_file(dev, MARKOR_DIR, self.params["original_name"], self.params["original_content"])
        self.add_noise(dev, self.params["original_name"])

    def new_content(self):
        return self.params["header"] + "\n\n" + self.params["original_content"]

    def is_successful(self, dev, answer=None):
        """Exact text, as AndroidWorld's check: header, blank line, the old content and a final line break."""
        if not self.renamed(dev):
            return 0.0
        return 1.0 if read_text(dev, _path(self.params["new_name"])) == self.new_content() + "\n" else 0.0


class MarkorMergeNotes(_Markor):
    template = (
        "Merge the contents of Markor notes {file1_name}, {file2_name} and {file3_name} (in the same order) into a "
        "new Markor note named {new_file_name} and save it. Add a new line between the content of each note."
    )
    complexity = 7.8

    @classmethod
    def generate_random_params(cls, rng):
        names: list[str] = []
        while len(names) < 3:
            name = note_name(rng)
            if name not in names:
                names.append(name)
        params = {f"file{i + 1}_name": n for i, n in enumerate(names)}
        params.update({f"file{i + 1}_content": random_string(rng, 20) for i in range(3)})
        params["new_file_name"] = random_string(rng, 8)
        return params

    def prepare(self, dev):
        for i in (1, 2, 3):
            create_file(dev, MARKOR_DIR, self.params[f"file{i}_name"], self.params[f"file{i}_content"])

    def merged(self) -> str:
        return "\n\n".join(self.params[f"file{i}_content"] for i in (1, 2, 3))

    def is_successful(self, dev, answer=None):
        got = read_text(dev, _path(self.params["new_file_name"]))
        if got is None or not fuzzy_match(got.strip(), self.merged() + "\n"):
            return 0.0
        lines = got.strip().split("\n")
        return 1.0 if len(lines) == 5 and not lines[1] and not lines[3] else 0.0

    def oracle_checks(self):
        return [{"query": "markor_note", "args": [self.params["new_file_name"]], "equals": self.merged()}]


class MarkorCreateNoteAndSms(_Markor):
    """Composite: the score is the mean of the Markor check and the SMS check, as in AndroidWorld."""

    template = (
        "Create a new note in Markor named {file_name} with the following text: {text}. Share the entire content "
        "of the note with the phone number {number} via SMS using Simple SMS Messenger"
    )
    complexity = 1.8
    app_names = ("markor", "messages")

    @classmethod
    def generate_random_params(cls, rng):
        number = f"{rng.randint(200, 999)}{rng.randint(200, 999)}{rng.randint(1000, 9999)}"
        return {"file_name": note_name(rng), "text": sentence(rng), "number": number}

    def is_successful(self, dev, answer=None):
        note = 1.0 if self.content_matches(dev, self.params["file_name"], self.params["text"]) else 0.0
        rows = dev.content_query(SMS_SENT, ["address", "body"])
        want = _digits(self.params["number"])
        sms = any(
            _digits(r["address"])[-10:] == want[-10:] and fuzzy_match(r["body"] or "", self.params["text"])
            for r in rows
        )
        return (note + (1.0 if sms else 0.0)) / 2.0

    def oracle_checks(self):
        p = self.params
        return [
            {"query": "markor_note", "args": [p["file_name"]], "equals": p["text"]},
            {"query": "sms", "args": [p["number"]], "equals": p["text"]},
        ]


TASKS = (
    MarkorCreateNote,
    MarkorCreateFolder,
    MarkorEditNote,
    MarkorDeleteNote,
    MarkorDeleteNewestNote,
    MarkorDeleteAllNotes,
    MarkorMoveNote,
    MarkorChangeNoteContent,
    MarkorAddNoteHeader,
    MarkorMergeNotes,
    MarkorCreateNoteAndSms,
)
