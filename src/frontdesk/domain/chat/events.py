"""Events of the chat feature. The action decides the audience; the realtime layer routes.

``ChatEventStored`` carries one row of the per-chat event log (it has a ``seq``). Typing and
presence are not stored and carry no ``seq``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from frontdesk.bus.events import Event


class ChatEventStored(Event):
    kind: ClassVar[str] = "chat.event"
    chat_id: int
    seq: int
    event_kind: str
    author_kind: str
    author_id: int | None
    author_name: str
    author_public_name: str
    text: str | None
    data: dict[str, Any]
    client_message_id: str | None
    visible_to_customer: bool
    at: str


class ChatTyping(Event):
    kind: ClassVar[str] = "chat.typing"
    chat_id: int
    author_kind: str
    author_id: int | None
    author_name: str
    author_public_name: str
    # Customers never see observers (CH-49).
    visible_to_customer: bool


class ChatPresenceChanged(Event):
    """A member's presence (CH-33) changed in these chats."""

    kind: ClassVar[str] = "chat.presence"
    chat_ids: tuple[int, ...]
    member_kind: str
    member_id: int
    presence: str
    # Chats in which the member is an observer: customers of those are not told.
    hidden_from_customers_in: tuple[int, ...] = ()


class ChatRequestNew(Event):
    """A request agents may accept (CH-17); the audience holds those agents."""

    kind: ClassVar[str] = "chat.request_new"
    chat: dict[str, Any]


class ChatRequestGone(Event):
    """A request was accepted, withdrawn or moved: it leaves the agents' request lists."""

    kind: ClassVar[str] = "chat.request_gone"
    chat: dict[str, Any]


class ChatChanged(Event):
    """Anything else about a chat changed (status, channel, members): lists refetch."""

    kind: ClassVar[str] = "chat.changed"
    chat_id: int


class ChatChannelChanged(Event):
    kind: ClassVar[str] = "chat.channel_changed"
    channel_id: int
    op: str


class ChatsDeleted(Event):
    kind: ClassVar[str] = "chat.deleted"
    chat_ids: tuple[int, ...]
