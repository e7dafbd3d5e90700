"""Logging in and out: throttled attempts, issued tokens, sessions, clearing stale login data."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.db.case_insensitive import equals_ignoring_case
from frontdesk.domain.accounts.errors import LoginFailed, TooManyLoginAttempts
from frontdesk.domain.accounts.events import UserLoggedIn, UserLoggedOut
from frontdesk.domain.accounts.models import Agent, AuthToken, CustomerUser, LoginAttempt
from frontdesk.domain.accounts.passwords import verify_password
from frontdesk.domain.accounts.queries import hash_token
from frontdesk.domain.accounts.schemas import IssuedToken, LoginInput
from frontdesk.domain.runtime import Tx

# Failures from every address together that still throttle a login name, as a multiple of the
# per-address limit: a guesser spread over many addresses is slowed too, while one guesser
# cannot lock the real user (who logs in from elsewhere) out with a handful of tries.
ALL_ADDRESSES_FACTOR = 10


async def check_login_allowed(
    tx: Tx, realm: str, login: str, client_address: str | None = None
) -> None:
    """Raise 429 when this login name saw too many failures within the window: from this
    client address, or from all addresses together."""
    settings = tx.runtime.settings
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    from_here = LoginAttempt.client_address == client_address
    row = (
        await tx.session.execute(
            select(func.count(), func.count().filter(from_here))
            .select_from(LoginAttempt)
            .where(
                LoginAttempt.realm == realm,
                LoginAttempt.login == login.lower(),
                LoginAttempt.attempted_at >= since,
            )
        )
    ).one()
    everywhere, here = int(row[0] or 0), int(row[1] or 0)
    limit = settings.login_attempts
    if here >= limit or everywhere >= limit * ALL_ADDRESSES_FACTOR:
        raise TooManyLoginAttempts(retry_after_seconds=settings.login_window_seconds)


async def do_login(
    tx: Tx, data: LoginInput, *, kind: str, client_address: str | None = None
) -> IssuedToken:
    """Verify the credentials and issue a session (browser) or api token.

    On LoginFailed this transaction rolls back; ``login.attempt_login`` records the failure in
    a transaction of its own.
    """
    await check_login_allowed(tx, data.realm, data.login, client_address)
    user: Agent | CustomerUser | None
    if data.realm == "agent":
        user = await tx.session.scalar(
            select(Agent).where(equals_ignoring_case(Agent.login, data.login))
        )
    else:
        user = await tx.session.scalar(
            select(CustomerUser).where(equals_ignoring_case(CustomerUser.login, data.login))
        )
    password_ok = await verify_password(user.password_hash if user else None, data.password)
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


async def do_record_failed_login(
    tx: Tx, realm: str, login: str, client_address: str | None = None
) -> None:
    tx.session.add(
        LoginAttempt(
            realm=realm,
            login=login.lower()[:200],
            client_address=client_address[:64] if client_address else None,
            attempted_at=utcnow(),
        )
    )


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


async def do_delete_stale_login_data(tx: Tx, now: datetime) -> tuple[int, int]:
    """Forget failed logins older than the rate-limit window and tokens that can no longer be
    used (expired or revoked): both tables would otherwise grow with every login, and a failed
    login under any made-up name adds a row. Answers how many of each went."""
    window = timedelta(seconds=tx.runtime.settings.login_window_seconds)
    attempts = await tx.session.execute(
        delete(LoginAttempt).where(LoginAttempt.attempted_at < now - window)
    )
    tokens = await tx.session.execute(
        delete(AuthToken).where(or_(AuthToken.expires_at < now, AuthToken.revoked.is_(True)))
    )
    return _deleted(attempts), _deleted(tokens)


def _deleted(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
