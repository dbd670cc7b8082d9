"""Impress metrics on one property of a presentation (orientation, background, transition, slide-number colour,
a stretched picture) or of the window (the slide pane), by OSWorld's names and thresholds."""

from __future__ import annotations

import math
import zipfile
from xml.etree import ElementTree

from . import METRICS

_NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}
SOLID, INHERITED = 1, 5  # MSO_FILL values
PICTURE = 13  # MSO_SHAPE_TYPE.PICTURE
HALF_INCH = 457200  # EMU


def _presentation(path):
    try:
        import pptx
    except ImportError as e:
        raise ImportError("this metric needs python-pptx: pip install 'steprl[osworld]'") from e
    return pptx.Presentation(path)


@METRICS.register()
def check_slide_orientation_Portrait(pptx_path) -> float:  # noqa: N802  (OSWorld's name)
    if not pptx_path:
        return 0.0
    deck = _presentation(pptx_path)
    return float(deck.slide_width < deck.slide_height)


def _background_distance(slide, rgb) -> float:
    """Distance of a slide's solid background (its own, or the master's when inherited) to ``rgb``, over the
    largest RGB distance; 1 for any other fill."""
    fill = slide.background.fill
    if fill.type == INHERITED:
        fill = slide.slide_layout.slide_master.background.fill
    if fill.type != SOLID:
        return 1.0
    (r1, g1, b1), (r2, g2, b2) = fill.fore_color.rgb, rgb
    return math.sqrt((r1 - r2) ** 2 + (g1 - g2) ** 2 + (b1 - b2) ** 2) / math.sqrt(3 * 255**2)


@METRICS.register()
def evaluate_presentation_fill_to_rgb_distance(pptx_file, rules) -> float:
    """1 minus the mean distance of the slides' backgrounds to ``rules["rgb"]``."""
    if not pptx_file:
        return 0.0
    slides = list(_presentation(pptx_file).slides)
    if not slides:
        raise ValueError("evaluate_presentation_fill_to_rgb_distance: the presentation has no slide")
    return 1 - sum(_background_distance(s, rules["rgb"]) for s in slides) / len(slides)


@METRICS.register()
def check_transition(pptx_file, rules) -> float:
    """Slide ``rules["slide_idx"]`` (0-based) has a transition whose first ``p:transition`` element holds a
    ``p:<transition_type>`` element."""
    if not pptx_file:
        return 0.0
    with zipfile.ZipFile(pptx_file) as z:
        name = f"ppt/slides/slide{rules['slide_idx'] + 1}.xml"
        if name not in z.namelist():
            return 0.0
        root = ElementTree.fromstring(z.read(name))
    transition = root.find(".//p:transition", _NS)
    return float(transition is not None and transition.find(f".//p:{rules['transition_type']}", _NS) is not None)


def _is_colour(name: str, value: str) -> bool:
    """OSWorld reads the value as if it were ``#RRGGBB`` while the XML holds ``RRGGBB``: characters 1-2, 3-4 and
    5-6 are taken as red, green and blue (so ``FF0000`` reads as 240, 0, 0), kept as is because scores depend on
    it."""
    r, g, b = (int(value[i : i + 2], 16) for i in (1, 3, 5))
    margin = 50
    tests = {
        "red": r > g + margin and r > b + margin,
        "blue": b > g + margin and b > r + margin,
        "green": g > r + margin and g > b + margin,
        "black": r < margin and g < margin and b < margin,
    }
    return tests.get(name, True)


@METRICS.register()
def check_page_number_colors(pptx_file, rules) -> float:
    """The first slide master's second-to-last solid RGB colour (where LibreOffice writes the slide-number field's
    colour) is ``rules["color"]`` (red, blue, green or black, by margins of 50; another name always passes)."""
    if not pptx_file:
        return 0.0
    with zipfile.ZipFile(pptx_file) as z:
        root = ElementTree.fromstring(z.read("ppt/slideMasters/slideMaster1.xml"))
    colours = root.findall(".//a:solidFill//a:srgbClr", _NS)
    if len(colours) < 2:
        raise ValueError("check_page_number_colors: the slide master has fewer than two solid RGB colours")
    value = colours[-2].get("val")
    if value is None:
        return 0.0
    return float(_is_colour(rules["color"], value))


_DESKAT_STATE = "{uri:deskat:state.at-spi.gnome.org}"
_DESKAT_COMPONENT = "{uri:deskat:component.at-spi.gnome.org}"


@METRICS.register()
def check_left_panel(accessibility_tree) -> float:
    """The accessibility tree (in the ``uri:deskat`` attribute namespaces) shows a visible split pane at the
    parent's origin inside a panel inside a root pane: Impress's slide pane is open."""
    if not accessibility_tree:
        return 0.0
    root = ElementTree.fromstring(accessibility_tree)
    for root_pane in root.iter("root-pane"):
        for panel in root_pane.iter("panel"):
            for pane in panel.iter("split-pane"):
                if pane.get(f"{_DESKAT_COMPONENT}parentcoord") == "(0, 0)" and pane.get(f"{_DESKAT_STATE}visible"):
                    return 1.0
    return 0.0
