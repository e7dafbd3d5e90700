"""Articles an agent has seen."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import literal, select

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import PermissionDenied
from frontdesk.db.engine import upsert_insert
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.models import Article, ArticleSeen, Ticket


async def check_mark_articles_seen(tx: Tx, actor: Actor, ticket_id: int) -> Ticket:
    if not actor.is_agent:
        raise PermissionDenied("Only agents mark articles as seen.")
    return await access_ticket_by_id(tx.session, actor, ticket_id)


async def do_mark_articles_seen(
    tx: Tx, actor: Actor, ticket_id: int, article_ids: Sequence[int]
) -> None:
    """Remember that the agent has seen these articles of the ticket (the zoom shows them).

    Idempotent, one statement: rows the agent already has are left alone, also when two tabs
    race. Ids of other tickets are skipped. No history entry and no event: reading changes
    nothing anyone else sees.
    """
    if not article_ids:  # the usual case once an agent has read the ticket: no query at all
        return
    ticket = await check_mark_articles_seen(tx, actor, ticket_id)
    seen_at = literal(utcnow(), ArticleSeen.seen_at.type)
    insert = upsert_insert(tx.session)
    ids = sorted(set(article_ids))
    # In slices: one IN list per statement stays far below the drivers' parameter limits.
    for start in range(0, len(ids), _SEEN_SLICE):
        rows = select(Article.id, literal(actor.id), seen_at).where(
            Article.ticket_id == ticket.id, Article.id.in_(ids[start : start + _SEEN_SLICE])
        )
        await tx.session.execute(
            insert(ArticleSeen)
            .from_select(["article_id", "agent_id", "seen_at"], rows)
            .on_conflict_do_nothing()
        )


_SEEN_SLICE = 1000
