"""Input and output shapes of the queue mail set-up (API and admin screens).

Create shapes carry defaults; update shapes make every field optional and change only the fields
present (``model_fields_set``); a field that may not be empty refuses an explicit ``null`` with
422 naming it. Whatever may end up in a mail header (names, display names, subjects) refuses
CR and LF, so no input can add a header line.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, Field, StringConstraints, field_validator

from frontdesk.core.clock import isoformat_z
from frontdesk.core.input_model import InputModel
from frontdesk.domain.mail_setup.models import (
    AutoResponse,
    Salutation,
    Signature,
    SystemAddress,
    Template,
    TemplateAttachment,
)
from frontdesk.domain.ticket_catalogue.schemas import Comment, RowId

TemplateType = Literal["answer", "create", "forward", "note", "phone_call"]
AutoResponseType = Literal[
    "reply_new_ticket", "reply_follow_up", "reply_reject", "reply_new_ticket_on_closed"
]
FollowUp = Literal["possible", "reject", "new_ticket"]

MAX_TEXT = 100_000
MAX_QUEUES = 1000


def _single_line(value: str | None) -> str | None:
    if value is not None and ("\r" in value or "\n" in value):
        raise ValueError("must be a single line (no line breaks)")
    return value


def _email_address(value: str) -> str:
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(
            f"must be an e-mail address such as support@example.com: {error}"
        ) from None
    return checked.normalized


def _distinct(value: list[int]) -> list[int]:
    return sorted(set(value))


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise ValueError("must not be null")
    return value


SetupName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_single_line),
]
DisplayName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_single_line),
]
Subject = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=250),
    AfterValidator(_single_line),
]
SystemEmail = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=250),
    AfterValidator(_email_address),
]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
QueueIds = Annotated[list[RowId], Field(max_length=MAX_QUEUES), AfterValidator(_distinct)]


# --- input ------------------------------------------------------------------------------------


class SystemAddressCreate(InputModel):
    email: SystemEmail
    display_name: DisplayName
    queue_id: RowId
    comment: Comment = None
    valid: bool = True


class SystemAddressUpdate(InputModel):
    email: SystemEmail | None = None
    display_name: DisplayName | None = None
    queue_id: RowId | None = None
    comment: Comment = None
    valid: bool | None = None

    _not_null = field_validator("email", "display_name", "queue_id", "valid")(_refuse_null)


class SnippetCreate(InputModel):
    """A salutation or a signature."""

    name: SetupName
    text: Text
    comment: Comment = None
    valid: bool = True


class SnippetUpdate(InputModel):
    name: SetupName | None = None
    text: Text | None = None
    comment: Comment = None
    valid: bool | None = None

    _not_null = field_validator("name", "text", "valid")(_refuse_null)


class TemplateCreate(InputModel):
    name: SetupName
    type: TemplateType = "answer"
    subject: Subject | None = None
    text: Text = ""
    queue_ids: QueueIds = Field(default_factory=list)
    comment: Comment = None
    valid: bool = True


class TemplateUpdate(InputModel):
    name: SetupName | None = None
    type: TemplateType | None = None
    subject: Subject | None = None
    text: Text | None = None
    queue_ids: QueueIds | None = None
    comment: Comment = None
    valid: bool | None = None

    _not_null = field_validator("name", "type", "text", "queue_ids", "valid")(_refuse_null)


class AutoResponseCreate(InputModel):
    name: SetupName
    type: AutoResponseType
    subject: Subject
    text: Text
    system_address_id: RowId
    queue_ids: QueueIds = Field(default_factory=list)
    comment: Comment = None
    valid: bool = True


class AutoResponseUpdate(InputModel):
    name: SetupName | None = None
    type: AutoResponseType | None = None
    subject: Subject | None = None
    text: Text | None = None
    system_address_id: RowId | None = None
    queue_ids: QueueIds | None = None
    comment: Comment = None
    valid: bool | None = None

    _not_null = field_validator(
        "name", "type", "subject", "text", "system_address_id", "queue_ids", "valid"
    )(_refuse_null)


# --- output -----------------------------------------------------------------------------------


def _stamp(value: Any) -> str:
    stamped = isoformat_z(value)
    assert stamped is not None
    return stamped


class SystemAddressOut(BaseModel):
    id: int
    email: str
    display_name: str
    queue_id: int
    comment: str | None
    valid: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, address: SystemAddress) -> SystemAddressOut:
        return cls(
            id=address.id,
            email=address.email,
            display_name=address.display_name,
            queue_id=address.queue_id,
            comment=address.comment,
            valid=address.valid,
            created_at=_stamp(address.created_at),
            updated_at=_stamp(address.updated_at),
        )


class SnippetOut(BaseModel):
    id: int
    name: str
    text: str
    comment: str | None
    valid: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, snippet: Salutation | Signature) -> SnippetOut:
        return cls(
            id=snippet.id,
            name=snippet.name,
            text=snippet.text,
            comment=snippet.comment,
            valid=snippet.valid,
            created_at=_stamp(snippet.created_at),
            updated_at=_stamp(snippet.updated_at),
        )


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int

    @classmethod
    def of(cls, attachment: TemplateAttachment) -> AttachmentOut:
        return cls(
            id=attachment.id,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=attachment.size,
        )


class TemplateOut(BaseModel):
    id: int
    name: str
    type: str
    subject: str | None
    text: str
    queue_ids: list[int]
    attachments: list[AttachmentOut]
    comment: str | None
    valid: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(
        cls,
        template: Template,
        queue_ids: list[int],
        attachments: list[TemplateAttachment],
    ) -> TemplateOut:
        return cls(
            id=template.id,
            name=template.name,
            type=template.type,
            subject=template.subject,
            text=template.text,
            queue_ids=queue_ids,
            attachments=[AttachmentOut.of(attachment) for attachment in attachments],
            comment=template.comment,
            valid=template.valid,
            created_at=_stamp(template.created_at),
            updated_at=_stamp(template.updated_at),
        )


class AutoResponseOut(BaseModel):
    id: int
    name: str
    type: str
    subject: str
    text: str
    system_address_id: int
    queue_ids: list[int]
    comment: str | None
    valid: bool
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, response: AutoResponse, queue_ids: list[int]) -> AutoResponseOut:
        return cls(
            id=response.id,
            name=response.name,
            type=response.type,
            subject=response.subject,
            text=response.text,
            system_address_id=response.system_address_id,
            queue_ids=queue_ids,
            comment=response.comment,
            valid=response.valid,
            created_at=_stamp(response.created_at),
            updated_at=_stamp(response.updated_at),
        )
