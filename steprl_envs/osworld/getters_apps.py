"""Getters for desktop applications and the desktop itself: VLC (HTTP status, ``vlcrc``), the default video
player, a VS Code extension command's output file, the audio of a slide, the wallpaper, a window's size and
desktop shortcuts.

Where OSWorld's server has an endpoint this project's control server lacks (``/wallpaper``, ``/window_size``),
the getter asks for it first (the official VM answers) and otherwise reads the same fact with a command in the
desktop (gsettings, wmctrl).
"""

from __future__ import annotations

import base64
import json
import os
import posixpath
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections import Counter
from xml.etree import ElementTree

from ..core.actions import parse_action
from ..desktop.errors import DesktopRequestError
from .context import DesktopContext
from .getters import GETTERS, get_vm_file

VLC_HTTP_PORT = 8080
VLC_HTTP_PASSWORD = "password"  # the official VM's VLC HTTP interface: empty user, this password
VLCRC = ".config/vlc/vlcrc"


def _save(ctx: DesktopContext, dest: str, data: bytes) -> str:
    local = ctx.cache_path(dest)
    with open(local, "wb") as f:
        f.write(data)
    return local


@GETTERS.register("vlc_playing_info")
def get_vlc_playing_info(ctx: DesktopContext, config: dict):
    """VLC's ``/requests/status.xml`` saved as ``dest``; None when VLC's HTTP interface does not answer 200."""
    host, port = ctx.address(VLC_HTTP_PORT)
    auth = base64.b64encode(f":{VLC_HTTP_PASSWORD}".encode()).decode()
    request = urllib.request.Request(
        f"http://{host}:{port}/requests/status.xml", headers={"Authorization": f"Basic {auth}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            data = response.read()
    except (urllib.error.URLError, OSError) as e:
        ctx.log.append(f"vlc_playing_info: VLC's HTTP interface at {host}:{port} did not answer ({e})")
        return None
    return _save(ctx, config["dest"], data)


@GETTERS.register("vlc_config")
def get_vlc_config(ctx: DesktopContext, config: dict):
    """The desktop user's ``~/.config/vlc/vlcrc`` saved as ``dest`` (None when VLC never wrote one)."""
    return get_vm_file(ctx, {"path": f"{ctx.home.rstrip('/')}/{VLCRC}", "dest": config["dest"]})


#: the MIME subtypes ``video/<x>`` OSWorld asks xdg-mime about, repeats included (they weigh in the vote)
VIDEO_TYPES = (
    "3gp 3gp 3gpp 3gpp 3gpp2 3gpp2 avi avi divx divx dv dv fli fli flv flv mp2t mp2t mp4 mp4 mp4v-es mp4v-es "
    "mpeg mpeg mpeg-system mpeg-system msvideo msvideo ogg ogg quicktime quicktime vnd.divx vnd.divx "
    "vnd.mpegurl vnd.mpegurl vnd.rn-realvideo vnd.rn-realvideo webm webm x-anim x-anim x-avi x-avi x-flc x-flc "
    "x-fli x-fli x-flv x-flv x-m4v x-m4v x-matroska x-matroska x-mpeg x-mpeg x-mpeg-system x-mpeg-system "
    "x-mpeg2 x-mpeg2 x-ms-asf x-ms-asf x-ms-asf-plugin x-ms-asf-plugin x-ms-asx x-ms-asx x-ms-wm x-ms-wm "
    "x-ms-wmv x-ms-wmv x-ms-wmx x-ms-wmx x-ms-wvx x-ms-wvx x-msvideo x-msvideo x-nsv x-nsv x-ogm x-ogm "
    "x-ogm+ogg x-theora x-theora x-theora+ogg x-theora+ogg"
).split()


@GETTERS.register("default_video_player")
def get_default_video_player(ctx: DesktopContext, config: dict):
    """The desktop file most video types open with (``xdg-mime query default``), or ``"unknown"``."""
    unique = list(dict.fromkeys(VIDEO_TYPES))
    script = 'for t in "$@"; do printf "%s\\036" "$(xdg-mime query default "video/$t" 2>/dev/null)"; done'
    run = ctx.client.execute(["bash", "-c", script, "bash", *unique], timeout=120)
    answers = str(run.get("output") or "").split("\x1e")
    default = dict(zip(unique, answers, strict=False))
    apps = [default[t] + "\n" for t in VIDEO_TYPES if default.get(t)]
    return Counter(apps).most_common(1)[0][0] if apps else "unknown"


@GETTERS.register("vscode_config")
def get_vscode_config(ctx: DesktopContext, config: dict):
    """Run a VS Code command through the command palette (the task's extension writes a file), then fetch it."""
    command = str(config["vscode_extension_command"])
    code = f"pyautogui.hotkey('ctrl', 'shift', 'p')\npyautogui.typewrite({command!r})\npyautogui.press('enter')"
    ctx.client.execute_actions(parse_action(code, "pyautogui"))
    time.sleep(1.0)
    return get_vm_file(ctx, {"path": config["path"], "dest": config["dest"]})


@GETTERS.register("vm_wallpaper")
def get_vm_wallpaper(ctx: DesktopContext, config: dict):
    """The wallpaper image saved as ``dest``: the server's ``/wallpaper``, else GNOME's ``picture-uri`` file."""
    try:
        _, data = ctx.client.request("POST", "/wallpaper", timeout=30)
        return _save(ctx, config["dest"], data)
    except DesktopRequestError as e:
        if e.status != 404:
            raise
    run = ctx.client.execute(["gsettings", "get", "org.gnome.desktop.background", "picture-uri"], timeout=30)
    path = str(run.get("output") or "").strip().replace("file://", "").replace("'", "")
    if not path:
        return None
    return get_vm_file(ctx, {"path": path, "dest": config["dest"]})


def window_size_from_wmctrl(listing: str, app_class_name: str) -> dict | None:
    """Size of the first window (``wmctrl -lGx`` order) whose WM_CLASS instance or class is ``app_class_name``."""
    wanted = app_class_name.lower()
    for line in listing.splitlines():
        fields = line.split(None, 7)
        if len(fields) < 7:
            continue
        if wanted in [part.lower() for part in fields[6].split(".", 1)]:
            return {"width": int(fields[4]), "height": int(fields[5])}
    return None


@GETTERS.register("vm_window_size")
def get_vm_window_size(ctx: DesktopContext, config: dict):
    """``{"width", "height"}`` of the application's window, None when it has none."""
    name = config["app_class_name"]
    try:
        _, body = ctx.client.request(
            "POST",
            "/window_size",
            data=urllib.parse.urlencode({"app_class_name": name}).encode(),
            ctype="application/x-www-form-urlencoded",
        )
        return json.loads(body) if body.strip() else None
    except DesktopRequestError as e:
        if e.status == 500:  # OSWorld's server fails this way when no window has the class
            return None
        if e.status != 404:
            raise
    run = ctx.client.execute(["wmctrl", "-lGx"], timeout=30)
    return window_size_from_wmctrl(str(run.get("output") or ""), name)


@GETTERS.register("shortcuts_on_desktop")
def get_shortcuts_on_desktop(ctx: DesktopContext, config: dict):
    """``{file name: text}`` of the ``.desktop`` files on the user's Desktop folder."""
    desktop = f"{ctx.home.rstrip('/')}/Desktop"
    tree = ctx.client.list_directory(desktop)
    shortcuts = {}
    for node in tree.get("children", []):
        name = node["name"]
        if name.endswith(".desktop"):
            data = ctx.client.get_file(f"{desktop}/{name}")
            if data is not None:
                shortcuts[name] = data.decode("utf-8")
    return shortcuts


_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


@GETTERS.register("audio_in_slide")
def get_audio_in_slide(ctx: DesktopContext, config: dict):
    """The first audio of slide ``slide_index`` (0-based) of a pptx on the desktop: an embedded one is copied out
    of the file into the cache (as ``ppt/media/<name>``), a linked one (``file://``) is fetched as ``dest``."""
    ppt = get_vm_file(ctx, {"path": config["ppt_file_path"], "dest": os.path.basename(config["ppt_file_path"])})
    if ppt is None:
        return None
    rels = f"ppt/slides/_rels/slide{int(config['slide_index']) + 1}.xml.rels"
    with zipfile.ZipFile(ppt) as pptx:
        if rels not in pptx.namelist():
            return None
        with pptx.open(rels) as f:
            relations = ElementTree.parse(f).getroot().findall(_RELS)
        for rel in relations:
            if "audio" not in rel.attrib.get("Type", ""):
                continue
            target = rel.attrib["Target"]
            if target.startswith(".."):
                member = posixpath.normpath(posixpath.join("ppt/slides", target.replace("\\", "/")))
                local = ctx.cache_path(member)  # refuses members that would leave the cache folder
                os.makedirs(os.path.dirname(local), exist_ok=True)
                with pptx.open(member) as src, open(local, "wb") as out:
                    out.write(src.read())
                return local
            if not target.startswith("file://"):
                raise ValueError(f"audio_in_slide: audio target {target!r} is neither inside the file nor file://")
            return get_vm_file(ctx, {"path": ctx.vm(target[7:]), "dest": config["dest"]})
    return None
