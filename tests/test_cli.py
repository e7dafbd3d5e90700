"""The frontdesk command, run as an operator would: a real process on the test database."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from frontdesk.db.engine import create_session_factory
from frontdesk.domain.accounts.models import Agent, AgentGroupPermission, CustomerUser
from frontdesk.domain.tickets.models import Ticket


def frontdesk(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRONTDESK_DATABASE_URL": db_url, "FRONTDESK_LOG_LEVEL": "WARNING"}
    env.pop("FRONTDESK_REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "frontdesk.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def _count(db_url: str, model: type) -> int:
    engine = create_async_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        await engine.dispose()


async def test_migrate_is_idempotent(db_url: str) -> None:
    first = frontdesk(db_url, "migrate")
    again = frontdesk(db_url, "migrate")
    assert first.returncode == again.returncode == 0, first.stderr
    assert "Database is up to date." in again.stdout


async def test_admin_create_gives_admin_rights(db_url: str) -> None:
    result = frontdesk(
        db_url,
        "admin",
        "create",
        "--login",
        "ops",
        "--email",
        "ops@example.com",
        "--password",
        "long-enough-pass",
    )
    assert result.returncode == 0, result.stderr
    assert "Created agent ops" in result.stdout
    engine = create_async_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            agent = await session.scalar(select(Agent).where(Agent.login == "ops"))
            assert agent is not None and agent.password_hash
            rows = await session.execute(
                select(AgentGroupPermission.group_id, AgentGroupPermission.permission).where(
                    AgentGroupPermission.agent_id == agent.id
                )
            )
            assert sorted(rows) == [(1, "rw"), (2, "rw")]  # users, admin
    finally:
        await engine.dispose()

    duplicate = frontdesk(
        db_url,
        "admin",
        "create",
        "--login",
        "ops",
        "--email",
        "ops@example.com",
        "--password",
        "long-enough-pass",
    )
    assert duplicate.returncode != 0
    assert "already taken" in duplicate.stderr + duplicate.stdout


async def test_demo_data_loads_once(db_url: str) -> None:
    first = frontdesk(db_url, "demo-data")
    assert first.returncode == 0, first.stderr
    assert "Demo data loaded." in first.stdout
    tickets = await _count(db_url, Ticket)
    customers = await _count(db_url, CustomerUser)
    assert tickets >= 10
    assert customers == 2

    second = frontdesk(db_url, "demo-data")
    assert second.returncode == 0
    assert "Demo data was already there." in second.stdout
    assert await _count(db_url, Ticket) == tickets
