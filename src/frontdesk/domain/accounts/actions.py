"""Writes of accounts: logging in and out, and (below) managing accounts and permissions.

Each write is ``check_*`` (validate + authorise, no change) then ``do_*`` (change + events).
Actions never commit; the caller's unit of work does.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import ValidationFailed
from frontdesk.core.permissions import AGENT_PERMISSIONS
from frontdesk.domain.accounts.access import check_admin
from frontdesk.domain.accounts.errors import LoginFailed, LoginTaken, TooManyLoginAttempts
from frontdesk.domain.accounts.events import (
    AgentChanged,
    PermissionsChanged,
    UserLoggedIn,
    UserLoggedOut,
)
from frontdesk.domain.accounts.models import (
    Agent,
    AgentGroupPermission,
    AuthToken,
    CustomerUser,
    LoginAttempt,
)
from frontdesk.domain.accounts.passwords import hash_password, verify_password
from frontdesk.domain.accounts.queries import hash_token
from frontdesk.domain.accounts.schemas import AgentCreate, IssuedToken, LoginInput
from frontdesk.domain.runtime import Tx


async def check_login_allowed(tx: Tx, realm: str, login: str) -> None:
    """Raise 429 when this login name saw too many failures within the window."""
    settings = tx.runtime.settings
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    failures = await tx.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.realm == realm,
            LoginAttempt.login == login.lower(),
            LoginAttempt.attempted_at >= since,
        )
    )
    if (failures or 0) >= settings.login_attempts:
        raise TooManyLoginAttempts(retry_after_seconds=settings.login_window_seconds)


async def do_login(tx: Tx, data: LoginInput, *, kind: str) -> IssuedToken:
    """Verify the credentials and issue a session (browser) or api token.

    On LoginFailed this transaction rolls back; ``login.attempt_login`` records the failure in
    a transaction of its own.
    """
    await check_login_allowed(tx, data.realm, data.login)
    user: Agent | CustomerUser | None
    if data.realm == "agent":
        user = await tx.session.scalar(
            select(Agent).where(func.lower(Agent.login) == data.login.lower())
        )
    else:
        user = await tx.session.scalar(
            select(CustomerUser).where(func.lower(CustomerUser.login) == data.login.lower())
        )
    password_ok = verify_password(user.password_hash if user else None, data.password)
    if user is None or not password_ok or not user.valid:
        raise LoginFailed()
    await tx.session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.realm == data.realm, LoginAttempt.login == data.login.lower()
        )
    )
    issued = await do_issue_token(tx, data.realm, user.id, kind=kind)
    tx.emit(UserLoggedIn(realm=data.realm, user_id=user.id))
    return issued


async def do_record_failed_login(tx: Tx, realm: str, login: str) -> None:
    tx.session.add(LoginAttempt(realm=realm, login=login.lower()[:200], attempted_at=utcnow()))


async def do_issue_token(tx: Tx, realm: str, user_id: int, *, kind: str) -> IssuedToken:
    settings = tx.runtime.settings
    now = utcnow()
    lifetime = (
        timedelta(hours=settings.session_hours)
        if kind == "session"
        else timedelta(days=settings.token_days)
    )
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24) if kind == "session" else None
    token = AuthToken(
        token_hash=hash_token(secret),
        realm=realm,
        user_id=user_id,
        kind=kind,
        csrf_token=csrf,
        created_at=now,
        expires_at=now + lifetime,
        last_seen_at=now,
    )
    tx.session.add(token)
    await tx.session.flush()
    return IssuedToken(
        secret=secret,
        csrf_token=csrf,
        expires_at=token.expires_at,
        realm=realm,
        user_id=user_id,
    )


async def do_touch_session(tx: Tx, token: AuthToken) -> None:
    """Slide a browser session's expiry and mark the user as seen (at most once a minute)."""
    now = utcnow()
    if now - token.last_seen_at < timedelta(minutes=1):
        return
    values: dict[str, object] = {"last_seen_at": now}
    if token.kind == "session":
        values["expires_at"] = now + timedelta(hours=tx.runtime.settings.session_hours)
    await tx.session.execute(update(AuthToken).where(AuthToken.id == token.id).values(**values))


async def do_logout(tx: Tx, actor: Actor, secret: str) -> None:
    """Revoke the presented token."""
    await tx.session.execute(
        update(AuthToken).where(AuthToken.token_hash == hash_token(secret)).values(revoked=True)
    )
    if actor.kind in ("agent", "customer"):
        tx.emit(UserLoggedOut(realm=actor.kind, user_id=actor.id))


async def check_create_agent(tx: Tx, actor: Actor, data: AgentCreate) -> None:
    if actor.kind != "system":
        await check_admin(tx.session, actor)
    taken = await tx.session.scalar(
        select(Agent.id).where(func.lower(Agent.login) == data.login.lower())
    )
    if taken is not None:
        raise LoginTaken(data.login)


async def do_create_agent(tx: Tx, actor: Actor, data: AgentCreate) -> Agent:
    await check_create_agent(tx, actor, data)
    agent = Agent(
        login=data.login,
        first_name=data.first_name,
        last_name=data.last_name,
        email=str(data.email),
        password_hash=hash_password(data.password) if data.password else None,
        valid=data.valid,
    )
    tx.session.add(agent)
    await tx.session.flush()
    tx.emit(AgentChanged(agent_id=agent.id, op="created"))
    return agent


def check_permission_names(permissions: list[str]) -> list[str]:
    unknown = sorted(set(permissions) - set(AGENT_PERMISSIONS))
    if unknown:
        raise ValidationFailed(
            "permissions",
            "unknown permission types: "
            + ", ".join(unknown)
            + "; allowed: "
            + ", ".join(AGENT_PERMISSIONS),
        )
    return sorted(set(permissions))


async def do_set_agent_group_permissions(
    tx: Tx, actor: Actor, group_id: int, agent_id: int, permissions: list[str]
) -> list[str]:
    """Replace the agent's direct permission types in the group (empty list removes all)."""
    if actor.kind != "system":
        await check_admin(tx.session, actor)
    wanted = check_permission_names(permissions)
    await tx.session.execute(
        delete(AgentGroupPermission).where(
            AgentGroupPermission.agent_id == agent_id, AgentGroupPermission.group_id == group_id
        )
    )
    for permission in wanted:
        tx.session.add(
            AgentGroupPermission(agent_id=agent_id, group_id=group_id, permission=permission)
        )
    await tx.session.flush()
    tx.emit(PermissionsChanged(agent_ids=(agent_id,)))
    return wanted
