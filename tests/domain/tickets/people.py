"""Agents, customers and tokens for ticket tests, made fast: no password hashing, no login."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import select

from frontdesk.core.actor import SYSTEM, Actor
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts.access import group_id_by_name
from frontdesk.domain.accounts.models import Agent, CustomerUser
from frontdesk.domain.accounts.queries import actor_for_agent, actor_for_customer
from frontdesk.domain.accounts.schemas import (
    AgentCreate,
    CustomerCompanyCreate,
    CustomerUserCreate,
)
from frontdesk.domain.accounts.settings import CUSTOMER_ALWAYS_GROUPS
from frontdesk.domain.runtime import Tx
from frontdesk.web.state import WebState

Headers = dict[str, str]


@asynccontextmanager
async def transaction(web: WebState) -> AsyncIterator[Tx]:
    async with unit_of_work(web.session_factory) as session:
        yield Tx(session=session, runtime=web.runtime)


async def bearer(tx: Tx, realm: str, user_id: int) -> Headers:
    issued = await account_actions.do_issue_token(tx, realm, user_id, kind="api")
    return {"Authorization": f"Bearer {issued.secret}"}


async def make_agent(
    web: WebState,
    login: str,
    permissions: list[str],
    group: str = "users",
    *,
    password: str | None = None,
) -> tuple[int, Headers]:
    """An agent holding ``permissions`` in ``group``, with an API token (and a password to log
    in through the form, when given)."""
    async with transaction(web) as tx:
        agent = await account_actions.do_create_agent(
            tx,
            SYSTEM,
            AgentCreate(
                login=login,
                first_name=login.capitalize(),
                last_name="Agent",
                email=f"{login}@example.com",
                password=password,
            ),
        )
        if permissions:
            group_id = await group_id_by_name(tx.session, group)
            assert group_id is not None
            await account_actions.do_set_agent_group_permissions(
                tx, SYSTEM, group_id, agent.id, permissions
            )
        return agent.id, await bearer(tx, "agent", agent.id)


async def make_company(web: WebState, customer_id: str, name: str) -> None:
    async with transaction(web) as tx:
        await account_actions.do_create_customer_company(
            tx, SYSTEM, CustomerCompanyCreate(customer_id=customer_id, name=name)
        )


async def make_customer(
    web: WebState, login: str, customer_id: str | None = None
) -> tuple[int, Headers]:
    async with transaction(web) as tx:
        user = await account_actions.do_create_customer_user(
            tx,
            SYSTEM,
            CustomerUserCreate(
                login=login,
                first_name=login.capitalize(),
                last_name="Customer",
                email=f"{login}@customer.example",
                customer_id=customer_id,
            ),
        )
        return user.id, await bearer(tx, "customer", user.id)


async def actor_of(web: WebState, realm: str, login: str) -> Actor:
    async with transaction(web) as tx:
        if realm == "agent":
            agent = await tx.session.scalar(select(Agent).where(Agent.login == login))
            assert agent is not None
            return await actor_for_agent(tx.session, agent, tx.runtime.config)
        user = await tx.session.scalar(select(CustomerUser).where(CustomerUser.login == login))
        assert user is not None
        return await actor_for_customer(
            tx.session, user, web.runtime.config.value(CUSTOMER_ALWAYS_GROUPS)
        )
