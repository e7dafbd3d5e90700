"""The notification API: OTRS' default set installed, create/read/change/delete, the
vocabularies checked with the field named, non-administrators refused with nothing changed;
agents' preferences, watching and My queues."""

from __future__ import annotations

from typing import Any

import httpx

from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.notifications.events import NotificationChanged
from frontdesk.domain.notifications.models import Notification
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.tickets.people import make_agent
from tests.web.test_api_ticket_catalogue import error_of, make_ticket, without_stamps

Headers = dict[str, str]

DEFAULT_NAMES = [
    "Ticket create notification",
    "Ticket escalation notification",
    "Ticket escalation warning notification",
    "Ticket follow-up notification (locked)",
    "Ticket follow-up notification (unlocked)",
    "Ticket lock timeout notification",
    "Ticket new note notification",
    "Ticket owner update notification",
    "Ticket pending reminder notification (locked)",
    "Ticket pending reminder notification (unlocked)",
    "Ticket queue update notification",
    "Ticket responsible update notification",
    "Ticket service update notification",
]
NEW = {
    "name": "Tell the boss",
    "events": ["ticket_create", "ticket_state_update"],
    "filters": {"queue_ids": [1], "state_ids": [1, 4], "article_sender": ["customer"]},
    "recipients": ["owner", "watchers", {"agent_id": 1}, {"group_id": 2}],
    "transports": ["email"],
    "messages": {"en": {"subject": "New: <OTRS_TICKET_Title>", "body": "Look at it."}},
    "mandatory": True,
    "valid": True,
}


async def stored(web: WebState) -> list[tuple[Any, ...]]:
    async with unit_of_work(web.session_factory) as session:
        rows = await session.execute(Notification.__table__.select().order_by(Notification.id))
        return [tuple(row) for row in rows]


async def test_the_otrs_default_set_is_installed(
    client: httpx.AsyncClient, admin_headers: Headers
) -> None:
    response = await client.get("/api/v1/notifications?limit=50", headers=admin_headers)
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 13
    assert [item["name"] for item in page["items"]] == DEFAULT_NAMES
    by_name = {item["name"]: item for item in page["items"]}
    locked = by_name["Ticket follow-up notification (locked)"]
    assert (locked["events"], locked["recipients"], locked["filters"], locked["transports"]) == (
        ["ticket_follow_up"],
        ["owner", "responsible", "watchers"],
        {"lock": ["lock"]},
        ["email"],
    )
    assert locked["messages"]["en"]["subject"] == (
        "Locked Ticket Follow-Up: <OTRS_CUSTOMER_SUBJECT[24]>"
    )
    assert (locked["mandatory"], locked["valid"]) == (False, True)


async def test_create_read_update_delete(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents
) -> None:
    events.clear()
    response = await client.post("/api/v1/notifications", json=NEW, headers=admin_headers)
    assert response.status_code == 201, response.text
    created = response.json()
    notification_id = created["id"]
    assert without_stamps(created) == {"id": notification_id, **NEW, "comment": ""}
    assert events == [NotificationChanged(notification_id=notification_id, op="created")]

    response = await client.get(f"/api/v1/notifications/{notification_id}", headers=admin_headers)
    assert without_stamps(response.json()) == {"id": notification_id, **NEW, "comment": ""}

    response = await client.patch(
        f"/api/v1/notifications/{notification_id}",
        json={"recipients": ["customer"], "filters": {}, "valid": False},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["recipients"], changed["filters"], changed["valid"]) == (
        ["customer"],
        {},
        False,
    )
    assert changed["events"] == NEW["events"]

    response = await client.post("/api/v1/notifications", json=NEW, headers=admin_headers)
    assert error_of(response)[:2] == (409, "name_taken")

    response = await client.delete(
        f"/api/v1/notifications/{notification_id}", headers=admin_headers
    )
    assert response.status_code == 204
    response = await client.get(f"/api/v1/notifications/{notification_id}", headers=admin_headers)
    assert error_of(response)[:2] == (404, "notification_not_found")


async def test_unknown_vocabulary_is_refused_naming_the_field(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    before = await stored(web)
    cases = {
        "events": {**NEW, "events": ["ticket_explode"]},
        "recipients": {**NEW, "recipients": ["everybody"]},
        "transports": {**NEW, "transports": ["pigeon"]},
        "filters.state_ids.0": {**NEW, "filters": {"state_ids": [0]}},
        "filters.article_sender": {**NEW, "filters": {"article_sender": ["robot"]}},
        "messages": {**NEW, "messages": {"english!": {"subject": "s", "body": "b"}}},
    }
    for field, body in cases.items():
        response = await client.post("/api/v1/notifications", json=body, headers=admin_headers)
        status, code, details = error_of(response)
        assert (status, code) == (422, "validation_failed"), response.text
        assert details[0]["field"] == field, response.text
    response = await client.patch(
        "/api/v1/notifications/1", json={"recipients": [{"agent_id": "x"}]}, headers=admin_headers
    )
    status, _code, details = error_of(response)
    assert (status, details[0]["field"]) == (422, "recipients")
    assert await stored(web) == before


async def test_non_administrators_are_refused_and_nothing_changes(
    client: httpx.AsyncClient, web: WebState, events: RecordedEvents
) -> None:
    _agent_id, headers = await make_agent(web, "ann", ["rw"])
    before = await stored(web)
    events.clear()
    for method, path, body in (
        ("GET", "/api/v1/notifications", None),
        ("POST", "/api/v1/notifications", NEW),
        ("GET", "/api/v1/notifications/1", None),
        ("PATCH", "/api/v1/notifications/1", {"valid": False}),
        ("DELETE", "/api/v1/notifications/1", None),
    ):
        response = await client.request(method, path, json=body, headers=headers)
        assert error_of(response)[:2] == (403, "admin_only"), (method, path, response.text)
    assert await stored(web) == before
    assert events == []


async def test_preferences_opt_out_but_not_of_a_mandatory_notification(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    _agent_id, headers = await make_agent(web, "ann", ["rw"])
    created = await client.post("/api/v1/notifications", json=NEW, headers=admin_headers)
    mandatory_id = str(created.json()["id"])

    response = await client.get("/api/v1/me/notification-preferences", headers=headers)
    assert response.status_code == 200
    preferences = response.json()
    assert len(preferences) == 14
    assert preferences["1"] == {"email": True}
    assert preferences[mandatory_id] == {"email": True}

    response = await client.put(
        "/api/v1/me/notification-preferences", json={"1": {"email": False}}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["1"] == {"email": False}

    for body, field in (
        ({mandatory_id: {"email": False}}, f"{mandatory_id}.email"),
        ({"1": {"sms": True}}, "1.sms"),
        ({"999": {"email": True}}, "999"),
    ):
        response = await client.put(
            "/api/v1/me/notification-preferences", json=body, headers=headers
        )
        status, _code, details = error_of(response)
        assert (status, details[0]["field"]) == (422, field), response.text
    response = await client.get("/api/v1/me/notification-preferences", headers=headers)
    assert response.json()["1"] == {"email": False}
    assert response.json()[mandatory_id] == {"email": True}


async def test_watching_and_my_queues(client: httpx.AsyncClient, web: WebState) -> None:
    ann_id, ann = await make_agent(web, "ann", ["ro"])
    _bob_id, bob = await make_agent(web, "bob", [])
    ticket_id = await make_ticket(web)

    response = await client.put(f"/api/v1/tickets/{ticket_id}/watchers/me", headers=ann)
    assert response.json() == {"ticket_id": ticket_id, "watching": True}
    response = await client.get(f"/api/v1/tickets/{ticket_id}/watchers", headers=ann)
    assert response.json() == {"agent_ids": [ann_id]}
    # Bob cannot read the ticket: as if it did not exist, and he watches nothing.
    response = await client.put(f"/api/v1/tickets/{ticket_id}/watchers/me", headers=bob)
    assert error_of(response)[0] == 404
    response = await client.delete(f"/api/v1/tickets/{ticket_id}/watchers/me", headers=ann)
    assert response.json() == {"ticket_id": ticket_id, "watching": False}
    response = await client.get(f"/api/v1/tickets/{ticket_id}/watchers", headers=ann)
    assert response.json() == {"agent_ids": []}

    response = await client.put("/api/v1/me/my-queues", json={"queue_ids": [3, 1]}, headers=ann)
    assert response.json() == {"queue_ids": [1, 3]}
    response = await client.put("/api/v1/me/my-queues", json={"queue_ids": [2]}, headers=bob)
    status, _code, details = error_of(response)
    assert (status, details[0]["field"]) == (422, "queue_ids")
    response = await client.get("/api/v1/me/my-queues", headers=ann)
    assert response.json() == {"queue_ids": [1, 3]}
    response = await client.get("/api/v1/me/my-queues", headers=bob)
    assert response.json() == {"queue_ids": []}
