"""The process-wide cache of effective setting values.

Reads are synchronous and cheap (a dict lookup). The cache follows the database: a bus event
reloads it at once, and a poll of the one-row generation counter catches anything the bus missed
(e.g. several processes on SQLite without Redis), so a change reaches every worker without restart.
Only deployed values are loaded: staged changes never reach the cache.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.bus.bus import EventBus
from frontdesk.bus.events import Event
from frontdesk.sysconfig.events import SettingsChanged
from frontdesk.sysconfig.models import ConfigGeneration, SettingValue, UserModification
from frontdesk.sysconfig.registry import Setting, user_value_columns

log = structlog.get_logger(__name__)


class SettingsStore:
    def __init__(
        self,
        factory: async_sessionmaker[AsyncSession],
        bus: EventBus,
        *,
        poll_seconds: float = 2.0,
    ) -> None:
        self._factory = factory
        self._bus = bus
        self._poll_seconds = poll_seconds
        self._global: dict[str, Any] = {}
        self._user: dict[tuple[str, int], Any] = {}
        self._user_modification: dict[str, bool] = {}
        self.generation = -1
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: Any = None

    async def start(self) -> None:
        await self.reload()
        self._unsubscribe = self._bus.subscribe(self._on_event)
        self._task = asyncio.create_task(self._poll(), name="sysconfig-poll")

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def value(self, setting: Setting, agent_id: int | None = None) -> Any:
        """Effective value: default → deployed global → the agent's own (if allowed)."""
        if agent_id is not None and self.user_modification_active(setting):
            own = self._user.get((setting.name, agent_id), _MISSING)
            if own is not _MISSING:
                return own
        return self._global.get(setting.name, setting.default)

    def global_value(self, setting: Setting) -> Any:
        return self._global.get(setting.name, setting.default)

    def is_modified(self, setting: Setting) -> bool:
        return setting.name in self._global

    def user_modification_active(self, setting: Setting) -> bool:
        """Agents may use their own value: declared possible and not forbidden by an admin."""
        return setting.user_modifiable and self._user_modification.get(setting.name, True)

    async def reload(self) -> None:
        async with self._factory() as session:
            generation = await session.scalar(
                select(ConfigGeneration.generation).where(ConfigGeneration.id == 1)
            )
            rows = (await session.execute(select(SettingValue))).scalars().all()
            flags = (await session.execute(select(UserModification))).scalars().all()
            columns = {
                name: await column.load(session) for name, column in user_value_columns().items()
            }
        self._global = {r.name: r.value for r in rows if r.agent_id is None}
        user = {(r.name, r.agent_id): r.value for r in rows if r.agent_id is not None}
        for name, values in columns.items():
            user.update({(name, agent_id): value for agent_id, value in values.items()})
        self._user = user
        self._user_modification = {f.name: f.active for f in flags}
        self.generation = generation or 0

    async def refresh_if_stale(self) -> None:
        async with self._factory() as session:
            generation = await session.scalar(
                select(ConfigGeneration.generation).where(ConfigGeneration.id == 1)
            )
        if generation is not None and generation != self.generation:
            await self.reload()

    async def _on_event(self, event: Event) -> None:
        if isinstance(event, SettingsChanged):
            if event.generation != self.generation:
                await self.reload()
        elif any(event.kind in column.reload_on for column in user_value_columns().values()):
            await self.reload()

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._poll_seconds)
            try:
                await self.refresh_if_stale()
            except Exception:
                log.warning("sysconfig_poll_failed", exc_info=True)


_MISSING = object()
