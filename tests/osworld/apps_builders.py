"""Input files for the app metrics' parity corpora, built from small specs (deterministic, no downloads).

Specs: ``None`` (no file), ``("value", obj)`` (passed as is), ``("text", name, content)``, ``("tone", name,
[(frequency_hz, seconds, amplitude), ...])`` (WAV, or MP3 by name), ``("mp3tags", name, {tag: value})`` (a file carrying only ID3
tags), ``("video", name, [(r, g, b, square_x), ...])`` (an MJPG AVI, one frame per entry), ``("zip"|"tar.gz",
name, {member: text})`` and ``("docx", name, [paragraph, ...])``, ``("column_c", name, [value, ...])`` (an xlsx, values from C2 down) and ``("list", [spec, ...])``. Only numpy, soundfile, mutagen, opencv and
python-docx are imported, and only for the specs that need them, so the official metric code can be fed the same
files from another environment.
"""

from __future__ import annotations

import io
import os
import tarfile
import zipfile

RATE = 22050


def _tone(path: str, parts: list) -> None:
    import numpy as np
    import soundfile

    chunks = []
    for freq, seconds, amp in parts:
        t = np.arange(int(RATE * seconds)) / RATE
        chunks.append(amp * np.sin(2 * np.pi * freq * t) if freq else np.zeros_like(t))
    fmt = "MP3" if path.endswith(".mp3") else None  # libsndfile writes MP3 itself (no ffmpeg needed)
    soundfile.write(path, np.concatenate(chunks).astype("float32"), RATE, format=fmt)


def _mp3tags(path: str, tags: dict) -> None:
    from mutagen.easyid3 import EasyID3

    with open(path, "wb"):
        pass
    if tags:
        id3 = EasyID3()
        for key, value in tags.items():
            id3[key] = value
        id3.save(path)


def _video(path: str, frames: list) -> None:
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for r, g, b, x in frames:
        img = np.zeros((48, 64, 3), dtype=np.uint8)
        img[:, :] = (b, g, r)
        img[10:30, x : x + 16] = (255 - b, 255 - g, 255 - r)
        writer.write(img)
    writer.release()


def _docx(path: str, paragraphs: list) -> None:
    import docx

    doc = docx.Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    doc.save(path)


def _archive(path: str, kind: str, members: dict) -> None:
    if kind == "zip":
        with zipfile.ZipFile(path, "w") as z:
            for name, content in members.items():
                z.writestr(name, content)
        return
    with tarfile.open(path, "w:gz") as t:
        for name, content in members.items():
            data = content.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))


def _column_c(path: str, values: list) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C1"] = "City"
    for i, value in enumerate(values, start=2):
        ws[f"C{i}"] = value
    wb.save(path)


def build(spec, folder: str):
    """The metric argument a spec stands for: a path under ``folder``, a value, or None."""
    if spec is None:
        return None
    kind = spec[0]
    if kind == "value":
        return spec[1]
    if kind == "list":
        return [build(s, folder) for s in spec[1]]
    path = os.path.join(folder, spec[1])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if kind == "text":
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(spec[2])
    elif kind == "tone":
        _tone(path, spec[2])
    elif kind == "mp3tags":
        _mp3tags(path, spec[2])
    elif kind == "video":
        _video(path, spec[2])
    elif kind in ("zip", "tar.gz"):
        _archive(path, kind, spec[2])
    elif kind == "docx":
        _docx(path, spec[2])
    elif kind == "column_c":
        _column_c(path, spec[2])
    else:
        raise ValueError(f"unknown spec kind {kind!r}")
    return path
