"""The worker side of every pool: one env, driven by reset/step calls, that never lets an env exception escape.

:class:`EnvSession` is what a subprocess (:func:`serve`), a thread or a Ray actor holds. Each call returns a
:class:`Reply`; an exception inside the env becomes ``Reply.error`` and the env is thrown away, so the next
``reset`` (the retry) runs on a fresh one. ``abort`` ends an episode the caller gave up on: its recording is
closed unfinished and the env is kept, since the next ``reset`` starts it over anyway (a desktop VM is not
rebooted for an agent's failure).
"""

from __future__ import annotations

import os
import signal
import socket
import time
import traceback
from typing import Any, NamedTuple

import gymnasium as gym

from ..registration import make
from .records import EpisodeRequest
from .shm import ObsWriter


class Reply(NamedTuple):
    """A worker's answer to reset or step. ``error`` set means the env raised and the attempt is lost."""

    obs: Any = None
    reward: float = 0.0
    terminated: bool = False
    truncated: bool = False
    info: dict[str, Any] | None = None
    error: str | None = None
    instruction: str | None = None
    record_dir: str | None = None
    pid: int = 0
    host: str = ""
    env_s: float = 0.0
    shm_request: int = 0  # process workers: the obs came through the pipe; a block of this many bytes would fit it


def describe(exc: BaseException) -> str:
    """One cause string: type, message and the innermost frames (enough to find the bug in a report)."""
    frames = "".join(traceback.format_tb(exc.__traceback__)[-3:]) if exc.__traceback__ else ""
    return f"{type(exc).__name__}: {exc}\n{frames}".rstrip()


class EnvSession:
    """Owns one env in a worker. Construction is free; the env is made on the first reset after a failure."""

    def __init__(self, env_id: str, make_kwargs: dict[str, Any], record_root: str | None = None):
        self.env_id = env_id
        self.make_kwargs = make_kwargs
        self.record_root = record_root
        self.env: gym.Env | None = None
        self.pid = os.getpid()
        self.host = socket.gethostname()

    def _make(self) -> gym.Env:
        env = make(self.env_id, **self.make_kwargs)
        if self.record_root is not None:
            from ..core.recorder import RecordTrajectory

            env = RecordTrajectory(env, self.record_root)
        return env

    def _drop_env(self) -> None:
        env, self.env = self.env, None
        if env is not None:
            try:
                env.close()
            except Exception:  # a broken env may fail to close; it is discarded either way
                pass

    def _reply(self, t0: float, **fields: Any) -> Reply:
        return Reply(pid=self.pid, host=self.host, env_s=time.perf_counter() - t0, **fields)

    def reset(self, request: EpisodeRequest) -> Reply:
        t0 = time.perf_counter()
        try:
            if self.env is None:
                self.env = self._make()
            options = request.reset_options()
            if self.record_root is not None:
                options["episode_id"] = request.recording
            obs, info = self.env.reset(seed=request.seed, options=options)
        except Exception as e:
            self._drop_env()
            return self._reply(t0, error=f"reset failed: {describe(e)}")
        task = getattr(self.env.unwrapped, "task", None)
        record_dir = getattr(self.env, "dir", None) if self.record_root is not None else None
        return self._reply(
            t0,
            obs=obs,
            info=info,
            instruction=getattr(task, "instruction", None),
            record_dir=str(record_dir) if record_dir else None,
        )

    def step(self, action: str, notes: dict[str, Any] | None = None) -> Reply:
        t0 = time.perf_counter()
        try:
            if self.env is None:
                raise RuntimeError("step before reset")
            if notes and self.record_root is not None:
                self.env.annotate(**notes)
            obs, reward, terminated, truncated, info = self.env.step(action)
        except Exception as e:
            self._drop_env()
            return self._reply(t0, error=f"step failed: {describe(e)}")
        return self._reply(
            t0, obs=obs, reward=float(reward), terminated=bool(terminated), truncated=bool(truncated), info=info
        )

    def abort(self) -> Reply:
        """Leave the current episode: close its recording unfinished so nothing more lands in its folder."""
        t0 = time.perf_counter()
        close_recording = getattr(self.env, "abandon", None) if self.record_root is not None else None
        try:
            if close_recording is not None:
                close_recording()
        except Exception as e:  # a recorder that cannot close its file: start the next episode on a fresh env
            self._drop_env()
            return self._reply(t0, error=f"abort failed: {describe(e)}")
        return self._reply(t0)

    def close(self) -> None:
        self._drop_env()


def serve(conn, env_id: str, make_kwargs: dict[str, Any], record_root: str | None, shared: bool = False) -> None:
    """Subprocess main loop: ``(method, args, block)`` in, :class:`Reply` out, until ``close`` or the parent goes
    away. ``shared``: large observation arrays go through the block the parent names (see :mod:`.shm`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which closes the pool in order
    session = EnvSession(env_id, make_kwargs, record_root)
    writer = ObsWriter()
    try:
        while True:
            try:
                method, args, block = conn.recv()
            except (EOFError, OSError):
                return
            if method == "close":
                return
            reply = getattr(session, method)(*args)
            if shared and reply.obs is not None:
                writer.use(block)
                obs, need = writer.pack(reply.obs)
                reply = reply._replace(obs=obs, shm_request=need)
            conn.send(reply)
    finally:
        writer.close()
        session.close()
