"""Messages (CH-22, CH-46, CH-50), one at a time and in batches, and typing (CH-49)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Integer, Select, String, Table, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import Subquery

from frontdesk.core.actor import Actor
from frontdesk.core.clock import isoformat_z, utcnow
from frontdesk.core.errors import DomainError, PermissionDenied, RateLimited
from frontdesk.db.many_rows import ManyRows, RowsAmong
from frontdesk.domain.chat.access import ChatAccess, access_chat_by_id, member_kind
from frontdesk.domain.chat.actions.channels import check_chat_enabled
from frontdesk.domain.chat.actions.event_log import (
    WRITING_ROLES,
    Author,
    _audience,
    _audience_of,
    _author,
    _author_of,
    _check_text,
    append_event,
)
from frontdesk.domain.chat.errors import ChatClosed
from frontdesk.domain.chat.events import ChatEventStored, ChatTyping
from frontdesk.domain.chat.models import Chat, ChatEvent, ChatMember
from frontdesk.domain.chat.schemas import MessageInput
from frontdesk.domain.chat.settings import ACTIVE, MESSAGES_PER_SECOND
from frontdesk.domain.runtime import Tx

# --- messages (CH-22, CH-46, CH-50) --------------------------------------------------------------


@dataclass
class SentMessage:
    event: ChatEvent
    created: bool


async def _existing_message(
    tx: Tx, chat_id: int, author: Author, client_message_id: str
) -> ChatEvent | None:
    return await tx.session.scalar(
        select(ChatEvent).where(
            ChatEvent.chat_id == chat_id,
            ChatEvent.author_kind == author.kind,
            ChatEvent.author_id == author.id,
            ChatEvent.client_message_id == client_message_id,
        )
    )


def _check_can_write(access: ChatAccess) -> ChatMember:
    if access.chat.status == "closed":
        raise ChatClosed()
    member = access.member
    if member is None or not member.active:
        raise PermissionDenied("Join or accept the chat before writing in it.", code="not_member")
    if member.role not in WRITING_ROLES:
        raise PermissionDenied("Observers cannot write in a chat.", code="observer")
    return member


async def check_send_message(
    tx: Tx, actor: Actor, chat_id: int, data: MessageInput
) -> tuple[ChatAccess, ChatMember, ChatEvent | None]:
    """Returns the stored message when this client id was sent before (idempotent resend)."""
    check_chat_enabled(tx)
    access = await access_chat_by_id(tx.session, actor, chat_id)
    if data.client_message_id is not None and access.member is not None:
        stored = await _existing_message(
            tx, chat_id, _author(tx, actor, access.member), data.client_message_id
        )
        if stored is not None:
            return access, access.member, stored
    member = _check_can_write(access)
    _check_text(tx, data.text)
    await _check_rate(tx, access.chat, _author(tx, actor, member))
    return access, member, None


RATE_WINDOW = timedelta(seconds=1)  # MessagesPerSecond counts the messages of this long


async def _check_rate(tx: Tx, chat: Chat, author: Author) -> None:
    """At most MessagesPerSecond messages per member and second."""
    limit = int(tx.setting(MESSAGES_PER_SECOND))
    since = utcnow() - RATE_WINDOW
    recent = await tx.session.scalar(
        select(func.count())
        .select_from(ChatEvent)
        .where(
            # Through the (chat_id, created_at) index: only the window's rows are read.
            ChatEvent.chat_id == chat.id,
            ChatEvent.author_kind == author.kind,
            ChatEvent.author_id == author.id,
            ChatEvent.kind == "message",
            ChatEvent.created_at >= since,
        )
    )
    if (recent or 0) >= limit:
        raise RateLimited("You are sending messages too fast.", retry_after_seconds=1)


async def do_send_message(tx: Tx, actor: Actor, chat_id: int, data: MessageInput) -> SentMessage:
    access, member, stored = await check_send_message(tx, actor, chat_id, data)
    if stored is not None:
        return SentMessage(stored, created=False)
    author = _author(tx, actor, member)
    try:
        async with tx.session.begin_nested():
            row = await append_event(
                tx,
                access.chat,
                "message",
                author,
                text=data.text,
                client_message_id=data.client_message_id,
            )
    except IntegrityError:
        # The same client id raced in from another connection: that one is stored; answer it.
        assert data.client_message_id is not None
        _drop_last_queued(tx)
        await tx.session.refresh(access.chat)
        existing = await _existing_message(tx, chat_id, author, data.client_message_id)
        if existing is None:
            raise
        return SentMessage(existing, created=False)
    return SentMessage(row, created=True)


@dataclass(frozen=True)
class MessageRequest:
    """One message of a batch: who sends what to which chat."""

    actor: Actor
    chat_id: int
    data: MessageInput


@dataclass(frozen=True)
class StoredMessage:
    """Where a message of a batch stands in its chat; ``created`` is false for a resend."""

    chat_id: int
    seq: int
    created: bool


_CHAT = cast(Table, Chat.__table__)
_MEMBER = cast(Table, ChatMember.__table__)
_EVENT = cast(Table, ChatEvent.__table__)
_MOVE_LAST_SEQ = ManyRows(
    update(_CHAT).where(_CHAT.c.id == bindparam("chat")).values(last_seq=bindparam("moved_to")),
    row_names=("chat", "moved_to"),
)
# The batch's chats (locked on PostgreSQL, in id order), their members, and the messages stored
# earlier with the batch's client ids.
_BATCH_CHATS = RowsAmong(
    lambda lists: (
        select(
            _CHAT.c.id,
            _CHAT.c.status,
            _CHAT.c.last_seq,
            _CHAT.c.target_agent_id,
            _CHAT.c.target_customer_user_id,
        )
        .where(lists.among(_CHAT.c.id, "chats"))
        .order_by(_CHAT.c.id)
        .with_for_update()
    )
)
_BATCH_MEMBERS = RowsAmong(
    lambda lists: select(
        _MEMBER.c.chat_id,
        _MEMBER.c.kind,
        _MEMBER.c.user_id,
        _MEMBER.c.role,
        _MEMBER.c.active,
        _MEMBER.c.display_name,
        _MEMBER.c.agent_number,
    ).where(lists.among(_MEMBER.c.chat_id, "chats"))
)
_BATCH_RESENT = RowsAmong(lambda lists: _resent_query(lists.pairs("sent", Integer(), String())))
# Counted here, not with GROUP BY: grouped, SQLite walks the chats' whole history along the
# (chat_id, author…) index instead of the window along (chat_id, created_at).
_BATCH_RECENT = RowsAmong(
    lambda lists: select(_EVENT.c.chat_id, _EVENT.c.author_kind, _EVENT.c.author_id).where(
        lists.among(_EVENT.c.chat_id, "chats"),
        _EVENT.c.created_at >= bindparam("since", type_=_EVENT.c.created_at.type),
        _EVENT.c.kind == "message",
    )
)
# A batch's messages: the row's own values, then those every message of the batch shares.
_MESSAGE_ROW = (
    "chat_id",
    "seq",
    "author_kind",
    "author_id",
    "author_name",
    "author_public_name",
    "text",
    "client_message_id",
)
_MESSAGE_SHARED = ("kind", "data", "visible_to_customer", "created_at")
_INSERT_MESSAGES = ManyRows(
    insert(_EVENT).values({name: bindparam(name) for name in _MESSAGE_ROW + _MESSAGE_SHARED}),
    row_names=_MESSAGE_ROW,
    shared_names=_MESSAGE_SHARED,
)


async def do_send_message_batch(
    tx: Tx, requests: Sequence[MessageRequest]
) -> list[StoredMessage | None]:
    """Store many messages in one transaction with a fixed number of statements, whatever the
    batch's size (up to 200 chats): the chats (locked on PostgreSQL, in id order so two
    processes cannot deadlock), their members, earlier messages with the same client ids, the
    chats' newest events for the rate limit, one UPDATE of the chats' ``last_seq`` and one
    INSERT. Core statements and plain rows, no ORM objects: the Python work per message is
    what is left.

    Only the plain case is decided here: an active writing member, an open chat, a valid text,
    under the rate limit. Any other request comes back as ``None``, and the caller sends it
    through ``do_send_message`` on its own, which gives the exact answer or error. Sequence
    numbers stay gap-free because every writer of a chat's events moves ``last_seq`` under the
    chat's row lock (PostgreSQL) or the single write lock (SQLite: a transaction that read an
    older ``last_seq`` fails to write instead of writing over it).
    """
    results: list[StoredMessage | None] = [None] * len(requests)
    if not requests or not tx.setting(ACTIVE):
        return results
    session = tx.session
    chat_ids = sorted({request.chat_id for request in requests})
    chats = {row.id: row for row in await _BATCH_CHATS.all(session, chats=chat_ids)}
    if not chats:
        return results
    # Plain tuples: a row's attribute access costs more than all the rest per member.
    members: dict[int, list[tuple[str, int]]] = {}  # chat → (kind, user id) of every member
    writers: dict[tuple[int, str, int], tuple[int | None, str]] = {}  # → number, name
    for (
        chat_id,
        kind,
        user_id,
        role,
        active,
        display_name,
        agent_number,
    ) in await _BATCH_MEMBERS.all(session, chats=list(chats)):
        members.setdefault(chat_id, []).append((kind, user_id))
        if active and role in WRITING_ROLES:
            writers[(chat_id, kind, user_id)] = (agent_number, display_name)
    resent = await _seqs_by_client_id(tx, list(chats), requests)
    limit = int(tx.setting(MESSAGES_PER_SECOND))
    recent = await _recent_message_counts(tx, list(chats))

    now = utcnow()
    at = isoformat_z(now) or ""
    rows: list[tuple[Any, ...]] = []  # the chat_event rows to insert, as in _MESSAGE_ROW
    moved: dict[int, int] = {}
    for index, request in enumerate(requests):
        chat = chats.get(request.chat_id)
        if chat is None or chat.status == "closed":
            continue
        writer = writers.get((chat.id, member_kind(request.actor), request.actor.id))
        if writer is None:
            continue  # not an active member who may write: decided one by one
        author = _author_of(tx, request.actor, *writer)
        client_id = request.data.client_message_id
        key = (chat.id, author.kind, author.id, client_id)
        if client_id is not None and key in resent:
            results[index] = StoredMessage(chat.id, resent[key], created=False)
            continue
        text = request.data.text
        try:
            _check_text(tx, text)
        except DomainError:
            continue  # refused: the one-by-one path gives the error
        rate_key = (chat.id, author.kind, author.id)
        if recent.get(rate_key, 0) >= limit:
            continue
        recent[rate_key] = recent.get(rate_key, 0) + 1
        seq = moved.get(chat.id, chat.last_seq) + 1
        moved[chat.id] = seq
        rows.append(
            (
                chat.id,
                seq,
                author.kind,
                author.id,
                author.name,
                author.public_name,
                text,
                client_id,
            )
        )
        if client_id is not None:
            resent[key] = seq  # the same client id twice in one batch: one message
        results[index] = StoredMessage(chat.id, seq, created=True)
    if not rows:
        return results
    await _MOVE_LAST_SEQ.execute(session, list(moved.items()))
    for chat_id, seq in moved.items():
        # A Chat of this chat already in the session must not keep the old number.
        loaded = session.identity_map.get(session.sync_session.identity_key(Chat, (chat_id,)))
        if isinstance(loaded, Chat):
            set_committed_value(loaded, "last_seq", seq)
    await _INSERT_MESSAGES.execute(
        session,
        rows,
        {"kind": "message", "data": {}, "visible_to_customer": True, "created_at": now},
    )
    audiences = {chat_id: _audience_of(chats[chat_id], members[chat_id]) for chat_id in moved}
    # Built from values this function made: no validation needed (model_construct).
    tx.emit_all(
        [
            ChatEventStored.model_construct(
                chat_id=chat_id,
                seq=seq,
                event_kind="message",
                author_kind=author_kind,
                author_id=author_id,
                author_name=author_name,
                author_public_name=author_public_name,
                text=text,
                data={},
                client_message_id=client_id,
                visible_to_customer=True,
                at=at,
                audience=audiences[chat_id],
            )
            for (
                chat_id,
                seq,
                author_kind,
                author_id,
                author_name,
                author_public_name,
                text,
                client_id,
            ) in rows
        ]
    )
    return results


def _resent_query(sent: Subquery) -> Select[Any]:
    """The batch's (chat, client id) pairs already stored: one index probe per pair."""
    return select(
        _EVENT.c.chat_id,
        _EVENT.c.author_kind,
        _EVENT.c.author_id,
        _EVENT.c.client_message_id,
        _EVENT.c.seq,
    ).select_from(
        _EVENT.join(
            sent,
            (_EVENT.c.chat_id == sent.c.first) & (_EVENT.c.client_message_id == sent.c.second),
        )
    )


async def _seqs_by_client_id(
    tx: Tx, chat_ids: list[int], requests: Sequence[MessageRequest]
) -> dict[tuple[int, str, int | None, str | None], int]:
    known = set(chat_ids)
    sent = sorted(
        {
            (r.chat_id, r.data.client_message_id)
            for r in requests
            if r.data.client_message_id is not None and r.chat_id in known
        }
    )
    if not sent:
        return {}
    found = await _BATCH_RESENT.all(tx.session, sent=sent)
    return {(chat, kind, author, client_id): seq for chat, kind, author, client_id, seq in found}


async def _recent_message_counts(
    tx: Tx, chat_ids: list[int]
) -> dict[tuple[int, str, int | None], int]:
    """Messages per (chat, author) within the rate window, as ``_check_rate`` counts them."""
    recent = await _BATCH_RECENT.all(tx.session, chats=chat_ids, since=utcnow() - RATE_WINDOW)
    return dict(Counter((chat_id, kind, author) for chat_id, kind, author in recent))


def _drop_last_queued(tx: Tx) -> None:
    """The bus forgets queued events only when the whole transaction rolls back; the event of a
    rolled-back savepoint is taken out here."""
    queued = tx.session.info.get("frontdesk.bus.queued")
    if queued:
        queued.pop()


# --- typing (CH-49): not stored, no seq ----------------------------------------------------------


async def check_typing(tx: Tx, actor: Actor, chat_id: int) -> tuple[ChatAccess, ChatMember]:
    check_chat_enabled(tx)
    access = await access_chat_by_id(tx.session, actor, chat_id)
    if access.chat.status == "closed":
        raise ChatClosed()
    if access.member is None or not access.member.active:
        raise PermissionDenied("Join the chat first.", code="not_member")
    return access, access.member


async def do_typing(tx: Tx, actor: Actor, chat_id: int) -> None:
    access, member = await check_typing(tx, actor, chat_id)
    author = _author(tx, actor, member)
    tx.emit(
        ChatTyping(
            chat_id=chat_id,
            author_kind=author.kind,
            author_id=author.id,
            author_name=author.name,
            author_public_name=author.public_name,
            visible_to_customer=member.role != "observer",
            audience=await _audience(tx, access.chat),
        )
    )
