"""A helpdesk for the notification tests: agents, a customer, a locked ticket, a real relay, and
the two sweeps (notifications, then the outbox) run the way the job workers run them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from email.policy import default as default_policy
from typing import Any

import httpx
from sqlalchemy import select

from frontdesk.domain.notifications.dispatch import dispatch_due
from frontdesk.domain.notifications.models import NotificationTrigger
from frontdesk.domain.outbox.delivery import deliver_due
from frontdesk.domain.tickets.models import Ticket
from frontdesk.web.state import WebState
from tests.domain.outbox.mail import set_settings, use_relay
from tests.domain.outbox.relay import Relay
from tests.domain.tickets.people import make_agent, make_customer

Headers = dict[str, str]
RAW, JUNK = 2, 3
OPEN, CLOSED = 2, 3  # state ids of "open" and "closed successful"


@dataclass
class Scene:
    web: WebState
    client: httpx.AsyncClient
    relay: Relay
    admin: Headers
    ids: dict[str, int]
    headers: dict[str, Headers]
    ticket_id: int = 0

    async def run_sweeps(self) -> tuple[int, int]:
        """The notification sweep, then the outbox sweep: (triggers evaluated, mails tried)."""
        factory = self.web.session_factory
        triggers = await dispatch_due(factory, self.web.runtime)
        mails = await deliver_due(factory, self.web.runtime, "w1")
        return triggers, mails

    async def mails(self) -> list[tuple[str, str]]:
        """What reached the relay since the last call, as (recipient, subject), in order. Every
        subject starts with the number of one of the tickets ("[Ticket#…] "), as ticket mail
        does; the subject is given without it."""
        await self.run_sweeps()
        async with self.web.session_factory() as session:
            numbers = set(await session.scalars(select(Ticket.number)))
        received = []
        for item in self.relay.received:
            subject = str(parse(item.data)["Subject"])
            tagged = re.fullmatch(r"\[Ticket#(\d+)\] (.*)", subject)
            assert tagged is not None and tagged[1] in numbers, subject
            received += [(recipient, tagged[2]) for recipient in item.recipients]
        self.relay.received.clear()
        return sorted(received)

    async def call(self, method: str, path: str, who: str, body: Any = None) -> Any:
        headers = self.admin if who == "admin" else self.headers[who]
        response = await self.client.request(method, f"/api/v1/{path}", json=body, headers=headers)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    async def follow_up(self, subject: str = "Printer still broken") -> None:
        await self.call(
            "POST",
            f"tickets/{self.ticket_id}/articles",
            "cora",
            {"channel": "email", "subject": subject, "body": "Line one\nLine two"},
        )

    async def note(self, who: str, subject: str = "Checked the toner") -> None:
        await self.call(
            "POST",
            f"tickets/{self.ticket_id}/articles",
            who,
            {"channel": "internal", "subject": subject, "body": "It was empty."},
        )


def parse(raw: bytes) -> Message:
    return message_from_bytes(raw, policy=default_policy)


async def build_scene(
    web: WebState, client: httpx.AsyncClient, relay: Relay, admin: Headers
) -> Scene:
    await use_relay(web, relay.port)
    await set_settings(web, {"FQDN": "desk.example.com"})
    ids: dict[str, int] = {}
    headers: dict[str, Headers] = {}
    for login in ("olga", "ann", "bob"):
        ids[login], headers[login] = await make_agent(web, login, ["rw"])
    ids["vic"], headers["vic"] = await make_agent(web, "vic", [])
    ids["cora"], headers["cora"] = await make_customer(web, "cora")
    scene = Scene(web=web, client=client, relay=relay, admin=admin, ids=ids, headers=headers)
    created = await scene.call(
        "POST",
        "tickets",
        "olga",
        {
            "title": "Printer on fire",
            "queue_id": RAW,
            "customer_user": "cora",
            "article": {"channel": "phone", "subject": "Call", "body": "It burns."},
        },
    )
    scene.ticket_id = created["id"]
    await scene.call("PATCH", f"tickets/{scene.ticket_id}", "olga", {"lock": "lock"})
    assert await scene.mails() == []
    return scene


async def triggers(web: WebState) -> list[tuple[str, str, int]]:
    async with web.session_factory() as session:
        rows = await session.scalars(select(NotificationTrigger).order_by(NotificationTrigger.id))
        return [(row.event, row.status, row.attempts) for row in rows]


async def notification_id(scene: Scene, name: str) -> int:
    page = await scene.call("GET", "notifications?limit=100", "admin")
    return next(int(item["id"]) for item in page["items"] if item["name"] == name)
