"""Retro Music (``task_evals/single/retro_music.py``): setup empties the playlist tables and puts the songs in
``/sdcard/Music`` (each with its title and length); the checks read ``playlist.db`` (songs of a playlist in
``song_key`` order, name fuzzily), ``music_playback_state.db``'s ``playing_queue`` and ``Download/NAME.m3u``."""

from __future__ import annotations

import random

from ..sim.retro import DOWNLOAD_DIR, MUSIC_DIR, PLAYBACK_DB, PLAYLIST_DB, RetroApp, song_tag
from .common import OfficialTask, clear_dir, exists
from .vlc import verify_playlist

SONGS = (
    "Paper Lanterns",
    "Harbor Lights",
    "Velvet Morning",
    "Static Hearts",
    "Golden Hour",
    "Northern Road",
    "Glass Garden",
    "Midnight Tram",
    "Copper Sky",
    "Slow River",
    "Neon Orchard",
    "Quiet Engine",
    "Salt and Cedar",
    "Blue Meridian",
    "Open Window",
    "Falling Upward",
)
THEMES = ("Morning Run", "Study Focus", "Road Trip", "Rainy Day", "Dinner Party", "Late Night")
PLAYLIST_QUERY = (
    "SELECT pe.playlist_name AS playlist_name, se.title AS media_file_name, se.duration AS duration_ms, "
    "ROW_NUMBER() OVER (PARTITION BY pe.playlist_name ORDER BY se.song_key) - 1 AS order_in_playlist "
    "FROM PlaylistEntity pe JOIN SongEntity se ON pe.playlist_id = se.playlist_creator_id "
    "ORDER BY pe.playlist_name, order_in_playlist"
)


class RetroCreatePlaylist(OfficialTask):
    template = 'Create a playlist in Retro Music titled "{playlist_name}" with the following songs, in order: {names}'
    complexity = 2.4
    app = "retro"
    app_names = ("retro music",)
    n_files = (2, 5)

    @classmethod
    def generate_random_params(cls, rng):
        files = [f"{name}.mp3" for name in rng.sample(SONGS, 15)]
        n = rng.randint(*cls.n_files)
        return {
            "playlist_name": f"{rng.choice(THEMES)} {rng.randint(1, 9)}",
            "files": files[:n],
            "noise_files": files[n:],
        }

    @property
    def goal(self):
        return self.template.format(**self.params, names=", ".join(self.titles()))

    def titles(self) -> list[str]:
        return [f.split(".")[0] for f in self.params["files"]]

    def durations(self) -> list[int]:
        return [random.randint(3 * 60 * 1000, 5 * 60 * 1000) for _ in self.params["files"]]

    def setup(self, dev):
        clear_dir(dev, MUSIC_DIR)
        dev.sqlite_modify(PLAYLIST_DB, [("DELETE FROM SongEntity", ()), ("DELETE FROM PlaylistEntity", ())])
        dev.sqlite_modify(PLAYBACK_DB, [("DELETE FROM playing_queue", ()), ("DELETE FROM original_playing_queue", ())])
        lengths = self.durations() + [random.randint(3 * 60 * 1000, 5 * 60 * 1000) for _ in self.params["noise_files"]]
        for file, ms in zip(self.params["files"] + self.params["noise_files"], lengths, strict=True):
            dev.push(song_tag(file.split(".")[0], ms), f"{MUSIC_DIR}/{file}")
        dev.app_stop(RetroApp.package[0])

    def tear_down(self, dev):
        dev.sqlite_modify(PLAYLIST_DB, [("DELETE FROM SongEntity", ()), ("DELETE FROM PlaylistEntity", ())])
        clear_dir(dev, MUSIC_DIR)
        super().tear_down(dev)

    def playlist_ok(self, dev) -> bool:
        return verify_playlist(
            dev.sqlite_query(PLAYLIST_DB, PLAYLIST_QUERY), self.params["playlist_name"], self.titles()
        )

    def is_successful(self, dev, answer=None):
        return 1.0 if self.playlist_ok(dev) else 0.0

    def oracle_checks(self):
        return [{"query": "retro_playlist", "args": [self.params["playlist_name"], self.titles()], "equals": True}]


class RetroPlayingQueue(RetroCreatePlaylist):
    template = "Add the following songs, in order, {names} to my playing queue in Retro music"
    complexity = 3.2

    def is_successful(self, dev, answer=None):
        queue = [r["title"] for r in dev.sqlite_query(PLAYBACK_DB, "SELECT title FROM playing_queue")]
        return 1.0 if queue == self.titles() else 0.0

    def oracle_checks(self):
        return [{"query": "retro_queue", "args": [], "equals": self.titles()}]


class RetroSavePlaylist(RetroCreatePlaylist):
    """Composite: the mean of the playlist check and ``Download/NAME.m3u`` existing."""

    template = (
        'Create a playlist in Retro Music titled "{playlist_name}" with the following songs, in order: {names}. '
        "Then export the playlist to the Downloads directory on the device."
    )
    complexity = 5.0

    def setup(self, dev):
        super().setup(dev)
        clear_dir(dev, DOWNLOAD_DIR)

    def is_successful(self, dev, answer=None):
        exported = exists(dev, DOWNLOAD_DIR, self.params["playlist_name"] + ".m3u")
        return (float(self.playlist_ok(dev)) + float(exported)) / 2.0

    def oracle_checks(self):
        return [
            *super().oracle_checks(),
            {"query": "retro_exported", "args": [self.params["playlist_name"]], "equals": True},
        ]


class RetroPlaylistDuration(RetroCreatePlaylist):
    """The provided songs last 47.5 minutes together; any playlist of 45 to 50 minutes passes."""

    template = 'Create a playlist in Retro Music titled "{playlist_name}" with a duration between 45 and 50 minutes using the provided songs.'
    complexity = 3.0
    n_files = (9, 11)

    def durations(self) -> list[int]:
        n, total = len(self.params["files"]), int(47.5 * 60 * 1000)
        cuts = sorted(random.randint(0, total) for _ in range(n - 1))
        bounds = [0, *cuts, total]
        return [bounds[i + 1] - bounds[i] for i in range(n)]

    def is_successful(self, dev, answer=None):
        rows = dev.sqlite_query(PLAYLIST_DB, PLAYLIST_QUERY)
        if not rows or any(r["playlist_name"] != self.params["playlist_name"] for r in rows):
            return 0.0
        total = sum(r["duration_ms"] for r in rows)
        return 1.0 if 45 * 60 * 1000 <= total <= 50 * 60 * 1000 else 0.0


TASKS = (RetroCreatePlaylist, RetroPlayingQueue, RetroSavePlaylist, RetroPlaylistDuration)
