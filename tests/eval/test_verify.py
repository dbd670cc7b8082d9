"""``verify`` accepts an untouched run and rejects every kind of tampering."""

from __future__ import annotations

import json

import pytest

from steprl_envs.eval.hashing import file_hashes, hashes_digest
from steprl_envs.eval.leaderboard import SubmissionError, check_submission, submit
from steprl_envs.eval.verify import verify

from .helpers import evaluate


@pytest.fixture
def run(tmp_path):
    out = tmp_path / "run"
    evaluate(out, "tests.eval.helpers:Ticker", split="test")
    return out


def _rehash(out):
    """What a careful forger does: recompute hashes.json and the digest in summary.json."""
    hashes = file_hashes(out)
    (out / "hashes.json").write_text(json.dumps(hashes))
    summary = json.loads((out / "summary.json").read_text())
    summary["hashes_sha256"] = hashes_digest(hashes)
    (out / "summary.json").write_text(json.dumps(summary))


def _traj(out):
    return out / "episodes" / "countdown" / "countdown-4" / "seed0" / "traj.jsonl"


def test_untouched_run_verifies(run):
    report = verify(run)
    assert report["ok"], report["problems"]
    assert report["episodes_checked"] == report["episodes_replayed"] == 3


def test_tampered_trajectory_is_caught_by_its_hash(run):
    traj = _traj(run)
    traj.write_text(traj.read_text().replace('"tick"', '"tock"', 1))
    report = verify(run, replay=False)
    assert not report["ok"]
    assert any("countdown-4/seed0/traj.jsonl: sha256 mismatch" in p for p in report["problems"])


def test_tampered_trajectory_with_recomputed_hashes_is_caught_by_replay(run):
    traj = _traj(run)
    lines = traj.read_text().splitlines()
    first = json.loads(lines[0])
    first["action"] = "DONE"  # claim the agent stopped at once, yet keep the recorded success
    traj.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")
    _rehash(run)
    report = verify(run)
    assert not report["ok"]
    assert any("replaying the recorded actions" in p for p in report["problems"])


def test_tampered_score_in_summary_is_caught(run):
    summary = json.loads((run / "summary.json").read_text())
    assert summary["results"]["success_rate"] == 1.0
    summary["results"]["n_success"] = 4  # of 3 episodes
    (run / "summary.json").write_text(json.dumps(summary))
    report = verify(run, replay=False)
    assert not report["ok"] and any("'results' differs" in p for p in report["problems"])


def test_failed_episode_rewritten_as_success_is_caught(tmp_path):
    out = tmp_path / "run"
    evaluate(out, "random", split="test")
    result_file = next(p for p in (out / "episodes").rglob("result.json") if not json.loads(p.read_text())["success"])
    result = json.loads(result_file.read_text())
    result.update(score=1.0, success=True)
    result_file.write_text(json.dumps(result))
    (result_file.parent / "result.txt").write_text("1.0\n")
    _rehash(out)
    report = verify(out, replay=False)
    assert not report["ok"]
    assert any("differs from the trajectory's" in p for p in report["problems"])


def test_submission_with_mismatching_hashes_is_rejected(run, tmp_path):
    root = tmp_path / "lb"
    dest = submit(run, "ticker", root=root)
    assert check_submission(dest, replay=True)["status"] == "verified"
    traj = dest / "episodes" / "countdown" / "countdown-4" / "seed0" / "traj.jsonl"
    traj.write_text(traj.read_text() + "\n")
    entry = check_submission(dest, replay=False)
    assert entry["status"] == "rejected" and any("sha256 mismatch" in p for p in entry["problems"])
    _traj(run).write_text("")
    with pytest.raises(SubmissionError):
        submit(run, "ticker2", root=root)


def test_torn_line_inside_a_finished_trajectory_is_a_problem_not_a_crash(run):
    traj = _traj(run)
    lines = traj.read_text().splitlines()
    assert len(lines) > 1, "the test needs a line before the last one"
    traj.write_text("\n".join(['{"step_num": 1, "acti', *lines[1:]]) + "\n")
    _rehash(run)
    report = verify(run)
    assert not report["ok"]
    assert any("countdown-4/seed0: unreadable" in p and "line 1 is not valid JSON" in p for p in report["problems"])
    assert report["episodes_replayed"] == 2  # the other finished episodes are still replayed
