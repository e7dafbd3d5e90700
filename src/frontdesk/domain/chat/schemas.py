"""Input and output shapes of the chat (REST, WebSocket frames and pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from frontdesk.core.fields import Email
from frontdesk.core.input_model import InputModel

MAX_ID = 2_147_483_647
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
Availability = Literal["unavailable", "internal", "external"]
Direction = Literal["public_to_agent", "customer_to_agent", "agent_to_customer", "agent_to_agent"]
Status = Literal["request", "active", "closed"]
Presence = Literal["active", "away", "inactive", "unavailable", "offline"]
JoinRole = Literal["observer", "participant"]
MonitorLevel = Literal["off", "customer", "all"]
ClientMessageId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]
# Length is checked by the action against ChatEngine::MaxMessageLength (413); this cap only
# keeps absurd bodies from being parsed further.
MessageText = Annotated[str, StringConstraints(max_length=1_000_000)]


class ChannelCreate(InputModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    group_id: DbId
    valid: bool = True
    comment: Annotated[str, StringConstraints(max_length=250)] | None = None


class ChannelUpdate(InputModel):
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = None
    group_id: DbId | None = None
    valid: bool | None = None
    comment: Annotated[str, StringConstraints(max_length=250)] | None = None


class ChannelOut(BaseModel):
    id: int
    name: str
    group_id: int
    valid: bool
    comment: str | None
    is_default: bool
    created_at: datetime
    updated_at: datetime


class ChannelChoice(BaseModel):
    """A channel as a user may pick it (CH-11)."""

    id: int
    name: str
    is_default: bool
    available: bool


class AvailabilityInput(InputModel):
    availability: Availability


class ActiveChannelsInput(InputModel):
    channel_ids: list[DbId] = Field(max_length=500)


class PublicChatCreate(InputModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    email: Email | None = None
    channel_id: DbId | None = None
    message: MessageText


class ChatCreate(InputModel):
    """A customer gives ``channel_id``; an agent gives ``to_agent_id`` or ``to_customer_user``."""

    channel_id: DbId | None = None
    to_agent_id: DbId | None = None
    to_customer_user: Annotated[str, StringConstraints(max_length=200)] | None = None
    message: MessageText


class MessageInput(InputModel):
    text: MessageText
    client_message_id: ClientMessageId | None = None


class ChannelMove(InputModel):
    channel_id: DbId


class InviteInput(InputModel):
    agent_id: DbId


class JoinInput(InputModel):
    as_: JoinRole = Field(alias="as")


class MonitorInput(InputModel):
    level: MonitorLevel


class PhoneTicketInput(InputModel):
    queue_id: DbId
    title: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
        | None
    ) = None


class AppendInput(InputModel):
    ticket_id: DbId


# CH-37: a customer turns an unanswered chat request into a ticket.
class ChatToNewTicket(InputModel):
    queue_id: DbId
    title: str = Field(min_length=1, max_length=255)


class ChatToMyTicket(InputModel):
    ticket_id: DbId


class MemberOut(BaseModel):
    kind: str
    id: int | None
    display_name: str
    role: str
    presence: Presence


class ChatOut(BaseModel):
    id: int
    status: Status
    direction: Direction
    channel_id: int
    channel_name: str
    requester_name: str
    created_at: str
    accepted_at: str | None
    closed_at: str | None
    last_seq: int
    members: list[MemberOut]
    my_role: str | None
    monitor: MonitorLevel | None
    invited_for_chat_id: int | None
    # CH-13, CH-14: whom an agent's request is addressed to, and whether that is the reader
    # (who may then accept or decline it).
    addressee_name: str | None = None
    addressed_to_me: bool = False
    # CH-20: whether the reader may accept this request (the addressee, or an owner of the
    # channel who receives chats).
    may_accept: bool = False
    # CH-37: set once the requester waited CustomerThreshold minutes without an agent.
    no_agent_text: str | None = None
    fallback_url: str | None = None


class EventOut(BaseModel):
    """One event as a reader sees it (names and fields depend on the reader)."""

    chat_id: int
    seq: int | None
    event: dict[str, Any]


class TranscriptLine(BaseModel):
    """One line of a transcript as stored in a ticket article's ``channel_data``."""

    seq: int
    kind: str
    at: str
    author_kind: str
    author_name: str
    author_public_name: str
    text: str | None
    visible_to_customer: bool
