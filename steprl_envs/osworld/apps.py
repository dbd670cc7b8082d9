"""Which OSWorld applications the full desktop image (``steprl/desktop-full``) provides.

Keys are the ``related_apps`` spellings of the official task set; each maps to the program in the image that
stands for it (checked by the container tests). Not here: VS Code (``vscode``, ``vs_code``: no desktop build
installs from Debian, PyPI or npm; code-server is a browser app with other settings paths and window titles) and
MusicBrainz Picard (``picard``).
"""

from __future__ import annotations

#: related_apps spelling -> the program in the full image that provides it
FULL_IMAGE_PROGRAMS: dict[str, str] = {
    "os": "gnome-terminal",
    "OS": "gnome-terminal",
    "terminal": "gnome-terminal",
    "chrome": "google-chrome",
    "Chrome": "google-chrome",
    "browser": "google-chrome",
    "libreoffice": "soffice",
    "libreoffice_calc": "localc",
    "libreoffice calc": "localc",
    "calc": "localc",
    "msoffice_excel": "localc",  # an .xlsx task of the Calc domain
    "libreoffice_writer": "lowriter",
    "writer": "lowriter",
    "Writer": "lowriter",
    "libreoffice_impress": "loimpress",
    "gimp": "gimp",
    "vlc": "vlc",
    "thunderbird": "thunderbird",
    "pdf": "evince",
    "image": "eog",
    "ubuntu_media_player": "totem",
}

FULL_IMAGE_APPS: frozenset[str] = frozenset(FULL_IMAGE_PROGRAMS)
