"""The accounts housekeeping job forgets old failed logins and unusable tokens, nothing else."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select, update

from frontdesk.core.clock import utcnow
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts.jobs import delete_stale_login_data
from frontdesk.domain.accounts.models import AuthToken, LoginAttempt
from frontdesk.domain.runtime import Tx
from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD


async def _token(client: httpx.AsyncClient) -> str:
    response = await client.post(
        "/api/v1/auth/token", json={"login": "admin", "password": ADMIN_PASSWORD, "realm": "agent"}
    )
    assert response.status_code == 200
    token: str = response.json()["token"]
    return token


async def test_housekeeping_deletes_only_what_can_no_longer_count(
    client: httpx.AsyncClient, web: WebState
) -> None:
    for login in ("old-guess", "fresh-guess"):
        failed = await client.post(
            "/api/v1/auth/token", json={"login": login, "password": "x", "realm": "agent"}
        )
        assert failed.status_code == 401
    live, expired, revoked = [await _token(client) for _ in range(3)]
    logout = await client.delete(
        "/api/v1/auth/token", headers={"Authorization": f"Bearer {revoked}"}
    )
    assert logout.status_code == 204
    now = utcnow()
    async with unit_of_work(web.session_factory) as session:
        await session.execute(
            update(LoginAttempt)
            .where(LoginAttempt.login == "old-guess")
            .values(attempted_at=now - timedelta(seconds=301))
        )
        second = await session.scalar(select(AuthToken.id).order_by(AuthToken.id).offset(1))
        await session.execute(
            update(AuthToken)
            .where(AuthToken.id == second)
            .values(expires_at=now - timedelta(seconds=1))
        )

    async with unit_of_work(web.session_factory) as session:
        await delete_stale_login_data(Tx(session=session, runtime=web.runtime))

    async with web.session_factory() as session:
        assert list(await session.scalars(select(LoginAttempt.login))) == ["fresh-guess"]
        assert await session.scalar(select(AuthToken.id).where(AuthToken.revoked.is_(True))) is None
        remaining = list(await session.scalars(select(AuthToken.id)))
    assert len(remaining) == 1
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {live}"})
    assert me.status_code == 200
    gone = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"})
    assert gone.status_code == 401
