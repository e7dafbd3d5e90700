"""Writes to stored setting values. Validate, store, bump the generation, queue the event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.bus.bus import EventBus, queue_event
from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import PermissionDenied
from frontdesk.sysconfig.events import SettingsChanged
from frontdesk.sysconfig.models import ConfigGeneration, SettingValue
from frontdesk.sysconfig.registry import get_declaration


async def do_set_global_values(
    session: AsyncSession, bus: EventBus, actor: Actor, values: dict[str, Any]
) -> int:
    """Store validated global values (None resets to default). Returns the new generation.

    Validation of every value happens first, so a bad entry changes nothing.
    """
    checked = {
        name: (None if value is None else get_declaration(name).validate(value))
        for name, value in values.items()
    }
    now = utcnow()
    changed_by = actor.id if actor.is_agent else None
    for name, value in checked.items():
        await session.execute(
            delete(SettingValue).where(SettingValue.name == name, SettingValue.agent_id.is_(None))
        )
        if value is not None:
            session.add(
                SettingValue(
                    name=name, agent_id=None, value=value, changed_at=now, changed_by=changed_by
                )
            )
    return await _announce(session, bus, tuple(checked))


async def do_set_user_value(
    session: AsyncSession, bus: EventBus, actor: Actor, name: str, value: Any
) -> int:
    """An agent's own value for a user-modifiable setting (None removes it)."""
    setting = get_declaration(name)
    if not actor.is_agent or not setting.user_modifiable:
        raise PermissionDenied(f"{name} cannot be changed per user.", code="not_user_modifiable")
    checked = None if value is None else setting.validate(value)
    await session.execute(
        delete(SettingValue).where(SettingValue.name == name, SettingValue.agent_id == actor.id)
    )
    if checked is not None:
        session.add(
            SettingValue(
                name=name,
                agent_id=actor.id,
                value=checked,
                changed_at=utcnow(),
                changed_by=actor.id,
            )
        )
    return await _announce(session, bus, (name,))


async def _announce(session: AsyncSession, bus: EventBus, names: tuple[str, ...]) -> int:
    """Bump the generation counter and queue the event every process reloads on."""
    await session.execute(
        update(ConfigGeneration)
        .where(ConfigGeneration.id == 1)
        .values(generation=ConfigGeneration.generation + 1, changed_at=utcnow())
    )
    generation = int(
        await session.scalar(select(ConfigGeneration.generation).where(ConfigGeneration.id == 1))
        or 0
    )
    queue_event(session, bus, SettingsChanged(generation=generation, names=names))
    return generation
