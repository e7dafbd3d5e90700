"""How a stored chat event looks to one reader.

Agents see real names and every event; customers and public users see only the events meant for
them, with agents under DefaultAgentName when it is set (CH-36). The same function renders a
replay from the database and a live event from the bus, so both look exactly alike.
"""

from __future__ import annotations

from typing import Any, Protocol

from frontdesk.core.clock import isoformat_z
from frontdesk.domain.chat.events import ChatEventStored
from frontdesk.domain.chat.models import ChatEvent


class StoredEventLike(Protocol):
    @property
    def chat_id(self) -> int: ...
    @property
    def seq(self) -> int: ...
    @property
    def author_kind(self) -> str: ...
    @property
    def author_id(self) -> int | None: ...
    @property
    def author_name(self) -> str: ...
    @property
    def author_public_name(self) -> str: ...
    @property
    def text(self) -> str | None: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def client_message_id(self) -> str | None: ...
    @property
    def visible_to_customer(self) -> bool: ...


def reader_sees(event: StoredEventLike, reader_is_agent: bool) -> bool:
    return reader_is_agent or event.visible_to_customer


def render_event(
    event: StoredEventLike, kind: str, at: str, reader_is_agent: bool
) -> dict[str, Any]:
    """The ``event`` object of a WebSocket frame or long-poll item for this reader."""
    author: dict[str, Any] = {
        "kind": event.author_kind,
        "name": event.author_name if reader_is_agent else event.author_public_name,
    }
    if reader_is_agent or event.author_kind != "agent":
        author["id"] = event.author_id
    body: dict[str, Any] = {"kind": kind, "seq": event.seq, "at": at, "author": author}
    if event.text is not None:
        body["text"] = event.text
    if event.client_message_id is not None:
        body["client_message_id"] = event.client_message_id
    for key, value in event.data.items():
        if key.startswith("agent_") and not reader_is_agent:
            continue  # agent-only details (real names of others, ids)
        body.setdefault(key, value)
    return body


def render_row(row: ChatEvent, reader_is_agent: bool) -> dict[str, Any]:
    return render_event(row, row.kind, isoformat_z(row.created_at) or "", reader_is_agent)


def render_live(event: ChatEventStored, reader_is_agent: bool) -> dict[str, Any]:
    return render_event(event, event.event_kind, event.at, reader_is_agent)
