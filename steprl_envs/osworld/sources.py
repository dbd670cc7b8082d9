"""Where task files come from: a local cache first, then file URLs and paths, then HTTP where it is reachable.

OSWorld downloads inputs and gold files from Google Drive and Hugging Face at setup and evaluation time and keeps
them in ``cache/<task_id>/``: a ``download`` step's file as ``<uuid5(url)>_<basename of its path>``, a
``cloud_file`` getter's as its ``dest``. The shared cache here (``STEPRL_OSWORLD_CACHE``, default
``~/.cache/steprl/osworld``) has the same layout, so an OSWorld ``cache/`` folder can serve as one and
``steprl osworld fetch`` fills it ahead of time for offline runs. A URL is looked up as ``<cache>/<task_id>/<name>``
(the official name), then as the other names a caller gives (``<cache>/<task_id>/<basename of the path>``, handy for
files put there by hand), ``<cache>/<uuid5(url)>`` and ``<cache>/files/<basename of the URL>``. ``file://`` URLs
and plain paths are read from disk (relative ones from the task file's folder, then the task set's root);
``http(s)`` URLs in no cache are downloaded (when ``network`` is allowed) into the official place. Downloads go to
``<name>.part`` and are renamed when complete, so an interrupted one never looks done; the next try resumes it.
"""

from __future__ import annotations

import http.client
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid

from .context import DesktopContext

DOWNLOAD_TIMEOUT_S = 120.0
#: The empty Chrome history that OSWorld's ``update_browse_history`` step starts from, and its name in the cache.
BROWSE_HISTORY = (
    "https://drive.usercontent.google.com/u/0/uc?id=1Lv74QkJYDWVX0RIgg0Co-DUcoYpVL0oX&export=download",
    "history_new.sqlite",
)


def default_cache() -> str:
    return os.environ.get("STEPRL_OSWORLD_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "steprl", "osworld"
    )


def local_path(ctx: DesktopContext, path: str) -> str:
    if os.path.isabs(path):
        return path
    for base in (ctx.task_dir, ctx.task_root, os.getcwd()):
        if base and os.path.exists(os.path.join(base, path)):
            return os.path.join(base, path)
    return os.path.join(ctx.task_dir or os.getcwd(), path)


def download_name(url: str, path: str) -> str:
    """The name OSWorld's setup controller gives a ``download`` step's file in ``cache/<task_id>/``."""
    return f"{uuid.uuid5(uuid.NAMESPACE_URL, url)}_{os.path.basename(path)}"


def candidates(ctx: DesktopContext, url: str, name: str, aliases: tuple[str, ...] = ()) -> list[str]:
    """Cache paths checked for ``url`` (saved as ``name``, also known as ``aliases``), in order."""
    return cache_paths(ctx.file_cache, ctx.task_id, url, name, aliases)


def cache_paths(root: str | None, task_id: str, url: str, name: str, aliases: tuple[str, ...] = ()) -> list[str]:
    """:func:`candidates` for a cache folder and a task id (the id inside the task file)."""
    if not root:
        return []
    base = os.path.basename(urllib.parse.urlsplit(url).path)
    out = [os.path.join(root, task_id, n) for n in dict.fromkeys((name, *aliases)) if n]
    out.append(os.path.join(root, str(uuid.uuid5(uuid.NAMESPACE_URL, url))))
    if base:
        out.append(os.path.join(root, "files", base))
    return out


class NotAFile(OSError):
    """The server answered with something other than the file (Google Drive's quota or virus-scan page)."""


def download_to(url: str, path: str, timeout: float = DOWNLOAD_TIMEOUT_S) -> int:
    """Stream ``url`` into ``path`` through ``path + ".part"`` (resumed with a Range request when one is left from
    an interrupted try); returns the file's size. Raises OSError (URLError, HTTPError, timeouts, NotAFile)."""
    part = path + ".part"
    have = os.path.getsize(part) if os.path.isfile(part) else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            kind = response.headers.get("Content-Type", "")
            host = urllib.parse.urlsplit(response.geturl()).hostname or ""
            if kind.startswith("text/html") and host.endswith("google.com"):
                raise NotAFile(f"{host} answered with a web page, not the file (quota or virus-scan notice)")
            mode = "ab" if have and response.status == 206 else "wb"
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            length = response.headers.get("Content-Length")
            got = 0
            with open(part, mode) as f:
                while chunk := response.read(1 << 20):
                    f.write(chunk)
                    got += len(chunk)
                f.flush()
                os.fsync(f.fileno())
            if length is not None and length.isdigit() and got < int(length):
                raise OSError(f"the download broke off after {have + got:,} of {have + int(length):,} bytes")
    except http.client.HTTPException as e:  # the connection broke mid-file: the .part is kept for a resume
        raise OSError(f"the download broke off ({type(e).__name__}: {e})") from None
    except urllib.error.HTTPError as e:
        if e.code != 416 or not have:
            raise
        os.remove(part)  # the server cannot resume it (the file changed): start over
        return download_to(url, path, timeout)
    os.replace(part, path)
    return os.path.getsize(path)


def fetch(ctx: DesktopContext, url: str, name: str | None = None, aliases: tuple[str, ...] = ()) -> bytes:
    """The bytes behind ``url``; FileNotFoundError (naming where it looked) when they cannot be had."""
    if not isinstance(url, str) or not url:
        raise FileNotFoundError(f"no URL or path given ({url!r})")
    parts = urllib.parse.urlsplit(url)
    name = name or os.path.basename(parts.path) or "download"
    if parts.scheme in ("", "file"):
        path = local_path(ctx, urllib.parse.unquote(parts.netloc + parts.path) if parts.scheme else url)
        try:
            with open(path, "rb") as f:
                return f.read()
        except OSError as e:
            raise FileNotFoundError(f"cannot read {path}: {e.strerror}") from None
    if parts.scheme not in ("http", "https"):
        raise FileNotFoundError(f"unsupported URL scheme {parts.scheme!r} in {url}")
    looked = candidates(ctx, url, name, aliases)
    for path in looked:
        if os.path.isfile(path):
            with open(path, "rb") as f:
                return f.read()
    if not ctx.network:
        raise FileNotFoundError(
            f"{url} is not cached (looked in {', '.join(looked) or 'no cache'}) and network downloads are off"
        )
    target = looked[0] if looked else os.path.join(ctx.cache_path(".downloads"), name)
    try:
        download_to(url, target)
    except OSError as e:
        where = f"; or put the file at {looked[0]}" if looked else ""
        raise FileNotFoundError(f"cannot download {url}: {e}{where}") from None
    with open(target, "rb") as f:
        return f.read()
