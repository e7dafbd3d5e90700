"""X-Frontdesk-* headers steer a mail only when it came through a trusted account."""

from __future__ import annotations

from frontdesk.domain.mail_inbound.ingest import Ignored, MailSource, Stored, receive_mail
from frontdesk.web.state import WebState
from tests.domain.mail_inbound.corpus import plain_mail
from tests.domain.mail_inbound.stored import counts, ticket

STEERED = "X-Frontdesk-Queue: Junk\r\nX-Frontdesk-Priority: 1 very low\r\n"


async def test_trusted_accounts_honour_the_headers_and_others_do_not(web: WebState) -> None:
    trusted = await receive_mail(
        web.session_factory,
        web.runtime,
        plain_mail(1, extra_headers=STEERED),
        MailSource(account_id=None, queue_id=4, dispatch="queue", trusted=True),
    )
    untrusted = await receive_mail(
        web.session_factory,
        web.runtime,
        plain_mail(2, extra_headers=STEERED),
        MailSource(account_id=None, queue_id=4, dispatch="queue", trusted=False),
    )
    assert isinstance(trusted, Stored) and isinstance(untrusted, Stored)
    first, second = await ticket(web, trusted.ticket_id), await ticket(web, untrusted.ticket_id)
    assert (first.queue_id, first.priority_id) == (3, 1)  # Junk, 1 very low
    assert (second.queue_id, second.priority_id) == (4, 3)  # the account's Misc, 3 normal


async def test_a_trusted_ignore_header_drops_the_mail(web: WebState) -> None:
    outcome = await receive_mail(
        web.session_factory,
        web.runtime,
        plain_mail(1, extra_headers="X-Frontdesk-Ignore: yes\r\n"),
        MailSource(trusted=True),
    )
    assert outcome == Ignored("filter")
    assert await counts(web) == (0, 0, 0, 0)
