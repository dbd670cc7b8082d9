"""Loading OSWorld tasks: the official layout and the bundled ``tasks/osworld-lite`` set (same layout).

Official layout (``evaluation_examples/``)::

    examples/<domain>/<id>.json        one task: id, instruction, config, evaluator, related_apps, proxy, ...
    test_all.json, test_small.json ... an index {domain: [ids]}

Official ids are unique only within a domain (some thunderbird tasks reuse chrome task ids), so the tasks of a
folder given by path are addressed as ``<domain>/<id>`` (``chrome/bb5e4c0d-...``); the bundled set's ids are
unique and stay bare. :meth:`TaskSet.resolve` accepts either form wherever it names exactly one task.

A task file that is missing, is not JSON or lacks a required field never stops the others: it becomes a
:class:`~steprl_envs.core.registry.TaskLoadProblem`. A task that loads but names a setup step, getter or metric
that is not registered here is *unsupported*: :func:`unsupported_reasons` says why, and the env leaves it out. A
task whose parts all exist but sign in to an account (:mod:`steprl_envs.osworld.credentials`) is left out too, as
*needs credentials*. ``related_apps`` spellings differ across the official set; :func:`canonical_app` folds them.
Bundled tasks may carry an ``"oracle"`` list of actions (pyautogui strings) that solves them; every other key
follows the official format.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.registry import TaskLoadProblem, TaskRegistry, default_tasks_root
from ..core.task import Task, TaskValidationError, UnknownTaskError
from . import credentials
from .evaluate import as_list
from .getters import GETTERS
from .metrics import METRICS
from .setup import STEPS

SUITE = "osworld"
BUNDLED = "osworld-lite"

#: related_apps spelling (after :func:`canonical_app` folded case and spaces) -> the app's one name.
APP_ALIASES = {
    "vscode": "vs_code",
    "code": "vs_code",
    "calc": "libreoffice_calc",
    "writer": "libreoffice_writer",
    "impress": "libreoffice_impress",
    "browser": "chrome",
    "google_chrome": "chrome",
    "ubuntu": "os",
}
#: app (canonical name) -> programs, any of which provides it on the local desktop (checked with ``which``). Apps
#: not listed (``os``, ``pdf``, ``image``: the desktop itself or a file type) need no program of their own.
APP_PROGRAMS: dict[str, tuple[str, ...]] = {
    "terminal": ("xterm",),
    "xterm": ("xterm",),
    "mousepad": ("mousepad",),
    "gnumeric": ("gnumeric",),
    "ssconvert": ("ssconvert",),
    "libreoffice": ("libreoffice", "soffice"),
    "libreoffice_calc": ("localc", "libreoffice", "soffice"),
    "libreoffice_writer": ("lowriter", "libreoffice", "soffice"),
    "libreoffice_impress": ("loimpress", "libreoffice", "soffice"),
    "chrome": ("google-chrome", "chromium"),
    "vlc": ("vlc",),
    "gimp": ("gimp",),
    "thunderbird": ("thunderbird",),
    "vs_code": ("code",),
    "picard": ("picard",),
    "ubuntu_media_player": ("totem",),
}
#: Debian packages that provide the programs above (for error messages).
APP_PACKAGES = {"xterm": "xterm", "mousepad": "mousepad", "gnumeric": "gnumeric", "ssconvert": "gnumeric"}


def canonical_app(name: object) -> str:
    """One name per app for the official set's spellings: ``libreoffice calc``, ``calc`` -> ``libreoffice_calc``,
    ``vscode`` -> ``vs_code``, ``Chrome``/``browser`` -> ``chrome``, ``OS`` -> ``os``."""
    key = re.sub(r"[\s-]+", "_", str(name).strip().lower())
    return APP_ALIASES.get(key, key)


def task_apps(task: Task) -> list[str]:
    """The task's ``related_apps`` by canonical name, each once."""
    apps = task.metadata.get("related_apps") or []
    return list(dict.fromkeys(canonical_app(a) for a in (apps if isinstance(apps, list) else [apps])))


def apps_outside_full_image(task: Task) -> list[str]:
    """The task's apps that the full desktop image does not provide (:data:`~.apps.FULL_IMAGE_APPS`)."""
    from .apps import FULL_IMAGE_APPS

    provided = {canonical_app(a) for a in FULL_IMAGE_APPS}
    return [a for a in task_apps(task) if a not in provided]


class AmbiguousTaskError(UnknownTaskError):
    """A bare task id that several domains use."""

    def __init__(self, task_id: str, matches: list[str]):
        self.task_id, self.matches = task_id, matches
        KeyError.__init__(self, f"task id {task_id!r} is in several domains; name one of {', '.join(matches)}")


@dataclass
class TaskSet:
    """Loaded tasks plus where each came from, load problems and unsupported tasks with their reasons."""

    registry: TaskRegistry
    root: str
    indexes: list[Path] = field(default_factory=list)  # the index files read (none: every example file)
    paths: dict[str, str] = field(default_factory=dict)
    unsupported: dict[str, list[str]] = field(default_factory=dict)
    credentials: dict[str, list[str]] = field(default_factory=dict)  # tasks that sign in to accounts: which
    qualified: bool = False  # ids are <domain>/<id>

    @property
    def problems(self) -> list[TaskLoadProblem]:
        return self.registry.errors

    def file_id(self, task_id: str) -> str:
        """The id inside the task file (OSWorld's cache folders are named by it)."""
        return Path(self.paths[task_id]).stem if task_id in self.paths else task_id

    def resolve(self, task_id: str) -> str:
        """The registry id for ``task_id``, which may also be ``<domain>/<id>`` or a bare id unique across domains;
        unmatched ids come back unchanged (the registry's lookup then says what is known)."""
        if task_id in self.registry or not isinstance(task_id, str):
            return task_id
        domain, _, bare = task_id.rpartition("/")
        matches = [t.id for t in self.registry if self.file_id(t.id) == bare and (not domain or t.domain == domain)]
        if len(matches) > 1:
            raise AmbiguousTaskError(task_id, matches)
        return matches[0] if matches else task_id

    def supported(self) -> TaskRegistry:
        """Tasks that can run here: nothing missing and no account needed."""
        skip = self.unsupported.keys() | self.credentials.keys()
        return TaskRegistry([t for t in self.registry if t.id not in skip], self.problems)


def bundled_root() -> Path:
    return default_tasks_root() / BUNDLED


def find_index(root: Path, index: str | None) -> list[Path]:
    if index:
        path = root / (index if index.endswith(".json") else f"{index}.json")
        if not path.exists():
            raise FileNotFoundError(f"index {path} does not exist")
        return [path]
    if (root / "test_all.json").exists():
        return [root / "test_all.json"]
    return sorted(root.glob("test_*.json"))


def _examples_dir(root: Path) -> Path:
    return root / "examples" if (root / "examples").is_dir() else root


def load(path: str | os.PathLike | None = None, index: str | None = None) -> TaskSet:
    """Load an ``evaluation_examples/`` folder (default: the bundled set, whose ids stay bare)."""
    root = Path(path) if path is not None else bundled_root()
    if not root.is_dir():
        raise FileNotFoundError(f"OSWorld task folder {root} does not exist")
    examples = _examples_dir(root)
    indexes = find_index(root, index)
    qualified = root.resolve() != bundled_root().resolve()
    tasks = TaskSet(TaskRegistry(), str(root), indexes=indexes, qualified=qualified)
    entries: list[tuple[str, str]] = []
    for index_path in indexes:
        try:
            data = json.loads(index_path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("expected an object {domain: [task ids]}")
        except (OSError, ValueError) as e:
            tasks.registry._problem(str(index_path), "<file>", f"cannot read index: {e}")
            continue
        for domain, ids in data.items():
            for task_id in ids if isinstance(ids, list) else []:
                if (domain, task_id) not in entries:
                    entries.append((domain, str(task_id)))
    if not indexes:  # no index: every example file
        entries = [(p.parent.name, p.stem) for p in sorted(examples.glob("*/*.json"))]
    for domain, task_id in entries:
        _load_one(tasks, examples / domain / f"{task_id}.json", domain, task_id)
    for task in tasks.registry:
        reasons = unsupported_reasons(task)
        if reasons:
            tasks.unsupported[task.id] = reasons
        accounts = accounts_needed(task)
        if accounts:
            tasks.credentials[task.id] = accounts
    return tasks


def _load_one(tasks: TaskSet, path: Path, domain: str, task_id: str) -> None:
    key = f"{domain}/{task_id}" if tasks.qualified else task_id
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        tasks.registry._problem(str(path), "<file>", "task file is missing")
        return
    except (OSError, UnicodeDecodeError, ValueError) as e:
        tasks.registry._problem(str(path), "<file>", f"cannot read JSON: {e}")
        return
    try:
        if not isinstance(data, dict):
            raise TaskValidationError("<root>", "expected a JSON object", str(path))
        if data.get("id", task_id) != task_id:
            raise TaskValidationError("id", f"{data.get('id')!r} does not match the file name", str(path))
        evaluator = data.get("evaluator")
        if not isinstance(evaluator, dict) or "func" not in evaluator:
            raise TaskValidationError("evaluator", "an object with 'func' is required", str(path))
        record = {**data, "id": key, "domain": domain, "suite": SUITE}
        record.setdefault("config", [])
        task = Task.from_dict(record, path=str(path))
        tasks.registry.add(task)
        tasks.paths[task.id] = str(path)
    except TaskValidationError as e:
        tasks.registry._problem(str(path), e.field, str(e))


def requirements(task: Task) -> dict[str, list[str]]:
    """Names a task needs: setup step types (config and postconfig), getter types and metrics."""
    steps = [s.get("type") if isinstance(s, dict) else repr(s) for s in as_list(task.config or [])]
    evaluator = task.evaluator
    steps += [s.get("type") if isinstance(s, dict) else repr(s) for s in evaluator.get("postconfig") or []]
    getters = []
    for key in ("result", "expected"):
        for cfg in as_list(evaluator.get(key)):
            if isinstance(cfg, dict) and cfg:
                getters.append(cfg.get("type"))
    metrics = [str(f) for f in as_list(evaluator.get("func"))]
    return {"setup": [str(s) for s in steps], "getters": [str(g) for g in getters], "metrics": metrics}


def _metric_option_problems(func: str, options: Any) -> list[str]:
    if func == "compare_table" and isinstance(options, dict):
        from .metrics.table import RULE_TYPES

        kinds = {r.get("type") for r in options.get("rules") or [] if isinstance(r, dict)}
        return [f"compare_table rule {k}" for k in sorted(map(str, kinds - set(RULE_TYPES)))]
    return []


#: missing_parts kind -> how unsupported_reasons words a missing name of that kind.
REASON_PREFIXES = {
    "setup": "unknown setup step ",
    "getters": "unknown getter ",
    "metrics": "unknown metric ",
    "options": "unsupported ",
}


def missing_parts(task: Task) -> dict[str, list[str]]:
    """What this task needs that is not here, by kind (``REASON_PREFIXES``' keys): setup step types, getters and
    metrics (each once), and metric options (once per metric that uses them); all lists empty if it can run."""
    need = requirements(task)
    funcs = as_list(task.evaluator.get("func"))
    options = as_list(task.evaluator.get("options") or {}, len(funcs))
    return {
        "setup": [s for s in dict.fromkeys(need["setup"]) if s not in STEPS],
        "getters": [g for g in dict.fromkeys(need["getters"]) if g not in GETTERS],
        "metrics": [m for m in dict.fromkeys(need["metrics"]) if m not in METRICS],
        "options": [
            p for func, opts in zip(funcs, options, strict=False) for p in _metric_option_problems(str(func), opts)
        ],
    }


def unsupported_reasons(task: Task) -> list[str]:
    """Why this task cannot run here (unknown step types, getters, metrics or metric options); empty if it can."""
    return [REASON_PREFIXES[kind] + name for kind, names in missing_parts(task).items() for name in names]


def accounts_needed(task: Task) -> list[str]:
    """The accounts a task's setup steps and getters sign in to (:mod:`steprl_envs.osworld.credentials`)."""
    need = requirements(task)
    return credentials.accounts_needed(need["setup"], need["getters"])


def missing_programs(task: Task) -> list[str]:
    """Programs the task's ``related_apps`` need that this machine lacks (for the local desktop)."""
    missing = []
    for app in task_apps(task):
        programs = APP_PROGRAMS.get(app)
        if programs and not any(shutil.which(p) for p in programs):
            missing.append(programs[0])
    return missing


def oracle_actions(task: Task) -> list[str] | None:
    actions = task.metadata.get("oracle")
    return list(actions) if isinstance(actions, list) else None
