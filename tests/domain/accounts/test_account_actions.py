"""The accounts actions and queries called directly, as HTML pages and set-up code call them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from frontdesk.core.actor import SYSTEM, Actor
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.core.pagination import PageRequest
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts import actions, queries
from frontdesk.domain.accounts.models import Agent
from frontdesk.domain.accounts.passwords import verify_password
from frontdesk.domain.accounts.schemas import (
    AgentCreate,
    GroupCreate,
    PasswordChange,
    PreferencesInput,
)
from frontdesk.domain.runtime import Tx
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD


@pytest.fixture
async def tx(web: WebState) -> AsyncIterator[Tx]:
    """One committed unit of work, like a request."""
    async with unit_of_work(web.session_factory) as session:
        yield Tx(session=session, runtime=web.runtime)


async def admin_actor(tx: Tx) -> Actor:
    agent = await tx.session.get(Agent, 1)
    assert agent is not None
    return await queries.actor_for_agent(tx.session, agent, tx.runtime.config)


async def test_preferences_and_password_for_pages(tx: Tx) -> None:
    admin = await admin_actor(tx)
    shown = await actions.do_update_preferences(
        tx, admin, PreferencesInput(timezone="Europe/Paris")
    )
    assert (shown.login, shown.language, shown.timezone) == ("admin", "en", "Europe/Paris")

    with pytest.raises(ValidationFailed) as wrong:
        await actions.do_change_password(
            tx, admin, PasswordChange(current_password="nope", new_password="long-enough-1")
        )
    assert wrong.value.field == "current_password"
    await actions.do_change_password(
        tx, admin, PasswordChange(current_password=ADMIN_PASSWORD, new_password="long-enough-1")
    )
    agent = await tx.session.get(Agent, 1)
    assert agent is not None
    assert await verify_password(agent.password_hash, "long-enough-1")
    assert agent.timezone == "Europe/Paris"


async def test_system_actor_has_no_own_account(tx: Tx) -> None:
    with pytest.raises(PermissionDenied):
        await actions.do_update_preferences(tx, SYSTEM, PreferencesInput(language="en"))


async def test_lists_check_the_admin_gate(tx: Tx) -> None:
    agent = await actions.do_create_agent(
        tx,
        SYSTEM,
        AgentCreate(login="plain", first_name="P", last_name="A", email="p@example.com"),
    )
    plain = await queries.actor_for_agent(tx.session, agent, tx.runtime.config)
    page = PageRequest.build(None, None)
    for listing in (
        queries.list_agents,
        queries.list_groups,
        queries.list_roles,
        queries.list_customer_users,
        queries.list_customer_companies,
    ):
        with pytest.raises(PermissionDenied):
            await listing(tx.session, plain, page)
    with pytest.raises(PermissionDenied):
        await actions.do_create_group(tx, plain, GroupCreate(name="sneaky"))
    with pytest.raises(PermissionDenied):
        await queries.agent_permission_matrix(tx.session, plain, 1)

    admin = await admin_actor(tx)
    agents = await queries.list_agents(tx.session, admin, PageRequest(limit=1, offset=1))
    assert [a.login for a in agents.items] == ["plain"]
    assert (agents.total, agents.has_next, agents.has_previous) == (2, False, True)
    groups = await queries.list_groups(tx.session, admin, page, search="ADM")
    assert [g.name for g in groups.items] == ["admin"]


def test_permission_names_come_back_in_vocabulary_order() -> None:
    assert actions.check_permission_names(["chat_owner", "rw", "ro", "rw"]) == [
        "ro",
        "rw",
        "chat_owner",
    ]
    with pytest.raises(ValidationFailed) as unknown:
        actions.check_permission_names(["ro", "god"])
    assert unknown.value.field == "permissions"
    assert actions.check_customer_permission_names(["rw", "ro"]) == ["ro", "rw"]
    with pytest.raises(ValidationFailed):
        actions.check_customer_permission_names(["note"])
