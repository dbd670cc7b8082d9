"""``content``: the sim phone's content providers (contacts, SMS) as Android's shell tool queries, inserts into and
deletes from them, with its output format. The caller holds the phone's lock."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...mock_gui.data import Contact
from .catalog import SimError, shell_options

if TYPE_CHECKING:
    from .phone import SimPhone


def _table(phone: SimPhone, uri: str) -> tuple[list[str], list[dict]]:
    """The columns and rows of the provider at ``uri`` (Android's error for an unknown one)."""
    rec = phone.world.rec
    uri = uri.rstrip("/")
    if uri in ("content://com.android.contacts/data/phones", "content://contacts/phones"):
        cols = ["_id", "contact_id", "display_name", "data1", "starred"]
        return cols, [
            {"_id": i + 1, "contact_id": i + 1, "display_name": c.name, "data1": c.phone, "starred": int(c.starred)}
            for i, c in enumerate(rec.contacts)
        ]
    if uri == "content://com.android.contacts/data/emails":
        cols = ["_id", "contact_id", "display_name", "data1"]
        return cols, [
            {"_id": i + 1, "contact_id": i + 1, "display_name": c.name, "data1": c.email}
            for i, c in enumerate(rec.contacts)
        ]
    if uri in ("content://com.android.contacts/contacts", "content://contacts/people"):
        cols = ["_id", "display_name", "starred"]
        return cols, [
            {"_id": i + 1, "display_name": c.name, "starred": int(c.starred)} for i, c in enumerate(rec.contacts)
        ]
    if uri in ("content://sms", "content://sms/inbox", "content://sms/sent"):
        cols = ["_id", "thread_id", "address", "body", "type", "date", "read"]
        rows, n = [], 0
        for t, (who, msgs) in enumerate(rec.threads.items()):
            for direction, body in msgs:
                n += 1
                kind = 1 if direction == "in" else 2
                rows.append(
                    {
                        "_id": n,
                        "thread_id": t + 1,
                        "address": who,
                        "body": body,
                        "type": kind,
                        "date": 1697384040000 + n * 1000,
                        "read": 1,
                    }
                )
        if uri.endswith("inbox"):
            rows = [r for r in rows if r["type"] == 1]
        elif uri.endswith("sent"):
            rows = [r for r in rows if r["type"] == 2]
        return cols, rows
    raise SimError(
        f"Error while accessing provider:{uri.split('/')[2] if '//' in uri else uri}\n"
        f"java.lang.IllegalArgumentException: Unknown URI {uri}"
    )


def content_command(phone: SimPhone, args: list[str]) -> str:
    """``content query|insert|delete --uri U [--where W] [--projection P] [--bind B:t:V]``."""
    if not args:
        raise SimError("usage: adb shell content [subcommand] [options]")
    sub = args[0]
    opts = shell_options(args[1:], multi={"--bind"})
    uri = opts.get("--uri")
    if not uri:
        raise SimError("[ERROR] Content provider URI not specified")
    if phone.fault:
        message, phone.fault = phone.fault, None
        raise SimError(message)
    if sub == "query":
        cols, rows = _table(phone, uri)
        rows = [r for r in rows if _where(opts.get("--where"), r)]
        proj = opts["--projection"].split(":") if opts.get("--projection") else cols
        for p in proj:
            if p not in cols:
                raise SimError(
                    f"Error while accessing provider\nandroid.database.sqlite.SQLiteException: no such column: {p}"
                )
        if not rows:
            return "No result found.\n"
        return "".join(f"Row: {i} " + ", ".join(f"{p}={_null(r[p])}" for p in proj) + "\n" for i, r in enumerate(rows))
    if sub == "insert":
        binds = {}
        for spec in opts.get("--bind", []):
            name, _, rest = spec.partition(":")
            _, _, value = rest.partition(":")
            binds[name] = value
        _insert(phone, uri.rstrip("/"), binds)
        return ""
    if sub == "delete":
        cols, rows = _table(phone, uri)
        doomed = [r for r in rows if _where(opts.get("--where"), r)]
        _delete(phone, uri.rstrip("/"), doomed)
        return ""
    raise SimError(f"Unsupported operation: {sub}")


def _insert(phone: SimPhone, uri: str, binds: dict) -> None:
    rec = phone.world.rec
    if uri in (
        "content://com.android.contacts/data/phones",
        "content://contacts/phones",
        "content://com.android.contacts/raw_contacts",
    ):
        name = binds.get("display_name") or binds.get("name")
        if not name:
            raise SimError("Error: display_name is required")
        rec.contacts.append(
            Contact(
                name,
                binds.get("data1") or binds.get("number", ""),
                binds.get("email", name.lower().replace(" ", ".") + "@example.com"),
            )
        )
        rec.contacts.sort(key=lambda c: c.name)
        phone.world.apps["contacts"].touch()
    elif uri in ("content://sms/inbox", "content://sms/sent", "content://sms"):
        who, body = binds.get("address"), binds.get("body", "")
        if not who:
            raise SimError("Error: address is required")
        direction = "out" if uri.endswith("sent") or binds.get("type") == "2" else "in"
        rec.threads[who] = rec.threads.pop(who, []) + [(direction, body)]  # the newest thread last
        phone.world.apps["messages"].touch()
    else:
        raise SimError(f"java.lang.UnsupportedOperationException: Invalid URI {uri}")


def _delete(phone: SimPhone, uri: str, rows: list[dict]) -> None:
    rec = phone.world.rec
    if "contacts" in uri:
        names = {r["display_name"] for r in rows}
        rec.contacts[:] = [c for c in rec.contacts if c.name not in names]
        phone.restart("contacts")
    elif "sms" in uri:
        for r in rows:
            msgs = rec.threads.get(r["address"], [])
            kind = "in" if r["type"] == 1 else "out"
            if (kind, r["body"]) in msgs:
                msgs.remove((kind, r["body"]))
        for who in [w for w, msgs in rec.threads.items() if not msgs]:
            del rec.threads[who]
        phone.world.apps["messages"].touch()


def _null(value) -> str:
    return "NULL" if value is None else str(value)


_COND = re.compile(r"\s*(\w+)\s*=\s*('(?:[^']|'')*'|\S+)\s*")


def _where(clause: str | None, row: dict) -> bool:
    """A tiny ``--where``: ``col='value' AND col2=3``."""
    if not clause:
        return True
    for part in re.split(r"\s+AND\s+", clause.strip(), flags=re.IGNORECASE):
        m = _COND.fullmatch(part)
        if not m:
            raise SimError(f"android.database.sqlite.SQLiteException: unsupported where clause: {clause[:80]}")
        col, raw = m.groups()
        if col not in row:
            raise SimError(f"android.database.sqlite.SQLiteException: no such column: {col}")
        value = raw[1:-1].replace("''", "'") if raw.startswith("'") else raw
        if str(row[col]) != value:
            return False
    return True
