"""What AndroidWorld's task families share: the official-task base class, seeded data generators, file
operations over ADB (as ``file_utils`` does them: ``rm -rf`` / ``mkdir -p`` / push / pull / directory listing),
SQLite row helpers and AndroidWorld's fuzzy text match (difflib ratio >= 0.9, case-insensitive)."""

from __future__ import annotations

import difflib
import posixpath
import random
import stat
import string
from typing import Any, ClassVar

from ...mock_gui.data import FIRST, LAST, SENTENCES, WORDS
from ..device import AndroidDevice
from ..tasks import TaskEval

#: extra sentences so that seeded notes rarely repeat
MORE_SENTENCES = (
    "Call the plumber about the kitchen sink",
    "Pick up the dry cleaning before six",
    "Book a table for Friday dinner",
    "Renew the library books online",
    "Send the slides to the whole team",
    "Check the tyre pressure this weekend",
    "Buy stamps and envelopes",
    "Schedule the annual dentist appointment",
    "Back up the laptop to the external drive",
    "Water the tomatoes every morning",
    "Plan the route for the hiking trip",
    "Write a thank-you card to grandma",
)
ALL_SENTENCES = tuple(SENTENCES) + MORE_SENTENCES


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def sentence(rng: random.Random) -> str:
    return rng.choice(ALL_SENTENCES)


def random_string(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def file_stem(rng: random.Random) -> str:
    return f"{rng.choice(WORDS)}_{rng.choice(WORDS)}_{rng.randint(10, 99)}"


def note_name(rng: random.Random) -> str:
    return file_stem(rng) + rng.choice((".md", ".txt"))


def fuzzy_match(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    return difflib.SequenceMatcher(None, str(a).lower(), str(b).lower()).ratio() >= 0.9


class OfficialTask(TaskEval):
    """A task of AndroidWorld's registry (``official`` is its name there; ``app`` the app it exercises)."""

    app: ClassVar[str] = ""
    #: runs on the simulated phone (every task here does; kept for the task listing)
    on_sim: ClassVar[bool] = True

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {}


# -- files over ADB ------------------------------------------------------------------------------------------------
def _q(path: str) -> str:
    return "'" + path.replace("'", "'\\''") + "'"


def clear_dir(dev: AndroidDevice, folder: str) -> None:
    dev.run(f"rm -rf {_q(folder)}")
    dev.run(f"mkdir -p {_q(folder)}")


def make_dir(dev: AndroidDevice, folder: str) -> None:
    dev.run(f"mkdir -p {_q(folder)}")


def create_file(dev: AndroidDevice, folder: str, name: str, content: str, mtime: str | None = None) -> None:
    """Write a file; ``mtime`` (``YYYY-MM-DDThh:mm:ss``, UTC) dates it as ``touch -d`` does."""
    path = posixpath.join(folder, name)
    dev.push(content.encode(), path)
    if mtime:
        dev.run(f"touch -d {_q(mtime)} {_q(path)}")


def remove_file(dev: AndroidDevice, folder: str, name: str) -> None:
    dev.run(f"rm -rf {_q(posixpath.join(folder, name))}")


def entries(dev: AndroidDevice, folder: str) -> list[tuple[str, bool, int]]:
    """``(name, is_dir, mtime)`` in ``folder``."""
    return [(n, stat.S_ISDIR(mode), mtime) for n, mode, _, mtime in dev.list_dir(folder)]


def files(dev: AndroidDevice, folder: str) -> list[tuple[str, int]]:
    return [(n, m) for n, is_dir, m in entries(dev, folder) if not is_dir]


def exists(dev: AndroidDevice, folder: str, name: str) -> bool:
    return any(n == name for n, _, _ in entries(dev, folder))


def read_text(dev: AndroidDevice, path: str) -> str | None:
    """A file's text (``\\r`` removed), None when it does not exist."""
    if not dev.exists(path):
        return None
    return dev.read_bytes(path).decode(errors="replace").replace("\r", "")


def noise_files(rng: random.Random, avoid: str, n: int | None = None) -> list[str]:
    """Names of unrelated notes (AndroidWorld adds a few to each Markor and Files task)."""
    out: list[str] = []
    while len(out) < (n if n is not None else rng.randint(1, 4)):
        name = note_name(rng)
        if name != avoid and name not in out:
            out.append(name)
    return out


# -- SQLite rows ---------------------------------------------------------------------------------------------------
def rows_removed_exactly(before: list[dict], after: list[dict], removed: list[int], key: str) -> bool:
    """AndroidWorld's removal integrity: exactly the ``removed`` keys are gone and every other row is unchanged."""
    after_by_key = {r[key]: r for r in after}
    if len(after) != len(before) - len(removed) or any(k in after_by_key for k in removed):
        return False
    return all(after_by_key.get(r[key]) == r for r in before if r[key] not in removed)


def rows_added(
    before: list[dict], after: list[dict], wanted: list[dict], key: str, fields: list[str], free: list[str]
) -> bool:
    """AndroidWorld's addition integrity: the old rows are intact, ``len(wanted)`` rows are new, and each wanted
    row matches a new one (``free`` fields fuzzily, the others exactly)."""
    old = {r[key]: r for r in before}
    if any(old[k] != next((r for r in after if r[key] == k), None) for k in old):
        return False
    new = [r for r in after if r[key] not in old]
    if len(new) != len(wanted):
        return False
    pool = list(new)
    for want in wanted:
        hit = next(
            (
                r
                for r in pool
                if all(
                    fuzzy_match(str(r.get(f) or ""), str(want.get(f) or ""))
                    if f in free
                    else str(r.get(f) or "") == str(want.get(f) or "")
                    for f in fields
                )
            ),
            None,
        )
        if hit is None:
            return False
        pool.remove(hit)
    return True
