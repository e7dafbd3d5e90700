"""What an action needs besides its arguments: the transaction and the process's services.

``Tx`` is handed to every action. It holds the caller's session (the caller commits) and the
services of this process: the event bus, the settings store, the process settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.bus.bus import EventBus, queue_event, queue_events
from frontdesk.bus.events import Event
from frontdesk.core.actor import Actor
from frontdesk.core.process_settings import ProcessSettings
from frontdesk.sysconfig.registry import Setting
from frontdesk.sysconfig.store import SettingsStore


@dataclass(frozen=True)
class Runtime:
    """The long-lived services of one process."""

    bus: EventBus
    config: SettingsStore
    settings: ProcessSettings


@dataclass(frozen=True)
class Tx:
    """One unit of work: a session whose commit belongs to the caller, plus the runtime."""

    session: AsyncSession
    runtime: Runtime

    def emit(self, event: Event) -> None:
        """Queue an event: published after commit, dropped on rollback."""
        queue_event(self.session, self.runtime.bus, event)

    def emit_all(self, events: Sequence[Event]) -> None:
        queue_events(self.session, self.runtime.bus, events)

    def setting(self, setting: Setting, actor: Actor | None = None) -> Any:
        """Effective value of a setting, for ``actor`` when it is an agent."""
        agent_id = actor.id if actor is not None and actor.is_agent else None
        return self.runtime.config.value(setting, agent_id)
