"""Files, Camera and Audio Recorder (``task_evals/single/files.py``, ``camera.py``, ``audio_recorder.py``):
file tasks in shared storage (``/storage/emulated/0/<folder>``), photos and videos counted by listing
``/sdcard/Pictures`` and ``/sdcard/Movies`` before and after, recordings in Audio Recorder's records folder."""

from __future__ import annotations

import posixpath
import random

from ..sim.catalog import SDCARD
from ..sim.system_apps import AudioRecorderApp, CameraApp
from .common import OfficialTask, clear_dir, create_file, entries, exists, file_stem, random_string

#: folder -> the extension of its files
FOLDERS = {
    "Alarms": ".mp3",
    "Audiobooks": ".mp3",
    "DCIM": ".jpg",
    "Documents": ".pdf",
    "Download": ".zip",
    "Movies": ".mp4",
    "Music": ".mp3",
    "Notifications": ".mp3",
    "Pictures": ".jpg",
    "Podcasts": ".mp3",
    "Recordings": ".m4a",
    "Ringtones": ".mp3",
}


def _dir(folder: str) -> str:
    return posixpath.join(SDCARD, folder)


def _noise(dev, folder: str, avoid: str) -> None:
    ext = FOLDERS[folder]
    for _ in range(random.randint(1, 4)):
        name = file_stem(random) + ext
        if name != avoid:
            create_file(dev, _dir(folder), name, random_string(random, 12))


class _Files(OfficialTask):
    app = "files"
    app_names = ("files",)


class FilesDeleteFile(_Files):
    template = (
        "Delete the file {file_name} from the Android filesystem located in the {subfolder} folder within the "
        "sdk_gphone_x86_64 storage area."
    )
    complexity = 2.2

    @classmethod
    def generate_random_params(cls, rng):
        folder = rng.choice(list(FOLDERS))
        return {"file_name": file_stem(rng) + FOLDERS[folder], "subfolder": folder}

    def setup(self, dev):
        folder = self.params["subfolder"]
        clear_dir(dev, _dir(folder))
        create_file(dev, _dir(folder), self.params["file_name"], random_string(random, 12))
        _noise(dev, folder, self.params["file_name"])

    def is_successful(self, dev, answer=None):
        return 0.0 if exists(dev, _dir(self.params["subfolder"]), self.params["file_name"]) else 1.0

    def oracle_checks(self):
        p = self.params
        return [
            {"query": "stored_file", "args": ["files", posixpath.join(p["subfolder"], p["file_name"])], "equals": False}
        ]


class FilesMoveFile(_Files):
    template = (
        "Move the file {file_name} from {source_folder} within the sdk_gphone_x86_64 storage area to the "
        "{destination_folder} within the same sdk_gphone_x86_64 storage area in the Android filesystem."
    )
    complexity = 2.0

    @classmethod
    def generate_random_params(cls, rng):
        src = rng.choice(list(FOLDERS))
        dst = rng.choice([f for f in FOLDERS if f != src])
        return {"file_name": file_stem(rng) + FOLDERS[src], "source_folder": src, "destination_folder": dst}

    def setup(self, dev):
        src, dst = self.params["source_folder"], self.params["destination_folder"]
        clear_dir(dev, _dir(src))
        clear_dir(dev, _dir(dst))
        _noise(dev, src, self.params["file_name"])
        create_file(dev, _dir(src), self.params["file_name"], random_string(random, 12))

    def is_successful(self, dev, answer=None):
        p = self.params
        moved = exists(dev, _dir(p["destination_folder"]), p["file_name"]) and not exists(
            dev, _dir(p["source_folder"]), p["file_name"]
        )
        return 1.0 if moved else 0.0

    def oracle_checks(self):
        p = self.params
        args = ["files", p["file_name"], p["source_folder"], p["destination_folder"]]
        return [{"query": "stored_move", "args": args, "equals": True}]


class _Camera(OfficialTask):
    app = "camera"
    app_names = ("camera",)
    complexity = 1.0
    folder, kind = CameraApp.PHOTOS, "photo"

    def setup(self, dev):
        clear_dir(dev, CameraApp.PHOTOS)
        clear_dir(dev, CameraApp.VIDEOS)
        self.before = {n for n, _, _ in entries(dev, self.folder)}

    def is_successful(self, dev, answer=None):
        after = {n for n, _, _ in entries(dev, self.folder)}
        return 1.0 if len(after - self.before) == 1 else 0.0

    def oracle_checks(self):
        return [{"query": "camera_shots", "args": [self.kind], "equals": 1}]


class CameraTakePhoto(_Camera):
    template = "Take one photo."


class CameraTakeVideo(_Camera):
    template = "Take one video."
    folder, kind = CameraApp.VIDEOS, "video"


class _Recorder(OfficialTask):
    app = "audiorecorder"
    app_names = ("audio recorder",)

    def setup(self, dev):
        clear_dir(dev, AudioRecorderApp.RECORDS)
        self.before = {n for n, _, _ in entries(dev, AudioRecorderApp.RECORDS)}

    def tear_down(self, dev):
        clear_dir(dev, AudioRecorderApp.RECORDS)
        super().tear_down(dev)


class AudioRecorderRecordAudio(_Recorder):
    template = "Record an audio clip using Audio Recorder app and save it."
    complexity = 1.2

    def is_successful(self, dev, answer=None):
        after = {n for n, _, _ in entries(dev, AudioRecorderApp.RECORDS)}
        return 1.0 if len(after - self.before) == 1 else 0.0

    def oracle_checks(self):
        return [{"query": "recording", "args": ["Record-1"], "equals": True}]


class AudioRecorderRecordAudioWithFileName(_Recorder):
    template = 'Record an audio clip and save it with name "{file_name}" using Audio Recorder app.'
    complexity = 2.0

    @classmethod
    def generate_random_params(cls, rng):
        return {"file_name": f"{file_stem(rng)}_{random_string(rng, 4)}"}

    def is_successful(self, dev, answer=None):
        return 1.0 if exists(dev, AudioRecorderApp.RECORDS, self.params["file_name"] + ".m4a") else 0.0

    def oracle_checks(self):
        return [{"query": "recording", "args": [self.params["file_name"]], "equals": True}]


class SimpleDrawProCreateDrawing(OfficialTask):
    template = (
        "Create a new drawing in Simple Draw Pro. Name it {file_name}. Save it in the Pictures folder within the "
        "sdk_gphone_x86_64 storage area."
    )
    complexity = 1.8
    app = "draw"
    app_names = ("simple draw pro",)

    @classmethod
    def generate_random_params(cls, rng):
        word = rng.choice(("lorem", "ipsum", "dolor", "sit", "amet", "elit"))
        return {"file_name": f"{word}_{file_stem(rng)}{rng.choice(('.png', '.svg', '.jpg'))}", "text": ""}

    def setup(self, dev):
        clear_dir(dev, _dir("Pictures"))

    def is_successful(self, dev, answer=None):
        return 1.0 if exists(dev, _dir("Pictures"), self.params["file_name"]) else 0.0

    def tear_down(self, dev):
        clear_dir(dev, _dir("Pictures"))
        super().tear_down(dev)

    def oracle_checks(self):
        return [{"query": "drawing", "args": ["Pictures", self.params["file_name"]], "equals": True}]


TASKS = (
    SimpleDrawProCreateDrawing,
    FilesDeleteFile,
    FilesMoveFile,
    CameraTakePhoto,
    CameraTakeVideo,
    AudioRecorderRecordAudio,
    AudioRecorderRecordAudioWithFileName,
)
