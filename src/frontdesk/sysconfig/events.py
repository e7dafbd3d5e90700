"""Events of the settings registry."""

from __future__ import annotations

from typing import ClassVar

from frontdesk.bus.events import Event


class SettingsChanged(Event):
    """Global values changed: every process reloads its cache."""

    kind: ClassVar[str] = "sysconfig.changed"
    generation: int
    names: tuple[str, ...]
