"""Image-metric inputs built with Pillow from small specs: a drawn scene, then edits (brightness, saturation,
contrast, mirror, resize, palette, blur, sharpen, crop), saved as PNG or JPEG; GIMP config texts; decks holding a
picture.

``materialize(value, folder, name)``: ``("image", spec)``, ``("text", content)``, ``("deck", spec)`` and lists of
them become files; ``("missing",)`` a path that does not exist; anything else passes through.
"""

from __future__ import annotations

from pathlib import Path


def scene(size=(64, 48), variant: int = 0, mode: str = "RGB", background=None):
    """A deterministic picture with structure: a gradient and a few shapes, or a flat ``background`` colour."""
    from PIL import Image, ImageDraw

    width, height = size
    if background is None:
        ramp = Image.linear_gradient("L").resize(size)
        image = Image.merge("RGB", (ramp, ramp.transpose(Image.FLIP_LEFT_RIGHT), Image.new("L", size, 90 + variant)))
    else:
        image = Image.new("RGB", size, tuple(background))
        return image.convert(mode) if mode != "RGB" else image
    draw = ImageDraw.Draw(image)
    step = 7 + 3 * variant
    for i in range(4):
        x, y = (i * step + 5 * variant) % (width - 12), (i * 11 + 3 * variant) % (height - 12)
        colour = ((60 * i + 40 * variant) % 256, (200 - 30 * i) % 256, (50 + 70 * i) % 256)
        if (i + variant) % 2:
            draw.ellipse((x, y, x + 12, y + 10), fill=colour)
        else:
            draw.rectangle((x, y, x + 10, y + 12), fill=colour)
    return image.convert(mode) if mode != "RGB" else image


def _edit(image, op: str, arg=None):
    from PIL import Image, ImageEnhance, ImageFilter

    if op == "brightness":
        return ImageEnhance.Brightness(image).enhance(arg)
    if op == "saturation":
        return ImageEnhance.Color(image).enhance(arg)
    if op == "contrast":
        return ImageEnhance.Contrast(image).enhance(arg)
    if op == "mirror":
        return image.transpose(Image.FLIP_LEFT_RIGHT)
    if op == "flip":
        return image.transpose(Image.FLIP_TOP_BOTTOM)
    if op == "resize":
        return image.resize(tuple(arg))
    if op == "palette":
        return image.convert("P", palette=Image.Palette.ADAPTIVE, colors=arg or 256)
    if op == "blur":
        return image.filter(ImageFilter.GaussianBlur(arg))
    if op == "sharpen":
        return image.filter(ImageFilter.UnsharpMask(radius=2, percent=arg or 200))
    if op == "crop":
        return image.crop(tuple(arg))
    if op == "mode":
        return image.convert(arg)
    if op == "polygon":  # draw a filled polygon: arg = (colour, points)
        from PIL import ImageDraw

        image = image.copy()
        ImageDraw.Draw(image).polygon([tuple(p) for p in arg[1]], fill=tuple(arg[0]))
        return image
    if op == "text":  # a dark block standing in for text at x = arg
        from PIL import ImageDraw

        image = image.copy()
        ImageDraw.Draw(image).rectangle((arg, 10, arg + 20, 16), fill=(10, 10, 10))
        return image
    raise ValueError(f"unknown image edit {op!r}")


def build_image(path: Path, spec: dict) -> str:
    """``{"size", "variant", "mode", "background", "edits": [[op, arg], ...], "format": "png" | "jpg"}``."""
    image = scene(tuple(spec.get("size", (64, 48))), spec.get("variant", 0), "RGB", spec.get("background"))
    for edit in spec.get("edits", []):
        image = _edit(image, edit[0], edit[1] if len(edit) > 1 else None)
    if spec.get("mode"):
        image = image.convert(spec["mode"])
    fmt = spec.get("format", "png")
    path = path.with_suffix(f".{fmt}")
    image.save(path, quality=spec.get("quality", 90)) if fmt == "jpg" else image.save(path)
    return str(path)


def build_deck(path: Path, spec: dict) -> str:
    """A 16:9 deck with one picture on slide 1: ``{"box": [left, top, width, height] in EMU, "variant"}``; a
    ``"missing": True`` deck holds another picture than the original's."""
    import pptx

    deck = pptx.Presentation()
    deck.slide_width, deck.slide_height = 12192000, 6858000
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    picture = build_image(path.with_name(path.stem + "-picture"), {"variant": spec.get("variant", 0)})
    slide.shapes.add_picture(picture, *spec.get("box", (914400, 914400, 3657600, 2743200)))
    deck.save(path)
    return str(path)


def materialize(value, folder: Path, name: str):
    if isinstance(value, list):
        return [materialize(v, folder, f"{name}-{i}") for i, v in enumerate(value)]
    if not isinstance(value, tuple) or not value:
        return value
    if value[0] == "image":
        return build_image(folder / name, value[1])
    if value[0] == "text":
        path = folder / name
        path.write_text(value[1], encoding="utf-8")
        return str(path)
    if value[0] == "deck":
        return build_deck(folder / f"{name}.pptx", value[1])
    if value[0] == "missing":
        return str(folder / f"{name}-missing.png")
    return value
