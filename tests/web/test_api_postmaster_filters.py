"""Postmaster filters: CRUD for admins, and what they do to received mail."""

from __future__ import annotations

import httpx

from frontdesk.web.state import WebState
from tests.domain.mail_inbound.corpus import plain_mail
from tests.domain.mail_inbound.stored import Headers, counts, post_mail, ticket
from tests.domain.tickets.people import make_agent

URL = "/api/v1/postmaster-filters"


async def test_a_filter_sets_queue_and_priority_of_matching_mail_only(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    created = await client.post(
        URL,
        headers=admin_headers,
        json={
            "name": "Invoices to Misc",
            "match": [
                {"header": "Subject", "pattern": "invoice", "negate": False},
                {"header": "From", "pattern": "@example\\.com>?$"},
            ],
            "set": {"queue": "Misc", "priority": "5 very high"},
        },
    )
    assert created.status_code == 201, created.text
    assert created.json() == {
        "id": created.json()["id"],
        "name": "Invoices to Misc",
        "match": [
            {"header": "Subject", "pattern": "invoice", "negate": False},
            {"header": "From", "pattern": "@example\\.com>?$", "negate": False},
        ],
        "set": {"queue": "Misc", "priority": "5 very high"},
        "stop": False,
        "valid": True,
    }
    matching = (
        await post_mail(client, admin_headers, plain_mail(1, subject="Your INVOICE"))
    ).json()
    other = (await post_mail(client, admin_headers, plain_mail(2, subject="Hello"))).json()
    first, second = await ticket(web, matching["ticket_id"]), await ticket(web, other["ticket_id"])
    assert (first.queue_id, first.priority_id) == (4, 5)  # Misc, 5 very high
    assert (second.queue_id, second.priority_id) == (2, 3)  # Raw, 3 normal


async def test_negate_stop_and_ignore(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    for body in (
        {
            "name": "a: drop bulk",
            "match": [{"header": "Precedence", "pattern": "^bulk$"}],
            "set": {"ignore": True},
            "stop": True,
        },
        {
            "name": "b: not from us goes to Junk",
            "match": [{"header": "From", "pattern": "@frontdesk\\.test", "negate": True}],
            "set": {"queue": "Junk"},
        },
    ):
        assert (await client.post(URL, headers=admin_headers, json=body)).status_code == 201
    bulk = plain_mail(1, extra_headers="Precedence: bulk\r\n")
    dropped = await post_mail(client, admin_headers, bulk)
    assert (dropped.status_code, dropped.json()) == (200, {"ignored": True, "reason": "filter"})
    assert await counts(web) == (0, 0, 0, 0)
    junk = (await post_mail(client, admin_headers, plain_mail(2))).json()
    assert (await ticket(web, junk["ticket_id"])).queue_id == 3
    ours = (
        await post_mail(client, admin_headers, plain_mail(3, sender="ops@frontdesk.test"))
    ).json()
    assert (await ticket(web, ours["ticket_id"])).queue_id == 2


async def test_bad_filters_are_refused_naming_the_field(
    client: httpx.AsyncClient, admin_headers: Headers
) -> None:
    good = {"name": "x", "match": [{"header": "Subject", "pattern": "a"}], "set": {"queue": "Misc"}}
    for change, field in (
        ({"match": [{"header": "Subject", "pattern": "(unclosed"}]}, "pattern"),
        ({"match": [{"header": "Bad Header:", "pattern": "a"}]}, "header"),
        ({"match": []}, "match"),
        ({"set": {"owner": "admin"}}, "set"),
        ({"set": {"ignore": "yes"}}, "set"),
        ({"name": ""}, "name"),
    ):
        response = await client.post(URL, headers=admin_headers, json={**good, **change})
        assert response.status_code == 422, (change, response.text)
        assert field in response.text
    assert (await client.post(URL, headers=admin_headers, json=good)).status_code == 201
    taken = await client.post(URL, headers=admin_headers, json={**good, "name": "X"})
    assert (taken.status_code, taken.json()["error"]["code"]) == (409, "name_taken")


async def test_update_delete_and_only_admins(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    body = {"name": "x", "match": [{"header": "Subject", "pattern": "a"}], "set": {"queue": "Misc"}}
    filter_id = (await client.post(URL, headers=admin_headers, json=body)).json()["id"]
    changed = await client.patch(
        f"{URL}/{filter_id}", headers=admin_headers, json={"valid": False, "stop": True}
    )
    assert (changed.json()["valid"], changed.json()["stop"], changed.json()["name"]) == (
        False,
        True,
        "x",
    )
    listed = await client.get(f"{URL}?valid=false", headers=admin_headers)
    assert [f["id"] for f in listed.json()["items"]] == [filter_id]
    _agent, agent = await make_agent(web, "agnes", ["rw"])
    for method, url in (
        ("GET", URL),
        ("POST", URL),
        ("PATCH", f"{URL}/{filter_id}"),
        ("DELETE", f"{URL}/{filter_id}"),
    ):
        response = await client.request(method, url, headers=agent, json=body)
        assert response.status_code == 403, (method, response.text)
    assert (await client.get(f"{URL}/{filter_id}", headers=admin_headers)).json()["valid"] is False
    assert (await client.delete(f"{URL}/{filter_id}", headers=admin_headers)).status_code == 204
    assert (await client.get(f"{URL}/{filter_id}", headers=admin_headers)).status_code == 404
