"""Name registries for OSWorld's pluggable parts: setup step types, getters and metrics.

Tasks name these parts by string (``"type": "download"``, ``"func": "compare_table"``, ``"type": "vm_file"``),
exactly as OSWorld does; a name that is not registered makes the task *unsupported*, never silently skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class NameRegistry:
    """``name -> function`` with a decorator to fill it and a readable error for unknown names."""

    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, Callable[..., Any]] = {}

    def register(self, *names: str):
        def wrap(fn):
            for name in names or (fn.__name__,):
                held = self._items.get(name)
                if held is not None and held.__qualname__ != fn.__qualname__:  # a reload registers the same one again
                    raise ValueError(
                        f"{self.kind} {name!r} is registered twice ({held.__module__} and {fn.__module__}): keep one"
                    )
                self._items[name] = fn
            return fn

        return wrap

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def get(self, name: str) -> Callable[..., Any]:
        try:
            return self._items[name]
        except (KeyError, TypeError):
            raise KeyError(f"unknown {self.kind} {name!r}") from None

    def names(self) -> list[str]:
        return sorted(self._items)

    def __len__(self) -> int:
        return len(self._items)
