"""The sort and filters of a ticket list, read from its URL: one parser per parameter, and per
kind of list the parameters it takes (the queue view, search results, a customer's tickets, a
dashboard panel). A bad value is dropped with a message shown above the list."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.domain.tickets import queries
from frontdesk.domain.tickets.schemas import MAX_ID, NamedOption
from frontdesk.web.dependencies import Caller
from frontdesk.web.pages.agent.common import gettext_for

LIST_STATE_GROUPS = ("open", "new", "pending", "closed", "all")
# Parameters of a list URL that report on the last form sent from it, not part of the list.
REPORT_PARAMETERS = ("done", "view_error")
FILTER_NAMES = ("state", "priority", "owner", "lock", "age")
LIST_KINDS: dict[str, tuple[str, ...]] = {
    "queue": ("sort", "order", *FILTER_NAMES),
    "customer": ("sort", "order", *FILTER_NAMES),
    # Search keeps its own state field (open, closed, any).
    "search": ("sort", "order", "priority", "owner", "lock", "age"),
    "panel": ("sort", "order"),
}


@dataclass(frozen=True, slots=True)
class ListChoices:
    """What the state and priority filters accept: the state names and priority ids."""

    state_names: list[str] = field(default_factory=list)
    priority_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class _Reading:
    caller: Caller
    choices: ListChoices
    defaults: queries.TicketListView
    gettext: Callable[[str], str]


# A parser turns one non-empty URL value into fields of TicketListView, or a problem message.
_Parsed = dict[str, Any] | str


def _whole_number(text: str, low: int, high: int) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and low <= int(text) <= high else None


def _sort(text: str, reading: _Reading) -> _Parsed:
    if text in queries.TICKET_SORT_COLUMNS:
        return {"sort": text}
    return reading.gettext("Unknown sort column; sorted by age.")


def _order(text: str, reading: _Reading) -> _Parsed:
    if text in ("asc", "desc"):
        return {"descending": text == "desc"}
    if reading.defaults.descending:
        return reading.gettext("The order must be asc or desc; sorted descending.")
    return reading.gettext("The order must be asc or desc; sorted ascending.")


def _state(text: str, reading: _Reading) -> _Parsed:
    if text in LIST_STATE_GROUPS or text in reading.choices.state_names:
        return {"state": text}
    if reading.defaults.state == "all":
        return reading.gettext("Unknown state; showing every state.")
    return reading.gettext("Unknown state; showing open tickets.")


def _priority(text: str, reading: _Reading) -> _Parsed:
    priority_id = _whole_number(text, 1, MAX_ID)
    if priority_id in reading.choices.priority_ids:
        return {"priority_id": priority_id}
    return reading.gettext("Unknown priority; showing every priority.")


def _owner(text: str, reading: _Reading) -> _Parsed:
    if text == "me":
        return {"owner_id": reading.caller.actor.id}
    if text == "unassigned":
        return {"owner_id": queries.UNASSIGNED_OWNER_ID}
    if (owner_id := _whole_number(text, 1, MAX_ID)) is not None:
        return {"owner_id": owner_id}
    return reading.gettext("The owner must be me, unassigned or an agent id; showing every owner.")


def _lock(text: str, reading: _Reading) -> _Parsed:
    if text in ("locked", "unlocked"):
        return {"locked": text == "locked"}
    return reading.gettext("The lock must be locked or unlocked; showing both.")


def _age(text: str, reading: _Reading) -> _Parsed:
    hours = _whole_number(text, 0, queries.MAX_AGE_HOURS)
    if hours is not None:
        return {"older_than_hours": hours}
    return reading.gettext("The age must be a whole number of hours; showing every age.")


PARSERS: dict[str, Callable[[str, _Reading], _Parsed]] = {
    "sort": _sort,
    "order": _order,
    "state": _state,
    "priority": _priority,
    "owner": _owner,
    "lock": _lock,
    "age": _age,
}


@dataclass(frozen=True, slots=True)
class ParsedList:
    """A list's view, the URL values it came from (by unprefixed name) and the problems."""

    view: queries.TicketListView
    params: dict[str, str]
    problems: list[str]
    prefix: str = ""


def parse_list(
    query: Mapping[str, str],
    kind: str,
    caller: Caller,
    choices: ListChoices | None = None,
    *,
    prefix: str = "",
    defaults: queries.TicketListView | None = None,
) -> ParsedList:
    """The view of a list of this kind from the URL; ``prefix`` tells apart the lists of one
    page (the dashboard panels: ``new_sort``, ``locked_sort``)."""
    defaults = defaults or queries.TicketListView()
    reading = _Reading(caller, choices or ListChoices(), defaults, gettext_for(caller))
    params = {name: query.get(prefix + name, "") for name in LIST_KINDS[kind]}
    fields: dict[str, Any] = {}
    problems: list[str] = []
    for name, text in params.items():
        if not text:
            continue
        parsed = PARSERS[name](text, reading)
        if isinstance(parsed, str):
            problems.append(parsed)
        else:
            fields.update(parsed)
    if "sort" in fields and "descending" not in fields:
        # A column chosen without an order sorts ascending, as on the queue view; a list's
        # own default order (newest first) belongs to its default column only.
        fields["descending"] = False
    return ParsedList(replace(defaults, **fields), params, problems, prefix)


def sort_links(
    request: Request, parsed: ParsedList, *, path: str | None = None
) -> dict[str, dict[str, str]]:
    """For each sortable column: the URL that sorts by it (toggling the order when it is the
    current column, back to the first page) and its aria-sort value. ``path`` replaces the
    request's (a fragment re-read by HTMX links to its page)."""
    view, prefix = parsed.view, parsed.prefix
    links: dict[str, dict[str, str]] = {}
    for column in queries.TICKET_SORT_COLUMNS:
        current = view.sort == column
        order = "asc" if current and view.descending else ("desc" if current else "asc")
        url = request.url.remove_query_params(
            [prefix + "offset", *REPORT_PARAMETERS]
        ).include_query_params(**{prefix + "sort": column, prefix + "order": order})
        aria = ("descending" if view.descending else "ascending") if current else ""
        links[column] = {"href": f"{path or url.path}?{url.query}", "aria_sort": aria}
    return links


async def list_choices(
    session: AsyncSession,
) -> tuple[ListChoices, list[str], list[NamedOption]]:
    """The choices the filters accept, with the state names and priorities to offer."""
    state_names, priorities = await queries.ticket_list_choices(session)
    return ListChoices(state_names, frozenset(p.id for p in priorities)), state_names, priorities
