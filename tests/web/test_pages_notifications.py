"""The notification pages: the admin screen (list, add, edit, refusals inline with nothing
stored, non-administrators refused), the agent's notification preferences and My queues on the
preferences page, and the Watch button of the ticket zoom."""

from __future__ import annotations

import html
import re

import httpx

from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.domain.tickets.people import make_agent
from tests.web.test_api_notifications import stored
from tests.web.test_pages_admin import api_items, assert_created, field_error, log_in, log_in_admin

FORM = {
    "name": "Tell the boss",
    "events": ["ticket_create", "ticket_state_update"],
    "recipients": ["owner", "agent:1", "group:2"],
    "transports": ["email"],
    "queue_ids": ["2"],
    "lock": ["lock"],
    "subject": "New: <OTRS_TICKET_Title>",
    "body": "Hi <OTRS_NOTIFICATION_RECIPIENT_UserFirstname>",
    "mandatory": "yes",
    "valid": "1",
}


async def test_the_admin_screen_lists_adds_and_edits(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    csrf = await log_in_admin(client)
    listed = await client.get("/admin/notifications?limit=50")
    assert listed.status_code == 200
    assert "Ticket follow-up notification (locked)" in listed.text
    assert "Customer follow-up" in listed.text

    form = await client.get("/admin/notifications/new")
    assert form.status_code == 200
    assert '<option value="ticket_follow_up">Customer follow-up</option>' in form.text
    assert '<option value="email">Email</option>' in form.text

    response = await client.post("/admin/notifications/new", data={"csrf_token": csrf, **FORM})
    assert_created(response, "notifications")
    created = next(
        item
        for item in await api_items(client, "notifications?limit=50", admin_headers)
        if item["name"] == "Tell the boss"
    )
    assert created["events"] == ["ticket_create", "ticket_state_update"]
    assert created["recipients"] == ["owner", {"agent_id": 1}, {"group_id": 2}]
    assert created["filters"] == {"queue_ids": [2], "lock": ["lock"]}
    assert created["messages"] == {
        "en": {
            "subject": "New: <OTRS_TICKET_Title>",
            "body": "Hi <OTRS_NOTIFICATION_RECIPIENT_UserFirstname>",
        }
    }
    assert created["mandatory"] is True

    # A German text set through the API survives an edit of the English one on the screen.
    await client.patch(
        f"/api/v1/notifications/{created['id']}",
        json={"messages": {**created["messages"], "de": {"subject": "Neu", "body": "Hallo"}}},
        headers=admin_headers,
    )
    edit = await client.get(f"/admin/notifications/{created['id']}")
    assert 'value="New: &lt;OTRS_TICKET_Title&gt;"' in edit.text
    assert '<option value="agent:1" selected>' in edit.text
    response = await client.post(
        f"/admin/notifications/{created['id']}",
        data={"csrf_token": csrf, **FORM, "subject": "Changed", "recipients": ["customer"]},
    )
    assert response.status_code == 303, response.text
    changed = (
        await client.get(f"/api/v1/notifications/{created['id']}", headers=admin_headers)
    ).json()
    assert changed["recipients"] == ["customer"]
    assert changed["messages"] == {
        "en": {"subject": "Changed", "body": "Hi <OTRS_NOTIFICATION_RECIPIENT_UserFirstname>"},
        "de": {"subject": "Neu", "body": "Hallo"},
    }


async def test_bad_forms_show_inline_errors_and_store_nothing(
    client: httpx.AsyncClient, web: WebState, events: RecordedEvents
) -> None:
    csrf = await log_in_admin(client)
    before = await stored(web)
    events.clear()
    for field, changed in (
        ("events", {"events": ["ticket_explode"]}),
        ("recipients", {"recipients": ["everybody"]}),
        ("subject", {"subject": "  "}),
        ("queue_ids", {"queue_ids": ["x"]}),
    ):
        response = await client.post(
            "/admin/notifications/new", data={"csrf_token": csrf, **FORM, **changed}
        )
        assert response.status_code == 422, (field, response.text)
        assert field_error(response.text, field), (field, response.text)
    assert await stored(web) == before
    assert events == []


async def test_non_administrators_get_403_and_nothing_changes(
    client: httpx.AsyncClient, web: WebState
) -> None:
    await make_agent(web, "ann", ["rw"], password="ann-password-1")
    csrf = await log_in(client, "ann", "ann-password-1")
    before = await stored(web)
    assert (await client.get("/admin/notifications")).status_code == 403
    response = await client.post("/admin/notifications/new", data={"csrf_token": csrf, **FORM})
    assert response.status_code == 403
    assert await stored(web) == before


async def test_agent_preferences_and_my_queues(
    client: httpx.AsyncClient, web: WebState, admin_headers: dict[str, str]
) -> None:
    await client.patch("/api/v1/notifications/2", json={"mandatory": True}, headers=admin_headers)
    _ann_id, ann = await make_agent(web, "ann", ["rw"], password="ann-password-1")
    csrf = await log_in(client, "ann", "ann-password-1")
    page = await client.get("/agent/preferences")
    assert 'hx-get="/agent/notifications/preferences"' in page.text

    card = await client.get("/agent/notifications/preferences")
    assert card.status_code == 200
    text = html.unescape(card.text)
    assert "Ticket create notification" in text
    assert re.search(
        r'id="notification-1-email" name="notification-1-email" value="1" checked>', text
    )
    # The mandatory one is shown on, and cannot be switched off.
    assert re.search(
        r'id="notification-2-email" name="notification-2-email" value="1" checked disabled', text
    )
    assert "Mandatory notifications are always sent" in text
    assert 'id="my-queue-2"' in text

    # Everything but notification 3 stays on; 2 is mandatory and stays on without its box.
    on = {f"notification-{i}-email": "1" for i in range(4, 14)} | {"notification-1-email": "1"}
    response = await client.post(
        "/agent/notifications/preferences", data={"csrf_token": csrf, **on}
    )
    assert response.status_code == 303
    preferences = (await client.get("/api/v1/me/notification-preferences", headers=ann)).json()
    assert [key for key, value in preferences.items() if not value["email"]] == ["3"]

    response = await client.post(
        "/agent/notifications/my-queues", data={"csrf_token": csrf, "queue_id": ["2", "4"]}
    )
    assert response.status_code == 303
    assert (await client.get("/api/v1/me/my-queues", headers=ann)).json() == {"queue_ids": [2, 4]}
    card = await client.get("/agent/notifications/preferences")
    assert 'id="my-queue-4" name="queue_id" value="4" checked' in card.text


async def test_the_zoom_offers_watch_and_unwatch(client: httpx.AsyncClient, web: WebState) -> None:
    from tests.web.test_api_ticket_catalogue import make_ticket

    _ann_id, ann = await make_agent(web, "ann", ["rw"], password="ann-password-1")
    csrf = await log_in(client, "ann", "ann-password-1")
    ticket_id = await make_ticket(web)
    zoom = await client.get(f"/agent/tickets/{ticket_id}")
    assert f'hx-get="/agent/tickets/{ticket_id}/watch"' in zoom.text
    button = await client.get(f"/agent/tickets/{ticket_id}/watch")
    assert "Watch ticket" in button.text

    response = await client.post(
        f"/agent/tickets/{ticket_id}/watch", data={"csrf_token": csrf, "watch": "1"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/agent/tickets/{ticket_id}"
    watchers = await client.get(f"/api/v1/tickets/{ticket_id}/watchers", headers=ann)
    assert watchers.json() == {"agent_ids": [_ann_id]}
    button = await client.get(f"/agent/tickets/{ticket_id}/watch")
    assert "Unwatch ticket" in button.text

    await client.post(f"/agent/tickets/{ticket_id}/watch", data={"csrf_token": csrf, "watch": "0"})
    watchers = await client.get(f"/api/v1/tickets/{ticket_id}/watchers", headers=ann)
    assert watchers.json() == {"agent_ids": []}
