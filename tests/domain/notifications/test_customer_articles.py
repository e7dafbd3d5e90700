"""A notification to the ticket's customer is also an e-mail article on the ticket: sender
"system", visible to the customer, with the exact source the relay received."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import delete, select, update

from frontdesk.domain.email.models import ArticleMail
from frontdesk.domain.notifications.models import NotificationSent, NotificationTrigger
from frontdesk.domain.outbox.models import OutboxItem
from frontdesk.domain.tickets.models import TicketHistory
from frontdesk.web.state import WebState
from tests.domain.notifications.scene import CLOSED, Scene, build_scene, parse, triggers
from tests.domain.outbox.relay import smtp_relay
from tests.domain.tickets.people import make_customer, transaction

SENDER = "Frontdesk Notifications <frontdesk@localhost>"
CORA = "Cora Customer <cora@customer.example>"


@pytest.fixture
async def scene(
    web: WebState, client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> AsyncIterator[Scene]:
    with smtp_relay() as relay:
        yield await build_scene(web, client, relay, admin_headers)


async def _notify(scene: Scene, name: str, events: list[str], recipients: list[str]) -> None:
    await scene.call(
        "POST",
        "notifications",
        "admin",
        {
            "name": name,
            "events": events,
            "recipients": recipients,
            "messages": {
                "en": {
                    "subject": "Your ticket was updated",
                    "body": "Dear <OTRS_CUSTOMER_REALNAME>,\n\nwe updated your ticket.\n",
                }
            },
        },
    )


async def _system_articles(scene: Scene, who: str = "olga") -> list[dict[str, object]]:
    page = await scene.call("GET", f"tickets/{scene.ticket_id}/articles?limit=100", who)
    return [a for a in page["items"] if a["sender"] == "system"]


async def _number(scene: Scene) -> str:
    return str((await scene.call("GET", f"tickets/{scene.ticket_id}", "olga"))["number"])


async def _close(scene: Scene) -> None:
    await scene.call("PATCH", f"tickets/{scene.ticket_id}", "olga", {"state_id": CLOSED})


async def test_a_customer_notification_is_an_article_with_the_source_as_sent(
    scene: Scene,
) -> None:
    await scene.call("PUT", f"tickets/{scene.ticket_id}/watchers/me", "ann")
    await _notify(scene, "Tell the customer", ["ticket_state_update"], ["customer", "watchers"])
    await _close(scene)
    await scene.run_sweeps()
    number = await _number(scene)

    received = {tuple(item.recipients): item.data for item in scene.relay.received}
    assert sorted(received) == [("ann@example.com",), ("cora@customer.example",)]
    cora_mail = received[("cora@customer.example",)]

    # Only the customer's mail is on the ticket; the agent's is not.
    (article,) = await _system_articles(scene)
    assert {k: article[k] for k in ("channel", "sender", "visible_for_customer")} == {
        "channel": "email",
        "sender": "system",
        "visible_for_customer": True,
    }
    assert article["subject"] == f"[Ticket#{number}] Your ticket was updated"
    assert article["body"] == "Dear Cora Customer,\n\nwe updated your ticket.\n"
    assert article["from_display"] == SENDER
    message = parse(cora_mail)
    assert message["Subject"] == article["subject"]
    assert message["From"] == SENDER
    assert message["To"] == CORA

    # Its source is the bytes the relay received, as for agent e-mail.
    source = await scene.client.get(
        f"/api/v1/tickets/{scene.ticket_id}/articles/{article['id']}/source",
        headers=scene.headers["olga"],
    )
    assert source.status_code == 200
    assert source.content == cora_mail
    async with transaction(scene.web) as tx:
        mail = await tx.session.get(ArticleMail, article["id"])
        assert mail is not None
        assert (mail.direction, mail.message_id, mail.from_address, mail.to_addresses) == (
            "out",
            str(message["Message-ID"]),
            SENDER,
            [CORA],
        )
        items = await tx.session.scalars(select(OutboxItem))
        assert sorted((i.envelope["recipients"], i.article_id, i.status) for i in items) == [
            (["ann@example.com"], None, "sent"),
            (["cora@customer.example"], article["id"], "sent"),
        ]
        history = await tx.session.scalars(
            select(TicketHistory.history_type).where(TicketHistory.article_id == article["id"])
        )
        assert list(history) == ["SendCustomerNotification"]
    # The agent's timeline shows it among the automatic actions, with its article.
    timeline = await scene.client.get(
        f"/api/v1/tickets/{scene.ticket_id}/timeline", headers=scene.headers["olga"]
    )
    shown = [i for i in timeline.json()["items"] if i["kind"] == "SendCustomerNotification"]
    assert [(i["label"], i["category"], i["article_id"]) for i in shown] == [
        ("Customer Notification Sent", "automatic", article["id"])
    ]


async def test_a_re_evaluated_trigger_writes_no_second_article_or_mail(scene: Scene) -> None:
    await _notify(scene, "Tell the customer", ["ticket_state_update"], ["customer"])
    await _close(scene)
    assert await scene.mails() == [("cora@customer.example", "Your ticket was updated")]
    assert await scene.run_sweeps() == (0, 0)

    # A worker evaluates every trigger again, its sent-log lost: the article of the
    # notification's Message-ID is found, nothing is written or queued again.
    async with transaction(scene.web) as tx:
        await tx.session.execute(delete(NotificationSent))
        await tx.session.execute(update(NotificationTrigger).values(status="queued"))
    assert await scene.mails() == []
    assert len(await _system_articles(scene)) == 1
    async with transaction(scene.web) as tx:
        assert len(list(await tx.session.scalars(select(OutboxItem.id)))) == 1


async def test_agent_notifications_write_no_article(scene: Scene) -> None:
    await scene.call("PUT", f"tickets/{scene.ticket_id}/watchers/me", "ann")
    await _notify(scene, "Tell the watchers", ["ticket_state_update"], ["watchers"])
    await _close(scene)
    assert await scene.mails() == [("ann@example.com", "Your ticket was updated")]
    assert await _system_articles(scene) == []


async def test_the_customer_sees_the_article_and_another_customer_does_not(
    scene: Scene,
) -> None:
    await _notify(scene, "Tell the customer", ["ticket_state_update"], ["customer"])
    await _close(scene)
    await scene.run_sweeps()
    (article,) = await _system_articles(scene, "cora")
    assert (article["subject"], article["body"]) == (
        f"[Ticket#{await _number(scene)}] Your ticket was updated",
        "Dear Cora Customer,\n\nwe updated your ticket.\n",
    )
    _, dora = await make_customer(scene.web, "dora")
    response = await scene.client.get(f"/api/v1/tickets/{scene.ticket_id}/articles", headers=dora)
    assert response.status_code == 404


async def test_the_article_raises_no_notification_of_its_own(scene: Scene) -> None:
    # Notifications on every kind of new article, to the customer and to an agent: the
    # notification articles they write must not trigger them again.
    await scene.call("PUT", f"tickets/{scene.ticket_id}/watchers/me", "ann")
    await _notify(
        scene,
        "Every article",
        ["article_create", "note_add", "ticket_follow_up"],
        ["customer", "watchers"],
    )
    before = await triggers(scene.web)
    await scene.note("olga")
    # One mail per event and recipient (ann also gets the default note notification).
    assert await scene.mails() == [
        ("ann@example.com", "Ticket Note: Checked the toner"),
        ("ann@example.com", "Your ticket was updated"),
        ("ann@example.com", "Your ticket was updated"),
        ("cora@customer.example", "Your ticket was updated"),
        ("cora@customer.example", "Your ticket was updated"),
    ]
    # The note's two events only; the two notification articles added none.
    assert await triggers(scene.web) == [
        *before,
        ("note_add", "done", 1),
        ("article_create", "done", 1),
    ]
    assert len(await _system_articles(scene)) == 2
    assert await scene.run_sweeps() == (0, 0)


async def test_the_customers_reply_to_the_notification_threads_to_the_ticket(
    scene: Scene,
) -> None:
    await _notify(scene, "Tell the customer", ["ticket_state_update"], ["customer"])
    await _close(scene)
    await scene.run_sweeps()
    (mail,) = scene.relay.received
    message_id = str(parse(mail.data)["Message-ID"])
    # A subject without the ticket number: the In-Reply-To header alone finds the ticket.
    reply = (
        "From: Cora Customer <cora@customer.example>\r\n"
        "To: frontdesk@localhost\r\n"
        "Subject: Thanks\r\n"
        "Message-ID: <reply.1@customer.example>\r\n"
        f"In-Reply-To: {message_id}\r\n"
        "\r\n"
        "Thank you.\r\n"
    ).encode()
    response = await scene.client.post(
        "/api/v1/mail/inbound",
        content=reply,
        headers={**scene.admin, "Content-Type": "message/rfc822"},
    )
    assert response.status_code == 201, response.text
    assert (response.json()["ticket_id"], response.json()["follow_up"]) == (scene.ticket_id, True)
