"""The transaction belongs to the caller: a request, a WebSocket frame or a job.

``unit_of_work`` opens a session, commits at the end and only then runs what was queued with
``after_commit`` (publishing events, starting jobs). On rollback the queue is dropped, so nothing
is announced that did not happen.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

_AFTER_COMMIT = "frontdesk.after_commit"
log = structlog.get_logger(__name__)

AfterCommit = Callable[[], Awaitable[None]]


def after_commit(session: AsyncSession, key: str, callback: AfterCommit) -> None:
    """Run ``callback`` once after the session's transaction commits. One callback per key."""
    callbacks: dict[str, AfterCommit] = session.info.setdefault(_AFTER_COMMIT, {})
    callbacks.setdefault(key, callback)


def discard_after_commit(session: AsyncSession) -> None:
    session.info.pop(_AFTER_COMMIT, None)


async def commit(session: AsyncSession) -> None:
    """Commit, then run the after-commit callbacks (a failing callback is logged, not raised)."""
    await commit_only(session)
    await run_after_commit(session)


async def commit_only(session: AsyncSession) -> None:
    """Commit and keep the after-commit callbacks for ``run_after_commit``: for a caller that
    must give up a lock between the two (they are dropped if the commit fails)."""
    try:
        await session.commit()
    except BaseException:
        discard_after_commit(session)
        raise


async def run_after_commit(session: AsyncSession) -> None:
    callbacks: dict[str, AfterCommit] = session.info.pop(_AFTER_COMMIT, {})
    for key, callback in callbacks.items():
        try:
            await callback()
        except Exception:
            log.exception("after_commit_failed", callback=key)


async def rollback(session: AsyncSession) -> None:
    discard_after_commit(session)
    await session.rollback()


@asynccontextmanager
async def unit_of_work(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with factory() as session:
        try:
            yield session
        except BaseException:
            await rollback(session)
            raise
        await commit(session)
