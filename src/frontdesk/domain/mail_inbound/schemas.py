"""Input and output shapes of mail accounts, postmaster filters and failed incoming mail."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from frontdesk.core.clock import isoformat_z
from frontdesk.core.input_model import InputModel
from frontdesk.domain.mail_inbound.filters import SET_KEYS
from frontdesk.domain.mail_inbound.models import MailAccount, PostmasterFilter, ReceivedMailFailure
from frontdesk.domain.ticket_catalogue.schemas import MAX_ID

AccountType = Literal["imap", "imaps", "pop3", "pop3s"]
Dispatch = Literal["queue", "recipient"]
DEFAULT_PORTS = {"imap": 143, "imaps": 993, "pop3": 110, "pop3s": 995}
_HOST = re.compile(r"^[A-Za-z0-9._:\[\]-]+$")
_HEADER = re.compile(r"^[!-9;-~]+$")  # RFC 5322 field name: printable, no colon


def _no_controls(value: str | None, what: str) -> str | None:
    if value is not None and any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError(f"{what} must not contain control characters")
    return value


class MailAccountCreate(InputModel):
    type: AccountType
    host: str = Field(min_length=1, max_length=255)
    port: int | None = Field(default=None, ge=1, le=65535)
    login: str = Field(min_length=1, max_length=255)
    password: str = Field(min_length=1, max_length=1000)
    folder: str | None = Field(default=None, max_length=255)
    dispatch: Dispatch = "queue"
    queue_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    trusted: bool = False
    valid: bool = True

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not _HOST.match(value.strip()):
            raise ValueError("must be a host name or address")
        return value.strip()

    @field_validator("login", "password", "folder")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return _no_controls(value, "the value")


class MailAccountUpdate(InputModel):
    """Only the fields present change; a missing ``password`` keeps the stored one."""

    type: AccountType | None = None
    host: str | None = Field(default=None, min_length=1, max_length=255)
    port: int | None = Field(default=None, ge=1, le=65535)
    login: str | None = Field(default=None, min_length=1, max_length=255)
    password: str | None = Field(default=None, min_length=1, max_length=1000)
    folder: str | None = Field(default=None, max_length=255)
    dispatch: Dispatch | None = None
    queue_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    trusted: bool | None = None
    valid: bool | None = None

    @field_validator("host")
    @classmethod
    def _host(cls, value: str | None) -> str | None:
        if value is not None and not _HOST.match(value.strip()):
            raise ValueError("must be a host name or address")
        return value.strip() if value is not None else None

    @field_validator("login", "password", "folder")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return _no_controls(value, "the value")


class MailAccountOut(BaseModel):
    id: int
    type: str
    host: str
    port: int
    login: str
    folder: str | None
    dispatch: str
    queue_id: int | None
    trusted: bool
    valid: bool
    last_fetch_at: str | None
    last_error: str

    @classmethod
    def of(cls, row: MailAccount) -> MailAccountOut:
        return cls(
            id=row.id,
            type=row.type,
            host=row.host,
            port=row.port,
            login=row.login,
            folder=row.folder,
            dispatch=row.dispatch,
            queue_id=row.queue_id,
            trusted=row.trusted,
            valid=row.valid,
            last_fetch_at=isoformat_z(row.last_fetch_at),
            last_error=row.last_error,
        )


class FetchResult(BaseModel):
    fetched: int
    failed: int


class FilterCondition(InputModel):
    header: str = Field(min_length=1, max_length=100)
    pattern: str = Field(min_length=1, max_length=500)
    negate: bool = False

    @field_validator("header")
    @classmethod
    def _header(cls, value: str) -> str:
        if not _HEADER.match(value):
            raise ValueError("must be a header name (printable, no spaces or colon)")
        return value

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"is not a regular expression: {error}") from None
        return value


def _check_set(value: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(value) - set(SET_KEYS))
    if unknown:
        raise ValueError(f"unknown keys {unknown}; allowed: {list(SET_KEYS)}")
    for key, item in value.items():
        if key == "ignore":
            if not isinstance(item, bool):
                raise ValueError("ignore must be true or false")
        elif not isinstance(item, str) or not item.strip() or len(item) > 200:
            raise ValueError(f"{key} must be a name of up to 200 characters")
    return value


class PostmasterFilterCreate(InputModel):
    name: str = Field(min_length=1, max_length=200)
    match: list[FilterCondition] = Field(min_length=1, max_length=20)
    set: dict[str, Any] = Field(min_length=1)
    stop: bool = False
    valid: bool = True

    @field_validator("set")
    @classmethod
    def _set(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _check_set(value)


class PostmasterFilterUpdate(InputModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    match: list[FilterCondition] | None = Field(default=None, min_length=1, max_length=20)
    set: dict[str, Any] | None = Field(default=None, min_length=1)
    stop: bool | None = None
    valid: bool | None = None

    @field_validator("set")
    @classmethod
    def _set(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return _check_set(value) if value is not None else None


class PostmasterFilterOut(BaseModel):
    id: int
    name: str
    match: list[FilterCondition]
    set: dict[str, Any]
    stop: bool
    valid: bool

    @classmethod
    def of(cls, row: PostmasterFilter) -> PostmasterFilterOut:
        return cls(
            id=row.id,
            name=row.name,
            match=[FilterCondition.model_validate(c) for c in row.match],
            set=dict(row.set_values),
            stop=row.stop,
            valid=row.valid,
        )


class FailedMailOut(BaseModel):
    id: int
    reason: str
    error: str
    account_id: int | None
    message_id: str | None
    from_address: str
    subject: str
    size: int
    created_at: datetime

    @classmethod
    def of(cls, row: ReceivedMailFailure) -> FailedMailOut:
        return cls(
            id=row.id,
            reason=row.reason,
            error=row.error,
            account_id=row.account_id,
            message_id=row.message_id,
            from_address=row.from_address,
            subject=row.subject,
            size=row.size,
            created_at=row.created_at,
        )
