"""The queue mail set-up API: system addresses, salutations, signatures, templates (with files)
and automatic responses, and the mail fields of queues. Bad input is refused naming the field;
non-administrators are refused. Every refusal changes nothing and announces nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from frontdesk.core.actor import SYSTEM
from frontdesk.core.pagination import PageRequest
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.mail_setup import queries
from frontdesk.domain.mail_setup.events import MailSetupChanged
from frontdesk.domain.mail_setup.models import Salutation, Signature
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.web.test_api_ticket_catalogue import (
    USERS,
    create,
    error_of,
    make_agent,
    make_customer,
    without_stamps,
)

Headers = dict[str, str]
MISC, RAW = 4, 2  # default queues


def changed(entity: str, entity_id: int, op: str) -> MailSetupChanged:
    return MailSetupChanged.model_validate({"entity": entity, "entity_id": entity_id, "op": op})


async def snapshot(web: WebState) -> dict[str, Any]:
    """Everything of the mail set-up and the queues' mail fields."""
    page = PageRequest.build(100, 0)
    async with unit_of_work(web.session_factory) as session:
        lists = {
            "addresses": await queries.system_addresses_for_actor(session, SYSTEM, page),
            "salutations": await queries.snippets_for_actor(session, SYSTEM, Salutation, page),
            "signatures": await queries.snippets_for_actor(session, SYSTEM, Signature, page),
            "templates": await queries.templates_for_actor(session, SYSTEM, page),
            "responses": await queries.auto_responses_for_actor(session, SYSTEM, page),
        }
        profiles = [await queries.queue_mail_profile(session, q) for q in (1, 2, 3, 4)]
    return {
        **{name: [item.model_dump() for item in got.items] for name, got in lists.items()},
        "profiles": profiles,
    }


async def test_system_address_lifecycle_and_validation(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents, web: WebState
) -> None:
    events.clear()
    created = await create(
        client,
        admin_headers,
        "system-addresses",
        {"email": " Support@Example.COM ", "display_name": "ACME Support", "queue_id": MISC},
    )
    address_id = created["id"]
    assert without_stamps(created) == {
        "id": address_id,
        "email": "support@example.com",
        "display_name": "ACME Support",
        "queue_id": MISC,
        "comment": None,
        "valid": True,
    }
    assert list(events) == [changed("system_address", address_id, "created")]
    fetched = await client.get(f"/api/v1/system-addresses/{address_id}", headers=admin_headers)
    assert fetched.json() == created
    listed = (await client.get("/api/v1/system-addresses", headers=admin_headers)).json()
    assert (listed["total"], [i["email"] for i in listed["items"]]) == (1, ["support@example.com"])

    before = await snapshot(web)
    events.clear()
    refusals = [
        ({"email": "SUPPORT@example.com", "display_name": "Again", "queue_id": MISC}, 409, "email"),
        ({"email": "not an address", "display_name": "X", "queue_id": MISC}, 422, "email"),
        (
            {"email": "x@example.com", "display_name": "X\r\nBcc: y@example.com", "queue_id": MISC},
            422,
            "display_name",
        ),
        (
            {"email": "x@example.com\r\nBcc: y@example.com", "display_name": "X", "queue_id": MISC},
            422,
            "email",
        ),
        ({"email": "x@example.com", "display_name": "X", "queue_id": 999}, 422, "queue_id"),
        ({"email": "x@example.com", "display_name": "X"}, 422, "queue_id"),
    ]
    for body, status, field in refusals:
        response = await client.post("/api/v1/system-addresses", json=body, headers=admin_headers)
        code, _, details = error_of(response)
        assert code == status, (body, response.text)
        if status == 422:
            assert [d["field"] for d in details][-1].endswith(field), details
        else:
            assert details == [
                {
                    "field": "email",
                    "message": "A system address with the e-mail address"
                    " 'support@example.com' already exists.",
                }
            ]
    response = await client.patch(
        f"/api/v1/system-addresses/{address_id}", json={"email": None}, headers=admin_headers
    )
    assert error_of(response)[0] == 422
    assert await snapshot(web) == before
    assert list(events) == []

    patched = await client.patch(
        f"/api/v1/system-addresses/{address_id}",
        json={"display_name": "ACME Help", "queue_id": RAW, "comment": "main", "valid": False},
        headers=admin_headers,
    )
    assert patched.status_code == 200, patched.text
    assert without_stamps(patched.json()) == {
        "id": address_id,
        "email": "support@example.com",
        "display_name": "ACME Help",
        "queue_id": RAW,
        "comment": "main",
        "valid": False,
    }
    deleted = await client.delete(f"/api/v1/system-addresses/{address_id}", headers=admin_headers)
    assert deleted.status_code == 204
    gone = await client.get(f"/api/v1/system-addresses/{address_id}", headers=admin_headers)
    assert error_of(gone)[:2] == (404, "not_found")
    assert list(events) == [
        changed("system_address", address_id, "updated"),
        changed("system_address", address_id, "deleted"),
    ]


@pytest.mark.parametrize(
    ("path", "entity", "field"),
    [
        ("salutations", "salutation", "salutation_id"),
        ("signatures", "signature", "signature_id"),
    ],
)
async def test_salutations_and_signatures_and_their_queues(
    client: httpx.AsyncClient,
    admin_headers: Headers,
    events: RecordedEvents,
    web: WebState,
    path: str,
    entity: str,
    field: str,
) -> None:
    events.clear()
    text = "Dear <OTRS_CUSTOMER_UserFirstname>,\n\n{{ 7*7 }}"
    created = await create(client, admin_headers, path, {"name": "Formal", "text": text})
    entry_id = created["id"]
    assert without_stamps(created) == {
        "id": entry_id,
        "name": "Formal",
        "text": text,
        "comment": None,
        "valid": True,
    }
    queue = await create(
        client, admin_headers, "queues", {"name": "Sales", "group_id": USERS, field: entry_id}
    )
    assert queue[field] == entry_id
    assert events[0] == changed(entity, entry_id, "created")

    before = await snapshot(web)
    events.clear()
    duplicate = await client.post(
        f"/api/v1/{path}", json={"name": "FORMAL", "text": ""}, headers=admin_headers
    )
    assert error_of(duplicate)[:2] == (409, "name_taken")
    bad_name = await client.post(
        f"/api/v1/{path}", json={"name": "A\nB", "text": ""}, headers=admin_headers
    )
    assert error_of(bad_name)[0] == 422
    in_use = await client.delete(f"/api/v1/{path}/{entry_id}", headers=admin_headers)
    assert error_of(in_use) == (409, "in_use", None)
    assert in_use.json()["error"]["message"] == (
        "The queue 'Sales' uses this entry; give it another one first."
    )
    unknown = await client.patch(
        f"/api/v1/queues/{queue['id']}", json={field: 999}, headers=admin_headers
    )
    assert error_of(unknown)[0] == 422
    assert [d["field"] for d in error_of(unknown)[2]] == [field]
    assert await snapshot(web) == before
    assert list(events) == []

    cleared = await client.patch(
        f"/api/v1/queues/{queue['id']}", json={field: None}, headers=admin_headers
    )
    assert cleared.json()[field] is None
    deleted = await client.delete(f"/api/v1/{path}/{entry_id}", headers=admin_headers)
    assert deleted.status_code == 204


async def test_queue_follow_up_policy(client: httpx.AsyncClient, admin_headers: Headers) -> None:
    queue = await create(client, admin_headers, "queues", {"name": "Sales", "group_id": USERS})
    assert (queue["follow_up"], queue["system_address_id"]) == ("possible", None)
    for policy in ("reject", "new_ticket", "possible"):
        patched = await client.patch(
            f"/api/v1/queues/{queue['id']}", json={"follow_up": policy}, headers=admin_headers
        )
        assert patched.json()["follow_up"] == policy
    unknown = await client.patch(
        f"/api/v1/queues/{queue['id']}", json={"system_address_id": 999}, headers=admin_headers
    )
    assert error_of(unknown) == (
        422,
        "validation_failed",
        [{"field": "system_address_id", "message": "There is no system address with id 999."}],
    )
    for bad in ("maybe", None):
        refused = await client.patch(
            f"/api/v1/queues/{queue['id']}", json={"follow_up": bad}, headers=admin_headers
        )
        assert error_of(refused)[0] == 422
        assert [d["field"] for d in error_of(refused)[2]][-1].endswith("follow_up")


async def test_templates_with_queues(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents, web: WebState
) -> None:
    events.clear()
    created = await create(
        client,
        admin_headers,
        "templates",
        {
            "name": "Thanks",
            "type": "answer",
            "subject": "Re: <OTRS_CUSTOMER_Subject>",
            "text": "Thank you, <OTRS_CUSTOMER_UserFirstname>.",
            "queue_ids": [MISC, RAW, MISC],
        },
    )
    template_id = created["id"]
    assert without_stamps(created) == {
        "id": template_id,
        "name": "Thanks",
        "type": "answer",
        "subject": "Re: <OTRS_CUSTOMER_Subject>",
        "text": "Thank you, <OTRS_CUSTOMER_UserFirstname>.",
        "queue_ids": [RAW, MISC],
        "attachments": [],
        "comment": None,
        "valid": True,
    }
    note = await create(client, admin_headers, "templates", {"name": "Note", "type": "note"})
    assert (note["subject"], note["text"], note["queue_ids"]) == (None, "", [])

    before = await snapshot(web)
    events.clear()
    refusals = [
        ({"name": "X", "type": "letter"}, "type"),
        ({"name": "X", "subject": "Hi\r\nBcc: a@example.com"}, "subject"),
        ({"name": "X", "queue_ids": [MISC, 999]}, "queue_ids"),
        ({"name": "X", "queue_ids": [0]}, "queue_ids"),
        ({"name": ""}, "name"),
    ]
    for body, field in refusals:
        response = await client.post("/api/v1/templates", json=body, headers=admin_headers)
        status, _, details = error_of(response)
        assert status == 422, (body, response.text)
        assert field in details[0]["field"], details
    duplicate = await client.post(
        "/api/v1/templates", json={"name": "thanks"}, headers=admin_headers
    )
    assert error_of(duplicate)[:2] == (409, "name_taken")
    assert await snapshot(web) == before
    assert list(events) == []

    patched = await client.patch(
        f"/api/v1/templates/{template_id}",
        json={"type": "forward", "subject": None, "queue_ids": [MISC]},
        headers=admin_headers,
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["type"], patched.json()["subject"], patched.json()["queue_ids"]) == (
        "forward",
        None,
        [MISC],
    )
    listed = (await client.get("/api/v1/templates?search=THA", headers=admin_headers)).json()
    assert [t["name"] for t in listed["items"]] == ["Thanks"]
    # A template assigned to queues can go: its assignments go with it.
    deleted = await client.delete(f"/api/v1/templates/{template_id}", headers=admin_headers)
    assert deleted.status_code == 204
    assert list(events) == [
        changed("template", template_id, "updated"),
        changed("template", template_id, "deleted"),
    ]


async def test_template_attachments(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents, web: WebState
) -> None:
    template = await create(client, admin_headers, "templates", {"name": "With files"})
    base = f"/api/v1/templates/{template['id']}/attachments"
    events.clear()
    uploaded = await client.post(
        base,
        files={"file": ("../Terms ü.pdf", b"%PDF-1.4 terms", "application/PDF; name=x")},
        headers=admin_headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    attachment = uploaded.json()
    assert attachment == {
        "id": attachment["id"],
        "filename": "Terms ü.pdf",
        "content_type": "application/pdf",
        "size": 14,
    }
    assert list(events) == [changed("template", template["id"], "updated")]
    fetched = (
        await client.get(f"/api/v1/templates/{template['id']}", headers=admin_headers)
    ).json()
    assert fetched["attachments"] == [attachment]
    download = await client.get(f"{base}/{attachment['id']}", headers=admin_headers)
    assert download.content == b"%PDF-1.4 terms"
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"Terms _.pdf\"; filename*=UTF-8''Terms%20%C3%BC.pdf"
    )
    html = await client.post(
        base,
        files={"file": ("a.html", b"<script>alert(1)</script>", "text/html")},
        headers=admin_headers,
    )
    served = await client.get(f"{base}/{html.json()['id']}", headers=admin_headers)
    assert served.headers["content-type"] == "application/octet-stream"

    before = await snapshot(web)
    events.clear()
    too_large = await client.post(
        base,
        files={"file": ("big.bin", b"x" * (1024 * 1024 + 1), "application/octet-stream")},
        headers=admin_headers,
    )
    assert error_of(too_large)[:2] == (413, "attachment_too_large")
    no_file = await client.post(base, data={"other": "x"}, headers=admin_headers)
    assert error_of(no_file)[0] == 422
    missing = await client.post(
        "/api/v1/templates/999/attachments",
        files={"file": ("a.txt", b"a", "text/plain")},
        headers=admin_headers,
    )
    assert error_of(missing)[0] == 404
    wrong = await client.delete(
        f"/api/v1/templates/{template['id']}/attachments/99999999999", headers=admin_headers
    )
    assert error_of(wrong)[0] == 404
    assert await snapshot(web) == before
    assert list(events) == []

    removed = await client.delete(f"{base}/{attachment['id']}", headers=admin_headers)
    assert removed.status_code == 204
    after = (await client.get(f"/api/v1/templates/{template['id']}", headers=admin_headers)).json()
    assert [a["filename"] for a in after["attachments"]] == ["a.html"]


async def test_auto_responses_one_per_type_and_queue(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents, web: WebState
) -> None:
    address = await create(
        client,
        admin_headers,
        "system-addresses",
        {"email": "misc@example.com", "display_name": "Misc", "queue_id": MISC},
    )
    events.clear()
    body = {
        "name": "Received",
        "type": "reply_new_ticket",
        "subject": "We got your mail: <OTRS_CUSTOMER_Subject>",
        "text": "Hello <OTRS_CUSTOMER_REALNAME>",
        "system_address_id": address["id"],
        "queue_ids": [MISC],
    }
    created = await create(client, admin_headers, "auto-responses", body)
    response_id = created["id"]
    assert without_stamps(created) == {"id": response_id, **body, "comment": None, "valid": True}
    assert list(events) == [changed("auto_response", response_id, "created")]

    before = await snapshot(web)
    events.clear()
    second = await client.post(
        "/api/v1/auto-responses",
        json={**body, "name": "Received too", "queue_ids": [RAW, MISC]},
        headers=admin_headers,
    )
    message = (
        "The queue 'Misc' already sends the reply_new_ticket response 'Received';"
        " take it off that response first."
    )
    assert error_of(second) == (
        409,
        "queue_has_auto_response",
        [{"field": "queue_ids", "message": message}],
    )
    assert second.json()["error"]["message"] == message
    for bad, field in (
        ({**body, "name": "X", "type": "reply_maybe"}, "type"),
        ({**body, "name": "X", "system_address_id": 999}, "system_address_id"),
        ({**body, "name": "X", "queue_ids": [999]}, "queue_ids"),
        ({**body, "name": "X", "subject": "a\nb"}, "subject"),
        ({k: v for k, v in body.items() if k != "subject"} | {"name": "X"}, "subject"),
    ):
        response = await client.post("/api/v1/auto-responses", json=bad, headers=admin_headers)
        status, _, details = error_of(response)
        assert status == 422, (bad, response.text)
        assert field in details[0]["field"]
    in_use = await client.delete(f"/api/v1/system-addresses/{address['id']}", headers=admin_headers)
    assert error_of(in_use)[:2] == (409, "in_use")
    assert await snapshot(web) == before
    assert list(events) == []

    # Another type for the same queue is fine; then moving the first off frees the slot.
    other = await create(
        client,
        admin_headers,
        "auto-responses",
        {**body, "name": "Follow-up", "type": "reply_follow_up"},
    )
    assert other["queue_ids"] == [MISC]
    moved = await client.patch(
        f"/api/v1/auto-responses/{response_id}", json={"queue_ids": [RAW]}, headers=admin_headers
    )
    assert moved.json()["queue_ids"] == [RAW]
    retyped = await client.patch(
        f"/api/v1/auto-responses/{other['id']}",
        json={"type": "reply_new_ticket"},
        headers=admin_headers,
    )
    assert retyped.status_code == 200, retyped.text
    async with unit_of_work(web.session_factory) as session:
        sent = await queries.auto_response_for(session, MISC, "reply_new_ticket")
        assert sent is not None and sent.name == "Follow-up"
        assert await queries.auto_response_for(session, MISC, "reply_follow_up") is None
    assert (
        await client.delete(f"/api/v1/auto-responses/{response_id}", headers=admin_headers)
    ).status_code == 204
    assert (
        await client.delete(f"/api/v1/auto-responses/{other['id']}", headers=admin_headers)
    ).status_code == 204
    assert (
        await client.delete(f"/api/v1/system-addresses/{address['id']}", headers=admin_headers)
    ).status_code == 204


async def test_non_administrators_are_refused(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents, web: WebState
) -> None:
    address = await create(
        client,
        admin_headers,
        "system-addresses",
        {"email": "misc@example.com", "display_name": "Misc", "queue_id": MISC},
    )
    salutation = await create(client, admin_headers, "salutations", {"name": "Hi", "text": "Hi"})
    signature = await create(client, admin_headers, "signatures", {"name": "Bye", "text": "Bye"})
    template = await create(client, admin_headers, "templates", {"name": "T", "queue_ids": [MISC]})
    response = await create(
        client,
        admin_headers,
        "auto-responses",
        {
            "name": "R",
            "type": "reply_reject",
            "subject": "S",
            "text": "T",
            "system_address_id": address["id"],
        },
    )
    agent = await make_agent(web, client, "ann", {USERS: ["rw"]})
    customer = await make_customer(web, client, "cora")
    before = await snapshot(web)
    events.clear()
    entries = {
        "system-addresses": address["id"],
        "salutations": salutation["id"],
        "signatures": signature["id"],
        "templates": template["id"],
        "auto-responses": response["id"],
    }
    for headers in (agent, customer):
        for path, entry_id in entries.items():
            calls = [
                client.get(f"/api/v1/{path}", headers=headers),
                client.get(f"/api/v1/{path}/{entry_id}", headers=headers),
                client.post(f"/api/v1/{path}", json={"name": "Evil"}, headers=headers),
                client.patch(f"/api/v1/{path}/{entry_id}", json={"valid": False}, headers=headers),
                client.delete(f"/api/v1/{path}/{entry_id}", headers=headers),
            ]
            for call in calls:
                answer = await call
                assert answer.status_code == 403, (path, answer.text)
        upload = await client.post(
            f"/api/v1/templates/{template['id']}/attachments",
            files={"file": ("a.txt", b"a", "text/plain")},
            headers=headers,
        )
        assert upload.status_code == 403
    nobody = await client.get("/api/v1/templates")
    assert nobody.status_code == 401
    assert await snapshot(web) == before
    assert list(events) == []
