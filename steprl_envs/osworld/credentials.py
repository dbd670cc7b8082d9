"""Task parts that need an account: OSWorld's ``login`` and ``googledrive`` setup steps and ``googledrive_file`` getter.

They act on a real Google account (sign in to Drive in Chrome with an email and password from
``settings/google/settings.json``; clean, fill and read a Drive through the Drive API with the OAuth client and
token named by ``settings/googledrive/settings.yml``). This package does not sign in to third-party services, so
such a task *needs credentials*: it is counted apart by ``steprl osworld coverage``, left out of ``task_ids()``
(never scored as a failure of the agent) and, reset by id, reports ``info["needs_credentials"]`` instead of
running. The parts are registered so that nothing reports them as unknown, and each raises
:class:`CredentialsNeeded` when called: they never pretend to have worked.
"""

from __future__ import annotations

from typing import Any

from .context import DesktopContext
from .getters import GETTERS
from .setup import STEPS, StepFailed

GOOGLE_ACCOUNT = "a Google account signed in to Chrome (OSWorld's settings/google/settings.json: email, password)"
GOOGLE_DRIVE = (
    "a Google Drive API client and token (OSWorld's settings/googledrive/settings.yml and the client_secrets.json "
    "and credentials.json it names)"
)

#: setup step type -> the account it needs
STEP_ACCOUNTS = {"login": GOOGLE_ACCOUNT, "googledrive": GOOGLE_DRIVE}
#: getter type -> the account it needs
GETTER_ACCOUNTS = {"googledrive_file": GOOGLE_DRIVE}


class CredentialsNeeded(StepFailed):
    """A step or getter needs an account this package does not sign in to; ``what`` names it."""

    def __init__(self, what: str):
        self.what = what
        super().__init__(f"needs credentials: {what}")


def _refuse(what: str, settings_file: Any) -> CredentialsNeeded:
    where = f" (task names {settings_file})" if settings_file else ""
    return CredentialsNeeded(what + where)


@STEPS.register("login")
def login(ctx: DesktopContext, settings_file: str = "", platform: str = "", **_: Any) -> None:
    raise _refuse(STEP_ACCOUNTS["login"], settings_file)


@STEPS.register("googledrive")
def googledrive(ctx: DesktopContext, settings_file: str = "", **_: Any) -> None:
    raise _refuse(STEP_ACCOUNTS["googledrive"], settings_file)


@GETTERS.register("googledrive_file")
def get_googledrive_file(ctx: DesktopContext, config: dict):
    raise _refuse(GETTER_ACCOUNTS["googledrive_file"], config.get("settings_file"))


def accounts_needed(steps: list[str], getters: list[str]) -> list[str]:
    """The accounts that these setup step types and getter types need (each once, in order)."""
    found = [STEP_ACCOUNTS[s] for s in steps if s in STEP_ACCOUNTS]
    found += [GETTER_ACCOUNTS[g] for g in getters if g in GETTER_ACCOUNTS]
    return list(dict.fromkeys(found))
