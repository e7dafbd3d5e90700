"""The mail queue API: list, retry, cancel; admin only."""

from __future__ import annotations

from typing import Any

import httpx

from frontdesk.web.state import WebState
from tests.domain.outbox.mail import items, queue_mail, use_relay
from tests.domain.outbox.relay import RecordingHandler, smtp_relay
from tests.domain.tickets.people import make_agent

Headers = dict[str, str]


def error_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


async def rows(web: WebState) -> list[tuple[Any, ...]]:
    return [(i.id, i.status, i.attempts, i.last_error) for i in await items(web)]


async def test_admin_lists_the_queue_with_paging_and_a_status_filter(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    first = await queue_mail(web, 1, recipients=["a@example.com", "b@example.com"])
    second = await queue_mail(web, 2)
    third = await queue_mail(web, 3)
    await client.post(f"/api/v1/mail-queue/{second}/cancel", headers=admin_headers)

    response = await client.get("/api/v1/mail-queue?limit=2&offset=0", headers=admin_headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 0)
    assert [i["id"] for i in body["items"]] == [third, second]
    assert {k: body["items"][1][k] for k in ("article_id", "status", "attempts", "last_error")} == {
        "article_id": None,
        "status": "cancelled",
        "attempts": 0,
        "last_error": None,
    }

    response = await client.get(
        "/api/v1/mail-queue?status=queued&sort=created&order=asc", headers=admin_headers
    )
    body = response.json()
    assert body["total"] == 2
    assert [i["id"] for i in body["items"]] == [first, third]
    assert body["items"][0]["recipients"] == ["a@example.com", "b@example.com"]
    assert body["items"][0]["message_id"] == "<1.outbox@frontdesk.test>"
    assert body["items"][0]["next_attempt_at"] is not None


async def test_bad_list_input_is_a_422(client: httpx.AsyncClient, admin_headers: Headers) -> None:
    for query in ("status=lost", "sort=secret", "limit=0", "offset=-1", "order=up"):
        response = await client.get(f"/api/v1/mail-queue?{query}", headers=admin_headers)
        assert response.status_code == 422, query


async def test_retry_a_failed_mail_sends_it_and_cancel_is_refused_once_sent(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    from frontdesk.domain.outbox.delivery import deliver_due

    handler = RecordingHandler(refusals=["554 5.7.1 Not now"])
    with smtp_relay(handler) as relay:
        await use_relay(web, relay.port)
        item_id = await queue_mail(web, 4)
        await deliver_due(web.session_factory, web.runtime, "w1")
        assert await rows(web) == [(item_id, "failed", 1, "SMTP 554 5.7.1 Not now")]

        response = await client.post(f"/api/v1/mail-queue/{item_id}/retry", headers=admin_headers)
        assert response.status_code == 200, response.text
        assert (response.json()["status"], response.json()["attempts"]) == ("queued", 0)
        await deliver_due(web.session_factory, web.runtime, "w1")

    assert len(relay.received) == 1
    assert await rows(web) == [(item_id, "sent", 1, None)]
    for action in ("retry", "cancel"):
        response = await client.post(
            f"/api/v1/mail-queue/{item_id}/{action}", headers=admin_headers
        )
        assert error_of(response) == (409, "mail_queue_status_conflict"), action
    assert await rows(web) == [(item_id, "sent", 1, None)]


async def test_cancelled_mail_is_never_sent(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    from frontdesk.domain.outbox.delivery import deliver_due

    with smtp_relay() as relay:
        await use_relay(web, relay.port)
        item_id = await queue_mail(web, 5)
        response = await client.post(f"/api/v1/mail-queue/{item_id}/cancel", headers=admin_headers)
        assert response.json()["status"] == "cancelled"
        assert await deliver_due(web.session_factory, web.runtime, "w1") == 0
    assert relay.received == []
    assert error_of(
        await client.post("/api/v1/mail-queue/999999/retry", headers=admin_headers)
    ) == (404, "mail_queue_item_not_found")


async def test_no_token_is_401_and_a_non_admin_is_403_with_nothing_changed(
    client: httpx.AsyncClient, web: WebState
) -> None:
    item_id = await queue_mail(web, 6)
    _agent_id, nick = await make_agent(web, "nick", ["ro", "rw"])
    before = await rows(web)
    calls = (
        ("GET", "/api/v1/mail-queue"),
        ("GET", f"/api/v1/mail-queue/{item_id}"),
        ("POST", f"/api/v1/mail-queue/{item_id}/retry"),
        ("POST", f"/api/v1/mail-queue/{item_id}/cancel"),
    )
    for method, url in calls:
        assert error_of(await client.request(method, url)) == (401, "authentication_required")
        assert error_of(await client.request(method, url, headers=nick))[0] == 403, url
    assert await rows(web) == before
