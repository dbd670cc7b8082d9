"""The desktop control server: OSWorld's in-VM HTTP API, served next to an X display.

Run it where the display is (inside the desktop container, or as a child of the local provider)::

    python -m steprl_envs.desktop.server --host 127.0.0.1 --port 5000 --spawn-display

It needs only the standard library, Pillow, xdotool and wmctrl. Agent actions arrive as pyautogui code, either on
``/execute_action`` or wrapped in OSWorld's ``python -c "import pyautogui; ..."``; both are parsed with steprl's
action parser and replayed with xdotool, never executed. ``/execute`` and ``/setup/execute`` run other commands
for task setup, in the desktop's home: this server gives command execution to whoever holds its token, so it binds
127.0.0.1 unless told otherwise and belongs next to a throwaway display and home only.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import threading
import time
from http.server import ThreadingHTTPServer

from .a11y_atspi import AtspiSource
from .a11y_tree import Limits
from .display import Display, DisplayError
from .handlers import Desktop, Handler

TOKEN_ENV = "STEPRL_DESKTOP_TOKEN"
READY_LINE = "STEPRL_DESKTOP_LISTENING"


def serve(desktop: Desktop, host: str, port: int, listen_fd: int | None = None) -> ThreadingHTTPServer:
    """A bound (not yet serving) HTTP server for ``desktop``; with ``listen_fd``, one that accepts on a socket its
    starter already bound and listens on (a sandbox with no network of its own serves a port of the host's)."""
    handler = type("DesktopHandler", (Handler,), {"desktop": desktop})
    httpd = ThreadingHTTPServer((host, port), handler, bind_and_activate=listen_fd is None)
    if listen_fd is not None:
        httpd.socket.close()
        httpd.socket = socket.socket(fileno=listen_fd)
        httpd.socket.set_inheritable(False)  # launched apps must not accept the host's connections
        httpd.server_address = httpd.socket.getsockname()
        httpd.server_name, httpd.server_port = httpd.server_address[:2]
    httpd.daemon_threads = True
    return httpd


def _watch(httpd: ThreadingHTTPServer, display: Display | None, parent_pid: int | None, why: list) -> None:
    """Stop serving when the display dies or the process that started us is gone (no orphaned desktops)."""
    while not why:
        problem = display.problem() if display else None
        if problem:
            why.append(f"the X display died: {problem}")
        elif parent_pid and os.getppid() != parent_pid:
            why.append(f"parent process {parent_pid} exited")
        else:
            time.sleep(0.2)
            continue
        httpd.shutdown()


def _args(argv):
    p = argparse.ArgumentParser(prog="python -m steprl_envs.desktop.server", description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1 unless in a container)")
    p.add_argument("--port", type=int, default=5000, help="port to bind; 0 picks a free one (printed)")
    p.add_argument("--display", default=None, help="X display to drive (default: $DISPLAY)")
    p.add_argument("--spawn-display", action="store_true", help="start Xvfb and a window manager of our own")
    p.add_argument("--screen", default="1280x720", help="screen size for --spawn-display, WxH")
    p.add_argument("--wm", default=None, help="window manager for --spawn-display (default: openbox, fluxbox)")
    p.add_argument("--home", default=None, help="the desktop's home: commands run here (default: $HOME)")
    p.add_argument("--root", action="append", default=None, help="a directory /file may touch (default: home)")
    p.add_argument("--max-upload-mb", type=float, default=64, help="largest accepted upload")
    p.add_argument(
        "--a11y-time-limit",
        type=float,
        default=float(os.environ.get("STEPRL_A11Y_TIME_LIMIT", 5.0)),
        help="seconds one accessibility walk may take (default: $STEPRL_A11Y_TIME_LIMIT or 5)",
    )
    p.add_argument(
        "--a11y-max-nodes",
        type=int,
        default=int(os.environ.get("STEPRL_A11Y_MAX_NODES", 20000)),
        help="most nodes in one accessibility tree (default: $STEPRL_A11Y_MAX_NODES or 20000)",
    )
    p.add_argument("--no-atspi", action="store_true", help="serve the window-level tree even where AT-SPI answers")
    p.add_argument("--parent-pid", type=int, default=None, help="exit when this process is gone")
    p.add_argument(
        "--listen-fd",
        type=int,
        default=None,
        help="serve on this inherited, already listening socket instead of binding --host/--port",
    )
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = _args(argv)
    home = os.path.abspath(args.home or os.path.expanduser("~"))
    env = {**os.environ, "HOME": home}
    display = None
    stopped: list[str] = []
    httpd: ThreadingHTTPServer | None = None

    def on_sigterm(*_):
        stopped.append("SIGTERM")
        if httpd is None:
            raise SystemExit(0)  # still starting: unwind, the finally below stops the display
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        if args.spawn_display:
            width, height = (int(v) for v in args.screen.lower().split("x"))
            display = Display((width, height), args.wm, env)
            display.start()
            env = display.env
        name = args.display or env.get("DISPLAY")
        if not name:
            print("no X display: pass --display, set DISPLAY or use --spawn-display", file=sys.stderr)
            return 2
        env["DISPLAY"] = name
        desktop = Desktop(
            name,
            home,
            env,
            [os.path.abspath(r) for r in (args.root or [home])],
            os.environ.get(TOKEN_ENV) or None,
            int(args.max_upload_mb * (1 << 20)),
        )
        if not args.no_atspi:
            desktop.a11y = AtspiSource(env, Limits(args.a11y_time_limit, args.a11y_max_nodes))
        try:
            httpd = serve(desktop, args.host, args.port, args.listen_fd)
        except OSError as e:
            print(f"cannot bind {args.host}:{args.port}: {e.strerror}; choose another port", file=sys.stderr)
            return 2
        print(f"{READY_LINE} {httpd.server_address[1]} {name}", flush=True)
        threading.Thread(target=_watch, args=(httpd, display, args.parent_pid, stopped), daemon=True).start()
        httpd.serve_forever(poll_interval=0.1)
        httpd.server_close()
    except DisplayError as e:
        print(str(e), file=sys.stderr)
        return 3
    finally:
        if display is not None:
            display.stop()
    if stopped and stopped[0] != "SIGTERM":
        print(f"desktop server stopping: {stopped[0]}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
