"""Fixtures for the bus tests: a migrated SQLite file, Redis when reachable, both backends."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.bus.backends.memory import MemoryBus
from frontdesk.bus.backends.redis import RedisBus
from frontdesk.bus.bus import EventBus
from frontdesk.db.engine import create_engine, create_session_factory
from frontdesk.db.migrate import upgrade
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


@pytest.fixture(scope="module")
async def session_factory(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    path: Path = tmp_path_factory.mktemp("bus") / "bus.db"
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
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
