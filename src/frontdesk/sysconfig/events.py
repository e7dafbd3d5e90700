"""Events of the settings registry."""

from __future__ import annotations

from typing import ClassVar

from frontdesk.bus.events import Event


class SettingsChanged(Event):
    """Global values changed: every process reloads its cache."""

    kind: ClassVar[str] = "sysconfig.changed"
    generation: int
    names: tuple[str, ...]


class SettingsStaged(Event):
    """Staged (not yet deployed) changes or edit locks changed: admin screens refresh."""

    kind: ClassVar[str] = "sysconfig.staged"
    names: tuple[str, ...]


class SettingsDeployed(Event):
    """A deployment applied staged changes (``SettingsChanged`` carries the reload)."""

    kind: ClassVar[str] = "sysconfig.deployed"
    deployment_id: int
    names: tuple[str, ...]
