"""Settings of the accounts feature.

An agent's own language and time zone live on the agent record (``Agent.language``,
``Agent.timezone``; "" = no own value, follow the deployed global setting): that column is the one
source of truth, read by every request. The two settings below are bound to it, so the settings
registry, the agent's preference screens and ``PATCH /api/v1/me/preferences`` all read and write
the same value.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.domain.accounts.models import Agent
from frontdesk.sysconfig.registry import UserValueColumn, bind_user_values, declare

CUSTOMER_ALWAYS_GROUPS = declare(
    "CustomerGroupAlwaysGroups",
    "list",
    ["users"],
    "Groups every customer user has rw in, whatever their own group permissions say.",
    navigation="Core::Customer",
)
AGENT_LANGUAGE = declare(
    "Agent::Language",
    "select",
    "en",
    "The language of the agent interface.",
    navigation="Frontend::Agent",
    user_modifiable=True,
    options=("en",),
)
AGENT_TIMEZONE = declare(
    "Agent::TimeZone",
    "timezone",
    "UTC",
    "The time zone times are shown in to the agent (an IANA name such as Europe/Berlin).",
    navigation="Frontend::Agent",
    user_modifiable=True,
)
THEMES = ("auto", "light", "dark")
AGENT_THEME = declare(
    "Agent::Theme",
    "select",
    "auto",
    "The colour theme of the agent interface: auto follows the system's light or dark mode.",
    navigation="Frontend::Agent",
    user_modifiable=True,
    options=THEMES,
)
ADMIN_LIST_PAGE_SIZE = declare(
    "Frontend::Admin::PageSize",
    "integer",
    25,
    "Rows per page in the administration lists (agents, customers, groups, queues, …).",
    navigation="Frontend::Admin",
    minimum=5,
    maximum=200,
    user_modifiable=True,
)
ONLINE_MINUTES = declare(
    "SessionActiveTime",
    "integer",
    10,
    "Minutes after the last request during which a user counts as online.",
    navigation="Core::Session",
    minimum=1,
    maximum=1440,
)

PREFERENCES_CHANGED = "accounts.preferences_changed"


def _agent_column(attribute: Any) -> UserValueColumn:
    async def load(session: AsyncSession) -> dict[int, Any]:
        rows = await session.execute(select(Agent.id, attribute).where(attribute != ""))
        return {agent_id: value for agent_id, value in rows}

    async def save(session: AsyncSession, agent_id: int, value: Any) -> None:
        # None: no own value any more, "" on the record (see Agent.language).
        stored = "" if value is None else value
        await session.execute(
            update(Agent).where(Agent.id == agent_id).values({attribute.key: stored})
        )

    return UserValueColumn(load=load, save=save, reload_on=(PREFERENCES_CHANGED,))


bind_user_values(AGENT_LANGUAGE, _agent_column(Agent.language))
bind_user_values(AGENT_TIMEZONE, _agent_column(Agent.timezone))
