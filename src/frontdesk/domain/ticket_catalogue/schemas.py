"""Input and output shapes of the ticket catalogue (API and pages).

Create shapes carry defaults; update shapes make every field optional and change only the fields
present in the request (``model_fields_set``). A field that may not be empty refuses an explicit
``null`` with 422 naming it.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, field_validator

from frontdesk.core.clock import isoformat_z
from frontdesk.core.input_model import InputModel
from frontdesk.domain.ticket_catalogue.models import (
    STATE_TYPES,
    Priority,
    Queue,
    Service,
    Sla,
    TicketState,
    TicketType,
)

SERVICE_SEPARATOR = "::"
DIALOG_MESSAGE_KEY = "dialog_message"

MAX_ID = 2_147_483_647  # the largest id an integer column holds on every backend

RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
EntryName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Comment = Annotated[str, StringConstraints(max_length=250)] | None
Minutes = Annotated[int, Field(ge=0, le=10_000_000)] | None
DialogMessage = Annotated[str, StringConstraints(max_length=10_000)] | None
# When to warn before an escalation, as percent of its target time (OTRS FirstResponseNotify, …).
NotifyPercent = Annotated[int, Field(ge=1, le=99)] | None
# A queue's unlock timeout in working minutes (OTRS "Unlock timeout"; 0: never unlock).
UnlockTimeout = Annotated[
    int,
    Field(
        ge=0,
        le=10_000_000,
        description="Working minutes a locked ticket may go untouched by its owner before it is"
        " unlocked (0: never).",
    ),
]


def _check_state_type(value: str | None) -> str | None:
    if value is not None and value not in STATE_TYPES:
        raise ValueError("must be one of: " + ", ".join(STATE_TYPES))
    return value


def _check_service_name(value: str | None) -> str | None:
    if value is not None and SERVICE_SEPARATOR in value:
        raise ValueError(f"must not contain {SERVICE_SEPARATOR!r} (it separates parent and child)")
    return value


StateTypeName = Annotated[str, AfterValidator(_check_state_type)]
ServiceName = Annotated[EntryName, AfterValidator(_check_service_name)]
# What a customer's reply to a closed ticket does (OTRS's queue follow-up option).
FollowUp = Literal["possible", "reject", "new_ticket"]


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise ValueError("must not be null")
    return value


# --- input ------------------------------------------------------------------------------------


class QueueCreate(InputModel):
    name: EntryName
    group_id: RowId
    business_calendar_id: RowId | None = None
    system_address_id: RowId | None = None
    salutation_id: RowId | None = None
    signature_id: RowId | None = None
    follow_up: FollowUp = "possible"
    first_response_minutes: Minutes = None
    first_response_notify: NotifyPercent = None
    update_minutes: Minutes = None
    update_notify: NotifyPercent = None
    solution_minutes: Minutes = None
    solution_notify: NotifyPercent = None
    unlock_timeout: UnlockTimeout = 0
    comment: Comment = None
    valid: bool = True


class QueueUpdate(InputModel):
    """``business_calendar_id: null`` counts the queue's escalations in wall-clock time; a
    target of ``null`` means no escalation of that kind for tickets without an SLA."""

    name: EntryName | None = None
    group_id: RowId | None = None
    business_calendar_id: RowId | None = None
    system_address_id: RowId | None = None
    salutation_id: RowId | None = None
    signature_id: RowId | None = None
    follow_up: FollowUp | None = None
    first_response_minutes: Minutes = None
    first_response_notify: NotifyPercent = None
    update_minutes: Minutes = None
    update_notify: NotifyPercent = None
    solution_minutes: Minutes = None
    solution_notify: NotifyPercent = None
    unlock_timeout: UnlockTimeout | None = None
    comment: Comment = None
    valid: bool | None = None

    _not_null = field_validator("name", "group_id", "valid")(_refuse_null)
    _follow_up_not_null = field_validator("follow_up", "unlock_timeout")(_refuse_null)


class StateCreate(InputModel):
    name: EntryName
    state_type: StateTypeName
    comment: Comment = None
    valid: bool = True


class StateUpdate(InputModel):
    name: EntryName | None = None
    state_type: StateTypeName | None = None
    comment: Comment = None
    valid: bool | None = None

    _not_null = field_validator("name", "state_type", "valid")(_refuse_null)


class PriorityCreate(InputModel):
    name: EntryName
    valid: bool = True


class PriorityUpdate(InputModel):
    name: EntryName | None = None
    valid: bool | None = None

    _not_null = field_validator("name", "valid")(_refuse_null)


class TypeCreate(InputModel):
    name: EntryName
    valid: bool = True


class TypeUpdate(InputModel):
    name: EntryName | None = None
    valid: bool | None = None

    _not_null = field_validator("name", "valid")(_refuse_null)


class ServiceCreate(InputModel):
    name: ServiceName
    parent_id: RowId | None = None
    comment: Comment = None
    valid: bool = True


class ServiceUpdate(InputModel):
    """``parent_id: null`` moves the service to the top level."""

    name: ServiceName | None = None
    parent_id: RowId | None = None
    comment: Comment = None
    valid: bool | None = None

    _not_null = field_validator("name", "valid")(_refuse_null)


class SlaCreate(InputModel):
    """Target times in minutes (``null``: no target). ``dialog_message``: shown to a customer
    who picks this SLA on the new-ticket screen (empty or null: no dialog)."""

    name: EntryName
    service_ids: list[RowId] = Field(default_factory=list, max_length=1000)
    first_response_minutes: Minutes = None
    first_response_notify: NotifyPercent = None
    update_minutes: Minutes = None
    update_notify: NotifyPercent = None
    solution_minutes: Minutes = None
    solution_notify: NotifyPercent = None
    business_calendar_id: RowId | None = None
    dialog_message: DialogMessage = None
    comment: Comment = None
    valid: bool = True


class SlaUpdate(InputModel):
    name: EntryName | None = None
    service_ids: list[RowId] | None = Field(default=None, max_length=1000)
    first_response_minutes: Minutes = None
    first_response_notify: NotifyPercent = None
    update_minutes: Minutes = None
    update_notify: NotifyPercent = None
    solution_minutes: Minutes = None
    solution_notify: NotifyPercent = None
    business_calendar_id: RowId | None = None
    dialog_message: DialogMessage = None
    comment: Comment = None
    valid: bool | None = None

    _not_null = field_validator("name", "service_ids", "valid")(_refuse_null)


# --- output -----------------------------------------------------------------------------------


def _stamp(value: Any) -> str:
    stamped = isoformat_z(value)
    assert stamped is not None
    return stamped


class QueueOut(BaseModel):
    id: int
    name: str
    group_id: int
    business_calendar_id: int | None
    system_address_id: int | None
    salutation_id: int | None
    signature_id: int | None
    follow_up: str
    first_response_minutes: int | None
    first_response_notify: int | None
    update_minutes: int | None
    update_notify: int | None
    solution_minutes: int | None
    solution_notify: int | None
    unlock_timeout: int
    comment: str | None
    valid: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, queue: Queue) -> QueueOut:
        return cls(
            id=queue.id,
            name=queue.name,
            group_id=queue.group_id,
            business_calendar_id=queue.business_calendar_id,
            system_address_id=queue.system_address_id,
            salutation_id=queue.salutation_id,
            signature_id=queue.signature_id,
            follow_up=queue.follow_up,
            first_response_minutes=queue.first_response_minutes,
            first_response_notify=queue.first_response_notify,
            update_minutes=queue.update_minutes,
            update_notify=queue.update_notify,
            solution_minutes=queue.solution_minutes,
            solution_notify=queue.solution_notify,
            unlock_timeout=queue.unlock_timeout,
            comment=queue.comment,
            valid=queue.valid,
            created_at=_stamp(queue.created_at),
            updated_at=_stamp(queue.updated_at),
        )


class StateOut(BaseModel):
    id: int
    name: str
    state_type: str
    comment: str | None
    valid: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, state: TicketState) -> StateOut:
        return cls(
            id=state.id,
            name=state.name,
            state_type=state.state_type,
            comment=state.comment,
            valid=state.valid,
            created_at=_stamp(state.created_at),
            updated_at=_stamp(state.updated_at),
        )


class PriorityOut(BaseModel):
    id: int
    name: str
    valid: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, priority: Priority) -> PriorityOut:
        return cls(
            id=priority.id,
            name=priority.name,
            valid=priority.valid,
            created_at=_stamp(priority.created_at),
            updated_at=_stamp(priority.updated_at),
        )


class TypeOut(BaseModel):
    id: int
    name: str
    valid: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, ticket_type: TicketType) -> TypeOut:
        return cls(
            id=ticket_type.id,
            name=ticket_type.name,
            valid=ticket_type.valid,
            created_at=_stamp(ticket_type.created_at),
            updated_at=_stamp(ticket_type.updated_at),
        )


class ServiceOut(BaseModel):
    """``full_name`` joins the names from the top: "Parent::Child::Grandchild"."""

    id: int
    name: str
    full_name: str
    parent_id: int | None
    comment: str | None
    valid: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, service: Service, full_name: str) -> ServiceOut:
        return cls(
            id=service.id,
            name=service.name,
            full_name=full_name,
            parent_id=service.parent_id,
            comment=service.comment,
            valid=service.valid,
            created_at=_stamp(service.created_at),
            updated_at=_stamp(service.updated_at),
        )


class SlaOut(BaseModel):
    id: int
    name: str
    service_ids: list[int]
    first_response_minutes: int | None
    first_response_notify: int | None
    update_minutes: int | None
    update_notify: int | None
    solution_minutes: int | None
    solution_notify: int | None
    business_calendar_id: int | None
    dialog_message: str | None
    preferences: dict[str, Any]
    comment: str | None
    valid: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, sla: Sla, service_ids: list[int]) -> SlaOut:
        preferences = dict(sla.preferences or {})
        message = preferences.get(DIALOG_MESSAGE_KEY)
        return cls(
            id=sla.id,
            name=sla.name,
            service_ids=sorted(service_ids),
            first_response_minutes=sla.first_response_minutes,
            first_response_notify=sla.first_response_notify,
            update_minutes=sla.update_minutes,
            update_notify=sla.update_notify,
            solution_minutes=sla.solution_minutes,
            solution_notify=sla.solution_notify,
            business_calendar_id=sla.business_calendar_id,
            dialog_message=message if isinstance(message, str) else None,
            preferences=preferences,
            comment=sla.comment,
            valid=sla.valid,
            created_at=_stamp(sla.created_at),
            updated_at=_stamp(sla.updated_at),
        )


ItemT = TypeVar("ItemT")


class ListOut(BaseModel, Generic[ItemT]):
    """One page of a list: ``items`` and the ``total`` over every page."""

    items: list[ItemT]
    total: int
    limit: int
    offset: int
