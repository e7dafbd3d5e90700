"""Managing agents."""

from __future__ import annotations

from frontdesk.core.actor import Actor
from frontdesk.domain.accounts.access import access_agent_by_id, check_admin_or_system
from frontdesk.domain.accounts.actions.admin_rules import (
    apply,
    check_unique,
    delete_unless_referenced,
    revoke_tokens,
)
from frontdesk.domain.accounts.errors import ProtectedAccount
from frontdesk.domain.accounts.events import AgentChanged
from frontdesk.domain.accounts.models import Agent
from frontdesk.domain.accounts.passwords import hash_password
from frontdesk.domain.accounts.schemas import AgentCreate, AgentUpdate
from frontdesk.domain.accounts.settings import AGENT_LANGUAGE, AGENT_TIMEZONE
from frontdesk.domain.runtime import Tx
from frontdesk.sysconfig.actions import deployed_global_value, do_note_user_values_changed
from frontdesk.sysconfig.registry import Setting

_LOCALE_FIELDS = frozenset({"language", "timezone"})
LOCALE_SETTINGS = ((AGENT_LANGUAGE, "language"), (AGENT_TIMEZONE, "timezone"))


async def check_create_agent(tx: Tx, actor: Actor, data: AgentCreate) -> None:
    await check_admin_or_system(tx.session, actor)
    await check_unique(tx, Agent.login, data.login, what="agent", field="login")


async def do_create_agent(tx: Tx, actor: Actor, data: AgentCreate) -> Agent:
    await check_create_agent(tx, actor, data)
    agent = Agent(
        login=data.login,
        first_name=data.first_name,
        last_name=data.last_name,
        email=str(data.email),
        password_hash=await hash_password(data.password) if data.password else None,
        valid=data.valid,
        # Without an explicit choice the agent follows the global setting.
        language=await _own_locale_value(tx, AGENT_LANGUAGE, data.language),
        timezone=await _own_locale_value(tx, AGENT_TIMEZONE, data.timezone),
    )
    tx.session.add(agent)
    await tx.session.flush()
    if agent.language or agent.timezone:
        await do_note_user_values_changed(tx.session)
    tx.emit(AgentChanged(agent_id=agent.id, op="created"))
    return agent


async def _own_locale_value(tx: Tx, setting: Setting, value: str | None) -> str:
    """What an admin's choice stores as the agent's own value: "" (follow the global setting)
    for no choice or the global value itself, so the agent keeps following later changes."""
    if not value or value == await deployed_global_value(tx.session, setting):
        return ""
    return value


async def check_update_agent(tx: Tx, actor: Actor, agent_id: int, data: AgentUpdate) -> Agent:
    agent = await access_agent_by_id(tx.session, actor, agent_id)
    if data.login is not None:
        await check_unique(
            tx, Agent.login, data.login, what="agent", field="login", exclude_id=agent.id
        )
    if data.valid is False and actor.is_agent and actor.id == agent.id:
        raise ProtectedAccount("You cannot invalidate your own account.")
    return agent


async def do_update_agent(tx: Tx, actor: Actor, agent_id: int, data: AgentUpdate) -> Agent:
    agent = await check_update_agent(tx, actor, agent_id, data)
    await apply(agent, data, nullable=_LOCALE_FIELDS)
    for setting, name in LOCALE_SETTINGS:
        if name in data.model_fields_set:  # null or the global value: follow the global setting
            setattr(agent, name, await _own_locale_value(tx, setting, getattr(agent, name)))
    await tx.session.flush()
    if _LOCALE_FIELDS & data.model_fields_set:
        # The agent's own values of Agent::Language / Agent::TimeZone (settings.py).
        await do_note_user_values_changed(tx.session)
    tx.emit(AgentChanged(agent_id=agent.id, op="updated"))
    return agent


async def check_delete_agent(tx: Tx, actor: Actor, agent_id: int) -> Agent:
    agent = await access_agent_by_id(tx.session, actor, agent_id)
    if actor.is_agent and actor.id == agent.id:
        raise ProtectedAccount("You cannot delete your own account.")
    return agent


async def do_delete_agent(tx: Tx, actor: Actor, agent_id: int) -> None:
    agent = await check_delete_agent(tx, actor, agent_id)
    await delete_unless_referenced(tx, agent, "agent")
    await revoke_tokens(tx, "agent", agent_id)
    tx.emit(AgentChanged(agent_id=agent_id, op="deleted"))
