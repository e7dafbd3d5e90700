"""The admin screens' forms: which inputs each form has, and how a post becomes schema input.

A form is described once (``FormField``) and drawn by one template; the post is turned into the
plain dict the domain's create/update schema validates, so the schema (not the page) decides
what is acceptable and names the field that is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from starlette.datastructures import FormData

from frontdesk.core.errors import DomainError, ValidationFailed
from frontdesk.web.pages.forms import FormErrors, errors_from_domain, form_text

InputKind = Literal["text", "email", "password", "textarea", "select", "multiselect", "number"]
# What an empty input means: "keep" sends "" (the schema names a required field), "none" sends
# null (clears an optional value), "omit" leaves the field out (a password is kept).
WhenEmpty = Literal["keep", "none", "omit"]


def ui_text(message: str) -> str:
    """Marks a UI string for translation; the template translates it when it draws it."""
    return message


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: InputKind = "text"
    when_empty: WhenEmpty = "keep"
    required: bool = False
    # Shown on the add form only: the value is the object's key and does not change later.
    create_only: bool = False
    hint: str = ""
    max_length: int | None = None
    # A blank first choice in a select ("none").
    blank_choice: bool = False


Choice = tuple[str, str]
"""(value, label) of a select option."""


def form_payload(form: FormData, fields: tuple[FormField, ...], *, editing: bool) -> dict[str, Any]:
    """The posted form as input for the create (``editing`` false) or update schema.

    ``valid`` is a checkbox: present means valid. Every other input follows its ``when_empty``.
    """
    payload: dict[str, Any] = {"valid": form.get("valid") is not None}
    for name, raw_value in form.multi_items():
        # PostgreSQL cannot store NUL characters: refuse them here rather than fail later.
        if isinstance(raw_value, str) and "\x00" in raw_value:
            raise ValidationFailed(name, "must not contain NUL characters")
    for field in fields:
        if editing and field.create_only:
            continue
        if field.kind == "multiselect":
            payload[field.name] = [
                v.strip() for v in form.getlist(field.name) if isinstance(v, str)
            ]
            continue
        # Passwords are taken as typed: spaces count.
        raw = form.get(field.name)
        value = (raw if isinstance(raw, str) else "") if field.kind == "password" else None
        if value is None:
            value = form_text(form, field.name)
        if value or field.when_empty == "keep":
            payload[field.name] = value
        elif field.when_empty == "none":
            payload[field.name] = None
    return payload


def form_refill(form: FormData, fields: tuple[FormField, ...]) -> dict[str, Any]:
    """What the user typed, to draw the form again after a refusal (never the password)."""
    values: dict[str, Any] = {"valid": form.get("valid") is not None}
    for field in fields:
        if field.kind == "password":
            continue
        if field.kind == "multiselect":
            values[field.name] = [v for v in form.getlist(field.name) if isinstance(v, str)]
        else:
            values[field.name] = form_text(form, field.name)
    return values


def admin_errors(exc: DomainError) -> FormErrors:
    """Inline messages for a refusal; a taken name is shown next to the name input."""
    failed = errors_from_domain(exc)
    fields = dict(failed.fields)
    if isinstance(exc.details, list):
        for detail in exc.details:
            if isinstance(detail, dict) and isinstance(detail.get("field"), str):
                fields.setdefault(detail["field"], exc.message)
    if exc.code == "name_taken":
        fields.setdefault("name", exc.message)
    return FormErrors(message=failed.message, fields=fields, status=failed.status)
