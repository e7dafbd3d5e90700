"""The zoom's timeline view shows e-mail articles as the article views do: their addresses,
the answers (Reply, Reply all, Forward), the .eml download and how their delivery goes."""

from __future__ import annotations

import re

import httpx

from frontdesk.domain.outbox.delivery import deliver_due
from frontdesk.web.state import WebState
from tests.domain.email.sending import received_ticket, stored_mails, use_sender
from tests.domain.outbox.relay import RecordingHandler, smtp_relay
from tests.web.test_pages_admin import log_in_admin

Headers = dict[str, str]


def timeline_article(page: str, article_id: int) -> str:
    """The HTML of one article of the timeline."""
    match = re.search(
        rf'<article class="timeline-article" id="article-{article_id}".*?</article>', page, re.S
    )
    assert match is not None, article_id
    return match.group(0)


async def test_timeline_shows_the_email_answers_download_and_delivery_state(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    ticket = await received_ticket(client, admin_headers, web)
    ticket_id, received_id = ticket["id"], ticket["first_article_id"]
    refusing = RecordingHandler(refusals=["550 5.1.1 <b>No such user</b>"])
    with smtp_relay(refusing) as relay:
        await use_sender(web, relay.port)
        for to, body in (["gone@example.com"], "Hello?"), (["jane@customer.example"], "Later."):
            sent = await client.post(
                f"/api/v1/tickets/{ticket_id}/articles",
                json={"channel": "email", "to": to, "body": body},
                headers=admin_headers,
            )
            assert sent.status_code == 201, sent.text
            if body == "Hello?":  # the first is tried (and refused); the second stays queued
                await deliver_due(web.session_factory, web.runtime, "w1")
    note = await client.post(
        f"/api/v1/tickets/{ticket_id}/articles",
        json={"channel": "phone", "subject": "Called her", "body": "She will wait."},
        headers=admin_headers,
    )
    assert note.status_code == 201, note.text
    _, failed_mail, queued_mail = await stored_mails(web)
    await log_in_admin(client)

    page = (await client.get(f"/agent/tickets/{ticket_id}?view=timeline")).text
    assert "Ticket timeline" in page
    compose = f"/agent/tickets/{ticket_id}/email"

    received = timeline_article(page, received_id)
    assert "<dt>From</dt><dd>Jane Customer &lt;jane@customer.example&gt;</dd>" in received
    for mode, label in (("reply", "Reply"), ("reply_all", "Reply all"), ("forward", "Forward")):
        link = f'href="{compose}?mode={mode}&amp;article_id={received_id}"'
        assert link in received, mode
        assert re.search(rf"{re.escape(link)}[^>]*>(<svg.*?</svg>)?{label}</a>", received)
    source = f"/agent/tickets/{ticket_id}/articles/{received_id}/source"
    assert f'href="{source}" download="article-{received_id}.eml"' in received
    assert "Download .eml" in received
    assert "Queued for delivery" not in received and "Delivery failed" not in received

    failed = timeline_article(page, failed_mail.article_id)
    assert (
        '<p class="error" role="alert">Delivery failed: SMTP 550 5.1.1 &lt;b&gt;No such user'
        '&lt;/b&gt; <a href="/admin/mail-queue">Open the mail queue</a></p>'
    ) in failed
    assert "Queued for delivery" not in failed
    assert "<dt>To</dt><dd>gone@example.com</dd>" in failed

    queued = timeline_article(page, queued_mail.article_id)
    assert '<p class="muted" role="status">Queued for delivery</p>' in queued
    assert "Delivery failed" not in queued

    # A phone call has no mail: its answer still opens the compose screen, without .eml.
    call_id = int(note.json()["id"])
    call = timeline_article(page, call_id)
    assert f'<a href="{compose}?mode=reply&amp;article_id={call_id}">Reply</a>' in call
    assert "Reply all" not in call and "Download .eml" not in call
    # One answer link per article: the e-mail articles carry only the e-mail buttons.
    assert received.count(f"{compose}?mode=reply&amp;") == 1

    # The header's Reply answers the customer's e-mail.
    start = page.index('<header class="zoom-header"')
    header = page[start : page.index("</header>", start)]
    assert f'href="{compose}?mode=reply&amp;article_id={received_id}"' in header
