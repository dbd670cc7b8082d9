"""The slide getters (audio, background image), ``time_diff_range`` and ``vm_file``'s ``time_suffix``."""

from __future__ import annotations

import datetime

import pytest

from steprl_envs.osworld.getters import GETTERS
from tests.osworld.builders_docs import _rewrite_zip, build_deck
from tests.osworld.fakes import FakeClient, context

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/{}"
DECK = "/home/user/Desktop/talk.pptx"


def _deck(tmp_path, relation: str | None = None, media: dict | None = None, background: str | None = None) -> bytes:
    """A one-slide pptx with an extra slide relationship, extra parts and a picture background (by rel id)."""
    pytest.importorskip("pptx")
    path = tmp_path / "talk.pptx"
    build_deck(path, {"slides": [{}]})
    edits = {}
    if relation:
        edits["ppt/slides/_rels/slide1.xml.rels"] = lambda t: t.replace(
            "</Relationships>", relation + "</Relationships>"
        )
    if background:
        bg = f'<p:bg><p:bgPr><a:blipFill><a:blip r:embed="{background}"/></a:blipFill><a:effectLst/></p:bgPr></p:bg>'
        edits["ppt/slides/slide1.xml"] = lambda t: t.replace("<p:cSld>", "<p:cSld>" + bg)
    _rewrite_zip(path, edits)
    if media:
        import zipfile

        with zipfile.ZipFile(path, "a") as z:
            for name, data in media.items():
                z.writestr(name, data)
    return path.read_bytes()


def _get(tmp_path, kind: str, files: dict, **config):
    ctx = context(tmp_path, FakeClient(files={ctx_path(p): d for p, d in files.items()}))
    return GETTERS.get(kind)(ctx, ctx.vm({"ppt_file_path": DECK, "slide_index": 0, "dest": "out.bin", **config}))


def ctx_path(path: str) -> str:
    return path.replace("/home/user", "/tmp/fakehome")


def _rel(kind: str, target: str, rid: str = "rId90", external: bool = False) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{REL.format(kind)}" Target="{target}"{mode}/>'


def test_audio_embedded_in_the_deck_is_extracted(tmp_path):
    pptx = _deck(tmp_path, _rel("audio", "../media/media1.mp3"), {"ppt/media/media1.mp3": b"ID3 sound"})
    path = _get(tmp_path, "audio_in_slide", {DECK: pptx})
    assert path.endswith("ppt/media/media1.mp3")
    assert open(path, "rb").read() == b"ID3 sound"


def test_linked_audio_is_fetched_from_the_desktop(tmp_path):
    pptx = _deck(tmp_path, _rel("audio", "file:///home/user/Music/song.mp3", external=True))
    path = _get(tmp_path, "audio_in_slide", {DECK: pptx, "/home/user/Music/song.mp3": b"linked"})
    assert path.endswith("out.bin") and open(path, "rb").read() == b"linked"


def test_no_audio_or_no_deck_gives_none(tmp_path):
    assert _get(tmp_path, "audio_in_slide", {DECK: _deck(tmp_path)}) is None
    assert _get(tmp_path, "audio_in_slide", {}) is None
    pptx = _deck(tmp_path, _rel("audio", "../media/media1.mp3"), {"ppt/media/media1.mp3": b"x"})
    assert _get(tmp_path, "audio_in_slide", {DECK: pptx}, slide_index=1) is None


def test_background_image_of_the_slide(tmp_path):
    pptx = _deck(tmp_path, _rel("image", "../media/bg.png", "rId91"), {"ppt/media/bg.png": b"PNG"}, background="rId91")
    path = _get(tmp_path, "background_image_in_slide", {DECK: pptx})
    assert path.endswith("ppt/media/bg.png") and open(path, "rb").read() == b"PNG"


def test_background_without_picture_or_with_other_image_id(tmp_path):
    pptx = _deck(tmp_path, _rel("image", "../media/bg.png", "rId91"), {"ppt/media/bg.png": b"PNG"})
    assert _get(tmp_path, "background_image_in_slide", {DECK: pptx}) is None
    pptx = _deck(tmp_path, _rel("image", "../media/bg.png", "rId91"), {"ppt/media/bg.png": b"PNG"}, background="rId7")
    assert _get(tmp_path, "background_image_in_slide", {DECK: pptx}) is None


def test_a_relation_target_cannot_climb_out_of_the_cache(tmp_path):
    pptx = _deck(tmp_path, _rel("audio", "../../../../../etc/x.mp3"), {"etc/x.mp3": b"x"})
    with pytest.raises(ValueError, match="leaves the cache folder"):
        _get(tmp_path, "audio_in_slide", {DECK: pptx})
    assert not (tmp_path / "etc").exists()


def test_time_diff_range_passes_the_minutes_through(tmp_path):
    ctx = context(tmp_path)
    assert GETTERS.get("time_diff_range")(ctx, {"type": "time_diff_range", "diff_range_in_minutes": "60"}) == "60"


def test_vm_file_time_suffix_inserts_todays_date(tmp_path):
    today = datetime.datetime.now().strftime("%Y_%m_%d")
    client = FakeClient(files={f"/tmp/fakehome/Test/Export-{today}.csv": b"a,b"})
    ctx = context(tmp_path, client)
    config = {"path": "/home/user/Test/Export-.csv", "dest": "Export-.csv", "time_suffix": True}
    path = GETTERS.get("vm_file")(ctx, ctx.vm(config))
    assert path.endswith(f"Export-{today}.csv") and open(path, "rb").read() == b"a,b"
