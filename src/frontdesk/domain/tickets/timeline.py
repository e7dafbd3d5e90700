"""The ticket timeline: every history event and article of a ticket on one time line.

After the OTRS timeline view (spec §12): each history entry is classified as incoming
communication or a ticket action (right side) or as outgoing, internal or automatic
communication (left side); some types are never shown; events less than five seconds after the
previous one share a group, in which items with an article come first; groups are newest first.

One departure from OTRS: a ``SystemRequest`` entry that carries an article (a message the
system wrote on the ticket) is shown as a "System Message" with its article among the
automatic actions, and so is a ``SendCustomerNotification`` that carries the notification mail
the customer got; without an article both stay hidden like in OTRS.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, Literal

from sqlalchemy import Text, cast, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.clock import as_utc
from frontdesk.core.errors import PermissionDenied
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.models import Article, TicketHistory
from frontdesk.domain.tickets.queries import articles_out, unread_article_ids
from frontdesk.domain.tickets.schemas import ArticleOut, TimelineCategory, TimelineItemOut

GROUP_SECONDS = 5
# Unknown filter values are reported back; this many at most, each cut to this length.
MAX_REPORTED_TYPES = 20
MAX_REPORTED_LENGTH = 50


def ui_text(message: str) -> str:
    """Marks a label for translation; the page translates it when it draws it."""
    return message


@dataclass(frozen=True)
class EventType:
    key: str
    label: str
    category: TimelineCategory


def _types(category: TimelineCategory, *pairs: tuple[str, str]) -> list[EventType]:
    return [EventType(key, label, category) for key, label in pairs]


# The filterable event types, in the order the filter lists them (spec §12 classification).
EVENT_TYPES: dict[str, EventType] = {
    t.key: t
    for t in [
        *_types(
            "incoming",
            ("EmailCustomer", ui_text("Incoming Customer Email")),
            ("PhoneCallCustomer", ui_text("Incoming Phone Call")),
            ("FollowUp", ui_text("Incoming Follow-Up")),
            ("WebRequestCustomer", ui_text("Incoming Web Request")),
            ("AddNoteCustomer", ui_text("Note Added (Customer)")),
            ("AddSMSCustomer", ui_text("SMS Added (Customer)")),
            ("ChatExternal", ui_text("External Chat")),
        ),
        *_types(
            "action",
            ("NewTicket", ui_text("Ticket Created")),
            ("ServiceUpdate", ui_text("Service Updated")),
            ("SLAUpdate", ui_text("SLA Updated")),
            ("StateUpdate", ui_text("State Updated")),
            ("SetPendingTime", ui_text("Pending Time Set")),
            ("Lock", ui_text("Ticket Locked")),
            ("Unlock", ui_text("Ticket Unlocked")),
            ("ResponsibleUpdate", ui_text("New Responsible")),
            ("OwnerUpdate", ui_text("New Owner")),
            ("CustomerUpdate", ui_text("Customer Updated")),
            ("TicketLinkAdd", ui_text("Link Added")),
            ("TicketLinkDelete", ui_text("Link Deleted")),
            ("TicketDynamicFieldUpdate", ui_text("Dynamic Field Updated")),
            ("Move", ui_text("Queue Changed")),
            ("Merged", ui_text("Ticket Merged")),
            ("PriorityUpdate", ui_text("Priority Updated")),
            ("TitleUpdate", ui_text("Title Updated")),
            ("TypeUpdate", ui_text("Type Updated")),
            ("EscalationResponseTimeStart", ui_text("Escalation Response Time In Effect")),
            ("EscalationResponseTimeStop", ui_text("Escalation Response Time Stopped")),
            ("EscalationResponseTimeNotifyBefore", ui_text("Escalation Response Time Forewarned")),
            ("EscalationUpdateTimeStart", ui_text("Escalation Update Time In Effect")),
            ("EscalationUpdateTimeStop", ui_text("Escalation Update Time Stopped")),
            ("EscalationUpdateTimeNotifyBefore", ui_text("Escalation Update Time Forewarned")),
            ("EscalationSolutionTimeStart", ui_text("Escalation Solution Time In Effect")),
            ("EscalationSolutionTimeStop", ui_text("Escalation Solution Time Stopped")),
            ("EscalationSolutionTimeNotifyBefore", ui_text("Escalation Solution Time Forewarned")),
            ("TimeAccounting", ui_text("Time Accounted")),
        ),
        *_types(
            "outgoing",
            ("AddSMS", ui_text("SMS Added")),
            ("Forward", ui_text("Forwarded Message")),
            ("EmailAgent", ui_text("Outgoing Email")),
            ("PhoneCallAgent", ui_text("Outgoing Phone Call")),
            ("Bounce", ui_text("Bounced Message")),
            ("SendAnswer", ui_text("Outgoing Answer")),
        ),
        *_types(
            "internal",
            ("AddNote", ui_text("Note Added")),
            ("ChatInternal", ui_text("Internal Chat")),
            ("EmailAgentInternal", ui_text("Outgoing Email (internal)")),
        ),
        *_types(
            "automatic",
            ("SendAutoFollowUp", ui_text("Automatic Follow-Up Sent")),
            ("SendAutoReply", ui_text("Automatic Reply Sent")),
            ("SystemRequest", ui_text("System Message")),
            ("SendCustomerNotification", ui_text("Customer Notification Sent")),
        ),
    ]
}

# History types the timeline never shows (spec §12), whatever the filter says; except a
# system message with an article (see the module docstring).
HIDDEN_HISTORY_TYPES = frozenset(
    {
        "Misc",
        "ArchiveFlagUpdate",
        "LoopProtection",
        "Remove",
        "Subscribe",
        "Unsubscribe",
        "SystemRequest",
        "SendAgentNotification",
        "SendCustomerNotification",
        "SendAutoReject",
    }
)
ALWAYS_SHOWN = "NewTicket"
# ``DynamicFieldUpdate_<Name>``: one history type per field, one timeline type for them all.
FIELD_HISTORY_PREFIX = "DynamicFieldUpdate_"
# Hidden types that are shown after all when their entry carries an article.
SYSTEM_MESSAGES = frozenset({"SystemRequest", "SendCustomerNotification"})
ARTICLE_CATEGORIES = frozenset({"incoming", "outgoing", "internal"})
SIDES: dict[TimelineCategory, Literal["left", "right"]] = {
    "incoming": "right",
    "action": "right",
    "outgoing": "left",
    "internal": "left",
    "automatic": "left",
}


@dataclass(frozen=True)
class ArticleFacts:
    """What the classification needs to know about an entry's article."""

    sender_type: str
    visible_for_customer: bool
    subject: str = ""


@dataclass(frozen=True)
class Classified:
    kind: str
    label: str
    category: TimelineCategory

    @property
    def carries_article(self) -> bool:
        """Whether the item shows its entry's article: communication, and system messages."""
        return self.category in ARTICLE_CATEGORIES or self.kind in SYSTEM_MESSAGES


def classify(history_type: str, article: ArticleFacts | None) -> Classified | None:
    """The event type, label and class of a history entry, or None when it is never shown.

    History types this installation writes for chat and SMS articles (``ChatCustomer``,
    ``SMSAgent``…) map onto the OTRS timeline types. A type nobody knows yet is shown as a
    ticket action under its own name rather than silently dropped.
    """
    system_article = history_type in SYSTEM_MESSAGES and article is not None
    if history_type in HIDDEN_HISTORY_TYPES and not system_article:
        return None
    customer_sent = article is not None and article.sender_type == "customer"
    hidden_from_customer = article is not None and not article.visible_for_customer
    key = history_type
    category: TimelineCategory | None = None
    if history_type == "AddNote":
        key = "AddNoteCustomer" if customer_sent else "AddNote"
    elif history_type == "EmailAgent" and hidden_from_customer:
        key = "EmailAgentInternal"
    elif history_type in ("ChatCustomer", "ChatAgent", "ChatExternal", "ChatInternal"):
        if article is not None:
            key = "ChatInternal" if hidden_from_customer else "ChatExternal"
        elif history_type in ("ChatCustomer", "ChatAgent"):
            key = "ChatExternal"
    elif history_type in ("SMSCustomer", "SMSAgent", "AddSMS"):
        by_customer = history_type == "SMSCustomer" or customer_sent
        key = "AddSMSCustomer" if by_customer else "AddSMS"
    elif history_type.startswith(FIELD_HISTORY_PREFIX):
        key = "TicketDynamicFieldUpdate"
    elif history_type == "Forward" and hidden_from_customer:
        category = "internal"  # an internal forward stays a "Forwarded Message"
    known = EVENT_TYPES.get(key)
    if known is None:
        return Classified(kind=history_type, label=history_type, category="action")
    return Classified(kind=known.key, label=known.label, category=category or known.category)


_classified: dict[tuple[str, str | None, bool | None], Classified | None] = {}


def _classify_cached(history_type: str, article: ArticleFacts | None) -> Classified | None:
    """``classify`` remembered per (type, sender, visibility): a long ticket repeats them."""
    key = (
        history_type,
        article.sender_type if article else None,
        article.visible_for_customer if article else None,
    )
    if key not in _classified:
        if len(_classified) > 10_000:  # unknown types come from data: keep the cache bounded
            _classified.clear()
        _classified[key] = classify(history_type, article)
    return _classified[key]


def parse_event_types(raw: Iterable[str]) -> tuple[list[str], list[str]]:
    """Split requested filter values (repeated and/or comma separated) into known event types
    and the unknown ones, which are ignored and reported back."""
    known: list[str] = []
    ignored: list[str] = []
    for value in raw:
        for part in value.split(","):
            name = part.strip()
            if not name:
                continue
            if name in EVENT_TYPES:
                if name not in known:
                    known.append(name)
            else:
                shown = name[:MAX_REPORTED_LENGTH]
                if shown not in ignored and len(ignored) < MAX_REPORTED_TYPES:
                    ignored.append(shown)
    return known, ignored


def _value_text(value: Any) -> str:
    return "–" if value is None or value == "" else str(value)


def short_text(history_type: str, values: dict[str, Any], article: ArticleFacts | None) -> str:
    """One line saying what happened: the article's subject, the old and new value, …"""
    if article is not None:
        return article.subject
    if history_type == "NewTicket":
        title = _value_text(values.get("title"))
        details = [str(values[k]) for k in ("queue", "state", "priority") if values.get(k)]
        return f"{title} ({', '.join(details)})" if details else title
    if "old" in values or "new" in values:
        change = f"{_value_text(values.get('old'))} → {_value_text(values.get('new'))}"
        return f"{values['field']}: {change}" if values.get("field") else change
    return "; ".join(f"{key}: {_value_text(value)}" for key, value in values.items())


@dataclass
class TimelineGroup:
    """Events within five seconds of each other, under the time of the first."""

    time: str
    items: list[TimelineItemOut] = field(default_factory=list)
    index: int = 0


@dataclass
class Timeline:
    """``groups`` newest first; ``items`` are theirs in order. ``total`` counts every item that
    matches the filter, ``items`` may stop earlier (``more``) when the caller capped them.
    ``articles`` holds the full articles of the items shown when asked for."""

    items: list[TimelineItemOut]
    groups: list[TimelineGroup]
    total: int
    more: bool
    articles: dict[int, ArticleOut]
    applied_types: list[str]
    ignored_types: list[str]


@dataclass
class _Event:
    row: Any  # a history row (id, history_type, article_id, actor_*, values_json, created_at)
    moment: datetime
    classified: Classified
    article_id: int | None
    article: ArticleFacts | None

    @cached_property
    def stamp(self) -> str:
        return self.moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    def values(self) -> dict[str, Any]:
        # Decoded only for the items built: a page shows a few of thousands of entries.
        try:
            decoded = json.loads(self.row.values_json) if self.row.values_json else {}
        except ValueError:
            return {}
        return decoded if isinstance(decoded, dict) else {}


def _grouped(events: Sequence[_Event]) -> list[list[_Event]]:
    """Oldest first in, chains of events less than GROUP_SECONDS apart out."""
    groups: list[list[_Event]] = []
    previous: datetime | None = None
    gap = timedelta(seconds=GROUP_SECONDS)
    for event in events:
        if previous is None or event.moment - previous > gap:
            groups.append([])
        groups[-1].append(event)
        previous = event.moment
    return groups


def _item(event: _Event, group_time: str) -> TimelineItemOut:
    row = event.row
    # Built from values this module made and the database's: no validation needed, and a
    # whole timeline builds thousands.
    return TimelineItemOut.model_construct(
        time=event.stamp,
        group_time=group_time,
        kind=event.classified.kind,
        category=event.classified.category,
        side=SIDES[event.classified.category],
        label=event.classified.label,
        actor=row.actor_name,
        actor_kind=row.actor_kind,
        text=short_text(row.history_type, {} if event.article else event.values(), event.article),
        article_id=event.article_id,
        history_id=row.id,
        unread=False,
    )


async def _events(session: AsyncSession, ticket_id: int, wanted: Sequence[str]) -> list[_Event]:
    """The shown history entries of the ticket, oldest first, classified."""
    # Plain rows, not ORM objects: a long ticket has thousands of entries.
    facts = {
        row.id: ArticleFacts(row.sender_type, row.visible_for_customer, row.subject)
        for row in await session.execute(
            select(
                Article.id, Article.sender_type, Article.visible_for_customer, Article.subject
            ).where(Article.ticket_id == ticket_id)
        )
    }
    history = await session.execute(
        select(
            TicketHistory.id,
            TicketHistory.history_type,
            TicketHistory.article_id,
            TicketHistory.actor_kind,
            TicketHistory.actor_name,
            cast(TicketHistory.values, Text).label("values_json"),
            TicketHistory.created_at,
        )
        .where(TicketHistory.ticket_id == ticket_id)
        .order_by(TicketHistory.created_at, TicketHistory.id)
    )
    events: list[_Event] = []
    for row in history:
        article = facts.get(row.article_id) if row.article_id is not None else None
        classified = _classify_cached(row.history_type, article)
        if classified is None:
            continue
        if wanted and classified.kind not in wanted and classified.kind != ALWAYS_SHOWN:
            continue
        carries_article = article is not None and classified.carries_article
        moment = as_utc(row.created_at)
        events.append(
            _Event(
                row=row,
                moment=moment,
                classified=classified,
                article_id=row.article_id if carries_article else None,
                article=article if carries_article else None,
            )
        )
    return events


async def ticket_timeline(
    session: AsyncSession,
    actor: Actor,
    ticket_id: int,
    requested_types: Sequence[str] | None,
    default_types: Sequence[str] = (),
    *,
    max_items: int | None = None,
    with_articles: bool = False,
    window: tuple[int, int] | None = None,
) -> Timeline:
    """The ticket's timeline for an agent, newest group first.

    Agents who may not read the ticket get ``TicketNotFound`` (404); customers who may read it
    get ``PermissionDenied`` (403): like the history, the timeline names internal steps.
    ``requested_types`` filters by event type (None: the agent's ``default_types``; empty: no
    filter). "Ticket Created" is always shown; unknown types are ignored and reported.
    ``max_items`` keeps the newest whole groups up to about that many items (a page shows the
    rest on request); ``with_articles`` loads the full articles of the items kept;
    ``window`` (offset, limit) builds only those items (``groups`` then stay empty).
    Article items say whether the agent has seen their article (``unread``); reading the
    timeline marks nothing, the zoom page does (``do_mark_articles_seen``).
    """
    ticket = await access_ticket_by_id(session, actor, ticket_id)
    if not actor.is_agent:
        raise PermissionDenied("The timeline is part of the agent interface.")
    wanted, ignored = parse_event_types(
        default_types if requested_types is None else requested_types
    )
    if requested_types is None:
        ignored = []  # a saved default that no longer matches is not the agent's mistake
    events = await _events(session, ticket.id, wanted)

    groups: list[TimelineGroup] = []
    ordered: list[tuple[_Event, int]] = []  # (event, its group's index), display order
    chains = list(reversed(_grouped(events)))
    for index, chain in enumerate(chains):
        if max_items is not None and len(ordered) >= max_items:
            break
        newest_first = list(reversed(chain))
        in_group = sorted(newest_first, key=lambda e: e.article is None)  # stable: articles first
        ordered.extend((event, index) for event in in_group)
    if window is not None:
        offset, limit = window
        items = [
            _item(event, chains[index][0].stamp)
            for event, index in ordered[offset : offset + limit]
        ]
    else:
        for event, index in ordered:
            if not groups or groups[-1].index != index:
                groups.append(TimelineGroup(chains[index][0].stamp, index=index))
            groups[-1].items.append(_item(event, groups[-1].time))
        items = [item for group in groups for item in group.items]
    kept = len(ordered)
    articles: dict[int, ArticleOut] = {}
    shown_ids = [i.article_id for i in items if i.article_id is not None]
    unread = await unread_article_ids(session, actor, ticket.id, shown_ids)
    for item in items:
        item.unread = item.article_id in unread
    if with_articles and shown_ids:
        rows = await session.scalars(
            select(Article).where(Article.id.in_(shown_ids)).order_by(Article.id)
        )
        articles = {
            a.id: a
            for a in await articles_out(session, list(rows), customer_view=actor.is_customer)
        }
    return Timeline(
        items=items,
        groups=groups,
        total=len(events),
        more=kept < len(events),
        articles=articles,
        applied_types=wanted,
        ignored_types=ignored,
    )
