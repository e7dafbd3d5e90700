"""What the web process holds for its lifetime, kept on ``app.state.frontdesk``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from frontdesk.domain.runtime import Runtime


@dataclass
class WebState:
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    runtime: Runtime
