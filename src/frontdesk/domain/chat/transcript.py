"""A chat's transcript: for ticket articles (CH-26, CH-27, CH-39) and downloads (CH-31).

The article keeps the transcript structured in ``channel_data`` (who, as shown to agents and to
the customer, when, text) so ticket zoom can show it like a chat; the plain body holds what the
customer may read, with agents under the names the customer saw.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.clock import isoformat_z
from frontdesk.domain.chat.models import Chat, ChatChannel, ChatEvent
from frontdesk.domain.chat.schemas import TranscriptLine

# What a line says for events that are not messages (the names come from the event's author).
EVENT_SENTENCES = {
    "joined": "{name} has joined the chat",
    "role_changed": "{name} is now {role}",
    "closed": "{name} closed the chat",
    "channel_changed": "{name} moved the chat to {channel_name}",
    "invited": "{name} invited another agent",
    "ticket_linked": "{name} linked the chat to a ticket",
}


async def transcript_lines(session: AsyncSession, chat_id: int) -> list[TranscriptLine]:
    rows = await session.scalars(
        select(ChatEvent).where(ChatEvent.chat_id == chat_id).order_by(ChatEvent.seq)
    )
    return [
        TranscriptLine(
            seq=row.seq,
            kind=row.kind,
            at=isoformat_z(row.created_at) or "",
            author_kind=row.author_kind,
            author_name=row.author_name,
            author_public_name=row.author_public_name,
            text=row.text,
            visible_to_customer=row.visible_to_customer,
        )
        for row in rows
    ]


def line_text(
    line: TranscriptLine, reader_is_agent: bool, data: dict[str, Any] | None = None
) -> str:
    name = line.author_name if reader_is_agent else line.author_public_name
    if line.kind == "message":
        return line.text or ""
    sentence = EVENT_SENTENCES.get(line.kind, "{name}: " + line.kind)
    values = {"name": name, "role": "", "channel_name": ""}
    values.update({k: str(v) for k, v in (data or {}).items() if k in ("role", "channel_name")})
    return sentence.format(**values)


async def transcript_article(
    session: AsyncSession, chat: Chat, channel: ChatChannel
) -> tuple[str, dict[str, Any]]:
    """The article body (the customer's view, plain text) and the structured ``channel_data``."""
    rows = list(
        await session.scalars(
            select(ChatEvent).where(ChatEvent.chat_id == chat.id).order_by(ChatEvent.seq)
        )
    )
    lines = await transcript_lines(session, chat.id)
    body_lines = []
    for line, row in zip(lines, rows, strict=True):
        if not line.visible_to_customer:
            continue
        who = line.author_public_name
        said = line_text(line, reader_is_agent=False, data=row.data)
        if line.kind == "message":
            body_lines.append(f"[{line.at}] {who}: {said}")
        else:
            body_lines.append(f"[{line.at}] {said}")
    body = "\n".join(body_lines) or f"Chat {chat.id}"
    channel_data = {
        "chat_id": chat.id,
        "channel": channel.name,
        "direction": chat.direction,
        "requester_name": chat.requester_name,
        "messages": [
            {**line.model_dump(), "data": row.data} for line, row in zip(lines, rows, strict=True)
        ],
    }
    return body, channel_data
