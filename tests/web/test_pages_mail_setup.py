"""The mail set-up admin screens: e-mail addresses, salutations, signatures, templates with
their files, automatic responses, and the queue form's mail fields. Refusals are shown next to
the input with nothing stored; what admins typed is shown as text, never as markup."""

from __future__ import annotations

import re

import httpx

from frontdesk.core.actor import SYSTEM
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.runtime import Tx
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents
from tests.web.test_api_mail_setup import MISC, RAW, snapshot
from tests.web.test_pages_admin import (
    AGENT_PASSWORD,
    USERS_GROUP_ID,
    api_items,
    assert_created,
    create_agent,
    field_error,
    first_column,
    log_in,
    log_in_admin,
)

Headers = dict[str, str]
SLUGS = ("system-addresses", "salutations", "signatures", "templates", "auto-responses")


async def test_every_mail_screen_renders_and_is_in_the_menu(client: httpx.AsyncClient) -> None:
    await log_in_admin(client)
    overview = await client.get("/admin")
    for slug in SLUGS:
        assert f'<li><a href="/admin/{slug}"' in overview.text, slug
    for slug in SLUGS:
        listed = await client.get(f"/admin/{slug}")
        assert listed.status_code == 200, slug
        assert f'<a href="/admin/{slug}" aria-current="page">' in listed.text
        assert "Nothing found." in listed.text
        form = await client.get(f"/admin/{slug}/new")
        assert form.status_code == 200, slug
    template_form = await client.get("/admin/templates/new")
    assert '<option value="phone_call">Phone call</option>' in template_form.text
    assert '<select id="queue_ids" name="queue_ids" multiple' in template_form.text
    # The tag hint is text: the tags show escaped, not as elements.
    assert "&lt;OTRS_CUSTOMER_REALNAME&gt;" in template_form.text


async def test_add_a_system_address_and_refusals_inline(
    client: httpx.AsyncClient, admin_headers: Headers, events: RecordedEvents, web: WebState
) -> None:
    csrf = await log_in_admin(client)
    form = await client.get("/admin/system-addresses/new")
    assert f'<option value="{MISC}">Misc</option>' in form.text
    good = {
        "csrf_token": csrf,
        "email": "Support@Example.com",
        "display_name": "ACME Support",
        "queue_id": str(MISC),
        "valid": "1",
    }
    assert_created(await client.post("/admin/system-addresses/new", data=good), "system-addresses")
    (address,) = await api_items(client, "system-addresses", admin_headers)
    assert (address["email"], address["display_name"], address["queue_id"]) == (
        "support@example.com",
        "ACME Support",
        MISC,
    )
    listed = await client.get("/admin/system-addresses")
    assert first_column(listed.text, "system-addresses") == ["support@example.com"]
    assert "<td>Misc</td>" in listed.text

    before = await snapshot(web)
    events.clear()
    for change, name in (
        ({"email": "not-an-address"}, "email"),
        ({"email": "other@example.com", "display_name": "A\r\nBcc: x@example.com"}, "display_name"),
        ({"email": "other@example.com", "queue_id": ""}, "queue_id"),
    ):
        response = await client.post("/admin/system-addresses/new", data={**good, **change})
        assert response.status_code == 422, (change, response.text)
        assert field_error(response.text, name) is not None, (change, response.text)
    taken = await client.post(
        "/admin/system-addresses/new", data={**good, "email": "SUPPORT@example.com"}
    )
    assert taken.status_code == 409
    assert field_error(taken.text, "email") == (
        "A system address with the e-mail address 'support@example.com' already exists."
    )
    assert await snapshot(web) == before
    assert events == []


async def test_salutation_text_is_shown_as_typed_never_as_markup(
    client: httpx.AsyncClient, admin_headers: Headers
) -> None:
    csrf = await log_in_admin(client)
    text = "Dear <OTRS_CUSTOMER_UserFirstname>,\n<script>alert(1)</script> {{ 7*7 }}"
    response = await client.post(
        "/admin/salutations/new",
        data={"csrf_token": csrf, "name": "<b>Formal</b>", "text": text, "valid": "1"},
    )
    assert_created(response, "salutations")
    (salutation,) = await api_items(client, "salutations", admin_headers)
    assert salutation["text"] == text
    listed = await client.get("/admin/salutations")
    assert "<b>Formal</b>" not in listed.text
    assert "&lt;b&gt;Formal&lt;/b&gt;" in listed.text
    edit = await client.get(f"/admin/salutations/{salutation['id']}")
    assert "<script>alert(1)</script>" not in edit.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in edit.text
    assert "49" not in re.findall(r"<textarea[^>]*>([^<]*)</textarea>", edit.text)[0]


async def test_templates_with_queues_and_files(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, events: RecordedEvents
) -> None:
    csrf = await log_in_admin(client)
    response = await client.post(
        "/admin/templates/new",
        data={
            "csrf_token": csrf,
            "name": "Thanks",
            "type": "answer",
            "subject": "",
            "text": "Thank you.",
            "queue_ids": [str(MISC), str(RAW)],
            "valid": "1",
        },
    )
    assert_created(response, "templates")
    (template,) = await api_items(client, "templates", admin_headers)
    assert (template["type"], template["subject"], template["queue_ids"]) == (
        "answer",
        None,
        [RAW, MISC],
    )
    listed = await client.get("/admin/templates")
    assert "<td>Misc, Raw</td>" in listed.text
    files_path = f"/admin/templates/{template['id']}/attachments"
    assert f'href="{files_path}"' in listed.text

    files = await client.get(files_path)
    assert files.status_code == 200
    assert "This template attaches no files." in files.text
    assert 'enctype="multipart/form-data"' in files.text
    uploaded = await client.post(
        files_path,
        data={"csrf_token": csrf},
        files={"file": ("terms <1>.pdf", b"%PDF terms", "application/pdf")},
    )
    assert uploaded.status_code == 303, uploaded.text
    assert uploaded.headers["location"] == f"{files_path}?done=saved"
    (attachment,) = (
        await client.get(f"/api/v1/templates/{template['id']}", headers=admin_headers)
    ).json()["attachments"]
    assert attachment["filename"] == "terms <1>.pdf"
    files = await client.get(files_path)
    assert "terms &lt;1&gt;.pdf" in files.text
    assert f'href="/api/v1/templates/{template["id"]}/attachments/{attachment["id"]}"' in files.text
    download = await client.get(
        f"/api/v1/templates/{template['id']}/attachments/{attachment['id']}"
    )
    assert download.content == b"%PDF terms"

    before = await snapshot(web)
    events.clear()
    too_large = await client.post(
        files_path,
        data={"csrf_token": csrf},
        files={"file": ("big.bin", b"x" * (1024 * 1024 + 1), "application/octet-stream")},
    )
    assert too_large.status_code == 413
    assert field_error(too_large.text, "file") is not None
    no_file = await client.post(files_path, data={"csrf_token": csrf})
    assert no_file.status_code == 422
    no_csrf = await client.post(files_path, files={"file": ("a.txt", b"a", "text/plain")})
    assert no_csrf.status_code == 403
    assert (await client.get("/admin/templates/999999/attachments")).status_code == 404
    assert await snapshot(web) == before
    assert events == []

    removed = await client.post(
        f"{files_path}/{attachment['id']}/delete", data={"csrf_token": csrf}
    )
    assert removed.status_code == 303
    assert "This template attaches no files." in (await client.get(files_path)).text


async def test_auto_response_form_and_the_one_per_type_rule(
    client: httpx.AsyncClient, admin_headers: Headers
) -> None:
    csrf = await log_in_admin(client)
    await client.post(
        "/admin/system-addresses/new",
        data={
            "csrf_token": csrf,
            "email": "misc@example.com",
            "display_name": "Misc",
            "queue_id": str(MISC),
            "valid": "1",
        },
    )
    (address,) = await api_items(client, "system-addresses", admin_headers)
    form = await client.get("/admin/auto-responses/new")
    assert f'<option value="{address["id"]}">Misc &lt;misc@example.com&gt;</option>' in form.text
    assert '<option value="reply_reject">Reply when a follow-up is rejected</option>' in form.text
    data = {
        "csrf_token": csrf,
        "name": "Received",
        "type": "reply_new_ticket",
        "subject": "We got your mail",
        "text": "Hello <OTRS_CUSTOMER_REALNAME>",
        "system_address_id": str(address["id"]),
        "queue_ids": [str(MISC)],
        "valid": "1",
    }
    assert_created(await client.post("/admin/auto-responses/new", data=data), "auto-responses")
    second = await client.post("/admin/auto-responses/new", data={**data, "name": "Again"})
    assert second.status_code == 409
    assert field_error(second.text, "queue_ids") == (
        "The queue 'Misc' already sends the reply_new_ticket response 'Received';"
        " take it off that response first."
    )
    assert [r["name"] for r in await api_items(client, "auto-responses", admin_headers)] == [
        "Received"
    ]
    listed = await client.get("/admin/auto-responses")
    assert "<td>Reply to a new ticket</td>" in listed.text
    assert "<td>Misc &lt;misc@example.com&gt;</td>" in listed.text


async def test_the_queue_form_chooses_its_mail_set_up(
    client: httpx.AsyncClient, admin_headers: Headers
) -> None:
    csrf = await log_in_admin(client)
    await client.post(
        "/admin/signatures/new",
        data={"csrf_token": csrf, "name": "Team", "text": "-- \nTeam", "valid": "1"},
    )
    (signature,) = await api_items(client, "signatures", admin_headers)
    form = await client.get("/admin/queues/new")
    assert f'<option value="{signature["id"]}">Team</option>' in form.text
    assert '<option value="new_ticket">' in form.text
    response = await client.post(
        "/admin/queues/new",
        data={
            "csrf_token": csrf,
            "name": "Hotline",
            "group_id": "1",
            "signature_id": str(signature["id"]),
            "follow_up": "reject",
            "valid": "1",
        },
    )
    assert_created(response, "queues")
    # Without a follow-up choice a queue takes the default.
    response = await client.post(
        "/admin/queues/new",
        data={"csrf_token": csrf, "name": "Plain", "group_id": "1", "valid": "1"},
    )
    assert_created(response, "queues")
    queues = {q["name"]: q for q in await api_items(client, "queues", admin_headers)}
    assert (queues["Hotline"]["signature_id"], queues["Hotline"]["follow_up"]) == (
        signature["id"],
        "reject",
    )
    assert (queues["Plain"]["signature_id"], queues["Plain"]["follow_up"]) == (None, "possible")
    # A signature a queue uses cannot be deleted: the list says why.
    refused = await client.post(
        f"/admin/signatures/{signature['id']}/delete", data={"csrf_token": csrf}
    )
    assert refused.status_code == 409
    assert "The queue &#39;Hotline&#39; uses this entry" in refused.text


async def test_non_admins_get_403_and_change_nothing(
    client: httpx.AsyncClient, web: WebState, events: RecordedEvents
) -> None:
    bob_id = await create_agent(web, "bob", AGENT_PASSWORD)
    async with unit_of_work(web.session_factory) as session:
        await account_actions.do_set_agent_group_permissions(
            Tx(session=session, runtime=web.runtime), SYSTEM, USERS_GROUP_ID, bob_id, ["rw"]
        )
    csrf = await log_in(client, "bob", AGENT_PASSWORD)
    before = await snapshot(web)
    events.clear()
    for slug in SLUGS:
        for path in (f"/admin/{slug}", f"/admin/{slug}/new"):
            page = await client.get(path)
            assert page.status_code == 403, path
            assert "Only administrators may do this." in page.text
        posted = await client.post(
            f"/admin/{slug}/new", data={"csrf_token": csrf, "name": "Evil", "text": "x"}
        )
        assert posted.status_code == 403, slug
    upload = await client.post(
        "/admin/templates/1/attachments",
        data={"csrf_token": csrf},
        files={"file": ("a.txt", b"a", "text/plain")},
    )
    assert upload.status_code == 403
    assert await snapshot(web) == before
    assert events == []
