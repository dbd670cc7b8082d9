"""OSWorld's Chrome getters that read the profile's files (Preferences, Local State, Bookmarks, History, Cookies).

Each reads OSWorld's path under ``~/.config/google-chrome`` through the desktop client and returns what the official
getter returns, fallbacks included: most answer a fixed value (often the string ``"Google"``) when the file is
missing or a key is absent, because the metrics were written against those values.
"""

from __future__ import annotations

import json
import sqlite3

from .chrome import profile_file
from .context import DesktopContext
from .getters import GETTERS

PREFERENCES = "Default/Preferences"
LOCAL_STATE = "Local State"
DEFAULT_FONT_SIZES = {"default_fixed_font_size": 13, "default_font_size": 16, "minimum_font_size": 13}
FONT_SIZES_ON_ERROR = {"default_fixed_font_size": 13, "default_font_size": 16}


def _json(ctx: DesktopContext, relative: str):
    return json.loads(profile_file(ctx, relative))  # a missing file (None) raises TypeError, as in OSWorld


def _sqlite_rows(ctx: DesktopContext, relative: str, dest: str, query: str):
    """Copy a profile database into the cache as ``dest`` and run ``query``; None when that fails."""
    try:
        data = profile_file(ctx, relative)
        path = ctx.cache_path(dest)
        with open(path, "wb") as f:
            f.write(data)
        conn = sqlite3.connect(path)
        try:
            return conn.execute(query).fetchall()
        finally:
            conn.close()
    except Exception as e:  # OSWorld's getters log and return None for any failure here
        ctx.log.append(f"chrome {relative}: {type(e).__name__}: {e}")
        return None


def _preference(ctx: DesktopContext, read, fallback, relative: str = PREFERENCES):
    try:
        return read(_json(ctx, relative))
    except Exception as e:  # a missing file or an unexpected layout gives OSWorld's fallback value
        ctx.log.append(f"chrome {relative}: {type(e).__name__}: {e}")
        return fallback


def _flag(value) -> str:
    return "true" if value else "false"


@GETTERS.register("default_search_engine")
def get_default_search_engine(ctx: DesktopContext, config: dict):
    return _preference(
        ctx,
        lambda d: d.get("default_search_provider_data", {}).get("template_url_data", {}).get("short_name", "Google"),
        "Google",
    )


@GETTERS.register("cookie_data")
def get_cookie_data(ctx: DesktopContext, config: dict):
    return _sqlite_rows(ctx, "Default/Cookies", config["dest"], "SELECT * FROM cookies")


@GETTERS.register("history")
def get_history(ctx: DesktopContext, config: dict):
    return _sqlite_rows(ctx, "Default/History", config["dest"], "SELECT url, title, last_visit_time FROM urls")


@GETTERS.register("enabled_experiments")
def get_enabled_experiments(ctx: DesktopContext, config: dict):
    return _preference(ctx, lambda d: d.get("browser", {}).get("enabled_labs_experiments", []), [], LOCAL_STATE)


@GETTERS.register("chrome_language")
def get_chrome_language(ctx: DesktopContext, config: dict):
    return _preference(ctx, lambda d: d.get("intl", {}).get("app_locale", "en-US"), "en-US", LOCAL_STATE)


@GETTERS.register("profile_name")
def get_profile_name(ctx: DesktopContext, config: dict):
    return _preference(ctx, lambda d: d.get("profile", {}).get("name", None), None)


@GETTERS.register("chrome_font_size")
def get_chrome_font_size(ctx: DesktopContext, config: dict):
    return _preference(
        ctx, lambda d: d.get("webkit", {}).get("webprefs", dict(DEFAULT_FONT_SIZES)), dict(FONT_SIZES_ON_ERROR)
    )


@GETTERS.register("bookmarks")
def get_bookmarks(ctx: DesktopContext, config: dict):
    """The ``roots`` of the Bookmarks file ([] when there is none; a corrupt file raises, as in OSWorld)."""
    data = profile_file(ctx, "Default/Bookmarks")
    if not data:
        return []
    return json.loads(data).get("roots", {})


@GETTERS.register("enable_do_not_track")
def get_enable_do_not_track(ctx: DesktopContext, config: dict):
    return _preference(ctx, lambda d: _flag(d.get("enable_do_not_track", {})), "false")


@GETTERS.register("enable_enhanced_safety_browsing")
def get_enable_enhanced_safety_browsing(ctx: DesktopContext, config: dict):
    return _preference(ctx, lambda d: _flag(d.get("safebrowsing", {}).get("enhanced", {})), "Google")


@GETTERS.register("new_startup_page")
def get_new_startup_page(ctx: DesktopContext, config: dict):
    """ "true" on a fresh profile (no ``session`` key) or when Chrome opens the New Tab page (restore_on_startup 5)."""

    def read(d):
        if "session" not in d:
            return "true"
        return _flag(d.get("session", {}).get("restore_on_startup", {}) == 5)

    return _preference(ctx, read, "Google")


@GETTERS.register("find_unpacked_extension_path")
def get_find_unpacked_extension_path(ctx: DesktopContext, config: dict):
    """The ``path`` of every extension in Preferences (the metric looks for the unpacked one's folder)."""
    settings = lambda d: d.get("extensions", {}).get("settings", {})  # noqa: E731
    return _preference(ctx, lambda d: [s["path"] for s in settings(d).values()], "Google")


@GETTERS.register("find_installed_extension_name")
def get_find_installed_extension_name(ctx: DesktopContext, config: dict):
    settings = lambda d: d.get("extensions", {}).get("settings", {})  # noqa: E731
    return _preference(ctx, lambda d: [s["manifest"]["name"] for s in settings(d).values()], "Google")


@GETTERS.register("data_delete_automacally")
def get_data_delete_automacally(ctx: DesktopContext, config: dict):
    """ "true" when the profile has per-site default content settings (how OSWorld detects auto-deleting data)."""
    return _preference(
        ctx, lambda d: _flag(d["profile"].get("default_content_setting_values", None) is not None), "Google"
    )
