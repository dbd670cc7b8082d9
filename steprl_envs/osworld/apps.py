"""Which of OSWorld's ``related_apps`` the full desktop image (``steprl/desktop-full``) provides.

Spelled as the official task set spells them (it uses several spellings for one app: ``libreoffice_calc``,
``libreoffice calc`` and ``calc``); :func:`steprl_envs.osworld.tasks.canonical_app` folds them together.
VS Code is not here: code-server cannot be installed in the image.
"""

from __future__ import annotations

FULL_IMAGE_APPS: frozenset[str] = frozenset(
    {
        "os",
        "OS",
        "terminal",
        "chrome",
        "Chrome",
        "browser",
        "libreoffice",
        "libreoffice_calc",
        "libreoffice calc",
        "calc",
        "libreoffice_writer",
        "writer",
        "Writer",
        "libreoffice_impress",
        "gimp",
        "vlc",
        "thunderbird",
    }
)
