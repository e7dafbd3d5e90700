"""The queue's unlock timeout, with a frozen clock, on SQLite and PostgreSQL: a locked ticket its
owner leaves alone is unlocked by the tickets job, once, with an ``UnlockTimeout`` history row
and the lock-timeout notification mailed to the owner through the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from frontdesk.domain.tickets import jobs as ticket_jobs
from frontdesk.domain.tickets.events import TicketUpdated
from frontdesk.domain.tickets.models import TicketHistory
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.escalations.clock import FrozenClock, berlin_calendar, freeze, utc
from tests.domain.notifications.scene import RAW, Scene, build_scene, triggers
from tests.domain.outbox.relay import smtp_relay
from tests.domain.tickets.people import transaction

LOCKED_AT = "2027-01-04 09:00"  # a Monday
TIMED_OUT = ("olga@example.com", "Ticket Lock Timeout: Printer on fire")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    frozen = freeze(monkeypatch, LOCKED_AT)
    monkeypatch.setattr(ticket_jobs, "utcnow", frozen)
    return frozen


@pytest.fixture
async def scene(
    web: WebState,
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    clock: FrozenClock,
) -> AsyncIterator[Scene]:
    """Olga's ticket "Printer on fire" in Raw, locked by her at ``LOCKED_AT``."""
    with smtp_relay() as relay:
        yield await build_scene(web, client, relay, admin_headers)


async def _run_job(scene: Scene, clock: FrozenClock, at: str) -> list[str]:
    """The job at ``at``; the ticket's lock after it."""
    clock.set(at)
    async with transaction(scene.web) as tx:
        await ticket_jobs.unlock_timed_out_tickets(tx)
    ticket = await scene.call("GET", f"tickets/{scene.ticket_id}", "admin")
    return [ticket["lock"]]


async def _unlock_history(web: WebState, ticket_id: int) -> list[tuple[Any, ...]]:
    async with transaction(web) as tx:
        rows = await tx.session.scalars(
            select(TicketHistory)
            .where(
                TicketHistory.ticket_id == ticket_id,
                TicketHistory.history_type == "UnlockTimeout",
            )
            .order_by(TicketHistory.id)
        )
        return [
            (row.actor_kind, row.actor_id, row.actor_name, row.values, row.created_at)
            for row in rows
        ]


async def _set_unlock_timeout(scene: Scene, minutes: int, **more: Any) -> None:
    await scene.call("PATCH", f"queues/{RAW}", "admin", {"unlock_timeout": minutes, **more})


async def test_a_ticket_left_alone_is_unlocked_once_and_its_owner_told(
    scene: Scene, clock: FrozenClock, events: RecordedEvents
) -> None:
    await _set_unlock_timeout(scene, 30)
    events.clear()

    assert await _run_job(scene, clock, "2027-01-04 09:29:59") == ["lock"]
    assert await _unlock_history(scene.web, scene.ticket_id) == []
    assert await scene.mails() == []

    assert await _run_job(scene, clock, "2027-01-04 09:30") == ["unlock"]
    assert await _unlock_history(scene.web, scene.ticket_id) == [
        ("system", None, "system", {"old": "lock", "new": "unlock"}, utc("2027-01-04 09:30")),
    ]
    updated = [e for e in events if isinstance(e, TicketUpdated)]
    assert [(e.ticket_id, e.fields) for e in updated] == [(scene.ticket_id, ("lock",))]
    assert updated[0].audience.agent_ids == (scene.ids["olga"],)
    assert await scene.mails() == [TIMED_OUT]
    assert (await triggers(scene.web))[-1] == ("ticket_lock_timeout", "done", 1)
    ticket = await scene.call("GET", f"tickets/{scene.ticket_id}", "admin")
    assert (ticket["owner_id"], ticket["updated_at"]) == (
        scene.ids["olga"],
        "2027-01-04T09:30:00.000Z",
    )

    # Nothing more to do: an unlocked ticket is not unlocked again.
    assert await _run_job(scene, clock, "2027-01-05 09:30") == ["unlock"]
    assert len(await _unlock_history(scene.web, scene.ticket_id)) == 1
    assert await scene.mails() == []


async def test_the_owners_work_restarts_the_timeout_and_nobody_elses_does(
    scene: Scene, clock: FrozenClock
) -> None:
    await _set_unlock_timeout(scene, 30)
    clock.set("2027-01-04 09:20")
    await scene.note("olga")  # the owner's own note
    clock.set("2027-01-04 09:40")
    await scene.follow_up()  # the customer writes
    clock.set("2027-01-04 09:45")
    await scene.note("bob")  # a colleague's note
    await scene.mails()

    assert await _run_job(scene, clock, "2027-01-04 09:49") == ["lock"]
    clock.set("2027-01-04 09:49:30")
    await scene.call("PATCH", f"tickets/{scene.ticket_id}", "olga", {"priority_id": 4})
    assert await _run_job(scene, clock, "2027-01-04 10:19") == ["lock"]
    assert await _run_job(scene, clock, "2027-01-04 10:19:30") == ["unlock"]
    assert await _unlock_history(scene.web, scene.ticket_id) == [
        ("system", None, "system", {"old": "lock", "new": "unlock"}, utc("2027-01-04 10:19:30")),
    ]
    assert await scene.mails() == [TIMED_OUT]


async def test_a_new_owner_gets_the_whole_timeout(scene: Scene, clock: FrozenClock) -> None:
    await _set_unlock_timeout(scene, 30)
    clock.set("2027-01-04 09:25")
    await scene.call("PATCH", f"tickets/{scene.ticket_id}", "admin", {"owner_id": scene.ids["ann"]})
    await scene.mails()
    assert await _run_job(scene, clock, "2027-01-04 09:54") == ["lock"]
    assert await _run_job(scene, clock, "2027-01-04 09:55") == ["unlock"]
    assert await scene.mails() == [
        ("ann@example.com", "Ticket Lock Timeout: Printer on fire"),
        TIMED_OUT,  # still the responsible agent
    ]


async def test_pending_tickets_and_queues_without_a_timeout_stay_locked(
    scene: Scene, clock: FrozenClock
) -> None:
    # Raw has the default unlock timeout, 0: never.
    assert await _run_job(scene, clock, "2027-01-11 09:00") == ["lock"]

    await _set_unlock_timeout(scene, 30)
    clock.set("2027-01-11 09:00")
    await scene.call(
        "PATCH",
        f"tickets/{scene.ticket_id}",
        "olga",
        {"state": "pending reminder", "pending_until": "2027-01-20T09:00:00Z"},
    )
    await scene.mails()
    assert await _run_job(scene, clock, "2027-01-13 09:00") == ["lock"]
    assert await _unlock_history(scene.web, scene.ticket_id) == []
    assert await scene.mails() == []


async def test_the_timeout_counts_in_the_queues_office_hours(
    scene: Scene, clock: FrozenClock
) -> None:
    calendar_id = await berlin_calendar(scene.web)  # Mon-Fri 08:00-17:00 Berlin
    await _set_unlock_timeout(scene, 30, business_calendar_id=calendar_id)
    clock.set("2027-01-08 15:50")  # Friday 16:50 in Berlin
    await scene.note("olga")
    await scene.mails()
    # Ten working minutes on Friday, none over the weekend, twenty on Monday from 08:00.
    assert await _run_job(scene, clock, "2027-01-10 12:00") == ["lock"]
    assert await _run_job(scene, clock, "2027-01-11 07:19") == ["lock"]
    assert await _run_job(scene, clock, "2027-01-11 07:20") == ["unlock"]
    assert await scene.mails() == [TIMED_OUT]
