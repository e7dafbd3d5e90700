"""The admin "Mail queue" page: list, filter, sort, retry and cancel, like a browser would."""

from __future__ import annotations

import html
import re

import httpx

from frontdesk.domain.outbox.delivery import deliver_due
from frontdesk.web.state import WebState
from tests.domain.outbox.mail import items, queue_mail, use_relay
from tests.domain.outbox.relay import RecordingHandler, smtp_relay
from tests.domain.tickets.people import make_agent
from tests.web.test_pages_admin import log_in, log_in_admin

AGENT_PASSWORD = "agent-password-1"


def shown_messages(page: str) -> list[str]:
    return [
        html.unescape(m) for m in re.findall(r"<td>(&lt;\d+\.outbox@frontdesk\.test&gt;)", page)
    ]


async def test_the_queue_shows_attempts_next_try_and_last_error(
    client: httpx.AsyncClient, web: WebState
) -> None:
    handler = RecordingHandler(refusals=["451 4.3.0 <b>Busy</b>"])
    with smtp_relay(handler) as relay:
        await use_relay(web, relay.port)
        await queue_mail(web, 1)
        await deliver_due(web.session_factory, web.runtime, "w1")
        await queue_mail(web, 2)
    await log_in_admin(client)

    page = (await client.get("/admin/mail-queue")).text
    assert shown_messages(page) == ["<2.outbox@frontdesk.test>", "<1.outbox@frontdesk.test>"]
    assert "SMTP 451 4.3.0 &lt;b&gt;Busy&lt;/b&gt;" in page  # the relay's text is not markup
    assert '<a href="/admin/mail-queue" aria-current="page">Mail queue</a>' in page

    sorted_page = (await client.get("/admin/mail-queue?sort=attempts&order=asc")).text
    assert shown_messages(sorted_page) == ["<2.outbox@frontdesk.test>", "<1.outbox@frontdesk.test>"]
    assert 'aria-sort="ascending"' in sorted_page

    queued = (await client.get("/admin/mail-queue?status=queued&limit=1")).text
    assert shown_messages(queued) == ["<2.outbox@frontdesk.test>"]
    assert 'rel="next"' in queued

    bad = await client.get("/admin/mail-queue?status=lost")
    assert bad.status_code == 422
    assert "status must be one of" in bad.text


async def test_retry_and_cancel_buttons(client: httpx.AsyncClient, web: WebState) -> None:
    first = await queue_mail(web, 3)
    second = await queue_mail(web, 4)
    csrf = await log_in_admin(client)

    response = await client.post(
        f"/admin/mail-queue/{first}/cancel",
        data={"csrf_token": csrf, "back": "/admin/mail-queue?status=queued"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/mail-queue?status=queued&done=saved"
    assert [(i.id, i.status) for i in await items(web)] == [
        (first, "cancelled"),
        (second, "queued"),
    ]

    # Cancelling it again is refused inline and changes nothing.
    again = await client.post(f"/admin/mail-queue/{first}/cancel", data={"csrf_token": csrf})
    assert again.status_code == 409
    assert "An item that is cancelled cannot be cancelled." in again.text

    response = await client.post(f"/admin/mail-queue/{first}/retry", data={"csrf_token": csrf})
    assert (response.status_code, response.headers["location"]) == (
        303,
        "/admin/mail-queue?done=saved",
    )
    assert [(i.id, i.status) for i in await items(web)] == [(first, "queued"), (second, "queued")]

    # Without the CSRF token nothing happens.
    refused = await client.post(f"/admin/mail-queue/{second}/cancel", data={})
    assert refused.status_code == 403
    assert [(i.id, i.status) for i in await items(web)] == [(first, "queued"), (second, "queued")]


async def test_a_non_admin_gets_403_and_changes_nothing(
    client: httpx.AsyncClient, web: WebState
) -> None:
    item_id = await queue_mail(web, 5)
    await make_agent(web, "nick", ["ro", "rw"], password=AGENT_PASSWORD)
    csrf = await log_in(client, "nick", AGENT_PASSWORD)

    assert (await client.get("/admin/mail-queue")).status_code == 403
    for action in ("retry", "cancel"):
        response = await client.post(
            f"/admin/mail-queue/{item_id}/{action}", data={"csrf_token": csrf}
        )
        assert response.status_code == 403
    assert [(i.id, i.status, i.attempts) for i in await items(web)] == [(item_id, "queued", 0)]
