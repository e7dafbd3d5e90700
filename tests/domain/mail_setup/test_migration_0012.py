"""Migration 0012 on a database that already holds queues: they keep everything and allow
follow-ups (the default); the new queue columns refer to the new tables; and a downgrade
takes them away again."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import IntegrityError

from frontdesk.db.migrate import alembic_config, upgrade
from tests.test_migrations import _execute, _rows
from tests.test_migrations import empty_db_url as empty_db_url

QUEUES = "SELECT name, group_id, follow_up, system_address_id FROM queue ORDER BY name"
STAMP = "'2026-01-01 00:00:00+00'"


async def test_0012_keeps_queues_and_lets_a_system_address_go(empty_db_url: str) -> None:
    await asyncio.to_thread(upgrade, empty_db_url, "0011")
    await _execute(
        empty_db_url,
        (
            "INSERT INTO queue (id, name, group_id, valid, created_at, updated_at)"
            f" VALUES (10, 'Sales', 1, true, {STAMP}, {STAMP})",
            {},
        ),
    )
    await asyncio.to_thread(upgrade, empty_db_url, "0012")
    assert await _rows(empty_db_url, QUEUES) == [
        ("Junk", 1, "possible", None),
        ("Misc", 1, "possible", None),
        ("Postmaster", 1, "possible", None),
        ("Raw", 1, "possible", None),
        ("Sales", 1, "possible", None),
    ]
    await _execute(
        empty_db_url,
        (
            "INSERT INTO system_address (id, email, display_name, queue_id, valid, created_at,"
            f" updated_at) VALUES (1, 'sales@example.com', 'Sales', 10, true, {STAMP}, {STAMP})",
            {},
        ),
        ("UPDATE queue SET system_address_id = 1 WHERE id = 10", {}),
    )
    with pytest.raises(IntegrityError):
        await _execute(empty_db_url, ("UPDATE queue SET salutation_id = 99 WHERE id = 10", {}))
    # The queue <-> address cycle lets go on the queue's side, so the address can be removed.
    await _execute(empty_db_url, ("DELETE FROM system_address", {}))
    assert (await _rows(empty_db_url, QUEUES))[-1] == ("Sales", 1, "possible", None)


async def test_0012_downgrades(empty_db_url: str) -> None:
    from alembic import command

    await asyncio.to_thread(upgrade, empty_db_url, "0012")
    await asyncio.to_thread(command.downgrade, alembic_config(empty_db_url), "0011")
    names = await _rows(empty_db_url, "SELECT name FROM queue ORDER BY name")
    assert names == [("Junk",), ("Misc",), ("Postmaster",), ("Raw",)]
    with pytest.raises(Exception, match="follow_up"):
        await _rows(empty_db_url, "SELECT follow_up FROM queue")
