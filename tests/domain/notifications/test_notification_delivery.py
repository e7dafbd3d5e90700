"""Ticket notifications end to end, on SQLite and PostgreSQL: a change commits a trigger; the
notification sweep turns it into e-mails in the outbox; the outbox hands them to a real SMTP
relay (aiosmtpd). Recipients, preferences, permissions, the own-action rule, filters, rollback
and retries, with the exact mails that arrive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import httpx
import pytest
from sqlalchemy import update

from frontdesk.bus.events import Event
from frontdesk.core.errors import ValidationFailed
from frontdesk.domain.accounts.models import CustomerUser
from frontdesk.domain.accounts.queries import actor_for_customer
from frontdesk.domain.notifications.dispatch import delete_old_triggers
from frontdesk.domain.notifications.models import NotificationTrigger
from frontdesk.domain.notifications.transports import (
    TRANSPORTS,
    Recipient,
    Rendered,
    register_transport,
)
from frontdesk.domain.notifications.triggers import (
    EVENT_TRIGGERS,
    queue_pending_reminders,
    register_event_trigger,
)
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets.actions import do_add_article
from frontdesk.domain.tickets.models import Ticket
from frontdesk.domain.tickets.schemas import ArticleCreate
from frontdesk.web.state import WebState
from tests.domain.notifications.scene import (
    CLOSED,
    JUNK,
    OPEN,
    RAW,
    Scene,
    build_scene,
    notification_id,
    parse,
    triggers,
)
from tests.domain.outbox.mail import set_settings
from tests.domain.outbox.relay import smtp_relay
from tests.domain.tickets.people import transaction

LOCKED_FOLLOW_UP = "Ticket follow-up notification (locked)"
NEW_NOTE = "Ticket new note notification"


@pytest.fixture
async def scene(
    web: WebState, client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> AsyncIterator[Scene]:
    with smtp_relay() as relay:
        yield await build_scene(web, client, relay, admin_headers)


async def test_the_subject_carries_the_ticket_number_as_the_subject_settings_say(
    scene: Scene,
) -> None:
    await set_settings(scene.web, {"Ticket::Hook": "Case#", "Ticket::SubjectFormat": "Right"})
    await scene.follow_up("Printer still broken after the weekend")
    await scene.run_sweeps()
    (mail,) = scene.relay.received
    number = (await scene.call("GET", f"tickets/{scene.ticket_id}", "olga"))["number"]
    assert parse(mail.data)["Subject"] == (
        f"Locked Ticket Follow-Up: Printer still broken aft[...] [Case#{number}]"
    )


async def test_a_customer_follow_up_mails_the_owner_once_with_the_rendered_text(
    scene: Scene,
) -> None:
    await scene.follow_up("Printer still broken after the weekend")
    assert await triggers(scene.web) == [
        ("ticket_create", "done", 1),
        ("article_create", "done", 1),
        ("ticket_follow_up", "queued", 0),
        ("article_create", "queued", 0),
    ]
    await scene.run_sweeps()
    (mail,) = scene.relay.received
    assert mail.recipients == ["olga@example.com"]
    assert mail.sender == "frontdesk@localhost"
    message = parse(mail.data)
    number = (await scene.call("GET", f"tickets/{scene.ticket_id}", "olga"))["number"]
    # The ticket number as ticket mail carries it: an answer to it is a follow-up.
    assert message["Subject"] == (
        f"[Ticket#{number}] Locked Ticket Follow-Up: Printer still broken aft[...]"
    )
    assert message["From"] == "Frontdesk Notifications <frontdesk@localhost>"
    assert message["To"] == "Olga Agent <olga@example.com>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert str(message["Message-ID"]).endswith("@desk.example.com>")
    assert message.get_content().replace("\r\n", "\n") == (
        "Hi Olga,\n\n"
        f"the locked ticket [{number}] received a follow-up.\n\n"
        "Cora Customer wrote:\nLine one\nLine two\n\n"
        f"http://desk.example.com/agent/tickets/{scene.ticket_id}\n\n"
        "-- Frontdesk Notifications\n"
    )
    assert await triggers(scene.web) == [
        ("ticket_create", "done", 1),
        ("article_create", "done", 1),
        ("ticket_follow_up", "done", 1),
        ("article_create", "done", 1),
    ]
    assert await scene.run_sweeps() == (0, 0)


async def test_the_acting_agent_is_not_told_unless_they_ask_for_it(scene: Scene) -> None:
    await scene.call("PUT", f"tickets/{scene.ticket_id}/watchers/me", "ann")
    await scene.note("olga")
    # Olga owns the ticket and is its responsible agent, but she wrote the note herself.
    assert await scene.mails() == [("ann@example.com", "Ticket Note: Checked the toner")]

    await scene.call("PUT", "me/settings/NotificationOwnActions", "olga", {"value": True})
    await scene.web.runtime.config.reload()
    await scene.note("olga", "Ordered a new toner cartridge")
    assert await scene.mails() == [
        ("ann@example.com", "Ticket Note: Ordered a new toner cart[...]"),
        ("olga@example.com", "Ticket Note: Ordered a new toner cart[...]"),
    ]


async def test_an_opted_out_agent_gets_nothing_unless_the_notification_is_mandatory(
    scene: Scene,
) -> None:
    locked = await notification_id(scene, LOCKED_FOLLOW_UP)
    await scene.call("PUT", f"tickets/{scene.ticket_id}/watchers/me", "ann")
    await scene.call("PUT", "me/notification-preferences", "ann", {str(locked): {"email": False}})
    await scene.follow_up()
    assert await scene.mails() == [
        ("olga@example.com", "Locked Ticket Follow-Up: Printer still broken")
    ]

    await scene.call("PATCH", f"notifications/{locked}", "admin", {"mandatory": True})
    await scene.follow_up("Again")
    assert await scene.mails() == [
        ("ann@example.com", "Locked Ticket Follow-Up: Again"),
        ("olga@example.com", "Locked Ticket Follow-Up: Again"),
    ]


async def test_an_agent_who_cannot_read_the_ticket_gets_nothing(scene: Scene) -> None:
    await scene.call(
        "POST",
        "notifications",
        "admin",
        {
            "name": "Tell Ann and Vic",
            "events": ["ticket_follow_up"],
            "recipients": [{"agent_id": scene.ids["ann"]}, {"agent_id": scene.ids["vic"]}],
            "messages": {"en": {"subject": "FYI <OTRS_TICKET_Title>", "body": "See it."}},
        },
    )
    await scene.follow_up()
    assert await scene.mails() == [
        ("ann@example.com", "FYI Printer on fire"),
        ("olga@example.com", "Locked Ticket Follow-Up: Printer still broken"),
    ]


async def test_a_rolled_back_change_sends_nothing(scene: Scene) -> None:
    async with transaction(scene.web) as tx:
        cora = await tx.session.get(CustomerUser, scene.ids["cora"])
        assert cora is not None
        customer = await actor_for_customer(tx.session, cora, ["users"])
    with pytest.raises(ValidationFailed):
        async with transaction(scene.web) as tx:
            await do_add_article(
                tx,
                customer,
                scene.ticket_id,
                ArticleCreate.model_validate(
                    {"channel": "email", "subject": "Hello", "body": "Anyone?"}
                ),
            )
            raise ValidationFailed("body", "the change failed after the article")
    assert await scene.run_sweeps() == (0, 0)
    assert [event for event, _status, _n in await triggers(scene.web)] == [
        "ticket_create",
        "article_create",
    ]
    assert scene.relay.received == []


class _FailingOnce:
    """A transport that refuses its first message, after the e-mail of the same trigger was
    already queued: the whole evaluation must roll back."""

    name = "failing_once"
    label = "Fails once"

    def __init__(self) -> None:
        self.calls = 0

    async def send(self, tx: Tx, recipient: Recipient, rendered: Rendered) -> None:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("the worker died here")


async def test_a_retried_trigger_does_not_send_twice(scene: Scene) -> None:
    failing = _FailingOnce()
    register_transport(failing)
    try:
        locked = await notification_id(scene, LOCKED_FOLLOW_UP)
        await scene.call(
            "PATCH", f"notifications/{locked}", "admin", {"transports": ["email", "failing_once"]}
        )
        await scene.follow_up()
        assert await scene.run_sweeps() == (2, 0)  # follow-up failed; article_create: no one
        assert scene.relay.received == []
        assert (await triggers(scene.web))[2] == ("ticket_follow_up", "queued", 1)

        # Its retry is due after the back-off; it then sends once.
        async with transaction(scene.web) as tx:
            await tx.session.execute(
                update(NotificationTrigger).values(next_attempt_at=NotificationTrigger.created_at)
            )
        assert await scene.mails() == [
            ("olga@example.com", "Locked Ticket Follow-Up: Printer still broken")
        ]
        # A worker that evaluates the trigger again (its first commit went unseen) finds what
        # was sent and sends nothing more.
        async with transaction(scene.web) as tx:
            await tx.session.execute(update(NotificationTrigger).values(status="queued"))
        assert await scene.mails() == []
        assert failing.calls == 2
    finally:
        TRANSPORTS.pop(failing.name)


async def test_watchers_and_my_queues(scene: Scene) -> None:
    await scene.call("PUT", "me/my-queues", "ann", {"queue_ids": [RAW]})
    await scene.call("PUT", "me/my-queues", "bob", {"queue_ids": [JUNK]})
    created = await scene.call(
        "POST",
        "tickets",
        "bob",
        {
            "title": "Coffee machine",
            "queue_id": RAW,
            "article": {"channel": "phone", "subject": "Call", "body": "No coffee."},
        },
    )
    assert await scene.mails() == [("ann@example.com", "Ticket Created: Coffee machine")]

    # Unlocked follow-up: My queues and watchers.
    scene.ticket_id = created["id"]
    await scene.call("PATCH", f"tickets/{scene.ticket_id}", "admin", {"customer_user": "cora"})
    await scene.call("PUT", f"tickets/{scene.ticket_id}/watchers/me", "olga")
    await scene.follow_up("Still no coffee")
    assert await scene.mails() == [
        ("ann@example.com", "Unlocked Ticket Follow-Up: Still no coffee"),
        ("olga@example.com", "Unlocked Ticket Follow-Up: Still no coffee"),
    ]
    await scene.call("DELETE", f"tickets/{scene.ticket_id}/watchers/me", "olga")
    await scene.follow_up("Coffee?")
    assert await scene.mails() == [("ann@example.com", "Unlocked Ticket Follow-Up: Coffee?")]


async def test_filters_by_queue_and_state(scene: Scene) -> None:
    await scene.call(
        "POST",
        "notifications",
        "admin",
        {
            "name": "Raw tickets opened",
            "events": ["ticket_state_update"],
            "filters": {"queue_ids": [RAW], "state_ids": [OPEN]},
            "recipients": [{"agent_id": scene.ids["ann"]}],
            "messages": {
                "en": {"subject": "<OTRS_TICKET_Title> is <OTRS_TICKET_State>", "body": "-"}
            },
        },
    )
    path = f"tickets/{scene.ticket_id}"
    await scene.call("PATCH", path, "bob", {"state_id": OPEN})
    assert await scene.mails() == [("ann@example.com", "Printer on fire is open")]
    await scene.call("PATCH", path, "bob", {"state_id": CLOSED})
    assert await scene.mails() == []
    await scene.call("PATCH", path, "admin", {"queue_id": JUNK})
    await scene.call("PATCH", path, "bob", {"state_id": OPEN})
    assert await scene.mails() == []


class _Escalated(Event):
    """Stands for an escalation event: a ``name`` from the vocabulary and a ``ticket_id``."""

    kind: ClassVar[str] = "test.notifications.escalated"
    ticket_id: int
    name: str


async def test_a_bus_event_source_is_one_registration(scene: Scene) -> None:
    register_event_trigger(_Escalated.kind)
    try:
        async with transaction(scene.web) as tx:
            tx.emit(_Escalated(ticket_id=scene.ticket_id, name="escalation_solution"))
        assert await scene.mails() == [("olga@example.com", "Ticket Escalation! Printer on fire")]
        with pytest.raises(RuntimeError):
            async with transaction(scene.web) as tx:
                tx.emit(_Escalated(ticket_id=scene.ticket_id, name="escalation_solution"))
                raise RuntimeError("rolled back")
        assert await scene.mails() == []
    finally:
        EVENT_TRIGGERS.pop(_Escalated.kind)


async def test_a_reached_pending_time_reminds_once(scene: Scene) -> None:
    path = f"tickets/{scene.ticket_id}"
    later = datetime.now(UTC) + timedelta(days=1)
    await scene.call(
        "PATCH",
        path,
        "olga",
        {"state": "pending reminder", "pending_until": later.isoformat().replace("+00:00", "Z")},
    )
    await scene.mails()
    async with transaction(scene.web) as tx:
        assert await queue_pending_reminders(tx.session, datetime.now(UTC)) == 0
    # The time comes (moved to just now, as the clock of the worker would find it).
    async with transaction(scene.web) as tx:
        await tx.session.execute(
            update(Ticket).values(pending_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    async with transaction(scene.web) as tx:
        assert await queue_pending_reminders(tx.session, datetime.now(UTC)) == 1
    assert await scene.mails() == [
        ("olga@example.com", "Locked Ticket Pending Reminder Time Reached: Printer on fire")
    ]
    async with transaction(scene.web) as tx:
        assert await queue_pending_reminders(tx.session, later) == 0
    assert await scene.mails() == []


async def test_queue_group_and_role_recipients(scene: Scene) -> None:
    role = await scene.call("POST", "roles", "admin", {"name": "Printer experts"})
    await scene.call("PUT", f"roles/{role['id']}/agents/{scene.ids['ann']}", "admin", {})
    for name, recipients in (
        ("Everyone with rw", ["queue_rw"]),
        ("Administrators", [{"group_id": 2}]),
        ("Experts", [{"role_id": role["id"]}]),
    ):
        await scene.call(
            "POST",
            "notifications",
            "admin",
            {
                "name": name,
                "events": ["ticket_priority_update"],
                "recipients": recipients,
                "messages": {"en": {"subject": name, "body": "-"}},
            },
        )
    await scene.call("PATCH", f"tickets/{scene.ticket_id}", "bob", {"priority_id": 4})
    assert await scene.mails() == [
        ("admin@example.com", "Administrators"),
        ("admin@example.com", "Everyone with rw"),
        ("ann@example.com", "Everyone with rw"),
        ("ann@example.com", "Experts"),
        ("olga@example.com", "Everyone with rw"),
    ]


async def test_the_escalation_features_event_notifies(scene: Scene) -> None:
    from frontdesk.domain.escalations.events import TicketEscalationReached

    async with transaction(scene.web) as tx:
        tx.emit(
            TicketEscalationReached(
                ticket_id=scene.ticket_id,
                name="escalation_update_warning",
                due_at="2030-01-07T09:00:00Z",
            )
        )
    assert await scene.mails() == [
        ("olga@example.com", "Ticket Escalation Warning! Printer on fire")
    ]


async def test_housekeeping_forgets_old_evaluated_triggers(scene: Scene) -> None:
    await scene.follow_up()
    await scene.run_sweeps()
    events = [event for event, _status, _n in await triggers(scene.web)]
    async with transaction(scene.web) as tx:
        assert await delete_old_triggers(tx.session, datetime.now(UTC)) == 0
    assert [event for event, _status, _n in await triggers(scene.web)] == events
    async with transaction(scene.web) as tx:
        later = datetime.now(UTC) + timedelta(days=31)
        assert await delete_old_triggers(tx.session, later) == len(events)
    assert await triggers(scene.web) == []


async def test_a_rolled_back_savepoint_triggers_nothing(scene: Scene) -> None:
    async with transaction(scene.web) as tx:
        cora = await tx.session.get(CustomerUser, scene.ids["cora"])
        assert cora is not None
        customer = await actor_for_customer(tx.session, cora, ["users"])
    before = await triggers(scene.web)
    async with transaction(scene.web) as tx:
        savepoint = await tx.session.begin_nested()
        await do_add_article(
            tx,
            customer,
            scene.ticket_id,
            ArticleCreate.model_validate({"channel": "email", "subject": "Hi", "body": "?"}),
        )
        await savepoint.rollback()
    assert await triggers(scene.web) == before
    assert await scene.mails() == []
