"""Housekeeping (CH-40): deleting expired chats."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from frontdesk.domain.chat.events import ChatsDeleted
from frontdesk.domain.chat.models import Chat, ChatEvent, ChatMember
from frontdesk.domain.chat.settings import CHAT_DECAY_DAYS, CHAT_TTL_HOURS
from frontdesk.domain.runtime import Tx

# --- housekeeping (CH-40) ------------------------------------------------------------------------


async def do_delete_expired_chats(tx: Tx, now: datetime) -> list[int]:
    """Closed chats older than ChatTTL hours and open ones older than ChatDecayTime days go.
    Articles made from chats stay (they are copies)."""
    closed_before = now - timedelta(hours=int(tx.setting(CHAT_TTL_HOURS)))
    created_before = now - timedelta(days=int(tx.setting(CHAT_DECAY_DAYS)))
    expired = or_(
        (Chat.status == "closed") & (Chat.closed_at < closed_before),
        (Chat.status != "closed") & (Chat.created_at < created_before),
    )
    ids = list(await tx.session.scalars(select(Chat.id).where(expired).order_by(Chat.id)))
    if not ids:
        return []
    # Children first: SQLite enforces ON DELETE CASCADE only with foreign keys on.
    await tx.session.execute(delete(ChatEvent).where(ChatEvent.chat_id.in_(ids)))
    await tx.session.execute(delete(ChatMember).where(ChatMember.chat_id.in_(ids)))
    await tx.session.execute(
        update(Chat).where(Chat.invited_for_chat_id.in_(ids)).values(invited_for_chat_id=None)
    )
    await tx.session.execute(delete(Chat).where(Chat.id.in_(ids)))
    tx.emit(ChatsDeleted(chat_ids=tuple(ids)))
    return ids
