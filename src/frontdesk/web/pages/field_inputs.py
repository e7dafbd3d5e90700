"""Dynamic fields on the HTML pages: the inputs a screen shows, what a post sent, and the
values as people read them.

An input is named ``df_<Name>``; a refused value is reported as ``dynamic_fields.<Name>``
(the API's name), which ``forms.input_name`` maps back to the input. Which fields a screen
shows, and which are mandatory there, is the admin's choice stored with the field
(``domain/dynamic_fields/screens.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from frontdesk.core.errors import ValidationFailed
from frontdesk.domain.dynamic_fields.models import DynamicField
from frontdesk.domain.dynamic_fields.values import (
    driver_of,
    mandatory_on,
    missing_mandatory,
    valid_fields,
)
from frontdesk.web.pages.forms import FIELD_INPUT_PREFIX, local_input_to_utc
from frontdesk.web.templating import local_time

INPUT_PREFIX = FIELD_INPUT_PREFIX
# The screen whose fields are columns of the ticket lists (queue view, search).
OVERVIEW_SCREEN = "agent_ticket_overview"
# The HTML control of each driver's input kind (components/forms.html ``control``).
HTML_KINDS = {
    "text": "text",
    "textarea": "textarea",
    "checkbox": "checkbox",
    "select": "select",
    "multiselect": "multiselect",
    "date": "date",
    "datetime": "datetime-local",
    "lookup": "text",  # searched by name; set through the API until forms get a lookup control
}
# Input kinds the forms do not offer yet: such fields are left as they are by a form post.
NOT_ON_FORMS = frozenset({"lookup"})


def input_name_of(field: DynamicField) -> str:
    return f"{INPUT_PREFIX}{field.name}"


def error_name_of(field: DynamicField) -> str:
    return f"dynamic_fields.{field.name}"


@dataclass(frozen=True)
class FieldInput:
    """One field's control on a form, ready for ``components/forms.html``."""

    name: str
    input_name: str
    label: str
    kind: str
    required: bool
    value: str | list[str]
    checked: bool
    options: list[tuple[str, str]]
    blank: str | None
    error: str | None


@dataclass(frozen=True)
class ShownValue:
    """One field's value as the zoom and the lists show it."""

    name: str
    label: str
    text: str
    link: str | None


async def screen_fields(
    session: AsyncSession, screen: str, object_type: str = "ticket"
) -> list[DynamicField]:
    return await valid_fields(session, object_type, screen=screen)


def _in_zone(value: Any, timezone: str, fmt: str) -> str:
    """A stored UTC date-time (``…Z``) in the user's time zone."""
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    return local_time(parsed, timezone, fmt)


def field_inputs(
    fields: list[DynamicField],
    screen: str,
    *,
    current: dict[str, Any] | None = None,
    submitted: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    timezone: str = "UTC",
    blank_label: str = "–",
) -> list[FieldInput]:
    """The controls for ``fields`` on ``screen``: after a refused post what was sent, else the
    current value, else (on a new object) the field's default."""
    errors = errors or {}
    inputs = []
    for field in fields:
        driver = driver_of(field)
        if driver.input_kind in NOT_ON_FORMS:
            continue
        kind = HTML_KINDS[driver.input_kind]
        name = input_name_of(field)
        if submitted is not None:
            raw = submitted.get(name, [])
            shown: list[str] = raw if isinstance(raw, list) else [raw]
        else:
            value = (current or {}).get(field.name)
            if current is None and value is None:
                value = driver.default(field.config)
            shown = driver.form_value(value)
            if kind == "datetime-local":
                shown = [_in_zone(item, timezone, "%Y-%m-%dT%H:%M") for item in shown]
        options = [
            (str(key), str(label))
            for key, label in (field.config.get("possible_values") or {}).items()
        ]
        inputs.append(
            FieldInput(
                name=field.name,
                input_name=name,
                label=field.label,
                kind=kind,
                required=mandatory_on(field, screen),
                value=shown if kind == "multiselect" else (shown[0] if shown else ""),
                checked=bool(shown) and shown[0] not in ("", "0"),
                options=options,
                blank=blank_label if kind == "select" else None,
                error=errors.get(name),
            )
        )
    return inputs


def submitted_inputs(form: FormData) -> dict[str, Any]:
    """What a post sent for field inputs (to refill the form after a refusal). Read from the
    form alone: after the refusal's rollback the loaded fields are expired."""
    return {
        key: [item for item in form.getlist(key) if isinstance(item, str)]
        for key in form
        if key.startswith(INPUT_PREFIX)
    }


def values_from_form(
    form: FormData,
    fields: list[DynamicField],
    screen: str,
    *,
    timezone: str,
    mandatory_message: str,
    summary: str,
) -> dict[str, Any]:
    """The canonical values a post sets (None empties a field), or ``ValidationFailed``
    listing every refused input: values the type refuses and mandatory fields left empty."""
    values: dict[str, Any] = {}
    refused: dict[str, str] = {}
    for field in fields:
        driver = driver_of(field)
        if driver.input_kind in NOT_ON_FORMS:
            continue
        raw = [item.strip() for item in form.getlist(input_name_of(field)) if isinstance(item, str)]
        try:
            if driver.input_kind == "datetime":
                raw = [
                    local_input_to_utc(item, timezone, error_name_of(field)).isoformat()
                    for item in raw
                    if item
                ]
            values[field.name] = driver.parse_form(raw, field.config)
        except ValidationFailed as exc:
            refused[error_name_of(field)] = exc.message
        except ValueError as exc:
            refused[error_name_of(field)] = str(exc)
    offered = [field for field in fields if driver_of(field).input_kind not in NOT_ON_FORMS]
    for field in missing_mandatory(offered, screen, values):
        refused.setdefault(error_name_of(field), mandatory_message)
    if refused:
        raise refusal(refused, summary)
    return values


def refusal(refused: dict[str, str], summary: str) -> ValidationFailed:
    """One ``ValidationFailed`` naming every refused input (pages show each one inline)."""
    first, message = next(iter(refused.items()))
    error = ValidationFailed(first, message)
    error.message = summary
    error.details = [{"field": name, "message": text} for name, text in refused.items()]
    return error


async def described_texts(
    session: AsyncSession, fields: list[DynamicField], value_sets: Iterable[dict[str, Any]]
) -> dict[str, dict[Any, str]]:
    """Field name → {value: text} for types whose text lives elsewhere (contact names), one
    lookup per field for all the objects shown."""
    sets = list(value_sets)
    texts: dict[str, dict[Any, str]] = {}
    for field in fields:
        values = [v for values in sets if (v := values.get(field.name)) is not None]
        if values:
            texts[field.name] = await driver_of(field).describe(session, field, values)
    return texts


def _described(described: dict[str, dict[Any, str]] | None, name: str, value: Any) -> str | None:
    texts = (described or {}).get(name)
    if not texts or isinstance(value, list):
        return None
    return texts.get(value)


def shown_values(
    fields: list[DynamicField],
    values: dict[str, Any],
    timezone: str = "UTC",
    described: dict[str, dict[Any, str]] | None = None,
) -> list[ShownValue]:
    """The fields that have a value, as people read them (date-times in the reader's zone),
    with the field's link if any."""
    shown = []
    for field in fields:
        value = values.get(field.name)
        if value is None or value == []:
            continue
        driver = driver_of(field)
        shown.append(
            ShownValue(
                name=field.name,
                label=field.label,
                text=_described(described, field.name, value)
                or (
                    _in_zone(value, timezone, "%Y-%m-%d %H:%M")
                    if driver.input_kind == "datetime"
                    else driver.display(value, field.config)
                ),
                link=driver.link(value, field.config),
            )
        )
    return shown


# --- search forms and list columns -------------------------------------------------------------


@dataclass(frozen=True)
class SearchInput:
    """One field's filter on the search form; inputs carry the API's parameter names
    (``df.<Name>``, ``df.<Name>.from``, ``df.<Name>.to``)."""

    name: str
    label: str
    kind: str  # text, select, or a range of date / datetime-local
    ranged: bool
    value: str
    start: str
    end: str
    options: list[tuple[str, str]]


def search_inputs(
    fields: list[DynamicField], params: Mapping[str, str], *, checked: str, unchecked: str
) -> list[SearchInput]:
    inputs = []
    for field in fields:
        driver = driver_of(field)
        prefix = f"df.{field.name}"
        options = [
            (str(key), str(label))
            for key, label in (field.config.get("possible_values") or {}).items()
        ]
        kind = "select" if options else HTML_KINDS[driver.input_kind]
        if driver.input_kind == "checkbox":
            kind, options = "select", [("1", checked), ("0", unchecked)]
        elif driver.input_kind == "textarea":
            kind = "text"
        inputs.append(
            SearchInput(
                name=field.name,
                label=field.label,
                kind=kind,
                ranged=driver.ranged,
                value=params.get(prefix, ""),
                start=params.get(prefix + ".from", ""),
                end=params.get(prefix + ".to", ""),
                options=options,
            )
        )
    return inputs


def search_params(
    fields: list[DynamicField], pairs: Iterable[tuple[str, str]], timezone: str
) -> list[tuple[str, str]]:
    """The query string's field filters with date-time bounds, typed in the user's zone,
    turned into UTC (the domain's terms)."""
    local = {f"df.{field.name}" for field in fields if driver_of(field).input_kind == "datetime"}
    converted = []
    for key, value in pairs:
        base = key.removesuffix(".from").removesuffix(".to")
        if base in local and key != base and value.strip():
            value = local_input_to_utc(value.strip(), timezone, key).isoformat()
        converted.append((key, value))
    return converted


@dataclass(frozen=True)
class FieldColumn:
    name: str
    label: str


async def list_columns(
    session: AsyncSession, fields: list[DynamicField], tickets: Iterable[Any], timezone: str
) -> tuple[list[FieldColumn], dict[int, dict[str, str]]]:
    """The columns of the fields enabled on the overviews, and each ticket's cell texts."""
    columns = [FieldColumn(name=field.name, label=field.label) for field in fields]
    cells: dict[int, dict[str, str]] = {}
    shown_tickets = list(tickets)
    described = await described_texts(session, fields, (t.dynamic_fields for t in shown_tickets))
    for ticket in shown_tickets:
        shown = shown_values(fields, ticket.dynamic_fields, timezone, described)
        cells[ticket.id] = {value.name: value.text for value in shown}
    return columns, cells
