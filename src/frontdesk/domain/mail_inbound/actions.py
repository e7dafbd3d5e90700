"""Writes of incoming mail: mail accounts, postmaster filters, and what the admin does with
failed mail (process it again, delete it). Administrators only.

Refusals: not an administrator → 403 ``admin_only``; unknown id → 404; a filter name another
filter has (any case) → 409 ``name_taken``; a queue that does not exist or an account that
dispatches to a queue without naming one → 422 on ``queue_id``; processing again a mail of
which only the headers were kept → 409.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.credentials import credential_box
from frontdesk.core.errors import ValidationFailed
from frontdesk.domain.accounts.access import check_admin_or_system
from frontdesk.domain.mail_inbound.access import access_account, access_failure, access_filter
from frontdesk.domain.mail_inbound.errors import FailedMailNotRetryable, FilterNameTaken
from frontdesk.domain.mail_inbound.ingest import (
    Failed,
    MailSource,
    Outcome,
    attempt,
    describe,
)
from frontdesk.domain.mail_inbound.models import MailAccount, PostmasterFilter
from frontdesk.domain.mail_inbound.schemas import (
    DEFAULT_PORTS,
    MailAccountCreate,
    MailAccountOut,
    MailAccountUpdate,
    PostmasterFilterCreate,
    PostmasterFilterOut,
    PostmasterFilterUpdate,
)
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue.models import Queue

TOO_LARGE = "too_large"


def seal_password(tx: Tx, plain: str) -> str:
    return credential_box(tx.runtime.settings).seal(plain)


def unseal_password(tx: Tx, sealed: str) -> str:
    return credential_box(tx.runtime.settings).unseal(sealed)


# --- mail accounts -----------------------------------------------------------------------------


async def _check_queue(tx: Tx, dispatch: str, queue_id: int | None) -> None:
    if queue_id is None:
        if dispatch == "queue":
            raise ValidationFailed("queue_id", "dispatch 'queue' needs a queue_id")
        return
    queue = await tx.session.get(Queue, queue_id)
    if queue is None or not queue.valid:
        raise ValidationFailed("queue_id", "is not a known queue")


async def do_create_account(tx: Tx, actor: Actor, data: MailAccountCreate) -> MailAccountOut:
    await check_admin_or_system(tx.session, actor)
    await _check_queue(tx, data.dispatch, data.queue_id)
    row = MailAccount(
        type=data.type,
        host=data.host,
        port=data.port or DEFAULT_PORTS[data.type],
        login=data.login,
        password_sealed=seal_password(tx, data.password),
        folder=(data.folder or None) if data.type.startswith("imap") else None,
        dispatch=data.dispatch,
        queue_id=data.queue_id,
        trusted=data.trusted,
        valid=data.valid,
        last_error="",
    )
    tx.session.add(row)
    await tx.session.flush()
    return MailAccountOut.of(row)


async def do_update_account(
    tx: Tx, actor: Actor, account_id: int, data: MailAccountUpdate
) -> MailAccountOut:
    row = await access_account(tx.session, actor, account_id)
    given = data.model_dump(exclude_unset=True)
    for name in ("type", "host", "port", "login", "folder", "dispatch", "queue_id", "trusted"):
        if name in given and (given[name] is not None or name in ("folder", "queue_id")):
            setattr(row, name, given[name])
    if given.get("valid") is not None:
        row.valid = given["valid"]
    if given.get("password"):
        row.password_sealed = seal_password(tx, given["password"])
        row.last_error = ""
    await _check_queue(tx, row.dispatch, row.queue_id)
    row.updated_at = utcnow()
    await tx.session.flush()
    return MailAccountOut.of(row)


async def do_delete_account(tx: Tx, actor: Actor, account_id: int) -> None:
    row = await access_account(tx.session, actor, account_id)
    await tx.session.delete(row)
    await tx.session.flush()


# --- postmaster filters ------------------------------------------------------------------------


async def _check_name_free(tx: Tx, name: str, except_id: int | None = None) -> None:
    query = select(PostmasterFilter.id).where(func.lower(PostmasterFilter.name) == name.lower())
    if except_id is not None:
        query = query.where(PostmasterFilter.id != except_id)
    if await tx.session.scalar(query) is not None:
        raise FilterNameTaken(name)


async def _flush_named(tx: Tx, name: str) -> None:
    try:
        async with tx.session.begin_nested():
            await tx.session.flush()
    except IntegrityError as error:  # two admins saving the same name at once
        raise FilterNameTaken(name) from error


def _conditions(data: Any) -> list[dict[str, Any]]:
    return [condition.model_dump() for condition in data]


async def do_create_filter(
    tx: Tx, actor: Actor, data: PostmasterFilterCreate
) -> PostmasterFilterOut:
    await check_admin_or_system(tx.session, actor)
    name = data.name.strip()
    await _check_name_free(tx, name)
    row = PostmasterFilter(
        name=name,
        match=_conditions(data.match),
        set_values=dict(data.set),
        stop=data.stop,
        valid=data.valid,
    )
    tx.session.add(row)
    await _flush_named(tx, name)
    return PostmasterFilterOut.of(row)


async def do_update_filter(
    tx: Tx, actor: Actor, filter_id: int, data: PostmasterFilterUpdate
) -> PostmasterFilterOut:
    row = await access_filter(tx.session, actor, filter_id)
    if data.name is not None:
        await _check_name_free(tx, data.name.strip(), except_id=row.id)
        row.name = data.name.strip()
    if data.match is not None:
        row.match = _conditions(data.match)
    if data.set is not None:
        row.set_values = dict(data.set)
    if data.stop is not None:
        row.stop = data.stop
    if data.valid is not None:
        row.valid = data.valid
    row.updated_at = utcnow()
    await _flush_named(tx, row.name)
    return PostmasterFilterOut.of(row)


async def do_delete_filter(tx: Tx, actor: Actor, filter_id: int) -> None:
    row = await access_filter(tx.session, actor, filter_id)
    await tx.session.delete(row)
    await tx.session.flush()


# --- failed incoming mail ----------------------------------------------------------------------


async def do_retry_failure(tx: Tx, actor: Actor, failure_id: int) -> Outcome:
    """Process a failed mail again (after the admin fixed what broke it). Success removes it
    from the list; another failure keeps it, with the new error."""
    row = await access_failure(tx.session, actor, failure_id)
    if row.reason == TOO_LARGE:
        raise FailedMailNotRetryable()
    account = await tx.session.get(MailAccount, row.account_id) if row.account_id else None
    source = (
        MailSource(
            account_id=account.id,
            queue_id=account.queue_id,
            dispatch=account.dispatch,
            trusted=account.trusted,
        )
        if account is not None
        else MailSource()
    )
    result = await attempt(tx, row.raw, source)
    if isinstance(result, BaseException):
        row.error = describe(result)
        await tx.session.flush()
        return Failed(failure_id=row.id, error=row.error)
    await tx.session.delete(row)
    await tx.session.flush()
    return result


async def do_delete_failure(tx: Tx, actor: Actor, failure_id: int) -> None:
    row = await access_failure(tx.session, actor, failure_id)
    await tx.session.delete(row)
    await tx.session.flush()
