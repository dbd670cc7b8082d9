"""System tasks (``task_evals/single/system.py`` and ``composite/system.py``): Wi-Fi, Bluetooth and brightness
through ``settings``; the app on the screen through ``dumpsys activity`` (the resumed activity's package).
The ``...Verify`` variants start in the asked-for state: the agent has to notice and finish."""

from __future__ import annotations

from typing import ClassVar

from .common import OfficialTask

OPEN_APPS = {
    "camera": "com.android.camera2",
    "clock": "com.google.android.deskclock",
    "contacts": "com.google.android.contacts",
    "settings": "com.android.settings",
    "dialer": "com.google.android.dialer",
}
#: the sim's app for each name above
SIM_APPS = {"camera": "camera", "clock": "clock", "contacts": "contacts", "settings": "settings", "dialer": "dialer"}


def wifi(dev) -> str:
    return (dev.settings_get("global", "wifi_on") or "").strip()


def bluetooth(dev) -> str:
    return (dev.settings_get("global", "bluetooth_on") or "").strip()


def foreground_package(dev) -> str | None:
    activity = dev.current_activity()
    return activity.split("/")[0] if activity else None


class _System(OfficialTask):
    app = "settings"
    app_names = ("settings",)
    complexity = 1.0


# -- Wi-Fi -----------------------------------------------------------------------------------------------------------
class _Wifi(_System):
    template = "Turn wifi {on_or_off}."
    want: ClassVar[str] = "on"
    start: ClassVar[str] = "off"

    @classmethod
    def generate_random_params(cls, rng):
        return {"on_or_off": cls.want}

    def setup(self, dev):
        dev.settings_put("global", "wifi_on", "1" if self.start == "on" else "0")

    def is_successful(self, dev, answer=None):
        state = wifi(dev)
        return 1.0 if (state in ("1", "2") if self.want == "on" else state == "0") else 0.0

    def oracle_checks(self):
        return [{"query": "phone_setting", "args": ["wifi"], "equals": self.want == "on"}]


class SystemWifiTurnOn(_Wifi):
    want, start = "on", "off"


class SystemWifiTurnOff(_Wifi):
    want, start = "off", "on"


class SystemWifiTurnOnVerify(_Wifi):
    want, start = "on", "on"


class SystemWifiTurnOffVerify(_Wifi):
    want, start = "off", "off"


# -- Bluetooth -------------------------------------------------------------------------------------------------------
class _Bluetooth(_Wifi):
    template = "Turn bluetooth {on_or_off}."

    def setup(self, dev):
        dev.settings_put("global", "bluetooth_on", "1" if self.start == "on" else "0")

    def is_successful(self, dev, answer=None):
        return 1.0 if bluetooth(dev) == ("1" if self.want == "on" else "0") else 0.0

    def oracle_checks(self):
        return [{"query": "phone_setting", "args": ["bluetooth"], "equals": self.want == "on"}]


class SystemBluetoothTurnOn(_Bluetooth):
    want, start = "on", "off"


class SystemBluetoothTurnOff(_Bluetooth):
    want, start = "off", "on"


class SystemBluetoothTurnOnVerify(_Bluetooth):
    want, start = "on", "on"


class SystemBluetoothTurnOffVerify(_Bluetooth):
    want, start = "off", "off"


# -- brightness ------------------------------------------------------------------------------------------------------
class _Brightness(_System):
    template = "Turn brightness to the {max_or_min} value."
    want: ClassVar[str] = "max"
    start: ClassVar[str] = "min"

    @classmethod
    def generate_random_params(cls, rng):
        return {"max_or_min": cls.want}

    def setup(self, dev):
        dev.settings_put("system", "screen_brightness", "255" if self.start == "max" else "1")

    def is_successful(self, dev, answer=None):
        try:
            level = int((dev.settings_get("system", "screen_brightness") or "").strip())
        except ValueError:
            return 0.0
        return 1.0 if level == (255 if self.want == "max" else 1) else 0.0

    def oracle_checks(self):
        return [{"query": "brightness", "args": [], "equals": 10 if self.want == "max" else 1}]


class SystemBrightnessMax(_Brightness):
    want, start = "max", "min"


class SystemBrightnessMin(_Brightness):
    want, start = "min", "max"


class SystemBrightnessMaxVerify(_Brightness):
    want, start = "max", "max"


class SystemBrightnessMinVerify(_Brightness):
    want, start = "min", "min"


# -- apps ------------------------------------------------------------------------------------------------------------
class OpenAppTaskEval(_System):
    template = (
        "Open the {app_name} app. Clear any pop-ups that may appear by granting all permissions that are required."
    )
    app_names = tuple(OPEN_APPS)

    @classmethod
    def generate_random_params(cls, rng):
        return {"app_name": rng.choice(list(OPEN_APPS))}

    def opened(self, dev) -> float:
        return 1.0 if foreground_package(dev) == OPEN_APPS[self.params["app_name"]] else 0.0

    def is_successful(self, dev, answer=None):
        return self.opened(dev)

    def oracle_checks(self):
        return [{"query": "foreground", "args": [], "equals": SIM_APPS[self.params["app_name"]]}]


class TurnOnWifiAndOpenApp(OpenAppTaskEval):
    """Composite: the mean of the Wi-Fi check and the open-app check."""

    template = "Turn on Wifi, then open the {app_name} app"
    app_names = ("settings",)
    complexity = 2.0

    def setup(self, dev):
        dev.settings_put("global", "wifi_on", "0")

    def is_successful(self, dev, answer=None):
        return ((1.0 if wifi(dev) in ("1", "2") else 0.0) + self.opened(dev)) / 2.0

    def oracle_checks(self):
        return [{"query": "phone_setting", "args": ["wifi"], "equals": True}, *super().oracle_checks()]


class TurnOffWifiAndTurnOnBluetooth(_System):
    """Composite: the mean of the Wi-Fi-off check and the Bluetooth-on check."""

    template = "Turn off WiFi, then enable bluetooth"
    complexity = 2.0

    def setup(self, dev):
        dev.settings_put("global", "wifi_on", "1")
        dev.settings_put("global", "bluetooth_on", "0")

    def is_successful(self, dev, answer=None):
        return ((1.0 if wifi(dev) == "0" else 0.0) + (1.0 if bluetooth(dev) == "1" else 0.0)) / 2.0

    def oracle_checks(self):
        return [
            {"query": "phone_setting", "args": ["wifi"], "equals": False},
            {"query": "phone_setting", "args": ["bluetooth"], "equals": True},
        ]


TASKS = (
    SystemWifiTurnOn,
    SystemWifiTurnOff,
    SystemWifiTurnOnVerify,
    SystemWifiTurnOffVerify,
    SystemBluetoothTurnOn,
    SystemBluetoothTurnOff,
    SystemBluetoothTurnOnVerify,
    SystemBluetoothTurnOffVerify,
    SystemBrightnessMax,
    SystemBrightnessMin,
    SystemBrightnessMaxVerify,
    SystemBrightnessMinVerify,
    OpenAppTaskEval,
    TurnOnWifiAndOpenApp,
    TurnOffWifiAndTurnOnBluetooth,
)
