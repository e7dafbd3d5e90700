"""``frontdesk mail-receive``: one message on standard input, as an MTA pipe delivers it."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from frontdesk.db.engine import create_session_factory
from frontdesk.domain.email.models import ArticleMail
from frontdesk.domain.tickets.models import Ticket
from tests.domain.mail_inbound.corpus import corpus_mail
from tests.services import reserve_port
from tests.test_cli import frontdesk

EX_TEMPFAIL = 75


def mail_receive(db_url: str, raw: bytes) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "FRONTDESK_DATABASE_URL": db_url, "FRONTDESK_LOG_LEVEL": "WARNING"}
    env.pop("FRONTDESK_REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "frontdesk.cli", "mail-receive"],
        input=raw,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


async def _tickets(db_url: str) -> list[tuple[str, bytes]]:
    engine = create_async_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.execute(
                select(Ticket.title, ArticleMail.raw).join(
                    ArticleMail, ArticleMail.ticket_id == Ticket.id
                )
            )
            return [(title, raw) for title, raw in rows]
    finally:
        await engine.dispose()


async def test_a_piped_mail_becomes_a_ticket_and_a_second_delivery_is_ignored(
    db_url: str,
) -> None:
    # Agent 1 owns new tickets; `serve` creates it on first start, here the operator does.
    created = frontdesk(
        db_url,
        "admin",
        "create",
        "--login",
        "admin",
        "--email",
        "a@example.com",
        "--password",
        "long-enough-pass",
    )
    assert created.returncode == 0, created.stderr
    raw = corpus_mail("encoded-subject.eml")
    first = mail_receive(db_url, raw)
    assert first.returncode == 0, first.stderr
    assert first.stdout.decode().startswith("new ticket "), first.stdout
    again = mail_receive(db_url, raw)
    assert (again.returncode, again.stdout.decode()) == (0, "ignored: duplicate\n")
    assert await _tickets(db_url) == [("Grüße – Bestellung", raw)]


def test_an_unreachable_database_asks_the_mta_to_retry() -> None:
    port = reserve_port()  # nothing listens there
    result = mail_receive(
        f"postgresql+asyncpg://frontdesk@127.0.0.1:{port}/frontdesk", corpus_mail("bulk.eml")
    )
    assert result.returncode == EX_TEMPFAIL, result.stderr
    assert b"Cannot store the mail now, try again later" in result.stderr


def test_empty_input_is_refused() -> None:
    result = mail_receive("sqlite+aiosqlite:///:memory:", b"")
    assert result.returncode == 1
    assert b"No message on standard input." in result.stderr
