"""The app metrics (VLC, Thunderbird, media, archives, desktop checks, test suites) against the scores OSWorld's
own metric code gave on the same inputs (``tests/osworld/apps_corpus.py``)."""

from __future__ import annotations

import datetime
import os
import subprocess

import pytest

from steprl_envs.osworld.current import scoring_on
from steprl_envs.osworld.evaluate import _score
from steprl_envs.osworld.metrics import METRICS, desktop_checks
from tests.osworld.apps_builders import build
from tests.osworld.apps_corpus import CASES, EXPECTED, FROZEN_NOW
from tests.osworld.fakes import FakeClient, context

#: the libraries a metric's cases need (skipped where one is not installed)
NEEDS = {
    "compare_audios": ("librosa", "fastdtw", "soundfile"),
    "compare_videos": ("cv2", "imagehash"),
    "check_mp3_meta": ("mutagen",),
    "fuzzy_place_math": ("docx", "rapidfuzz"),
}


class RunningClient(FakeClient):
    """Uploads land at their real paths and commands really run: here only for suites this file wrote."""

    def upload(self, path, data):
        super().upload(path, data)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def execute(self, command, shell=False, timeout=120.0, path="/setup/execute"):
        self.calls.append(("execute", command, shell))
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        return {"status": "success", "output": done.stdout, "error": done.stderr, "returncode": done.returncode}


def test_every_case_has_an_official_score():
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(EXPECTED)
    per_metric: dict[str, int] = {}
    for case in CASES:
        per_metric[case[1]] = per_metric.get(case[1], 0) + 1
    assert min(per_metric.values()) >= 5, per_metric


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_official(case, tmp_path, monkeypatch):
    cid, metric, result_spec, expected_spec, options = case
    for module in NEEDS.get(metric, ()):
        pytest.importorskip(module)
    monkeypatch.setattr(desktop_checks, "now", lambda: datetime.datetime(*FROZEN_NOW))
    result = build(result_spec, str(tmp_path))
    expected = None if expected_spec == "-" else build(expected_spec, str(tmp_path))
    args = (result,) if expected_spec == "-" else (result, expected)
    official = EXPECTED[cid]
    ctx = context(tmp_path, client=RunningClient())
    with scoring_on(ctx):
        if official == "error":  # OSWorld's metric raises; the task scores 0 either way
            try:
                score = _score(METRICS.get(metric)(*args, **dict(options)))
            except Exception:
                score = 0.0
            assert score == 0.0
            return
        score = _score(METRICS.get(metric)(*args, **dict(options)))
    assert score == pytest.approx(_score(official), abs=1e-9)


def test_test_suite_runs_in_the_desktop_and_cleans_up(tmp_path):
    """The suite and the agent's files go to the desktop; this machine only sees the verdict."""
    files = build(("list", [("text", "game.py", "def score(n):\n    return n * 2\n")]), str(tmp_path))
    suite = build(
        ("text", "test_suite.py", "from game import score\n\ndef test():\n    return score(2) == 4\n"), str(tmp_path)
    )
    client = RunningClient()
    with scoring_on(context(tmp_path, client=client)):
        assert METRICS.get("check_python_file_by_test_suite")(files, suite) == 1.0
    uploads = [c[1] for c in client.calls if c[0] == "upload"]
    folder = os.path.dirname(uploads[0])
    assert sorted(os.path.basename(u) for u in uploads) == ["game.py", "test_suite.py"]
    assert client.calls[-1] == ("execute", ["rm", "-rf", folder], False)
    assert not os.path.exists(folder)


def test_test_suite_output_cannot_forge_a_verdict(tmp_path):
    """Text printed by the agent's code before the verdict line does not count."""
    files = build(("list", [("text", "game.py", "print('OSWORLD-TEST-SUITE-VERDICT:1')\n")]), str(tmp_path))
    suite = build(("text", "test_suite.py", "import game\n\ndef test():\n    return False\n"), str(tmp_path))
    with scoring_on(context(tmp_path, client=RunningClient())):
        assert METRICS.get("check_python_file_by_test_suite")(files, suite) == 0.0


def test_test_suite_needs_a_desktop(tmp_path):
    suite = build(("text", "test_suite.py", "def test():\n    return True\n"), str(tmp_path))
    with pytest.raises(RuntimeError, match="inside a desktop"):
        METRICS.get("check_python_file_by_test_suite")([], suite)


def test_archive_members_cannot_leave_the_folder(tmp_path):
    import io
    import tarfile

    evil = tmp_path / "out.tar.gz"
    with tarfile.open(evil, "w:gz") as t:
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = 1
        t.addfile(info, io.BytesIO(b"x"))
    gold = build(("zip", "gold.zip", {"a.txt": "x"}), str(tmp_path))
    with pytest.raises(Exception, match="(?i)outside|unpack"):
        METRICS.get("compare_archive")(str(evil), gold)
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_archive_needs_the_member_metric(tmp_path, monkeypatch):
    """A file type whose metric is not registered names it instead of scoring silently."""
    monkeypatch.setitem(desktop_checks.ARCHIVE_MEMBER_METRICS, "text", "no_such_metric")
    a = build(("zip", "a.zip", {"x.txt": "1"}), str(tmp_path))
    b = build(("zip", "b.zip", {"x.txt": "1"}), str(tmp_path))
    with pytest.raises(KeyError, match="no_such_metric"):
        METRICS.get("compare_archive")(a, b)


def test_evaluate_gives_the_suite_its_desktop(tmp_path):
    """Through evaluate(): the agent's files come from the desktop, the suite from the cache, and it runs there."""
    from steprl_envs.osworld.evaluate import evaluate

    client = RunningClient(files={"/tmp/fakehome/Desktop/game/game.py": b"def score(n):\n    return n * 2\n"})
    ctx = context(tmp_path, client=client)
    with open(ctx.cache_path("test_suite.py"), "w") as f:
        f.write("from game import score\n\ndef test():\n    return score(2) == 4\n")
    evaluator = {
        "func": "check_python_file_by_test_suite",
        "result": {"type": "vm_file", "path": ["/home/user/Desktop/game/game.py"], "dest": ["game.py"], "multi": True},
        "expected": {"type": "cache_file", "path": "test_suite.py"},
    }
    assert evaluate(ctx, evaluator, agent_failed=False) == 1.0
    assert any(c[0] == "execute" and c[1][0] == "python3" for c in client.calls)
