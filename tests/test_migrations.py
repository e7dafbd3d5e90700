"""Migrations on a database that already holds data, as an operator upgrades it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from frontdesk.db.engine import create_engine
from frontdesk.db.migrate import upgrade
from tests.services import empty_postgres

AGENT = (
    "INSERT INTO agent (id, login, first_name, last_name, email, valid, language, timezone,"
    " created_at, updated_at) VALUES (:id, :login, 'A', 'B', 'a@example.com', true, :language,"
    " :timezone, '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00')"
)


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'upgrade.db'}"
        return
    async with empty_postgres("frontdesk_migration") as url:
        yield url


async def _execute(url: str, *statements: tuple[str, dict[str, object]]) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for sql, values in statements:
                await connection.execute(text(sql), values)
    finally:
        await engine.dispose()


async def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(text(sql))]
    finally:
        await engine.dispose()


async def test_0005_keeps_own_locales_and_lets_the_others_follow_the_global(
    empty_db_url: str,
) -> None:
    await asyncio.to_thread(upgrade, empty_db_url, "0004")
    await _execute(
        empty_db_url,
        (
            "INSERT INTO sysconfig_value (name, agent_id, value, changed_at) VALUES"
            " ('Agent::TimeZone', NULL, '\"Europe/Berlin\"', '2026-01-01 00:00:00+00')",
            {},
        ),
        (AGENT, {"id": 7, "login": "chose-utc", "language": "en", "timezone": "UTC"}),
        (AGENT, {"id": 8, "login": "follows", "language": "en", "timezone": "Europe/Berlin"}),
        (AGENT, {"id": 9, "login": "chose-tokyo", "language": "en", "timezone": "Asia/Tokyo"}),
        (
            "INSERT INTO agent_group_permission (agent_id, group_id, permission)"
            " SELECT 7, id, 'rw' FROM permission_group WHERE name = 'users'",
            {},
        ),
    )
    await asyncio.to_thread(upgrade, empty_db_url)

    agents = await _rows(empty_db_url, "SELECT login, language, timezone FROM agent ORDER BY id")
    assert agents == [
        ("chose-utc", "", "UTC"),  # UTC was their own choice: Berlin was in force
        ("follows", "", ""),
        ("chose-tokyo", "", "Asia/Tokyo"),
    ]
    # Nothing that refers to agents was lost on the way (SQLite rebuilds cascade deletes).
    assert await _rows(empty_db_url, "SELECT agent_id FROM agent_group_permission") == [(7,)]


TICKET = (
    "INSERT INTO ticket (id, number, title, queue_id, state_id, priority_id, lock_state,"
    " owner_id, responsible_id, created_at, updated_at) VALUES (:id, :number, 'T', :queue,"
    " :state, 3, 'unlock', 7, 7, '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00')"
)


async def test_0007_counts_the_tickets_already_there_and_keeps_counting(
    empty_db_url: str,
) -> None:
    await asyncio.to_thread(upgrade, empty_db_url, "0006")
    placed = [(2, 1), (2, 1), (2, 4), (3, 2)]
    await _execute(
        empty_db_url,
        (AGENT, {"id": 7, "login": "owner", "language": "en", "timezone": "UTC"}),
        *(
            (TICKET, {"id": n + 1, "number": str(n + 1), "queue": queue, "state": state})
            for n, (queue, state) in enumerate(placed)
        ),
    )
    await asyncio.to_thread(upgrade, empty_db_url)
    counts = "SELECT queue_id, state_id, ticket_count FROM ticket_state_count ORDER BY 1, 2"
    assert await _rows(empty_db_url, counts) == [(2, 1, 2), (2, 4, 1), (3, 2, 1)]
    await _execute(
        empty_db_url,
        ("UPDATE ticket SET queue_id = 3 WHERE id = 1", {}),
        ("DELETE FROM ticket WHERE id = 3", {}),
        (TICKET, {"id": 5, "number": "5", "queue": 4, "state": 1}),
    )
    assert await _rows(empty_db_url, counts) == [
        (2, 1, 1),
        (2, 4, 0),
        (3, 1, 1),
        (3, 2, 1),
        (4, 1, 1),
    ]


SAVED_VIEW = (
    "INSERT INTO ticket_saved_view (agent_id, name, query, created_at) VALUES"
    " (:agent, :name, :query, '2026-01-01 00:00:00+00')"
)


async def test_0008_keeps_saved_views_unique_per_agent_and_drops_them_with_the_agent(
    empty_db_url: str,
) -> None:
    await asyncio.to_thread(upgrade, empty_db_url, "0007")
    await _execute(
        empty_db_url,
        (AGENT, {"id": 7, "login": "one", "language": "en", "timezone": "UTC"}),
        (AGENT, {"id": 8, "login": "two", "language": "en", "timezone": "UTC"}),
    )
    await asyncio.to_thread(upgrade, empty_db_url)
    await _execute(
        empty_db_url,
        (SAVED_VIEW, {"agent": 7, "name": "New", "query": "state=new"}),
        (SAVED_VIEW, {"agent": 8, "name": "New", "query": "owner=me"}),
    )
    with pytest.raises(IntegrityError):
        await _execute(empty_db_url, (SAVED_VIEW, {"agent": 7, "name": "New", "query": ""}))
    await _execute(empty_db_url, ("DELETE FROM agent WHERE id = 7", {}))
    views = "SELECT agent_id, name, query FROM ticket_saved_view ORDER BY id"
    assert await _rows(empty_db_url, views) == [(8, "New", "owner=me")]
