"""Image metrics of OSWorld's GIMP and image tasks: structural similarity (SSIM), brightness, saturation, contrast,
palette, mirror, size and placement checks, with OSWorld's thresholds.

Images load with Pillow; SSIM is scikit-image's ``structural_similarity`` with the last array axis as channels,
exactly as OSWorld calls it (so a greyscale image is compared column by column). Comparing images whose arrays
differ in shape raises, as it does in OSWorld, and the task errors. Pillow, numpy and scikit-image load only when
a metric runs (``pip install 'steprl[osworld]'``).
"""

from __future__ import annotations

import os

from . import METRICS


def _open(path: str):
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("image metrics need Pillow: pip install 'steprl[osworld]'") from e
    return Image.open(path)


def _ssim():
    try:
        from skimage.metrics import structural_similarity
    except ImportError as e:
        raise ImportError("image metrics need scikit-image: pip install 'steprl[osworld]'") from e
    return structural_similarity


def _similar(first, second, threshold: float = 0.9) -> bool:
    """SSIM of two images (or bands) as arrays, channels on the last axis, at least ``threshold``."""
    import numpy as np

    return bool(_ssim()(np.array(first), np.array(second), channel_axis=-1) >= threshold)


def _mean_grey(image) -> float:
    from PIL import ImageStat

    return ImageStat.Stat(image.convert("L")).mean[0]


def _scaled_to_brightness(image, target: float):
    factor = target / _mean_grey(image)
    return image.point(lambda x: min(255, max(0, int(x * factor))))


def _close_by_mse(first, second, threshold: float = 0.03) -> bool:
    import numpy as np

    a = np.array(first, dtype=np.float32) / 255
    b = np.array(second, dtype=np.float32) / 255
    return bool(np.mean((a - b) ** 2) < threshold)


@METRICS.register()
def check_brightness_decrease_and_structure_sim(result, expected) -> float:
    """``result`` is darker than ``expected`` and, both scaled to mean grey 128, close by mean squared error."""
    if result is None or expected is None:
        return 0.0
    src, tgt = _open(result), _open(expected)
    darker = _mean_grey(tgt) > _mean_grey(src)
    same = _close_by_mse(_scaled_to_brightness(src, 128), _scaled_to_brightness(tgt, 128))
    return float(darker and same)


@METRICS.register()
def check_saturation_increase_and_structure_sim(result, expected) -> float:
    """``result`` has a higher mean HSV saturation and the same hue and value structure (SSIM >= 0.9 each)."""
    import numpy as np

    if result is None or expected is None:
        return 0.0
    src, tgt = _open(result).convert("HSV"), _open(expected).convert("HSV")
    h1, s1, v1 = src.split()
    h2, s2, v2 = tgt.split()
    more_saturated = np.mean(np.array(s2)) < np.mean(np.array(s1))
    same = _similar(h1, h2) and _similar(v1, v2)
    return float(bool(more_saturated) and same)


@METRICS.register()
def check_file_exists_and_structure_sim(result, expected) -> float:
    if result is None or expected is None or not os.path.isfile(result):
        return 0.0
    return float(_similar(_open(result), _open(expected)))


@METRICS.register()
def check_structure_sim(result, expected) -> float:
    if result is None or expected is None:
        return 0.0
    return float(_similar(_open(result), _open(expected)))


@METRICS.register()
def check_structure_sim_resized(result, expected) -> float:
    """``result`` resized (Pillow's default filter) to ``expected``'s size, then SSIM >= 0.9."""
    if result is None or expected is None:
        return 0.0
    tgt = _open(expected)
    return float(_similar(_open(result).resize(tgt.size), tgt))


@METRICS.register()
def check_contrast_increase_and_structure_sim(result, expected) -> float:
    """``result``'s pixel standard deviation is higher and SSIM >= 0.65."""
    import numpy as np

    if result is None or expected is None:
        return 0.0
    src, tgt = _open(result), _open(expected)
    higher = np.std(np.asarray(tgt, dtype=np.float32)) < np.std(np.asarray(src, dtype=np.float32))
    return float(bool(higher) and _similar(src, tgt, 0.65))


@METRICS.register()
def check_palette_and_structure_sim(result, expected) -> float:
    """``result`` is an indexed-colour (palette) image and, as RGB, SSIM >= 0.9 against ``expected``."""
    if result is None or expected is None:
        return 0.0
    src = _open(result)
    indexed = src.mode == "P"
    return float(indexed and _similar(src.convert("RGB"), _open(expected)))


@METRICS.register()
def check_image_mirror(result, expected) -> float:
    """``result`` flipped left-right reaches SSIM >= 0.99 against ``expected`` (the original image)."""
    if result is None or expected is None:
        return 0.0
    from PIL import Image

    flipped = _open(result).transpose(Image.FLIP_LEFT_RIGHT)
    return float(_similar(flipped, _open(expected), 0.99))


@METRICS.register()
def check_image_size(result, rule) -> float:
    """``rule``: optional ``width`` / ``height`` in pixels."""
    if result is None:
        return 0.0
    width, height = _open(result).size
    ok_h = rule.get("height") is None or height == rule["height"]
    ok_w = rule.get("width") is None or width == rule["width"]
    return float(ok_h and ok_w)


@METRICS.register()
def check_image_file_size(result, rule) -> float:
    """The file is smaller than ``rule["max_size"]`` bytes."""
    if result is None:
        return 0.0
    return float(os.path.getsize(result) < rule["max_size"])


@METRICS.register()
def compare_image_list(result, expected) -> float:
    """Pairwise pixel-identical images (Pillow's difference has no bounding box); a missing one scores 0."""
    from PIL import ImageChops

    if not isinstance(result, list):
        result, expected = [result], [expected]
    for mine, gold in zip(result, expected, strict=False):
        if not mine or not gold:
            return 0.0
        if ImageChops.difference(_open(mine), _open(gold)).getbbox():
            return 0.0
    return 1.0


@METRICS.register()
def compare_images(result, expected) -> float:
    """SSIM of the greyscale images, both resized (Lanczos) to the smaller size -- the smaller by (width,
    height) ordering, as OSWorld picks it; the score is the SSIM itself."""
    import numpy as np

    if not result or not expected:
        return 0.0
    from PIL import Image

    first, second = _open(result).convert("L"), _open(expected).convert("L")
    size = min(first.size, second.size)
    first = first.resize(size, Image.Resampling.LANCZOS)
    second = second.resize(size, Image.Resampling.LANCZOS)
    return float(_ssim()(np.array(first), np.array(second)))


@METRICS.register()
def check_triangle_position(result) -> float:
    """The pixels of the second-least-common colour (OSWorld's pick; with two colours, the most common one) have
    their centroid within 5% of the image centre on both axes."""
    import numpy as np

    if result is None:
        return 0.0
    pixels = np.array(_open(result))
    colours, counts = np.unique(pixels.reshape(-1, pixels.shape[2]), axis=0, return_counts=True)
    colour = colours[np.argsort(counts)][1]
    centroid = np.argwhere(np.all(pixels == colour, axis=2)).mean(axis=0)
    centre = np.array(pixels.shape[:2]) / 2
    tolerance = 0.05 * np.array(pixels.shape[:2])
    return float(bool(np.all(np.abs(centroid - centre) < tolerance)))


@METRICS.register()
def check_textbox_on_leftside(result) -> float:
    """Some dark pixel (grey < 128) lies in the left 5% of the image."""
    import numpy as np

    if result is None:
        return 0.0
    image = _open(result)
    width = image.size[0]
    dark = np.array(image.convert("L")) < 128
    rows = dark.any(axis=1)
    leftmost = int(dark[rows].argmax(axis=1).min()) if rows.any() else width
    return float(leftmost < width * 0.05)


@METRICS.register()
def check_green_background(result, expected) -> float:
    """Wherever ``expected`` is not black, ``result`` is green (G above R and B).

    OSWorld walks ``x`` over the width and ``y`` over the height but indexes arrays as ``[x, y]``; on a
    non-square image that runs off the array, and the walk is reproduced row by row so the same inputs score,
    or fail, the same way.
    """
    import numpy as np

    if result is None or expected is None:
        return 0.0
    tgt_image = _open(expected)
    src, tgt = np.array(_open(result)), np.array(tgt_image)
    width, height = tgt_image.width, tgt_image.height
    if tgt.ndim != 3 and width and height:
        raise ValueError("check_green_background: the expected image has no colour channels")
    for x in range(width):
        if x >= tgt.shape[0]:
            raise IndexError(f"check_green_background: row {x} is outside the {tgt.shape[0]}-row image")
        span = min(height, tgt.shape[1])
        row = tgt[x, :span, :3]
        background = np.ones(span, dtype=bool) if row.shape[1] != 3 else np.any(row != 0, axis=1)
        for y in np.flatnonzero(background):
            if src.ndim != 3:
                raise ValueError("check_green_background: the result image has no colour channels")
            if x >= src.shape[0] or y >= src.shape[1]:
                raise IndexError(f"check_green_background: pixel ({x}, {y}) is outside the result image")
            r, g, b = src[x, y][:3]
            if not (g > r and g > b):
                return 0.0
        if height > tgt.shape[1]:
            raise IndexError(f"check_green_background: column {tgt.shape[1]} is outside the image")
    return 1.0


@METRICS.register()
def check_sharper(result, expected) -> float:
    """``result`` has the larger variance of its greyscale Laplacian (OpenCV)."""
    import numpy as np

    try:
        import cv2
    except ImportError as e:
        raise ImportError("check_sharper needs opencv-python-headless: pip install 'steprl[osworld]'") from e

    def sharpness(path: str) -> float:
        return float(np.var(cv2.Laplacian(cv2.imread(path, cv2.IMREAD_GRAYSCALE), cv2.CV_64F)))

    return 1.0 if sharpness(result) > sharpness(expected) else 0.0


@METRICS.register()
def check_image_stretch_and_center(result, expected) -> float:
    """On slide 1, the picture of ``expected`` (the original deck) appears in ``result`` stretched to the slide
    and centred, each within half an inch."""
    from pptx import Presentation
    from pptx.util import Inches

    original, modified = Presentation(expected), Presentation(result)
    pictures = [s for s in original.slides[0].shapes if s.shape_type == 13]
    candidates = [s for s in modified.slides[0].shapes if s.shape_type == 13]
    blob = pictures[0].image.blob
    matching = [s for s in candidates if s.image.blob == blob]
    if not matching:
        raise ValueError("check_image_stretch_and_center: the original picture is not on the first slide")
    picture = matching[-1]
    width, height = original.slide_width, original.slide_height
    slack = Inches(0.5)
    off = (
        abs(picture.width - width) > slack
        or abs(picture.height - height) > slack
        or abs(picture.left - (width - picture.width) / 2) > slack
        or abs(picture.top - (height - picture.height) / 2) > slack
    )
    return 0.0 if off else 1.0


@METRICS.register()
def check_config_status(result, rule) -> float:
    """A GIMP config file (gimprc, sessionrc, action-history) has a line ``(key ... value)``: ``rule["key"]`` is
    the first word (or, as a two-item list, the first two words) and ``rule["value"]`` the last."""
    if result is None:
        return 0.0
    key, value = rule["key"], rule["value"]
    with open(result, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line == "\n":
                continue
            words = line.strip().lstrip("(").rstrip(")\n").split()
            if isinstance(key, str):
                if words[0] == key and words[-1] == value:
                    return 1.0
            elif isinstance(key, list) and len(key) == 2:
                if words[0] == key[0] and words[1] == key[1] and words[-1] == value:
                    return 1.0
    return 0.0
