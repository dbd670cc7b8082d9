"""App databases as bytes, as ``adb pull`` gets them and ``adb push`` gives them. SQLite reads and writes files, so
both directions go through a temporary one."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def database_bytes(fill: Callable[[sqlite3.Connection], None]) -> bytes:
    """The file of a fresh database that ``fill`` wrote (then committed), as bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "db"
        con = sqlite3.connect(file)
        try:
            fill(con)
            con.commit()
        finally:
            con.close()
        return file.read_bytes()


@contextmanager
def opened_database(data: bytes) -> Iterator[sqlite3.Connection]:
    """A connection to a copy of the database file ``data``; closed, and the copy removed, after."""
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "db"
        file.write_bytes(data)
        con = sqlite3.connect(file)
        try:
            yield con
        finally:
            con.close()
