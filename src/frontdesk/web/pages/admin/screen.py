"""How an admin screen is described: its list columns, its form, its domain calls."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from frontdesk.core.actor import Actor
from frontdesk.core.pagination import Page
from frontdesk.domain.runtime import Tx
from frontdesk.web.pages.admin_forms import (
    Choice,
    FormField,
    ui_text,
)

Choices = dict[str, list[Choice]]
"""Options of the form's selects, by input name."""


# --- how a screen is described ----------------------------------------------------------------


@dataclass(frozen=True)
class ListColumn:
    label: str
    show: Callable[[Any, dict[str, dict[str, str]]], str]
    kind: Literal["text", "valid"] = "text"


async def _no_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    return {}


@dataclass(frozen=True)
class AdminScreen:
    slug: str
    title: str
    add_label: str
    fields: tuple[FormField, ...]
    columns: tuple[ListColumn, ...]
    list_page: Callable[..., Awaitable[Page[Any]]]
    get: Callable[[Any, Actor, int], Awaitable[BaseModel]]
    create_schema: type[BaseModel]
    create: Callable[[Tx, Actor, Any], Awaitable[object]]
    update_schema: type[BaseModel]
    update: Callable[[Tx, Actor, int, Any], Awaitable[object]]
    delete: Callable[[Tx, Actor, int], Awaitable[None]]
    choices: Callable[[Tx, Actor, int | None], Awaitable[Choices]] = _no_choices
    searchable: bool = False
    # Further pages of one object (permission matrices): (label, path under /admin/<slug>/<id>).
    row_links: tuple[tuple[str, str], ...] = ()
    # Chat queries need the runtime (settings) too: they take the Tx, not only the session.
    reads_tx: bool = False
    # A route that renders a preview of the object from the form as it is being filled in.
    preview_path: str | None = None


def attr_text(name: str) -> Callable[[Any, dict[str, dict[str, str]]], str]:
    def show(item: Any, lookups: dict[str, dict[str, str]]) -> str:
        value = getattr(item, name)
        return "" if value is None else str(value)

    return show


def full_name_text(item: Any, lookups: dict[str, dict[str, str]]) -> str:
    return f"{item.first_name} {item.last_name}"


def looked_up_text(name: str) -> Callable[[Any, dict[str, dict[str, str]]], str]:
    def show(item: Any, lookups: dict[str, dict[str, str]]) -> str:
        value = getattr(item, name)
        if value is None:
            return ""
        return lookups.get(name, {}).get(str(value), str(value))

    return show


def sla_services_text(item: Any, lookups: dict[str, dict[str, str]]) -> str:
    names = lookups.get("service_ids", {})
    return ", ".join(names.get(str(i), str(i)) for i in item.service_ids)


VALID_COLUMN = ListColumn(ui_text("Validity"), attr_text("valid"), kind="valid")
COMMENT_FIELD = FormField("comment", ui_text("Comment"), "textarea", "none", max_length=250)
