"""``background_image_in_slide``: the picture behind a slide of a presentation on the desktop, fetched to the
episode's cache folder (from inside the pptx, or from the desktop when the pptx links a file). A slide's audio is
``audio_in_slide`` in :mod:`steprl_envs.osworld.getters_apps`."""

from __future__ import annotations

import os
import posixpath
import zipfile
from xml.etree import ElementTree

from .context import DesktopContext
from .getters import GETTERS, get_vm_file

_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_BACKGROUND = "{http://schemas.openxmlformats.org/presentationml/2006/main}bgPr"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"


def _slide_relations(z: zipfile.ZipFile, index: int) -> list[dict]:
    name = f"ppt/slides/_rels/slide{index + 1}.xml.rels"
    if name not in z.namelist():
        return []
    return [dict(rel.attrib) for rel in ElementTree.fromstring(z.read(name)).findall(_RELS)]


def _take(ctx: DesktopContext, z: zipfile.ZipFile, target: str, dest: str):
    """The related file: a part inside the pptx (``../media/...``) is extracted into the cache folder; a linked
    ``file://`` one is fetched from the desktop."""
    if target.startswith(".."):
        member = posixpath.normpath(posixpath.join("ppt/slides", target))
        if member not in z.namelist():
            return None
        local = ctx.cache_path(member)
        os.makedirs(os.path.dirname(local), exist_ok=True)
        with open(local, "wb") as f:
            f.write(z.read(member))
        return local
    if not target.startswith("file://"):
        raise ValueError(f"slide relation target {target!r} is neither a part of the file nor a file:// link")
    return get_vm_file(ctx, {"path": ctx.vm(target[len("file://") :]), "dest": dest})


def _pptx(ctx: DesktopContext, config: dict):
    path = config["ppt_file_path"]
    return get_vm_file(ctx, {"path": path, "dest": os.path.basename(path)})


@GETTERS.register("background_image_in_slide")
def get_background_image_in_slide(ctx: DesktopContext, config: dict):
    """The picture that fills slide ``slide_index``'s own background (0-based); None when it has none."""
    local = _pptx(ctx, config)
    if local is None:
        return None
    index = int(config["slide_index"])
    with zipfile.ZipFile(local) as z:
        slide = f"ppt/slides/slide{index + 1}.xml"
        if slide not in z.namelist():
            return None
        image_id = next(
            (
                blip.get(_EMBED)
                for bg in ElementTree.fromstring(z.read(slide)).iter(_BACKGROUND)
                for blip in bg.iter(_BLIP)
                if blip.get(_EMBED) is not None
            ),
            None,
        )
        if image_id is None:
            return None
        for rel in _slide_relations(z, index):
            if "image" in rel.get("Type", "") and rel.get("Id") == image_id:
                return _take(ctx, z, rel["Target"], config["dest"])
    return None
