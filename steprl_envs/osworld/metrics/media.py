"""Audio and video metrics: ``compare_audios`` (MFCC + DTW), ``compare_videos`` (per-frame perceptual hashes) and
``check_mp3_meta`` (ID3 tags). librosa, fastdtw, opencv-python-headless, ImageHash and mutagen load only when one
of them runs (``pip install 'steprl[osworld]'``).
"""

from __future__ import annotations

from . import METRICS
from .general import match_value
from .office import _need


@METRICS.register()
def compare_audios(audio_path_1, audio_path_2) -> float:
    """``1 / (1 + DTW distance)`` between the two files' normalised MFCC sequences (cosine distance per frame)."""
    if not audio_path_1 or not audio_path_2:
        return 0.0
    librosa = _need("librosa", "librosa")
    fastdtw = _need("fastdtw", "fastdtw").fastdtw
    cosine = _need("scipy.spatial.distance", "scipy").cosine

    def features(path):
        samples, rate = librosa.load(path)
        return librosa.util.normalize(librosa.feature.mfcc(y=samples, sr=rate), axis=1)

    distance, _ = fastdtw(features(audio_path_1).T, features(audio_path_2).T, dist=cosine)
    return 1 / (1 + distance)


@METRICS.register()
def compare_videos(video_path1, video_path2, max_frames_to_check: int = 100, threshold: int = 5) -> float:
    """1 when the first ``max_frames_to_check`` frames match: at most ``threshold`` frames whose perceptual hashes
    differ by more than ``threshold`` bits. Videos of different lengths within that span score 0."""
    if not video_path1 or not video_path2:
        return 0.0
    cv2 = _need("cv2", "opencv-python-headless")
    imagehash = _need("imagehash", "ImageHash")
    from PIL import Image

    def phash(frame):
        return imagehash.phash(Image.fromarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)))

    cap1, cap2 = cv2.VideoCapture(video_path1), cv2.VideoCapture(video_path2)
    try:
        mismatches = 0
        for _ in range(max_frames_to_check):
            ok1, frame1 = cap1.read()
            ok2, frame2 = cap2.read()
            if not ok1 or not ok2:
                return float(ok1 == ok2)
            if phash(frame1) - phash(frame2) > threshold:
                mismatches += 1
                if mismatches > threshold:
                    return 0.0
        return 1.0
    finally:
        cap1.release()
        cap2.release()


@METRICS.register()
def check_mp3_meta(result, meta) -> float:
    """Every ID3 tag named in ``meta`` (``title``, ``artist`` ...) matches its value rule; a file without ID3 tags
    scores 0. Tags with several values are joined with commas, a missing tag reads as ""."""
    if result is None:
        return 0.0
    easyid3 = _need("mutagen.easyid3", "mutagen")
    try:
        tags = easyid3.EasyID3(result)
    except _need("mutagen.id3", "mutagen").ID3NoHeaderError:
        return 0.0
    for key, rule in meta.items():
        value = tags.get(key, "")
        if isinstance(value, list):
            value = ",".join(value)
        if not match_value(value, rule):
            return 0.0
    return 1.0
