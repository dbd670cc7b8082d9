"""AndroidWorld's task families (``android_world/registry.py``), under their official names, set up and checked
over ADB as its evaluators do. ``OFFICIAL`` maps each ported name to its class; ``NOT_PORTED`` gives every other
official task with the reason."""

from __future__ import annotations

from ..tasks import TASK_CLASSES as OWN
from ..tasks import TaskEval
from . import (
    calendar,
    calendar_ir,
    clipboard,
    clock,
    contacts,
    markor,
    media,
    notes_ir,
    recipe,
    records,
    retro,
    sms,
    system,
    tasks_ir,
    tracks_ir,
    vlc,
)
from .common import OfficialTask

OFFICIAL: dict[str, type[OfficialTask]] = {
    cls.__name__: cls
    for module in (
        markor,
        records,
        recipe,
        calendar,
        calendar_ir,
        tasks_ir,
        tracks_ir,
        notes_ir,
        system,
        sms,
        contacts,
        clock,
        clipboard,
        media,
        vlc,
        retro,
    )
    for cls in module.TASKS
}
#: every evaluator class the env knows: this package's own tasks, then the official ones (which win on a name)
ALL: dict[str, type[TaskEval]] = {**OWN, **OFFICIAL}

#: the official tasks not ported, with the reason
NOT_PORTED: dict[str, str] = {
    "BrowserDraw": "a browser with a canvas page (Chrome + AndroidWorld's local HTML); no browser in the sim",
    "BrowserMaze": "a browser running AndroidWorld's maze page; no browser in the sim",
    "BrowserMultiply": "a browser running AndroidWorld's multiply page; no browser in the sim",
    "ExpenseAddMultipleFromGallery": "the expenses are in an image shown by Simple Gallery; no gallery in the sim",
    "MarkorTranscribeReceipt": "the receipt is an image shown by Simple Gallery; no gallery in the sim",
    "MarkorTranscribeVideo": "the text is in a video played by VLC; no video player in the sim",
    "OsmAndFavorite": "needs OsmAnd's map UI and its favourites file",
    "OsmAndMarker": "needs OsmAnd's map UI and its markers",
    "OsmAndTrack": "needs OsmAnd's map UI and its tracks",
    "RecipeAddMultipleRecipesFromImage": "the recipes are in an image shown by Simple Gallery; no gallery in the sim",
    "SaveCopyOfReceiptTaskEval": "needs Simple Gallery Pro (image copy); no gallery in the sim",
}


def listing() -> list[tuple[str, str, bool]]:
    """``(official name, app, runs on the sim)`` for all 116 official tasks, ported first."""
    rows = [(name, cls.app, cls.on_sim) for name, cls in sorted(OFFICIAL.items())]
    return rows + [(name, "-", False) for name in sorted(NOT_PORTED)]
