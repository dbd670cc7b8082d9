"""OSWorld's getters by type name: ``{"type": "vm_file", ...}`` -> ``GETTERS.get("vm_file")(ctx, config)``.

File getters return a local path in the episode's cache folder (None when the desktop has no such file, which the
metrics score 0, as in OSWorld). Paths written for the official VM (``/home/user/...``) are mapped to the
desktop's home by the caller (:func:`steprl_envs.osworld.evaluate.evaluate`).
"""

from __future__ import annotations

import datetime
import json
import os
import re

from ..desktop.errors import DesktopRequestError
from . import sources
from .context import DesktopContext
from .registry import NameRegistry

GETTERS = NameRegistry("getter")

#: Where the bundled terminal keeps its transcript (the light desktop has no AT-SPI to read a terminal with).
TERMINAL_LOG = "~/.terminal.log"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[=>]|\r")


def _many(config: dict, fetch_one):
    """OSWorld's ``multi`` / ``gives`` convention for getters that take lists of paths."""
    if not config.get("multi", False):
        return fetch_one(config["path"], config["dest"])
    paths, dests = config["path"], config["dest"]
    got = [fetch_one(p, d) for p, d in zip(paths, dests, strict=True)]
    gives = config.get("gives", [0])
    return got[gives[0]] if len(gives) == 1 else [got[i] for i in gives]


def _with_date(path: str, time_format: str) -> str:
    """OSWorld's ``time_suffix``: today's date before the first dot of the file name (``a.csv`` -> ``a2024_01_25.csv``)."""
    folder, _, name = path.rpartition("/")
    if "." not in name:
        return path
    parts = name.split(".")
    stamped = parts[0] + datetime.datetime.now().strftime(time_format) + "." + parts[1]
    return f"{folder}/{stamped}" if folder or path.startswith("/") else stamped


@GETTERS.register("vm_file")
def get_vm_file(ctx: DesktopContext, config: dict):
    if config.get("time_suffix") and not config.get("multi", False):
        time_format = config.get("time_format", "%Y_%m_%d")
        config = {**config, "path": _with_date(config["path"], time_format)}
        config["dest"] = _with_date(config["dest"], time_format)

    def one(path: str, dest: str):
        data = ctx.client.get_file(path)
        if data is None:
            return None
        local = ctx.cache_path(dest)
        with open(local, "wb") as f:
            f.write(data)
        return local

    return _many(config, one)


@GETTERS.register("cloud_file")
def get_cloud_file(ctx: DesktopContext, config: dict):
    def one(url: str, dest: str):
        local = ctx.cache_path(dest)
        if not os.path.exists(local):
            data = sources.fetch(ctx, url, dest)
            with open(local, "wb") as f:
                f.write(data)
        return local

    return _many(config, one)


@GETTERS.register("cache_file")
def get_cache_file(ctx: DesktopContext, config: dict):
    path = ctx.cache_path(config["path"])
    if not os.path.exists(path):
        raise FileNotFoundError(f"{config['path']} is not in the episode's cache folder")
    return path


@GETTERS.register("rule")
def get_rule(ctx: DesktopContext, config: dict):
    return config["rules"]


def _run(ctx: DesktopContext, config: dict) -> dict:
    return ctx.client.execute(
        config["command"], shell=bool(config.get("shell", False)), timeout=float(config.get("timeout", 60))
    )


@GETTERS.register("vm_command_line")
def get_vm_command_line(ctx: DesktopContext, config: dict):
    return _run(ctx, config).get("output")


@GETTERS.register("vm_command_error")
def get_vm_command_error(ctx: DesktopContext, config: dict):
    return _run(ctx, config).get("error")


@GETTERS.register("vm_terminal_output")
def get_vm_terminal_output(ctx: DesktopContext, config: dict):
    """The terminal's text: the server's ``/terminal`` (official VM), else the bundled terminal's transcript."""
    try:
        status, body = ctx.client.request("GET", "/terminal", timeout=30)
        return json.loads(body).get("output")
    except DesktopRequestError as e:
        if e.status != 404:
            raise
    data = ctx.client.get_file(TERMINAL_LOG)
    if data is None:
        return None
    return _ANSI.sub("", data.decode("utf-8", "replace"))


@GETTERS.register("list_directory")
def get_list_directory(ctx: DesktopContext, config: dict):
    return ctx.client.list_directory(config["path"])


@GETTERS.register("vm_screen_size")
def get_vm_screen_size(ctx: DesktopContext, config: dict):
    width, height = ctx.client.screen_size()
    return {"width": width, "height": height}


@GETTERS.register("accessibility_tree")
def get_accessibility_tree(ctx: DesktopContext, config: dict):
    return ctx.client.accessibility()


@GETTERS.register("content_from_vm_file")
def get_content_from_vm_file(ctx: DesktopContext, config: dict):
    """Text of a file on the desktop (``file_type`` ``txt``/``text``; OSWorld also reads xlsx rows this way)."""
    kind = config.get("file_type", "txt")
    local = get_vm_file(ctx, {"path": config["path"], "dest": os.path.basename(config["path"])})
    if local is None:
        return None
    if kind in ("txt", "text"):
        with open(local, encoding="utf-8", errors="replace") as f:
            return f.read()
    if kind == "xlsx" and config.get("file_content") == "last_row":
        from .metrics.table import load_sheets

        rows = next(iter(load_sheets(local).values()), [])
        return [str(v) for v in rows[-1]] if rows else []
    raise ValueError(
        f"content_from_vm_file: file_type {kind!r} / file_content {config.get('file_content')!r} is not supported"
    )


# they register themselves
from . import (  # noqa: E402,F401
    getters_a11y,
    getters_apps,
    getters_chrome,
    getters_chrome_profile,
    getters_gimp,
    getters_office,
    getters_time,
)
