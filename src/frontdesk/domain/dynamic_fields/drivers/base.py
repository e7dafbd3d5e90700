"""The interface every field type implements.

A driver turns what a user or an integrator sends into the field's canonical value, stores it as
value rows, reads it back, shows it, and narrows a search. It never touches the database itself:
actions and queries do, with what the driver returns. ``registry.py`` lists the drivers.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal
from urllib.parse import quote

from sqlalchemy import ColumnElement, and_, literal
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.db.case_insensitive import folded
from frontdesk.domain.dynamic_fields.models import DynamicField, DynamicFieldValue

# How an edit form shows the field (templates pick the control by it).
# "lookup": a search box whose matches (``options``) are picked as radio buttons/checkboxes.
InputKind = Literal[
    "text", "textarea", "checkbox", "select", "multiselect", "date", "datetime", "lookup"
]

LINK_PLACEHOLDER = "{value}"


class ConfigError(ValueError):
    """A configuration the type cannot work with; ``key`` names the ``config`` entry."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


@dataclass(frozen=True)
class StoredValue:
    """One value row's columns (see ``models.DynamicFieldValue``)."""

    text: str | None = None
    long: str | None = None
    date: Any = None
    integer: int | None = None


@dataclass(frozen=True)
class FieldCriterion:
    """A search on one field: ``equals`` (``*`` is a wildcard) and/or a ``start``–``end`` range
    (dates, date-times and numbers), each as the user typed it."""

    name: str
    equals: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class Option:
    """One value a lookup offers: ``key`` is stored, ``value`` shown; ``columns`` are further
    labelled cells (a database record's list columns)."""

    key: str
    value: str
    columns: tuple[tuple[str, str], ...] = ()


def like_pattern(term: str) -> str:
    """``*`` becomes ``%``; ``%``, ``_`` and the escape character are found literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


def text_condition(column: Any, term: str, *, case_insensitive: bool = True) -> ColumnElement[bool]:
    """``column`` equals ``term`` (``*`` a wildcard); case-insensitively with the same folding
    as every other name comparison (``db/case_insensitive.py``)."""
    pattern = like_pattern(term)
    if case_insensitive:
        return folded(column).like(folded(literal(pattern)), escape="\\")
    if "*" in term:
        return column.like(pattern, escape="\\")  # type: ignore[no-any-return]
    return column == term  # type: ignore[no-any-return]


def check_regex_config(config: dict[str, Any]) -> list[dict[str, str]]:
    rules = config.get("regex") or []
    if not isinstance(rules, list):
        raise ConfigError("regex", "must be a list of {pattern, error}")
    checked = []
    for rule in rules:
        if not isinstance(rule, dict) or not isinstance(rule.get("pattern"), str):
            raise ConfigError("regex", "every rule needs a pattern")
        pattern = rule["pattern"]
        if not pattern or len(pattern) > 500:
            raise ConfigError("regex", "a pattern has 1 to 500 characters")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError("regex", f"{pattern!r} is not a regular expression: {exc}") from exc
        error = rule.get("error")
        if error is not None and not isinstance(error, str):
            raise ConfigError("regex", "an error message is text")
        checked.append({"pattern": pattern, "error": (error or "").strip()[:250]})
    return checked


def check_link_config(config: dict[str, Any]) -> str | None:
    link = config.get("link")
    if link in (None, ""):
        return None
    if not isinstance(link, str) or len(link) > 1000:
        raise ConfigError("link", "must be a URL of at most 1000 characters")
    if not link.startswith(("https://", "http://")):
        raise ConfigError("link", "must start with https:// or http://")
    return link


class FieldDriver(ABC):
    field_type: ClassVar[str]
    label: ClassVar[str]
    input_kind: ClassVar[InputKind]
    multi_valued: ClassVar[bool] = False
    # Whether ``start``/``end`` ranges make sense in a search.
    ranged: ClassVar[bool] = False

    @abstractmethod
    def check_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """The configuration as stored, or ``ConfigError``."""

    @abstractmethod
    def parse(self, raw: Any, config: dict[str, Any]) -> Any:
        """The canonical value of an API value (None: empty), or ``ValueError`` saying why."""

    def parse_form(self, raw: list[str], config: dict[str, Any]) -> Any:
        """The canonical value of what a form sent (all values under the field's name)."""
        return self.parse(raw[0] if raw else None, config)

    @abstractmethod
    def to_rows(self, value: Any) -> list[StoredValue]:
        """Value rows of a non-empty canonical value."""

    @abstractmethod
    def from_rows(self, rows: list[DynamicFieldValue]) -> Any:
        """The canonical (API) value of stored rows, at least one."""

    def default(self, config: dict[str, Any]) -> Any:
        return config.get("default")

    def display(self, value: Any, config: dict[str, Any]) -> str:
        """The value as people read it (labels, not keys)."""
        if value is None:
            return ""
        if isinstance(value, list):
            return ", ".join(self.display(item, config) for item in value)
        return str(value)

    def form_value(self, value: Any) -> list[str]:
        """What an edit form shows as the current value."""
        if value is None:
            return []
        return [str(item) for item in value] if isinstance(value, list) else [str(value)]

    def history_text(self, value: Any, config: dict[str, Any]) -> str:
        """The value in a history row (keys, as OTRS records them)."""
        if value is None:
            return ""
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)

    def export_value(self, value: Any, config: dict[str, Any]) -> str:
        return self.display(value, config)

    def link(self, value: Any, config: dict[str, Any]) -> str | None:
        template = config.get("link")
        if not template or value is None or isinstance(value, list):
            return None
        return str(template).replace(LINK_PLACEHOLDER, quote(str(value), safe=""))

    async def check_value(self, session: AsyncSession, field: DynamicField, value: Any) -> None:
        """Refuse (``ValueError``) a parsed value the field's source does not hold: a contact
        that is not in the directory, a record the external database does not have."""
        return None

    async def describe(
        self, session: AsyncSession, field: DynamicField, values: Iterable[Any]
    ) -> dict[Any, str]:
        """How people read the values, for types whose text lives elsewhere (a contact's
        current name); the others show ``display``."""
        return {}

    async def options(
        self, session: AsyncSession, field: DynamicField, term: str, context: dict[str, Any]
    ) -> list[Option]:
        """What a lookup offers for ``term`` (``context``: the ticket's attributes, for
        filters). Fixed lists offer their possible values."""
        needle = term.strip().casefold()
        values = field.config.get("possible_values") or {}
        return [
            Option(key=str(key), value=str(label))
            for key, label in values.items()
            if not needle or needle in str(label).casefold() or needle in str(key).casefold()
        ]

    def search_condition(
        self, criterion: FieldCriterion, config: dict[str, Any]
    ) -> ColumnElement[bool]:
        """A condition on ``DynamicFieldValue`` rows of this field; ``ValueError`` for a term
        that is not a value of the type."""
        if criterion.equals is None:
            raise ValueError("give a value to search for")
        return text_condition(DynamicFieldValue.value_text, criterion.equals)


def range_condition(column: Any, start: Any, end: Any) -> ColumnElement[bool]:
    parts = [column.is_not(None)]
    if start is not None:
        parts.append(column >= start)
    if end is not None:
        parts.append(column <= end)
    return and_(*parts)
