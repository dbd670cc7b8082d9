"""A setup step that fails ends the setup with its output; best-effort commands do not; steps that need an account
say so. Against the fake client, and against this package's control server run in-process (no display needed)."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from steprl_envs.desktop.errors import DesktopRequestError
from steprl_envs.osworld import setup
from steprl_envs.osworld.credentials import CredentialsNeeded
from steprl_envs.osworld.getters import GETTERS
from steprl_envs.osworld.setup import SetupError, best_effort, run_steps
from tests.osworld.fakes import FakeClient, context


def answers(returncode, output="", error=""):
    return lambda command, shell: {"status": "success", "output": output, "error": error, "returncode": returncode}


def step(kind, **parameters):
    return {"type": kind, "parameters": parameters}


def test_a_non_zero_exit_fails_the_setup_naming_step_command_status_and_output(tmp_path):
    client = FakeClient(run=answers(127, error="sh: 1: sudo: not found"))
    ctx = context(tmp_path, client=client)
    steps = [step("sleep", seconds=0), step("execute", command="echo {CLIENT_PASSWORD} | sudo -S true", shell=True)]
    with pytest.raises(SetupError) as e:
        run_steps(ctx, steps)
    assert str(e.value) == (
        "setup step 1 (execute) failed: 'echo password | sudo -S true' exited with status 127: sh: 1: sudo: not found"
    )
    assert e.value.index == 1 and e.value.step_type == "execute"


def test_the_error_keeps_the_tail_of_long_output_and_the_argv_as_shell_words(tmp_path):
    out = "".join(f"line {i}\n" for i in range(500))
    ctx = context(tmp_path, client=FakeClient(run=answers(2, output=out, error="tar: Error is not recoverable")))
    with pytest.raises(SetupError, match=r"step 0 \(command\)") as e:
        run_steps(ctx, [step("command", command=["tar", "-xzf", "/home/user/a b.tgz"])])
    message = str(e.value)
    assert "\"tar -xzf '/tmp/fakehome/a b.tgz'\" exited with status 2: tar: Error is not recoverable" in message
    assert message.endswith("line 499")
    assert "line 0\n" not in message and len(message) < setup.OUTPUT_TAIL + 200


def test_status_zero_and_missing_returncode_pass(tmp_path):
    for run in (answers(0, error="a warning"), lambda c, s: {"output": "", "error": ""}):
        run_steps(context(tmp_path, client=FakeClient(run=run)), [step("execute", command=["true"])])


@pytest.mark.parametrize(
    ("command", "params", "why"),
    [
        (["pkill", "chrome"], {}, "pkill exits 1"),
        ("pkill chrome", {"shell": True}, "pkill exits 1"),
        (["/bin/bash", "-c", "killall gnome-terminal-server"], {}, "killall exits 1"),
        ("rm -r /home/user/x || true", {"shell": True}, "|| true"),
        (["bash", "-c", "cp a b || :"], {}, "|| true"),
        (["diff", "a.pdf", "b.pdf"], {"stdout": "diff.out"}, "saved for the evaluator"),
        (["grep", "-nHr", "x", "/tmp"], {"stderr": "grep.err"}, "saved for the evaluator"),
        ("mkdir /home/test1", {"shell": True}, "fails there too"),
        ("echo password | sudo -S su - charles", {"shell": True}, "infeasible by design"),
    ],
)
def test_visibly_best_effort_commands_may_exit_non_zero(tmp_path, command, params, why):
    assert why in best_effort(command, params.get("stdout", ""), params.get("stderr", ""))
    ctx = context(tmp_path, client=FakeClient(run=answers(1, output="out", error="nothing matched")))
    run_steps(ctx, [step("execute", command=command, **params)])
    for name in (params.get("stdout"), params.get("stderr")):
        if name:  # the probe's output still reaches the evaluator
            assert (tmp_path / "cache" / name).read_text() in ("out", "nothing matched")


@pytest.mark.parametrize(
    "command",
    [
        "pkill chrome && rm -rf /home/user/x",  # the kill is best-effort, what follows is not
        ["bash", "-c", "false"],
        ["python", "-c", "import pyautogui; pyautogui.hotkey('ctrl', 's')"],
        "echo password | sudo -S apt-get install -y jq",
        "true || true && false",  # ends in false, not || true
    ],
)
def test_other_commands_are_judged_by_their_exit_status(tmp_path, command):
    assert best_effort(command) is None
    ctx = context(tmp_path, client=FakeClient(run=answers(1, error="boom")))
    with pytest.raises(SetupError, match="exited with status 1: boom"):
        run_steps(ctx, [step("execute", command=command, shell=isinstance(command, str))])


def test_until_judges_by_its_condition_not_the_exit_status(tmp_path, monkeypatch):
    monkeypatch.setattr(setup, "UNTIL_INTERVAL_S", 0.0)
    ctx = context(tmp_path, client=FakeClient(run=answers(1, output="ready")))
    run_steps(ctx, [step("execute", command=["probe"], until={"stdout": "ready"})])
    with pytest.raises(SetupError, match=r"did not reach \{'returncode': 0\} within 0.05 s \(last: returncode 1"):
        run_steps(ctx, [step("execute", command=["probe"], until={"returncode": 0}, timeout=0.05)])


def test_empty_commands_are_refused(tmp_path):
    ctx = context(tmp_path)
    for kind in ("execute", "launch"):
        with pytest.raises(SetupError, match=f"step 0 \\({kind}\\).*empty command"):
            run_steps(ctx, [step(kind, command=[])])


def test_launch_asks_the_desktop_to_check_the_program_survives(tmp_path):
    client = FakeClient()
    ctx = context(tmp_path, client=client)
    run_steps(
        ctx,
        [
            step("launch", command=["gimp", "/home/user/a.png"]),
            step("launch", command="vlc --repeat /home/user/x.mp4"),  # split, as OSWorld's controller does
            step("launch", command=["pkill", "vlc"]),  # best-effort: nothing to check
        ],
    )
    assert [c for c in client.calls if c[0] == "launch"] == [
        ("launch", ["gimp", "/tmp/fakehome/a.png"], False),
        ("launch", ["vlc", "--repeat", "/tmp/fakehome/x.mp4"], False),
        ("launch", ["pkill", "vlc"], False),
    ]
    assert client.launch_checks == [setup.LAUNCH_CHECK_S, setup.LAUNCH_CHECK_S, 0.0]


def test_a_launch_or_open_the_desktop_refuses_fails_the_setup(tmp_path):
    def dies(command, shell, check_s):
        raise DesktopRequestError("fake", "/setup/launch failed with HTTP 500: 'code' exited with status 1", status=500)

    ctx = context(tmp_path, client=FakeClient(on_launch=dies))
    with pytest.raises(SetupError, match=r"step 1 \(launch\).*'code' exited with status 1"):
        run_steps(ctx, [step("sleep", seconds=0), step("launch", command=["code"])])

    class NoFile(FakeClient):
        def open_file(self, path, timeout=30.0):
            raise DesktopRequestError("fake", f"cannot open {path}: no such file on the desktop", status=404)

    with pytest.raises(SetupError, match=r"step 0 \(open\).*cannot open /tmp/fakehome/a.docx: no such file"):
        run_steps(context(tmp_path, client=NoFile()), [step("open", path="/home/user/a.docx")])


def test_steps_and_getters_that_need_an_account_say_which_and_never_succeed(tmp_path):
    ctx = context(tmp_path)
    login = step("login", settings_file="evaluation_examples/settings/google/settings.json", platform="googledrive")
    with pytest.raises(SetupError) as e:
        run_steps(ctx, [login])
    assert str(e.value).startswith("setup step 0 (login) failed: needs credentials: a Google account signed in")
    assert "(task names evaluation_examples/settings/google/settings.json)" in str(e.value)
    with pytest.raises(SetupError, match=r"step 0 \(googledrive\) failed: needs credentials: a Google Drive API"):
        run_steps(ctx, [step("googledrive", settings_file="s.yml", operation=["delete"], args=[{}])])
    with pytest.raises(CredentialsNeeded, match="needs credentials: a Google Drive API") as got:
        GETTERS.get("googledrive_file")(ctx, {"type": "googledrive_file", "path": ["a.docx"], "dest": "a.docx"})
    assert "settings/googledrive/settings.yml" in got.value.what


# -- this package's control server, in-process (launch, execute and open need no display) -----------------------
@pytest.fixture
def server(tmp_path):
    from steprl_envs.desktop.client import DesktopClient
    from steprl_envs.desktop.handlers import Desktop
    from steprl_envs.desktop.server import serve

    home = tmp_path / "home"
    home.mkdir()
    desktop = Desktop(display=":none", home=str(home), env=dict(os.environ, HOME=str(home)), roots=[str(home)])
    httpd = serve(desktop, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    client = DesktopClient(f"http://127.0.0.1:{httpd.server_port}", retries=0)
    yield client, desktop
    client.close()
    httpd.shutdown()
    httpd.server_close()
    for proc in desktop.launched:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_server_launch_check_reports_a_program_that_dies(server, tmp_path):
    client, desktop = server
    ctx = context(tmp_path, client=client, home=desktop.home)
    script = "echo 'cannot open display' >&2; exit 3"
    with pytest.raises(SetupError) as e:
        run_steps(ctx, [step("launch", command=["sh", "-c", script])])
    assert "setup step 0 (launch) failed" in str(e.value)
    assert "exited with status 3 at launch: cannot open display" in str(e.value)
    with pytest.raises(SetupError, match="could not launch"):
        run_steps(ctx, [step("launch", command=["no-such-program-here"])])
    run_steps(ctx, [step("launch", command=[sys.executable, "-c", "import time; time.sleep(30)"])])  # lives: ok
    run_steps(ctx, [step("launch", command=["sh", "-c", "exit 0"])])  # quits at once, but cleanly: ok
    run_steps(ctx, [step("launch", command=["pkill", "-f", "no-such-process-xyz"])])  # best-effort
    assert desktop.launched[-1].wait(5) == 1
    client.launch(["sh", "-c", "exit 3"])  # without check_s (OSWorld's API) nothing is reported


def test_server_execute_and_open_failures_reach_the_setup(server, tmp_path):
    client, desktop = server
    ctx = context(tmp_path, client=client, home=desktop.home)
    with pytest.raises(SetupError, match=r"'no-such-cmd --flag' exited with status 127: .*no-such-cmd.*not found"):
        run_steps(ctx, [step("execute", command=["sh", "-c", "no-such-cmd --flag"])])
    run_steps(ctx, [step("execute", command="pkill -f no-such-process-xyz", shell=True)])
    with pytest.raises(SetupError, match=r"step 0 \(open\).*HTTP 404: file not found: .*missing.docx"):
        run_steps(ctx, [step("open", path=os.path.join(desktop.home, "missing.docx"))])


def test_in_postconfig_a_failing_command_is_logged_and_the_steps_go_on(tmp_path):
    client = FakeClient(run=answers(2, error="tar: *.pdf: Cannot stat"))
    ctx = context(tmp_path, client=client)
    steps = [step("execute", command=["bash", "-c", "tar -zcf pdf.tar.gz *.pdf"]), step("open", path="/home/user/x")]
    run_steps(ctx, steps, "postconfig")
    assert ctx.log == [
        "postconfig step 0 (execute): 'tar -zcf pdf.tar.gz *.pdf' exited with status 2: tar: *.pdf: Cannot stat"
    ]
    assert ("open", "/tmp/fakehome/x") in client.calls
    with pytest.raises(SetupError, match="exited with status 2"):
        run_steps(ctx, steps, "config")
