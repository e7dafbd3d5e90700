"""Suggestions for the top bar's search box while the agent types: a few tickets and customers.

Tickets come in four groups, in this order: the ticket whose number is the text, tickets whose
number starts with it, tickets whose title holds its words, tickets with an article that does.
Every read is an index read (the number's unique index, the full-text indexes of
``search.py``), so a suggestion costs little at every keystroke. The words match as the full-text
search matches them, except that the last word, the one being typed, matches as a prefix:
"print" finds "printer". Only tickets ``access.visible_tickets_filter`` allows are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, Select, and_, any_, func, literal_column, select, table, text
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.db.engine import is_postgresql
from frontdesk.domain.accounts.queries import CustomerSuggestion, suggest_customer_users
from frontdesk.domain.ticket_catalogue.models import TicketState
from frontdesk.domain.tickets.access import visible_tickets_filter
from frontdesk.domain.tickets.models import Article, Ticket

MAX_QUERY_LENGTH = 200
TICKET_SUGGESTIONS = 8
CUSTOMER_SUGGESTIONS = 5
# A one-letter prefix would merge the index entries of most words: it matches whole words only.
MIN_PREFIX_LENGTH = 2
# Runs of letters and digits: the tokens both full-text indexes split text into. Keeping only
# these keeps every operator of FTS5 and tsquery out of the query.
_WORD = re.compile(r"[^\W_]+")

TicketMatch = Literal["number", "number prefix", "title", "text"]


@dataclass(frozen=True, slots=True)
class TicketSuggestion:
    id: int
    number: str
    title: str
    state: str
    state_type: str
    match: TicketMatch


@dataclass(frozen=True, slots=True)
class Suggestions:
    tickets: list[TicketSuggestion]
    customers: list[CustomerSuggestion]


def normalised_query(query: str) -> str:
    """The text to suggest for, trimmed; too long a text is refused."""
    query = query.replace("\x00", "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationFailed("q", f"Search for at most {MAX_QUERY_LENGTH} characters.")
    return query


def _next_number_prefix(prefix: str) -> str | None:
    """The smallest digit string above every number starting with ``prefix`` (None: none is).

    "2026" → "2027", "2029" → "203": digits only, so the range agrees with any collation.
    """
    digits = prefix.rstrip("9")
    if not digits:
        return None
    return digits[:-1] + str(int(digits[-1]) + 1)


def _number_prefix_filter(prefix: str) -> ColumnElement[bool]:
    # A range, not LIKE: PostgreSQL reads a LIKE prefix from the index only under the C collation.
    condition = Ticket.number >= prefix
    upper = _next_number_prefix(prefix)
    if upper is not None:
        condition = condition & (Ticket.number < upper)
    return condition


def _words(query: str) -> list[str]:
    return _WORD.findall(query)


def _fts5_match(words: list[str]) -> str:
    terms = [f'"{w}"' for w in words]
    if len(words[-1]) >= MIN_PREFIX_LENGTH:
        terms[-1] += "*"
    return " ".join(terms)


def _tsquery(words: list[str]) -> str:
    terms = list(words)
    if len(words[-1]) >= MIN_PREFIX_LENGTH:
        terms[-1] += ":*"
    return " & ".join(terms)


def _title_matches(session: AsyncSession, words: list[str]) -> ColumnElement[bool]:
    if is_postgresql(session):
        # A ticket row's own column: no subquery is needed.
        return and_(
            text("ticket.search_vector @@ to_tsquery('simple', :suggest_title)").bindparams(
                suggest_title=_tsquery(words)
            )
        )
    rows: Select[int] = (
        select(literal_column("rowid"))
        .select_from(table("ticket_fts"))
        .where(text("ticket_fts MATCH :suggest_title").bindparams(suggest_title=_fts5_match(words)))
    )
    return Ticket.id.in_(rows)


def _text_matches(session: AsyncSession, words: list[str]) -> ColumnElement[bool]:
    if is_postgresql(session):
        by_article = select(Article.ticket_id).where(
            text("article.search_vector @@ to_tsquery('simple', :suggest_text)").bindparams(
                suggest_text=_tsquery(words)
            )
        )
        # Gathered into an array first, as search.ticket_matches_filter explains.
        return Ticket.id == any_(func.array(by_article.scalar_subquery()))
    rows: Select[int] = (
        select(literal_column("rowid"))
        .select_from(table("article_fts"))
        .where(text("article_fts MATCH :suggest_text").bindparams(suggest_text=_fts5_match(words)))
    )
    return Ticket.id.in_(select(Article.ticket_id).where(Article.id.in_(rows)))


async def suggest_tickets(
    session: AsyncSession, actor: Actor, query: str, *, limit: int = TICKET_SUGGESTIONS
) -> list[TicketSuggestion]:
    """Up to ``limit`` tickets the agent may see: number, number prefix, title, then text."""
    if not actor.is_agent:
        raise PermissionDenied("Only agents search for tickets here.")
    query = normalised_query(query)
    if not query:
        return []
    base = (
        select(Ticket.id, Ticket.number, Ticket.title, TicketState.name, TicketState.state_type)
        .join(TicketState, TicketState.id == Ticket.state_id)
        .where(visible_tickets_filter(actor))
    )
    newest_first = (Ticket.created_at.desc(), Ticket.id.desc())
    groups: list[tuple[TicketMatch, Select[int, str, str, str, str]]] = []
    if query.isascii() and query.isdigit():
        groups.append(("number", base.where(Ticket.number == query)))
        groups.append(
            (
                "number prefix",
                base.where(_number_prefix_filter(query)).order_by(Ticket.number.desc()),
            )
        )
    words = _words(query)
    if words:
        groups.append(("title", base.where(_title_matches(session, words)).order_by(*newest_first)))
        groups.append(("text", base.where(_text_matches(session, words)).order_by(*newest_first)))
    found: dict[int, TicketSuggestion] = {}
    for match, statement in groups:
        if len(found) >= limit:
            break
        # Enough rows to fill the list even when the earlier groups already hold some of them.
        rows = await session.execute(statement.limit(limit))
        for ticket_id, number, title, state, state_type in rows:
            if ticket_id not in found and len(found) < limit:
                found[ticket_id] = TicketSuggestion(
                    ticket_id, number, title, state, state_type, match
                )
    return list(found.values())


async def suggest(session: AsyncSession, actor: Actor, query: str) -> Suggestions | None:
    """The tickets and customer users the top bar suggests for ``query`` (None: empty query)."""
    tickets = await suggest_tickets(session, actor, query)
    query = normalised_query(query)
    if not query:
        return None
    customers = await suggest_customer_users(session, actor, query, limit=CUSTOMER_SUGGESTIONS)
    return Suggestions(tickets=tickets, customers=customers)
