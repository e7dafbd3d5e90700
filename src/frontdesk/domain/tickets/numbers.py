"""Ticket numbers: ``YYYYMMDD`` + SystemID + a per-day counter of at least six digits.

Example: the first ticket of 26 November 2026 on SystemID 10 is ``2026112610000001``. The counter
row of the day is incremented with one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement,
which both PostgreSQL and SQLite (≥ 3.35) execute atomically, so concurrent creators never draw
the same number. Past 999999 tickets a day the counter simply grows a digit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.db.engine import upsert_insert
from frontdesk.domain.tickets.models import TicketNumberCounter

COUNTER_DIGITS = 6


async def next_ticket_number(session: AsyncSession, system_id: int, now: datetime) -> str:
    day = now.strftime("%Y%m%d")
    insert = upsert_insert(session)
    counter_table = TicketNumberCounter.__table__
    assert isinstance(counter_table, Table)
    statement = (
        insert(counter_table)
        .values(day=day, counter=1)
        .on_conflict_do_update(
            index_elements=[counter_table.c.day],
            set_={"counter": counter_table.c.counter + 1},
        )
        .returning(counter_table.c.counter)
    )
    counter = (await session.execute(statement)).scalar_one()
    return f"{day}{system_id}{counter:0{COUNTER_DIGITS}d}"
