"""Queue mail for the outbox tests and point the process at a test relay."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from frontdesk.core.actor import SYSTEM
from frontdesk.core.credentials import credential_box
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.outbox.actions import enqueue_email
from frontdesk.domain.outbox.models import OutboxItem
from frontdesk.sysconfig import actions as sysconfig_actions
from frontdesk.web.state import WebState
from tests.domain.tickets.people import transaction

SENDER = "support@frontdesk.test"


def raw_mail(number: int) -> bytes:
    """A finished message with CRLF line ends and a line that needs dot-stuffing on the wire."""
    return (
        b"From: Frontdesk Support <support@frontdesk.test>\r\n"
        b"To: Cora Customer <cora@example.com>\r\n"
        b"Subject: [Ticket#" + str(number).encode() + b"] Your printer\r\n"
        b"Message-ID: <" + str(number).encode() + b".outbox@frontdesk.test>\r\n"
        b"Date: Mon, 07 Dec 2026 09:00:00 +0000\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n"
        b"\r\n"
        b"Gr\xc3\xbc\xc3\x9fe, the printer works again.\r\n"
        b".a line starting with a dot\r\n"
    )


async def set_settings(web: WebState, values: dict[str, Any]) -> None:
    """Stage and deploy setting values, then make this process see them at once."""
    async with unit_of_work(web.session_factory) as session:
        await sysconfig_actions.do_stage_values(
            session,
            web.runtime.bus,
            SYSTEM,
            values,
            credentials=credential_box(web.runtime.settings),
        )
        await sysconfig_actions.do_deploy(session, web.runtime.bus, SYSTEM, "test")
    await web.runtime.config.reload()


async def use_relay(web: WebState, port: int, **extra: Any) -> None:
    await set_settings(
        web, {"SendmailModule::Host": "127.0.0.1", "SendmailModule::Port": port, **extra}
    )


async def queue_mail(web: WebState, number: int, recipients: list[str] | None = None) -> int:
    async with transaction(web) as tx:
        item = await enqueue_email(
            tx,
            raw_mail(number),
            sender=SENDER,
            recipients=recipients or ["cora@example.com"],
        )
        return item.id


async def items(web: WebState) -> list[OutboxItem]:
    async with web.session_factory() as session:
        return list((await session.execute(select(OutboxItem).order_by(OutboxItem.id))).scalars())
