"""``rm``, ``mkdir`` and ``touch`` on the simulated phone's storage: the file commands AndroidWorld's setup issues
(clear a folder, create one, date a file). They are device tools like ``input`` (stubs on the device shell's
PATH), so they act inside the device's directory, never on the host's paths, with toybox's options and messages;
globs the shell left unexpanded (``/sdcard/Markor/*``) are expanded on the device's files."""

from __future__ import annotations

import calendar
import glob
import os
import shutil
import time

FILE_TOOLS = ("rm", "mkdir", "touch")


def _split(argv: list[str], known: str, with_value: str = "") -> tuple[set[str], dict[str, str], list[str]]:
    flags, values, paths = set(), {}, []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a.startswith("-") and len(a) > 1 and not paths:
            for j, ch in enumerate(a[1:]):
                if ch in with_value:
                    rest = a[j + 2 :]
                    if rest:
                        values[ch] = rest
                    elif i + 1 < len(argv):
                        i += 1
                        values[ch] = argv[i]
                    else:
                        raise ValueError(f"{argv[0]}: Needs 1 argument after -{ch}")
                    break
                if ch not in known:
                    raise ValueError(f"{argv[0]}: Unknown option '{ch}'")
                flags.add(ch)
        else:
            paths.append(a)
        i += 1
    if not paths:
        raise ValueError(f"{argv[0]}: Needs 1 argument")
    return flags, values, paths


def _when(value: str) -> float:
    """toybox ``touch -d``: ``@SECONDS`` or ``YYYY-MM-DD[T ]hh:mm[:ss]`` (UTC, the device's time zone)."""
    if value.startswith("@"):
        return float(value[1:])
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"):
        try:
            return float(calendar.timegm(time.strptime(value, fmt)))
        except ValueError:
            continue
    raise ValueError(f"touch: bad date '{value}'")


def _expand(fs, paths: list[str]) -> list[str]:
    """Device paths with ``* ? [`` matched against the device's files (kept as they are when nothing matches)."""
    out = []
    for p in paths:
        if not any(ch in p for ch in "*?["):
            out.append(p)
            continue
        norm = fs._norm(p)
        host_pattern = str(fs.host(norm))
        prefix = str(fs.host(norm.split("*")[0].split("?")[0].split("[")[0].rsplit("/", 1)[0] or "/"))
        device_prefix = norm.split("*")[0].split("?")[0].split("[")[0].rsplit("/", 1)[0] or "/"
        hits = sorted(glob.glob(host_pattern))
        out += [device_prefix.rstrip("/") + "/" + os.path.relpath(h, prefix) for h in hits] or [p]
    return out


def file_command(fs, argv: list[str]) -> tuple[int, bytes, bytes]:
    """Run ``argv`` (rm / mkdir / touch) on ``fs`` (a :class:`~.device.DeviceFS`); (exit code, stdout, stderr)."""
    errors: list[str] = []
    try:
        if argv[0] == "rm":
            flags, _, paths = _split(argv, "rfRv")
            for p in _expand(fs, paths):
                target = fs.host(p)
                if fs._norm(p) == "/" or target == fs.root:
                    errors.append(f"rm: {p}: Device or resource busy")
                elif target.is_dir() and not target.is_symlink():
                    if flags & {"r", "R"}:
                        shutil.rmtree(target)
                    else:
                        errors.append(f"rm: {p}: Is a directory")
                elif target.exists() or target.is_symlink():
                    target.unlink()
                elif "f" not in flags:
                    errors.append(f"rm: {p}: No such file or directory")
        elif argv[0] == "mkdir":
            flags, _, paths = _split(argv, "pv")
            for p in paths:
                target = fs.host(p)
                if target.exists() and "p" not in flags:
                    errors.append(f"mkdir: {p}: File exists")
                elif not target.parent.is_dir() and "p" not in flags:
                    errors.append(f"mkdir: {p}: No such file or directory")
                else:
                    target.mkdir(parents=True, exist_ok=True)
        else:
            flags, values, paths = _split(argv, "acmh", with_value="dt")
            stamp = _when(values["d"]) if "d" in values else time.time()
            for p in paths:
                target = fs.host(p)
                if not target.exists():
                    if "c" in flags:
                        continue
                    if not target.parent.is_dir():
                        errors.append(f"touch: {p}: No such file or directory")
                        continue
                    target.touch()
                os.utime(target, (stamp, stamp))
    except (ValueError, OSError) as e:
        return 1, b"", (str(e) + "\n").encode()
    return (1 if errors else 0), b"", "".join(e + "\n" for e in errors).encode()
