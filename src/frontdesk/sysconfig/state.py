"""The global state of settings as entries, read straight from the database.

An *entry* is what an admin decided about one setting: ``{"value": …}`` when the value differs
from the default, ``{"users": bool}`` when the allow-agents flag differs from the declared one;
``{}`` means "all defaults". Deployments, history and staged changes all store entries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.clock import utcnow
from frontdesk.sysconfig.models import EditLock, SettingValue, StagedChange, UserModification
from frontdesk.sysconfig.registry import Setting

Entry = dict[str, Any]

# The agent and group tables, named without importing the accounts feature (it sits above
# this layer).
AGENT_TABLE = sa.table("agent", sa.column("id", sa.Integer), sa.column("login", sa.String))
GROUP_TABLE = sa.table(
    "permission_group", sa.column("name", sa.String), sa.column("valid", sa.Boolean)
)

LOCK_MINUTES = 15


def normalised(setting: Setting, entry: Entry) -> Entry:
    """Drop what equals the declaration, so equal states compare equal."""
    result: Entry = {}
    if "value" in entry and entry["value"] != setting.default:
        result["value"] = entry["value"]
    if setting.user_modifiable and entry.get("users", True) is False:
        result["users"] = False
    return result


def entry_value(setting: Setting, entry: Entry) -> Any:
    return entry.get("value", setting.default)


def entry_users(setting: Setting, entry: Entry) -> bool:
    return setting.user_modifiable and bool(entry.get("users", True))


async def deployed_entries(session: AsyncSession) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for row in await session.scalars(select(SettingValue).where(SettingValue.agent_id.is_(None))):
        entries.setdefault(row.name, {})["value"] = row.value
    for flag in await session.scalars(select(UserModification)):
        entries.setdefault(flag.name, {})["users"] = flag.active
    return entries


async def staged_entries(session: AsyncSession) -> dict[str, StagedChange]:
    rows = await session.scalars(select(StagedChange).order_by(StagedChange.name))
    return {row.name: row for row in rows}


async def live_locks(session: AsyncSession, now: datetime | None = None) -> dict[str, Any]:
    """Unexpired locks by setting name: (agent id, login, expires_at)."""
    now = now or utcnow()
    rows = await session.execute(
        select(EditLock.name, EditLock.agent_id, AGENT_TABLE.c.login, EditLock.expires_at)
        .join(AGENT_TABLE, AGENT_TABLE.c.id == EditLock.agent_id)
        .where(EditLock.expires_at > now)
    )
    return {name: (agent_id, login, expires) for name, agent_id, login, expires in rows}


async def agent_logins(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(
        select(AGENT_TABLE.c.id, AGENT_TABLE.c.login).where(AGENT_TABLE.c.id.in_(ids))
    )
    return {agent_id: login for agent_id, login in rows}


async def valid_group_names(session: AsyncSession) -> list[str]:
    """What a "group" setting may name: the valid groups, by name."""
    rows = await session.scalars(
        select(GROUP_TABLE.c.name).where(GROUP_TABLE.c.valid.is_(True)).order_by(GROUP_TABLE.c.name)
    )
    return list(rows)
