"""Logging in is its own transaction boundary.

A failed login must be recorded even though the login itself fails, so this function runs two
units of work: one that verifies and issues the token, and on failure one that records the
attempt. Routes (API and pages) call it instead of the actions directly.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.core.errors import NotFound
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts import actions
from frontdesk.domain.accounts.errors import LoginFailed
from frontdesk.domain.accounts.models import Agent, CustomerUser
from frontdesk.domain.accounts.queries import user_out
from frontdesk.domain.accounts.schemas import IssuedToken, LoginInput, UserOut
from frontdesk.domain.runtime import Runtime, Tx
from frontdesk.sysconfig.store import SettingsStore


async def attempt_login(
    factory: async_sessionmaker[AsyncSession],
    runtime: Runtime,
    data: LoginInput,
    *,
    kind: str,
    client_address: str | None = None,
) -> tuple[IssuedToken, UserOut]:
    """``client_address`` is where the request came from: failures are counted per login name
    and address (``actions.check_login_allowed``)."""
    try:
        async with unit_of_work(factory) as session:
            tx = Tx(session=session, runtime=runtime)
            issued = await actions.do_login(tx, data, kind=kind, client_address=client_address)
            user = await describe_user(session, issued.realm, issued.user_id, runtime.config)
    except LoginFailed:
        async with unit_of_work(factory) as session:
            await actions.do_record_failed_login(
                Tx(session=session, runtime=runtime), data.realm, data.login, client_address
            )
        raise
    return issued, user


async def describe_user(
    session: AsyncSession, realm: str, user_id: int, config: SettingsStore
) -> UserOut:
    """The user behind a token, as ``/me`` shows them."""
    user: Agent | CustomerUser | None = await session.get(
        Agent if realm == "agent" else CustomerUser, user_id
    )
    if user is None:
        raise NotFound("That user no longer exists.")
    return user_out(user, config)
