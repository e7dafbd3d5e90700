"""Form posts of the HTML pages: raw fields into schemas, failures into inline messages.

Pages never decide what is allowed; they only turn what the domain (or a schema) says into a
message next to the right input, with the status code the error carries.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from frontdesk.core.actor import Actor
from frontdesk.core.clock import as_utc
from frontdesk.core.errors import DomainError, ValidationFailed
from frontdesk.db.unit_of_work import rollback
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets.schemas import AttachmentIn
from frontdesk.web.dependencies import Caller
from frontdesk.web.templating import local_time


@dataclass(frozen=True)
class FormErrors:
    """What went wrong with one form: a summary, messages per input, the status to answer."""

    message: str
    fields: dict[str, str] = field(default_factory=dict)
    status: int = 422
    # Which form on a page with several forms (the ticket zoom) the errors belong to.
    form: str = ""


def errors_from_validation(exc: ValidationError, summary: str, form: str = "") -> FormErrors:
    fields: dict[str, str] = {}
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        name = location[0] if location else "form"
        # Nested article fields are single inputs on the forms (subject, body, attachments).
        if name == "article" and len(location) > 1:
            name = location[1]
        fields.setdefault(name, str(error.get("msg", "invalid")))
    return FormErrors(message=summary, fields=fields, status=422, form=form)


# A dynamic field's value is refused as ``dynamic_fields.<Name>``; its input is ``df_<Name>``.
FIELD_ERROR_PREFIX = "dynamic_fields."
FIELD_INPUT_PREFIX = "df_"


def input_name(field_name: str) -> str:
    """The form input a domain field name refers to: ``article.body`` is the body textarea,
    ``dynamic_fields.Level`` the input of the field ``Level``."""
    name = field_name.removeprefix("article.")
    if name.startswith(FIELD_ERROR_PREFIX):
        return FIELD_INPUT_PREFIX + name.removeprefix(FIELD_ERROR_PREFIX)
    return name.split(".", 1)[0]


def errors_from_domain(exc: DomainError, form: str = "") -> FormErrors:
    fields: dict[str, str] = {}
    if isinstance(exc, ValidationFailed):
        details = exc.details if isinstance(exc.details, list) else []
        for detail in details or [{"field": exc.field, "message": exc.message}]:
            fields.setdefault(input_name(str(detail["field"])), str(detail["message"]))
    return FormErrors(message=exc.message, fields=fields, status=exc.status, form=form)


async def discard_refused_changes(tx: Tx, caller: Caller) -> None:
    """Roll back whatever a refused action did, keeping the caller's token loaded for the page
    that shows the refusal (a rollback expires every loaded object)."""
    await rollback(tx.session)
    await tx.session.refresh(caller.token)


def form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def form_values(form: FormData, names: tuple[str, ...]) -> dict[str, str]:
    """The named text inputs that were filled in; an empty input means "not given"."""
    values = {name: form_text(form, name) for name in names}
    return {name: value for name, value in values.items() if value}


def optional_id(value: str, field_name: str) -> int | None:
    """A select's value: empty means "any", anything but digits is an error for that input."""
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValidationFailed(field_name, "Choose one of the offered values.")
    return int(value)


def local_input_to_utc(value: str, timezone: str, field_name: str) -> datetime:
    """A ``datetime-local`` input, meant in the user's time zone, as an aware UTC datetime."""
    try:
        naive = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(field_name, "Enter a date and time (YYYY-MM-DD HH:MM).") from exc
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    aware = naive if naive.tzinfo is not None else naive.replace(tzinfo=zone)
    return as_utc(aware)


async def uploaded_attachments(form: FormData, name: str = "attachment") -> list[AttachmentIn]:
    """Files of a multipart post as API attachments; an empty file input gives none."""
    attachments: list[AttachmentIn] = []
    for upload in form.getlist(name):
        if not isinstance(upload, UploadFile):
            continue
        try:
            content = await upload.read()
        finally:
            await upload.close()
        if not upload.filename:
            continue
        attachments.append(
            AttachmentIn(
                filename=upload.filename[:255],
                content_type=(upload.content_type or "application/octet-stream")[:150],
                content_base64=base64.b64encode(content).decode("ascii"),
            )
        )
    return attachments


def localtime_for(actor: Actor) -> Callable[..., str]:
    """The templates' ``localtime`` for API-shaped values, which carry ISO 8601 strings."""

    def show(value: datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        if not isinstance(value, str):
            return local_time(value, actor.timezone, fmt)
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return local_time(parsed, actor.timezone, fmt)

    return show


def page_values(values: Mapping[str, Any]) -> dict[str, str]:
    """Values to refill a form with after a failed post (strings only, never files)."""
    return {k: v for k, v in values.items() if isinstance(v, str)}
