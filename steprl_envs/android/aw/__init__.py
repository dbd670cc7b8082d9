"""AndroidWorld's task families (``android_world/registry.py``), under their official names, set up and checked
over ADB as its evaluators do. ``OFFICIAL`` maps each ported name to its class; ``NOT_PORTED`` gives every other
official task with the reason."""

from __future__ import annotations

from ..tasks import TASK_CLASSES as OWN
from ..tasks import TaskEval
from . import calendar, markor, media, records, sms, system
from .common import OfficialTask

OFFICIAL: dict[str, type[OfficialTask]] = {
    cls.__name__: cls for module in (markor, records, calendar, system, sms, media) for cls in module.TASKS
}
#: every evaluator class the env knows: this package's own tasks, then the official ones (which win on a name)
ALL: dict[str, type[TaskEval]] = {**OWN, **OFFICIAL}
