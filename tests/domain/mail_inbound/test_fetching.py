"""Fetching mail accounts from a real Dovecot over IMAP and POP3."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from frontdesk.domain.mail_inbound.jobs import fetch_due_accounts
from frontdesk.domain.mail_inbound.models import MailAccount, PostmasterFilter
from frontdesk.domain.tickets.models import Ticket
from frontdesk.web.state import WebState
from tests.domain.mail_inbound.corpus import corpus_mail, mail_with_attachment, plain_mail
from tests.domain.mail_inbound.dovecot import PASSWORD, Dovecot, dovecot_server
from tests.domain.mail_inbound.stored import Headers, counts, failures
from tests.domain.outbox.mail import set_settings
from tests.domain.tickets.people import transaction

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


async def add_account(
    client: httpx.AsyncClient,
    headers: Headers,
    server: Dovecot,
    kind: str,
    password: str = PASSWORD,
    **extra: object,
) -> int:
    port = server.imap_port if kind == "imap" else server.pop3_port
    response = await client.post(
        "/api/v1/mail-accounts",
        headers=headers,
        json={
            "type": kind,
            "host": "127.0.0.1",
            "port": port,
            "login": "support",
            "password": password,
            "dispatch": "queue",
            "queue_id": 4,
            **extra,
        },
    )
    assert response.status_code == 201, response.text
    assert "password" not in response.json()
    return int(response.json()["id"])


def deliver_three(server: Dovecot) -> None:
    server.deliver("support", "one", corpus_mail("encoded-subject.eml"))
    server.deliver("support", "two", corpus_mail("html-only.eml"))
    server.deliver("support", "three", corpus_mail("nested-multipart.eml"))


async def titles(web: WebState) -> list[tuple[str, int]]:
    async with web.session_factory() as session:
        rows = await session.execute(select(Ticket.title, Ticket.queue_id).order_by(Ticket.title))
        return [(title, queue_id) for title, queue_id in rows]


@pytest.mark.parametrize("kind", ["imap", "pop3"])
async def test_fetch_turns_a_mailbox_into_tickets_and_empties_it(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState, kind: str
) -> None:
    with dovecot_server() as server:
        deliver_three(server)
        account_id = await add_account(client, admin_headers, server, kind)
        response = await client.post(
            f"/api/v1/mail-accounts/{account_id}/fetch", headers=admin_headers
        )
        assert (response.status_code, response.json()) == (200, {"fetched": 3, "failed": 0})
        assert server.waiting("support") == 0
        assert await titles(web) == [
            ("Grüße – Bestellung", 4),
            ("HTML only", 4),
            ("Nested parts", 4),
        ]
        again = await client.post(
            f"/api/v1/mail-accounts/{account_id}/fetch", headers=admin_headers
        )
        assert again.json() == {"fetched": 0, "failed": 0}
        account = (
            await client.get(f"/api/v1/mail-accounts/{account_id}", headers=admin_headers)
        ).json()
        assert account["last_error"] == ""
        assert account["last_fetch_at"] is not None


async def test_the_password_is_stored_sealed(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    with dovecot_server() as server:
        account_id = await add_account(client, admin_headers, server, "imap")
    async with web.session_factory() as session:
        account = await session.get(MailAccount, account_id)
        assert account is not None
        assert account.password_sealed.startswith("sealed:v1:")
        assert PASSWORD not in account.password_sealed


async def test_a_wrong_password_shows_on_the_account_and_loses_nothing(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    with dovecot_server() as server:
        deliver_three(server)
        account_id = await add_account(client, admin_headers, server, "imap", password="wrong")
        response = await client.post(
            f"/api/v1/mail-accounts/{account_id}/fetch", headers=admin_headers
        )
        assert response.status_code == 502, response.text
        error = response.json()["error"]
        assert error["code"] == "mail_server_error"
        assert error["message"].startswith("The server refused: [AUTHENTICATIONFAILED]")
        account = (
            await client.get(f"/api/v1/mail-accounts/{account_id}", headers=admin_headers)
        ).json()
        assert account["last_error"] == error["message"]
        assert server.waiting("support") == 3
        assert await counts(web) == (0, 0, 0, 0)
        # Fixing the password clears the error; the next fetch imports everything.
        await client.patch(
            f"/api/v1/mail-accounts/{account_id}",
            headers=admin_headers,
            json={"password": PASSWORD},
        )
        fixed = await client.post(
            f"/api/v1/mail-accounts/{account_id}/fetch", headers=admin_headers
        )
        assert fixed.json() == {"fetched": 3, "failed": 0}


async def test_an_oversized_mail_stays_on_the_server_and_the_admin_sees_its_headers(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    big = mail_with_attachment(20 * 1024 * 1024)  # over the default 16 MB limit
    with dovecot_server() as server:
        server.deliver("support", "big", big)
        server.deliver("support", "small", plain_mail(1))
        account_id = await add_account(client, admin_headers, server, "pop3")
        for _ in range(2):  # listed once, however often it is seen
            response = await client.post(
                f"/api/v1/mail-accounts/{account_id}/fetch", headers=admin_headers
            )
            assert response.status_code == 200, response.text
        assert response.json() == {"fetched": 0, "failed": 1}
        assert server.waiting("support") == 1
    [failure] = await failures(web)
    assert (failure.reason, failure.account_id, failure.subject) == (
        "too_large",
        account_id,
        "Large log file",
    )
    assert failure.size >= len(big)  # as the server counts it, with CRLF line ends
    assert failure.raw.startswith(b"From: Big Bertha <bertha@example.com>\r\n")
    assert len(failure.raw) < 1000  # the headers only
    assert "more than PostMaster::MaxEmailSize (16384 KB)" in failure.error
    assert (await counts(web))[:3] == (1, 1, 1)


async def test_a_mail_that_cannot_be_processed_is_kept_and_removed_from_the_server(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    async with transaction(web) as tx:
        tx.session.add(
            PostmasterFilter(
                name="broken", match=[{"header": "Subject", "pattern": "(unclosed"}], set_values={}
            )
        )
    with dovecot_server() as server:
        server.deliver("support", "one", plain_mail(1))
        account_id = await add_account(client, admin_headers, server, "imap")
        response = await client.post(
            f"/api/v1/mail-accounts/{account_id}/fetch", headers=admin_headers
        )
        assert response.json() == {"fetched": 0, "failed": 1}
        assert server.waiting("support") == 0
    [failure] = await failures(web)
    assert (failure.reason, failure.raw.replace(b"\r\n", b"\n")) == (
        "error",
        plain_mail(1).replace(b"\r\n", b"\n"),
    )


async def test_the_periodic_job_fetches_due_accounts_only(
    client: httpx.AsyncClient, admin_headers: Headers, web: WebState
) -> None:
    with dovecot_server() as server:
        account_id = await add_account(client, admin_headers, server, "pop3")
        server.deliver("support", "one", plain_mail(1))
        async with transaction(web) as tx:
            assert await fetch_due_accounts(tx) == 1
        server.deliver("support", "two", plain_mail(2))
        async with transaction(web) as tx:
            assert await fetch_due_accounts(tx) == 0  # fetched less than a minute ago
        await set_settings(web, {"PostMasterMailbox::FetchInterval": 10})
        async with web.session_factory() as session:
            account = await session.get(MailAccount, account_id)
            assert account is not None and account.last_fetch_at is not None
        assert server.waiting("support") == 1
    assert (await counts(web))[0] == 1
