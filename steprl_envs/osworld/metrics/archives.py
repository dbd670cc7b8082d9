"""``compare_archive``: two archives hold the same file names (in ``file_path``), and their files score, on
average, by the metric of their ``file_type`` (OSWorld's file-type table, looked up by metric name).

Archives come from the desktop, so they are unpacked safely (zipfile's cleaned names, tarfile's ``data`` filter: no
absolute paths, no climbing out, no links or devices) into a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import os
import tarfile
import tempfile
import zipfile

from . import METRICS

#: OSWorld's ``file_type`` option -> the metric that compares one pair of files.
FILE_TYPES = {
    "text": "compare_text_file",
    "pdf": "compare_pdfs",
    "docx": "compare_docx_files",
    "ppt": "compare_pptx_files",
    "image": "compare_images",
    "csv": "compare_csv",
    "table": "compare_table",
    "audio": "compare_audios",
    "video": "compare_videos",
}


def _unpack(archive: str, folder: str) -> None:
    """A zip (names are cleaned by zipfile: no absolute paths, no ``..``) or a tar, plain or compressed (through
    the ``data`` filter)."""
    os.makedirs(folder, exist_ok=True)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as z:
            z.extractall(folder)
        return
    if not tarfile.is_tarfile(archive):
        raise ValueError(f"compare_archive: {archive} is neither a zip nor a tar archive")
    with tarfile.open(archive) as t:
        try:
            t.extractall(folder, filter="data")
        except TypeError as e:  # Python before 3.11.4 has no extraction filters
            raise RuntimeError("compare_archive needs Python 3.11.4 or newer (safe tar extraction)") from e


@METRICS.register()
def compare_archive(pred_path, gold_path, **options) -> float:
    if not pred_path:
        return 0.0
    inner = options.pop("file_path", "")
    file_type = options.pop("file_type", "text")
    if file_type not in FILE_TYPES:
        raise ValueError(f"compare_archive: file type {file_type!r} is not supported ({', '.join(FILE_TYPES)})")
    compare = METRICS.get(FILE_TYPES[file_type])
    with tempfile.TemporaryDirectory(prefix="compare_archive-") as scratch:
        pred, gold = os.path.join(scratch, "pred"), os.path.join(scratch, "gold")
        _unpack(pred_path, pred)
        _unpack(gold_path, gold)
        pred_files = sorted(os.listdir(os.path.join(pred, inner)))
        if pred_files != sorted(os.listdir(os.path.join(gold, inner))):
            return 0.0
        if not pred_files:
            raise ValueError("compare_archive: the archives hold no files to compare")
        total = sum(
            compare(os.path.join(pred, inner, name), os.path.join(gold, inner, name), **options) for name in pred_files
        )
    return total / len(pred_files)
