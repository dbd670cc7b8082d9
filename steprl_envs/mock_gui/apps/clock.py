"""Clock: alarms with on/off switches, and pages to add, edit and delete them."""

from __future__ import annotations

import re

from ..data import Alarm, next_id
from ..layout import Flow
from .phone_base import PageApp

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ClockApp(PageApp):
    name, title = "clock", "Clock"

    def find(self, alarm_id: int) -> Alarm | None:
        return next((a for a in self.world.rec.alarms if a.id == alarm_id), None)

    def page_title(self) -> str:
        return {"list": "Alarms", "manage": "Edit alarms", "alarm": "Alarm", "new": "New alarm"}[self.page[0]]

    def build(self, f: Flow) -> None:
        kind, alarms = self.page[0], self.world.rec.alarms
        if kind == "list":
            f.buttons(self.world.order("clock.tools", [("Add alarm", "add"), ("Edit alarms", "manage")]))
            if not alarms:
                f.label("No alarms.", style="muted")
            for a in alarms:
                if f.room() < f.t.row:
                    break
                f.check(f"{a.time}  {a.label}", f"switch:{a.id}", a.on, role="toggle-button")
        elif kind == "manage":
            self.list_rows(f, "alarms", [(f"alarm:{a.id}", f"{a.time}  {a.label}", "", False) for a in alarms])
        else:
            f.field("HH:MM", "time", self.value("time"), focused=self.focus == "time", caption="Time (HH:MM)")
            f.field("Label", "label", self.value("label"), focused=self.focus == "label", caption="Label")
            f.buttons([("Save", "save")] + ([("Delete", "delete")] if kind == "alarm" else []), accent="save")
            if self.notice:
                f.label(self.notice, style="muted")

    def click(self, tag: str, double: bool = False) -> bool:
        kind, _, arg = tag.partition(":")
        if kind == "switch":
            alarm = self.find(int(arg))
            alarm.on = not alarm.on
        elif kind == "manage":
            self.go("manage")
            return True
        elif kind == "add":
            self.values = {"time": "", "label": ""}
            self.go("new")
            return True
        elif kind == "alarm":
            alarm = self.find(int(arg))
            self.values = {"time": alarm.time, "label": alarm.label}
            self.go("alarm", arg)
            return True
        elif kind == "delete":
            self.world.rec.alarms.remove(self.find(int(self.page[1])))
            self.up()
            return True
        elif kind == "save":
            return self.submit(None)
        else:
            return False
        self.touch()
        return True

    def submit(self, tag: str | None) -> bool:
        if self.page[0] not in ("new", "alarm"):
            return False
        match = _TIME.match(self.value("time").strip())
        alarms = self.world.rec.alarms
        if not match:
            self.notice = "Enter the time as HH:MM, e.g. 07:30."
            self.touch()
            return True
        time = f"{int(match.group(1)):02d}:{match.group(2)}"
        label = self.value("label").strip() or "Alarm"
        if self.page[0] == "new":
            alarms.append(Alarm(next_id(alarms), time, label, True))
        else:
            alarm = self.find(int(self.page[1]))
            alarm.time, alarm.label = time, label
        alarms.sort(key=lambda a: (a.time, a.id))
        self.up(len(self.pages))
        return True
