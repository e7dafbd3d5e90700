"""Fetching mail accounts: IMAP and POP3 (plain or TLS) with the standard library.

A message is removed from the server only after the transaction holding its ticket (or its
failure row) has committed: a crash in between leaves it on the server, and the next fetch's
duplicate check (Message-ID) keeps it from being stored twice. Mail larger than
``PostMaster::MaxEmailSize`` is not imported: it stays on the server, is logged, and its headers
are listed for the admin under failed incoming mail (once, not at every fetch).

The protocol clients block, so each server round trip runs in a worker thread; no database
transaction is open while the server is talked to.
"""

from __future__ import annotations

import asyncio
import imaplib
import poplib
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import structlog
from sqlalchemy import select

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.credentials import CredentialUnreadable
from frontdesk.core.errors import DomainError
from frontdesk.db.unit_of_work import commit
from frontdesk.domain.mail_inbound.access import access_account
from frontdesk.domain.mail_inbound.actions import TOO_LARGE, unseal_password
from frontdesk.domain.mail_inbound.errors import MailServerError
from frontdesk.domain.mail_inbound.ingest import Failed, MailSource, receive_in, store_failure
from frontdesk.domain.mail_inbound.models import MailAccount, ReceivedMailFailure
from frontdesk.domain.mail_inbound.parsing import parse_mail
from frontdesk.domain.mail_inbound.schemas import FetchResult
from frontdesk.domain.mail_inbound.settings import (
    FETCH_MAX_MESSAGES,
    FETCH_TIMEOUT,
    MAX_EMAIL_SIZE_KB,
)
from frontdesk.domain.runtime import Tx

log = structlog.get_logger(__name__)


class MailServerUnavailable(DomainError):
    """Fetch now: the server refused the login or could not be reached (shown to the admin)."""

    status = 502
    code = "mail_server_error"


@dataclass(frozen=True)
class ServerMessage:
    key: str  # IMAP UID or POP3 message number
    size: int


class Mailbox(Protocol):
    """One open session with a mail server (blocking calls, run in a thread)."""

    def messages(self) -> list[ServerMessage]: ...

    def headers(self, key: str) -> bytes: ...

    def fetch(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...

    def close(self) -> None:
        """Log out, making the deletions final."""
        ...


class ImapMailbox:
    def __init__(self, account: MailAccount, password: str, timeout: int, *, tls: bool) -> None:
        if tls:
            context = ssl.create_default_context()
            self._imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                account.host, account.port, ssl_context=context, timeout=timeout
            )
        else:
            self._imap = imaplib.IMAP4(account.host, account.port, timeout=timeout)
        try:
            self._imap.login(account.login, password)
            status, _data = self._imap.select(_quoted(account.folder or "INBOX"))
        except Exception:
            self._imap.shutdown()
            raise
        if status != "OK":
            self._imap.logout()
            raise MailServerError(f"The folder {account.folder or 'INBOX'!r} cannot be opened.")
        self._deleted = False

    def messages(self) -> list[ServerMessage]:
        status, data = self._imap.uid("FETCH", "1:*", "(RFC822.SIZE)")
        if status != "OK":
            return []
        found = []
        for item in data:
            line = item[0] if isinstance(item, tuple) else item
            if not isinstance(line, bytes):
                continue
            uid = re.search(rb"UID (\d+)", line)
            size = re.search(rb"RFC822\.SIZE (\d+)", line)
            if uid and size:
                found.append(ServerMessage(uid.group(1).decode(), int(size.group(1))))
        return found

    def _body(self, key: str, section: str) -> bytes:
        status, data = self._imap.uid("FETCH", key, f"(BODY.PEEK[{section}])")
        if status != "OK":
            raise MailServerError(f"The server did not send message {key}.")
        for item in data:
            if isinstance(item, tuple) and isinstance(item[1], bytes):
                return item[1]
        raise MailServerError(f"The server did not send message {key}.")

    def headers(self, key: str) -> bytes:
        return self._body(key, "HEADER")

    def fetch(self, key: str) -> bytes:
        return self._body(key, "")

    def delete(self, key: str) -> None:
        self._imap.uid("STORE", key, "+FLAGS", "(\\Deleted)")
        self._deleted = True

    def close(self) -> None:
        try:
            if self._deleted:
                self._imap.expunge()
            self._imap.close()
        finally:
            self._imap.logout()


class PopMailbox:
    def __init__(self, account: MailAccount, password: str, timeout: int, *, tls: bool) -> None:
        if tls:
            self._pop: poplib.POP3 = poplib.POP3_SSL(
                account.host, account.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            self._pop = poplib.POP3(account.host, account.port, timeout=timeout)
        try:
            self._pop.user(account.login)
            self._pop.pass_(password)
        except Exception:
            self._pop.close()
            raise

    def messages(self) -> list[ServerMessage]:
        _response, lines, _octets = self._pop.list()
        found = []
        for line in lines:
            number, _, size = line.decode("ascii", "replace").partition(" ")
            if number.isdigit() and size.strip().isdigit():
                found.append(ServerMessage(number, int(size)))
        return found

    @staticmethod
    def _joined(lines: list[bytes]) -> bytes:
        # poplib has undone the dot-stuffing and stripped the line ends.
        return b"\r\n".join(lines) + b"\r\n"

    def headers(self, key: str) -> bytes:
        _response, lines, _octets = self._pop.top(int(key), 0)
        return self._joined(lines)

    def fetch(self, key: str) -> bytes:
        _response, lines, _octets = self._pop.retr(int(key))
        return self._joined(lines)

    def delete(self, key: str) -> None:
        self._pop.dele(int(key))

    def close(self) -> None:
        self._pop.quit()  # QUIT makes the DELE final


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


Opener = Callable[[MailAccount, str, int], Mailbox]
# One opener per account type: a new protocol is one more entry.
MAILBOX_TYPES: dict[str, Opener] = {
    "imap": lambda a, p, t: ImapMailbox(a, p, t, tls=False),
    "imaps": lambda a, p, t: ImapMailbox(a, p, t, tls=True),
    "pop3": lambda a, p, t: PopMailbox(a, p, t, tls=False),
    "pop3s": lambda a, p, t: PopMailbox(a, p, t, tls=True),
}


def source_of(account: MailAccount) -> MailSource:
    return MailSource(
        account_id=account.id,
        queue_id=account.queue_id,
        dispatch=account.dispatch,
        trusted=account.trusted,
    )


def describe_server_error(error: BaseException) -> str:
    if isinstance(error, CredentialUnreadable):
        return str(error)
    if isinstance(error, (imaplib.IMAP4.error, poplib.error_proto)):
        detail = error.args[0] if error.args else error
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        return f"The server refused: {detail}"
    if isinstance(error, (TimeoutError, ConnectionError, OSError)):
        return f"The server cannot be reached: {error}"
    return f"{type(error).__name__}: {error}"


async def do_fetch_account(tx: Tx, actor: Actor, account_id: int) -> FetchResult:
    """Fetch now (an admin); a refused login is kept on the account and answered with 502."""
    account = await access_account(tx.session, actor, account_id)
    result = await fetch_account(tx, account)
    if account.last_error:
        raise MailServerUnavailable(account.last_error)
    return result


async def fetch_account(tx: Tx, account: MailAccount) -> FetchResult:
    """Import every waiting message of one account. Commits the caller's session after each
    message (before it is deleted from the server); a server error ends up on the account."""
    timeout = int(tx.setting(FETCH_TIMEOUT))
    max_bytes = int(tx.setting(MAX_EMAIL_SIZE_KB)) * 1024
    max_messages = int(tx.setting(FETCH_MAX_MESSAGES))
    bound = log.bind(account_id=account.id, host=account.host, type=account.type)
    fetched = failed = 0
    try:
        password = unseal_password(tx, account.password_sealed)
        await commit(tx.session)  # hold no transaction while the server answers
        opener = MAILBOX_TYPES[account.type]
        mailbox = await asyncio.to_thread(opener, account, password, timeout)
    except Exception as error:
        return await _finish(tx, account, bound, describe_server_error(error), 0, 0)
    error_text = ""
    try:
        waiting = await asyncio.to_thread(mailbox.messages)
        for message in waiting[:max_messages]:
            if message.size > max_bytes:
                await _refuse_oversized(tx, account, mailbox, message, max_bytes, bound)
                failed += 1
                continue
            raw = await asyncio.to_thread(mailbox.fetch, message.key)
            outcome = await receive_in(tx, raw, source_of(account))
            await commit(tx.session)
            await asyncio.to_thread(mailbox.delete, message.key)
            if isinstance(outcome, Failed):
                failed += 1
            else:
                fetched += 1
    except Exception as error:
        error_text = describe_server_error(error)
    finally:
        try:
            await asyncio.to_thread(mailbox.close)
        except Exception as error:
            error_text = error_text or describe_server_error(error)
    return await _finish(tx, account, bound, error_text, fetched, failed)


async def _finish(
    tx: Tx, account: MailAccount, bound: structlog.typing.FilteringBoundLogger, error: str,
    fetched: int, failed: int,
) -> FetchResult:  # fmt: skip
    if error:
        bound.warning("mail_fetch_failed", error=error, fetched=fetched, failed=failed)
    elif fetched or failed:
        bound.info("mail_fetched", fetched=fetched, failed=failed)
    account.last_error = error[:2000]
    account.last_fetch_at = utcnow()
    await commit(tx.session)
    return FetchResult(fetched=fetched, failed=failed)


async def _refuse_oversized(
    tx: Tx,
    account: MailAccount,
    mailbox: Mailbox,
    message: ServerMessage,
    max_bytes: int,
    bound: structlog.typing.FilteringBoundLogger,
) -> None:
    headers = await asyncio.to_thread(mailbox.headers, message.key)
    message_id = parse_mail(headers).message_id
    bound.warning("mail_too_large", size=message.size, limit=max_bytes, message_id=message_id)
    listed = await tx.session.scalar(
        select(ReceivedMailFailure.id).where(
            ReceivedMailFailure.account_id == account.id,
            ReceivedMailFailure.reason == TOO_LARGE,
            ReceivedMailFailure.message_id == message_id,
            ReceivedMailFailure.size == message.size,
        )
    )
    if listed is None:
        await store_failure(
            tx,
            headers,
            f"The message is {message.size} bytes, more than PostMaster::MaxEmailSize"
            f" ({max_bytes // 1024} KB). It was left on the mail server.",
            account.id,
            reason=TOO_LARGE,
            size=message.size,
        )
        await commit(tx.session)
