"""Screenshots of an X display as PNG with the pointer drawn in, as OSWorld's server returns them.

Pillow grabs the root window through XCB; X does not include the cursor in that image, so an arrow is drawn
at the pointer position to let an agent see where it is pointing. The position comes from python-xlib when it is
installed (a round trip on a kept connection, ~0.2 ms; a new connection per request thread would cost ~5 ms) and
from xdotool otherwise (a process, ~5 ms).
"""

from __future__ import annotations

import io
import subprocess
import threading

from PIL import Image, ImageDraw, ImageGrab

# A classic arrow cursor, tip at (0, 0), 12 x 19 pixels.
_ARROW = [(0, 0), (0, 16), (4, 12), (7, 19), (10, 18), (7, 11), (12, 11)]
_ARROW_W, _ARROW_H = 13, 20  # the box it is drawn in, outline included


def _draw_arrow(image: Image.Image, x: int, y: int) -> None:
    ImageDraw.Draw(image).polygon([(x + dx, y + dy) for dx, dy in _ARROW], fill=(255, 255, 255), outline=(0, 0, 0))


try:
    from Xlib import display as xlib_display
except ImportError:
    xlib_display = None

_pointer_conns: dict[str, object] = {}  # one kept X connection per display, shared by the server's threads
_pointer_lock = threading.Lock()  # python-xlib connections are not thread-safe


def _xlib_pointer(name: str) -> tuple[int, int]:
    with _pointer_lock:
        conn = _pointer_conns.get(name)
        if conn is None:
            conn = _pointer_conns[name] = xlib_display.Display(name)
        try:
            reply = conn.screen().root.query_pointer()
        except Exception:
            _pointer_conns.pop(name, None)  # the display went away: reconnect next time (or fail there)
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
    _draw_arrow(image, x, y)
    return image


def screenshot(display: str, env: dict) -> bytes:
    """PNG bytes of the whole screen with the cursor drawn at the pointer."""
    return encode_frame(frame(display, env))


#: image formats :func:`encode_frame` writes, with their media types
MEDIA_TYPES = {"png": "image/png", "ppm": "image/x-portable-pixmap"}


def encode_frame(shot: Frame, fmt: str = "png") -> bytes:
    """The frame with the cursor drawn in, as PNG (OSWorld's format) or binary PPM: the raw pixels behind a short
    header, ~10x faster to make and read than PNG and worth it where the bytes only cross a local network. The PPM
    copies the pixels once and paints the cursor into a patch of its own size."""
    if fmt != "ppm":
        buf = io.BytesIO()
        image_of(shot).save(buf, format="PNG", compress_level=1)  # level 1: ~5x faster than the default, ~1.3x larger
        return buf.getvalue()
    (x, y), (width, height), pixels = shot
    header = b"P6\n%d %d\n255\n" % (width, height)
    out = bytearray(header)
    out += pixels
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + _ARROW_W, width), min(y + _ARROW_H, height)
    if x0 < x1 and y0 < y1:
        row = (x1 - x0) * 3
        starts = [len(header) + (r * width + x0) * 3 for r in range(y0, y1)]
        patch = Image.frombytes("RGB", (x1 - x0, y1 - y0), b"".join(out[i : i + row] for i in starts))
        _draw_arrow(patch, x - x0, y - y0)
        painted = patch.tobytes()
        for n, i in enumerate(starts):
            out[i : i + row] = painted[n * row : (n + 1) * row]
    return bytes(out)
