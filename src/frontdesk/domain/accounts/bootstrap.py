"""First start: the ``admin`` agent, member of ``admin`` and ``users`` with ``rw``."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from frontdesk.core.actor import SYSTEM
from frontdesk.domain.accounts import actions
from frontdesk.domain.accounts.access import group_id_by_name
from frontdesk.domain.accounts.models import Agent
from frontdesk.domain.accounts.schemas import AgentCreate
from frontdesk.domain.runtime import Tx

ADMIN_LOGIN = "admin"


async def ensure_admin(tx: Tx, password: str | None) -> str | None:
    """Create the admin agent unless it exists. Returns the password when it was generated."""
    exists = await tx.session.scalar(select(Agent.id).where(Agent.login == ADMIN_LOGIN))
    if exists is not None:
        return None
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    agent = await actions.do_create_agent(
        tx,
        SYSTEM,
        AgentCreate(
            login=ADMIN_LOGIN,
            first_name="Admin",
            last_name="Frontdesk",
            email="admin@example.com",
            password=password,
        ),
    )
    for group in ("admin", "users", "stats"):
        group_id = await group_id_by_name(tx.session, group)
        if group_id is not None:
            await actions.do_set_agent_group_permissions(
                tx, SYSTEM, group_id, agent.id, ["rw", "chat_owner"]
            )
    return generated
