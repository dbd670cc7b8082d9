"""VLC playlists (``task_evals/single/vlc.py``): setup empties ``vlc_media.db``'s playlist tables and puts the
videos in ``/storage/emulated/0/VLCVideos``; the check joins ``PlaylistMediaRelation`` with ``Playlist`` and
``Media`` and wants the playlist (name fuzzily) to hold exactly the files, in order (``position`` 0, 1, ...)."""

from __future__ import annotations

import random

from ..sim.vlc import DB_PATH, VIDEOS_DIR, VlcApp
from .common import OfficialTask, clear_dir, create_file, fuzzy_match

QUERY = (
    "SELECT Playlist.name AS playlist_name, Media.filename AS media_file_name, PlaylistMediaRelation.position AS "
    "order_in_playlist FROM PlaylistMediaRelation INNER JOIN Playlist ON Playlist.id_playlist = "
    "PlaylistMediaRelation.playlist_id INNER JOIN Media ON Media.id_media = PlaylistMediaRelation.media_id ORDER BY "
    "Playlist.name, PlaylistMediaRelation.position"
)
THEMES = ("Road Trips", "Cooking Nights", "Garden Diaries", "Concert Clips", "Science Shorts", "Weekend Hikes")


def video_name(rng: random.Random) -> str:
    prefix = rng.choice(("clip", "footage", "scene", "recording", "highlight", "moment"))
    suffix = rng.choice(("", "HD", "4K", "raw", "export"))
    return f"{prefix}_{rng.randint(1, 99)}_{suffix}.mp4"


def playlist(rng: random.Random) -> dict:
    n = rng.randint(2, 5)
    names: list[str] = []
    while len(names) < 2 * n:
        v = video_name(rng)
        if v not in names:
            names.append(v)
    return {"playlist_name": f"{rng.choice(THEMES)} {rng.randint(1, 9)}", "files": names[:n], "noise_files": names[n:]}


def verify_playlist(rows: list[dict], name: str, files: list[str]) -> bool:
    mine = [r for r in rows if fuzzy_match(r["playlist_name"], name)]
    if len(mine) != len(files):
        return False
    return all(
        any(r["media_file_name"] == f and r["order_in_playlist"] == i for r in mine) for i, f in enumerate(files)
    )


class _Vlc(OfficialTask):
    app = "vlc"
    app_names = ("vlc",)

    def clear(self, dev) -> None:
        dev.sqlite_modify(
            DB_PATH,
            [("DELETE FROM PlaylistMediaRelation", ()), ("DELETE FROM Playlist", ()), ("DELETE FROM Media", ())],
        )

    def put_videos(self, dev, names: list[str]) -> None:
        for name in names:
            create_file(dev, VIDEOS_DIR, name, "video " + name)

    def tear_down(self, dev):
        self.clear(dev)
        super().tear_down(dev)

    def rows(self, dev) -> list[dict]:
        return dev.sqlite_query(DB_PATH, QUERY)


class VlcCreatePlaylist(_Vlc):
    template = 'Create a playlist titled "{playlist_name}" with the following files in VLC (located in Internal Memory/VLCVideos), in order: {file_list}'
    complexity = 2.8

    @classmethod
    def generate_random_params(cls, rng):
        return playlist(rng)

    @property
    def goal(self):
        return self.template.format(**self.params, file_list=", ".join(self.params["files"]))

    def setup(self, dev):
        clear_dir(dev, VIDEOS_DIR)
        self.put_videos(dev, self.params["files"] + self.params["noise_files"])
        self.clear(dev)
        dev.app_stop(VlcApp.package[0])

    def is_successful(self, dev, answer=None):
        ok = verify_playlist(self.rows(dev), self.params["playlist_name"], self.params["files"])
        return 1.0 if ok else 0.0

    def oracle_checks(self):
        p = self.params
        return [{"query": "vlc_playlist", "args": [p["playlist_name"], p["files"]], "equals": True}]


class VlcCreateTwoPlaylists(_Vlc):
    """Composite: the mean of the two playlists' checks."""

    template = (
        'Create a playlist titled "{playlist_name1}" with the following files in VLC (located in Internal '
        'Memory/VLCVideos), in order: {files1}. And then, create a playlist titled "{playlist_name2}" with the '
        "following files in VLC, in order: {files2}."
    )
    complexity = 4.8

    @classmethod
    def generate_random_params(cls, rng):
        one = playlist(rng)
        two = playlist(rng)
        # the check matches names fuzzily: the two names must not be alike
        while set(two["files"] + two["noise_files"]) & set(one["files"] + one["noise_files"]) or fuzzy_match(
            two["playlist_name"], one["playlist_name"]
        ):
            two = playlist(rng)
        return {
            "playlist_name1": one["playlist_name"],
            "files1": one["files"],
            "noise_files1": one["noise_files"],
            "playlist_name2": two["playlist_name"],
            "files2": two["files"],
            "noise_files2": two["noise_files"],
        }

    @property
    def goal(self):
        p = self.params
        return self.template.format(
            playlist_name1=p["playlist_name1"],
            files1=", ".join(p["files1"]),
            playlist_name2=p["playlist_name2"],
            files2=", ".join(p["files2"]),
        )

    def setup(self, dev):
        p = self.params
        clear_dir(dev, VIDEOS_DIR)
        self.put_videos(dev, p["files1"] + p["noise_files1"] + p["files2"] + p["noise_files2"])
        self.clear(dev)
        dev.app_stop(VlcApp.package[0])

    def is_successful(self, dev, answer=None):
        rows, p = self.rows(dev), self.params
        one = verify_playlist(rows, p["playlist_name1"], p["files1"])
        two = verify_playlist(rows, p["playlist_name2"], p["files2"])
        return (float(one) + float(two)) / 2.0

    def oracle_checks(self):
        p = self.params
        return [
            {"query": "vlc_playlist", "args": [p["playlist_name1"], p["files1"]], "equals": True},
            {"query": "vlc_playlist", "args": [p["playlist_name2"], p["files2"]], "equals": True},
        ]


TASKS = (VlcCreatePlaylist, VlcCreateTwoPlaylists)
