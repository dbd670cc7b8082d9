"""Screenshots of an X display as PNG with the pointer drawn in, as OSWorld's server returns them.

Pillow grabs the root window through XCB; X does not include the cursor in that image, so an arrow is drawn
at the pointer position to let an agent see where it is pointing. The position comes from python-xlib when it is
installed (a round trip on a kept connection, ~0.2 ms) and from xdotool otherwise (a process, ~5 ms).
"""

from __future__ import annotations

import io
import subprocess
import threading

from PIL import Image, ImageDraw, ImageGrab

# A classic arrow cursor, tip at (0, 0), 12 x 19 pixels.
_ARROW = [(0, 0), (0, 16), (4, 12), (7, 19), (10, 18), (7, 11), (12, 11)]


try:
    from Xlib import display as xlib_display
except ImportError:
    xlib_display = None

_local = threading.local()  # one X connection per server thread: python-xlib connections are not thread-safe


def _xlib_pointer(name: str) -> tuple[int, int]:
    conn = getattr(_local, "conn", None)
    if conn is None or _local.name != name:
        conn = _local.conn = xlib_display.Display(name)
        _local.name = name
    try:
        reply = conn.screen().root.query_pointer()
    except Exception:
        _local.conn = None  # the display went away: reconnect next time (or fail there)
        raise
    return reply.root_x, reply.root_y


def pointer(env: dict) -> tuple[int, int]:
    if xlib_display is not None:
        try:
            return _xlib_pointer(env["DISPLAY"])
        except Exception as e:  # python-xlib raises its own error types for a dead display
            raise OSError(f"cannot query the pointer on {env['DISPLAY']}: {e}") from None
    out = subprocess.run(
        ["xdotool", "getmouselocation", "--shell"], env=env, capture_output=True, text=True, timeout=5, check=True
    ).stdout
    fields = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return int(fields["X"]), int(fields["Y"])


def screen_size(display: str) -> tuple[int, int]:
    return ImageGrab.grab(xdisplay=display).size


Frame = tuple[tuple[int, int], tuple[int, int], bytes]
"""(pointer position, screen size, RGB bytes): what :func:`frame` returns; equal frames show the same screen."""


def frame(display: str, env: dict) -> Frame:
    """The screen's pixels (without the cursor) and the pointer position."""
    image = ImageGrab.grab(xdisplay=display).convert("RGB")
    return pointer(env), image.size, image.tobytes()


def image_of(shot: Frame) -> Image.Image:
    """The frame as an image, with the cursor drawn at the pointer."""
    (x, y), size, data = shot
    image = Image.frombytes("RGB", size, data)
    draw = ImageDraw.Draw(image)
    draw.polygon([(x + dx, y + dy) for dx, dy in _ARROW], fill=(255, 255, 255), outline=(0, 0, 0))
    return image


def screenshot(display: str, env: dict) -> bytes:
    """PNG bytes of the whole screen with the cursor drawn at the pointer."""
    return encode(image_of(frame(display, env)))


#: image formats :func:`encode` writes, with their media types
MEDIA_TYPES = {"png": "image/png", "ppm": "image/x-portable-pixmap"}


def encode(image: Image.Image, fmt: str = "png") -> bytes:
    """PNG (OSWorld's format) or binary PPM: the raw pixels behind a short header, ~10x faster to make and read
    than PNG and worth it where the bytes only cross a local network."""
    if fmt == "ppm":
        return b"P6\n%d %d\n255\n" % image.size + image.tobytes()
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1)  # level 1: ~5x faster than the default, ~1.3x larger
    return buf.getvalue()
