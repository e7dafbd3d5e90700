"""Fixtures for the bus tests: a migrated database on SQLite and PostgreSQL, Redis when
reachable, both bus backends."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.bus.backends.memory import MemoryBus
from frontdesk.bus.backends.redis import RedisBus
from frontdesk.bus.bus import EventBus
from frontdesk.db.engine import create_engine, create_session_factory
from tests.services import REDIS_URL, redis_available, require


async def _redis_answers(url: str) -> bool:
    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return bool(await asyncio.wait_for(client.ping(), timeout=3))
    except Exception:
        return False
    finally:
        await client.aclose()


async def require_redis() -> str:
    """Skip (locally) or fail (CI=true) when Redis does not answer a PING."""
    require(redis_available() and await _redis_answers(REDIS_URL), f"Redis at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture
async def redis_url() -> str:
    return await require_redis()


@pytest.fixture
async def session_factory(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A migrated database on each backend in turn (SQLite, PostgreSQL)."""
    engine = create_engine(db_url)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture(params=["memory", "redis"])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[EventBus]:
    backend: EventBus
    if request.param == "memory":
        backend = MemoryBus()
    else:
        backend = RedisBus(await require_redis(), channel=f"frontdesk-test:{uuid.uuid4().hex}")
    await backend.start()
    yield backend
    await backend.stop()
