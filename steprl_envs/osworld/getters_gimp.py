"""GIMP's getter: one of its configuration files (gimprc, sessionrc, action-history ...) from the desktop.

GIMP 2.10 (Debian bookworm's, as on OSWorld's VM) keeps them in ``~/.config/GIMP/2.10/``; the file is copied to
the episode's cache folder as ``dest``. A file GIMP has not written yet gives None, which its metric scores 0.
"""

from __future__ import annotations

from .context import DesktopContext
from .getters import GETTERS

GIMP_CONFIG_DIR = ".config/GIMP/2.10"


@GETTERS.register("gimp_config_file")
def get_gimp_config_file(ctx: DesktopContext, config: dict):
    name = config["file_name"]
    if not name or "/" in name or name in (".", ".."):
        raise ValueError(f"gimp_config_file: file_name must be a file name inside {GIMP_CONFIG_DIR}, got {name!r}")
    data = ctx.client.get_file(f"{ctx.home.rstrip('/')}/{GIMP_CONFIG_DIR}/{name}")
    if not data:
        return None
    local = ctx.cache_path(config["dest"])
    with open(local, "wb") as f:
        f.write(data)
    return local
