"""One received message → a new ticket, a follow-up, or nothing (ignored), never lost.

``receive_in`` is the entry point of every way mail comes in (mail accounts, the MTA pipe,
the API): processing runs in a savepoint and, when it fails for any reason, the raw message is
stored as a failure for the admin instead. Only when even that is impossible (the database is
down) does it raise, so the caller can leave the mail where it is (on the server, or with the
MTA, which retries).

Who the sender is decides nothing about access: a mail from a known customer's address is filed
under that customer, as OTRS does, but the customer portal shows tickets by the logged-in
customer user only, so a forged From: can add to a ticket but never read one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.bus.bus import drop_events_after, queued_events
from frontdesk.db.case_insensitive import equals_ignoring_case
from frontdesk.db.unit_of_work import commit, rollback
from frontdesk.domain.accounts.models import CustomerUser
from frontdesk.domain.email.models import ArticleMail
from frontdesk.domain.email.queries import received_message_exists, ticket_of_message_ids
from frontdesk.domain.email.settings import TICKET_HOOK
from frontdesk.domain.mail_inbound.auto_responses import send_auto_response
from frontdesk.domain.mail_inbound.filters import run_filters, trusted_header_values, valid_filters
from frontdesk.domain.mail_inbound.models import ReceivedMailFailure
from frontdesk.domain.mail_inbound.parsing import ParsedMail, parse_mail
from frontdesk.domain.mail_inbound.settings import DEFAULT_QUEUE
from frontdesk.domain.mail_setup.models import SystemAddress
from frontdesk.domain.mail_setup.queries import queue_mail_profile
from frontdesk.domain.runtime import Runtime, Tx
from frontdesk.domain.ticket_catalogue.models import Priority, Queue, TicketState, TicketType
from frontdesk.domain.tickets.actions import (
    PreparedArticle,
    PreparedAttachment,
    do_add_mail_follow_up,
    do_create_ticket_from_mail,
    normalize_content_type,
    sanitize_filename,
)
from frontdesk.domain.tickets.models import Article, Ticket

log = structlog.get_logger(__name__)

DEFAULT_TICKET_HOOK = "Ticket#"
# Recipients looked up per query (each takes two bind parameters; the databases cap them).
ADDRESSES_PER_QUERY = 500


@dataclass(frozen=True)
class MailSource:
    """Where a message came from: a mail account (with its dispatch) or the pipe / API."""

    account_id: int | None = None
    queue_id: int | None = None
    # The pipe and the API dispatch by recipient: the system address the mail was sent to.
    dispatch: str = "recipient"
    trusted: bool = False


@dataclass(frozen=True)
class Stored:
    ticket_id: int
    article_id: int
    follow_up: bool


@dataclass(frozen=True)
class Ignored:
    reason: str  # duplicate|filter|follow_up_rejected


@dataclass(frozen=True)
class Failed:
    failure_id: int
    error: str


Outcome = Stored | Ignored | Failed


async def receive_mail(
    session_factory: async_sessionmaker[AsyncSession],
    runtime: Runtime,
    raw: bytes,
    source: MailSource | None = None,
) -> Outcome:
    """Process one message in a transaction of its own (committed on return).

    The same as ``receive_in`` in a fresh transaction, without its savepoint: nothing else is
    in this transaction, so a failure rolls the whole of it back and stores the failure in the
    next one (two statements fewer per message than a savepoint)."""
    source = source or MailSource()
    async with session_factory() as session:
        tx = Tx(session=session, runtime=runtime)
        try:
            result: Stored | Ignored | Exception = await ingest(tx, raw, source)
            await session.flush()  # what a savepoint's release would flush, caught the same
        except Exception as error:  # anything at all: the mail must not be lost
            await rollback(session)
            log.exception("mail_processing_failed", account_id=source.account_id, size=len(raw))
            result = error
        except BaseException:
            await rollback(session)
            raise
        try:
            if isinstance(result, Exception):
                failure = await store_failure(tx, raw, describe(result), source.account_id)
                outcome: Outcome = Failed(failure_id=failure.id, error=failure.error)
            else:
                outcome = result
            await commit(session)
        except BaseException:
            await rollback(session)
            raise
        return outcome


async def receive_in(tx: Tx, raw: bytes, source: MailSource | None = None) -> Outcome:
    """Process one message in the caller's transaction. If processing fails for any reason,
    its writes and events are undone and the raw message is stored as a failure for the admin
    instead. Only a failure to store even that (the database is gone) raises."""
    source = source or MailSource()
    result = await attempt(tx, raw, source)
    if isinstance(result, BaseException):
        failure = await store_failure(tx, raw, describe(result), source.account_id)
        return Failed(failure_id=failure.id, error=failure.error)
    return result


async def attempt(tx: Tx, raw: bytes, source: MailSource) -> Stored | Ignored | Exception:
    """``ingest`` in a savepoint: its outcome, or the error it raised (everything it wrote and
    every event it queued undone)."""
    events_before = len(queued_events(tx.session))
    try:
        async with tx.session.begin_nested():
            return await ingest(tx, raw, source)
    except Exception as error:  # anything at all: the mail must not be lost
        drop_events_after(tx.session, events_before)
        log.exception("mail_processing_failed", account_id=source.account_id, size=len(raw))
        return error


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


async def store_failure(
    tx: Tx,
    raw: bytes,
    error: str,
    account_id: int | None,
    *,
    reason: str = "error",
    size: int | None = None,
) -> ReceivedMailFailure:
    """Keep the raw message and what went wrong (the headers alone for an oversized mail)."""
    try:
        mail = parse_mail(raw)
        message_id, sender, subject = mail.message_id, mail.from_address, mail.subject
    except Exception:  # the parser never raises; if it does anyway, keep the bytes alone
        message_id, sender, subject = None, "", ""
    row = ReceivedMailFailure(
        reason=reason,
        error=error,
        account_id=account_id,
        message_id=message_id,
        from_address=sender[:320],
        subject=subject[:255],
        size=len(raw) if size is None else size,
        raw=raw,
    )
    tx.session.add(row)
    await tx.session.flush()
    return row


async def ingest(tx: Tx, raw: bytes, source: MailSource) -> Stored | Ignored:
    """Parse, filter, thread and store one message in the caller's transaction."""
    mail = parse_mail(raw)
    session = tx.session
    if mail.message_id and await received_message_exists(session, mail.message_id):
        log.info("mail_duplicate_ignored", message_id=mail.message_id)
        return Ignored("duplicate")
    values: dict[str, Any] = trusted_header_values(mail) if source.trusted else {}
    values.update(run_filters(mail, await valid_filters(session)))
    if values.get("ignore"):
        log.info("mail_ignored_by_filter", message_id=mail.message_id)
        return Ignored("filter")

    customer_user = await _customer_user(session, mail, values.get("customer_user"))
    article = _article(mail)
    hook = ticket_hook(tx)
    new_ticket_kind = "reply_new_ticket"
    ticket_id = await find_follow_up_ticket(tx, mail)
    if ticket_id is not None:
        answered = await session.get(Ticket, ticket_id)
        assert answered is not None
        # Held for the rest of the message: the session maps loaded rows weakly, and the
        # follow-up and its escalation read this state again (from the map while it is held).
        answered_state = await session.get(TicketState, answered.state_id)
        policy = await _follow_up_policy(tx, answered, answered_state)
        if policy == "reject":
            await send_auto_response(tx, answered, mail, "reply_reject", hook)
            log.info("mail_follow_up_rejected", ticket_id=ticket_id, message_id=mail.message_id)
            return Ignored("follow_up_rejected")
        if policy == "possible":
            created = await do_add_mail_follow_up(tx, ticket_id, article, reopen=True)
            await _keep_source(tx, created.id, ticket_id, mail, raw)
            await send_auto_response(tx, answered, mail, "reply_follow_up", hook)
            return Stored(ticket_id=ticket_id, article_id=created.id, follow_up=True)
        new_ticket_kind = "reply_new_ticket_on_closed"  # new_ticket: a closed one stays closed

    queue = await _queue(tx, source, values.get("queue"), mail)
    ticket = await do_create_ticket_from_mail(
        tx,
        title=mail.subject,
        queue_id=queue.id,
        customer_user=customer_user,
        article=article,
        state=await _named(session, TicketState, values.get("state")),
        priority=await _named(session, Priority, values.get("priority")),
        type_id=await _type_id(session, values.get("type")),
    )
    first_article = await _first_article_id(session, ticket.id)
    await _keep_source(tx, first_article, ticket.id, mail, raw)
    await send_auto_response(tx, ticket, mail, new_ticket_kind, hook)
    return Stored(ticket_id=ticket.id, article_id=first_article, follow_up=False)


async def _follow_up_policy(tx: Tx, ticket: Ticket, state: TicketState | None) -> str:
    """What a follow-up does: "possible" (add, reopening a closed ticket), or — only for a
    closed ticket (``state`` is its state) — what its queue says ("reject", "new_ticket")."""
    if state is None or state.state_type != "closed":
        return "possible"
    profile = await queue_mail_profile(tx.session, ticket.queue_id)
    return profile.follow_up if profile.follow_up in ("reject", "new_ticket") else "possible"


# --- threading ---------------------------------------------------------------------------------


def ticket_hook(tx: Tx) -> str:
    """The subject prefix of ticket numbers (``Ticket::Hook``)."""
    return str(tx.setting(TICKET_HOOK)) or DEFAULT_TICKET_HOOK


def numbers_in_subject(subject: str, hook: str) -> list[str]:
    return re.findall(re.escape(hook) + r"\s*:?\s*(\d{5,50})", subject, flags=re.IGNORECASE)


async def find_follow_up_ticket(tx: Tx, mail: ParsedMail) -> int | None:
    """The ticket a message answers: a ticket number in the subject, else the In-Reply-To and
    References of a stored article (as OTRS's FollowUpCheck modules)."""
    for number in numbers_in_subject(mail.subject, ticket_hook(tx)):
        found = await tx.session.scalar(select(Ticket.id).where(Ticket.number == number))
        if found is not None:
            return found
    ids = [*([mail.in_reply_to] if mail.in_reply_to else []), *reversed(mail.references)]
    return await ticket_of_message_ids(tx.session, ids)


# --- the pieces of a ticket --------------------------------------------------------------------


def _article(mail: ParsedMail) -> PreparedArticle:
    attachments = [
        PreparedAttachment(
            filename=sanitize_filename(part.filename),
            content_type=normalize_content_type(part.content_type),
            content=part.content,
            sha256=part.sha256,
            disposition="inline" if part.inline else "attachment",
        )
        for part in mail.attachments
    ]
    channel_data: dict[str, Any] = {}
    if mail.html is not None:
        # Already cleaned by nh3; the article body stays the text version.
        channel_data["html"] = mail.html
    return PreparedArticle(
        channel="email",
        sender_type="customer",
        visible_for_customer=True,
        subject=mail.subject[:255],
        body=mail.body,
        from_display=(mail.from_display or mail.from_address or "unknown sender")[:250],
        attachments=attachments,
        channel_data=channel_data,
    )


async def _keep_source(
    tx: Tx, article_id: int, ticket_id: int, mail: ParsedMail, raw: bytes
) -> None:
    tx.session.add(
        ArticleMail(
            article_id=article_id,
            ticket_id=ticket_id,
            direction="in",
            message_id=mail.message_id,
            in_reply_to=mail.in_reply_to,
            references=" ".join(mail.references),
            from_address=mail.from_address[:320],
            to_addresses=mail.to_addresses,
            cc_addresses=mail.cc_addresses,
            raw=raw,
        )
    )
    await tx.session.flush()


async def _first_article_id(session: AsyncSession, ticket_id: int) -> int:
    article_id = await session.scalar(
        select(Article.id).where(Article.ticket_id == ticket_id).order_by(Article.id).limit(1)
    )
    assert article_id is not None, "a new ticket has its first article"
    return article_id


async def _customer_user(
    session: AsyncSession, mail: ParsedMail, login: Any
) -> CustomerUser | None:
    if login:
        by_login = await session.scalar(
            select(CustomerUser).where(equals_ignoring_case(CustomerUser.login, str(login)))
        )
        if by_login is not None:
            return by_login
        log.warning("mail_filter_unknown_customer_user", login=str(login))
    if not mail.from_address:
        return None
    return await session.scalar(
        select(CustomerUser)
        .where(
            equals_ignoring_case(CustomerUser.email, mail.from_address),
            CustomerUser.valid.is_(True),
        )
        .order_by(CustomerUser.id)
        .limit(1)
    )


async def _queue(tx: Tx, source: MailSource, name: Any, mail: ParsedMail) -> Queue:
    """A filter's queue, else the account's fixed queue (dispatch "queue") or the queue of the
    first system address among the recipients (dispatch "recipient"), else the default queue.

    The queue itself, not its id: while the caller holds it, creating the ticket finds it in
    the session instead of reading it again."""
    session = tx.session
    if name:
        by_name = await _valid_queue(session, str(name))
        if by_name is not None:
            return by_name
        log.warning("mail_filter_unknown_queue", queue=str(name))
    if source.dispatch == "queue" and source.queue_id is not None:
        queue = await session.get(Queue, source.queue_id)
        if queue is not None and queue.valid:
            return queue
    if source.dispatch == "recipient":
        for address in await _system_addresses_of(session, mail.recipients):
            if address is not None:
                queue = await session.get(Queue, address.queue_id)
                if queue is not None and queue.valid:
                    return queue
    default = await _valid_queue(session, str(tx.setting(DEFAULT_QUEUE)))
    if default is not None:
        return default
    first = await session.scalar(
        select(Queue).where(Queue.valid.is_(True)).order_by(Queue.id).limit(1)
    )
    assert first is not None, "an installation has at least one valid queue"
    return first


async def _valid_queue(session: AsyncSession, name: str) -> Queue | None:
    found: Queue | None = await session.scalar(
        select(Queue).where(Queue.name == name.strip(), Queue.valid.is_(True))
    )
    return found


async def _system_addresses_of(
    session: AsyncSession, emails: list[str]
) -> list[SystemAddress | None]:
    """``system_address_by_email`` of each of ``emails``, in one query (per 500): a column per
    address says which rows it matches (compared by the database, as that function does)."""
    found: list[SystemAddress | None] = []
    for first in range(0, len(emails), ADDRESSES_PER_QUERY):
        wanted = [email.strip() for email in emails[first : first + ADDRESSES_PER_QUERY]]
        matches = [
            equals_ignoring_case(SystemAddress.email, email).label(f"matches_{index}")
            for index, email in enumerate(wanted)
        ]
        rows = (
            await session.execute(
                select(SystemAddress, *matches).where(
                    or_(*(equals_ignoring_case(SystemAddress.email, email) for email in wanted)),
                    SystemAddress.valid.is_(True),
                )
            )
        ).all()
        found += [next((row[0] for row in rows if row[i + 1]), None) for i in range(len(wanted))]
    return found


async def _valid_id(session: AsyncSession, model: Any, name: str) -> int | None:
    found: int | None = await session.scalar(
        select(model.id).where(model.name == name.strip(), model.valid.is_(True))
    )
    return found


async def _named(session: AsyncSession, model: Any, name: Any) -> str | None:
    if not name:
        return None
    if await _valid_id(session, model, str(name)) is None:
        log.warning("mail_filter_unknown_value", what=model.__tablename__, value=str(name))
        return None
    return str(name).strip()


async def _type_id(session: AsyncSession, name: Any) -> int | None:
    if not name:
        return None
    found = await _valid_id(session, TicketType, str(name))
    if found is None:
        log.warning("mail_filter_unknown_value", what="ticket_type", value=str(name))
    return found
