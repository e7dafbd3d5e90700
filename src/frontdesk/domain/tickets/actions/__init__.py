"""Writes of tickets: create, add an article, change attributes.

Each write is ``check_*`` (validate + authorise, no change) then ``do_*`` (change + history +
events). ``do_*`` calls its ``check_*`` first, so a refused or invalid request writes nothing.
Actions never commit; the caller's unit of work does.

Tickets created by customer users (and by the system actor, unless it names an owner) get agent 1
(``admin``, created on first start and never deleted; in OTRS user 1 ``root@localhost`` plays
this part) as owner and responsible until an agent takes them.

One module per sub-topic; this package re-exports every public name, so callers import from
``frontdesk.domain.tickets.actions`` as before.
"""

from frontdesk.domain.tickets.actions.articles import (
    REOPEN_STATE,
    ArticleDraft,
    PreparedArticle,
    article_history_type,
    check_add_article,
    do_add_article,
    prepare_article,
    write_article,
    write_follow_up,
    write_system_mail_article,
)
from frontdesk.domain.tickets.actions.attachments import (
    PreparedAttachment,
    normalize_content_type,
    prepare_attachments,
    sanitize_filename,
)
from frontdesk.domain.tickets.actions.creation import (
    DEFAULT_OWNER_ID,
    DEFAULT_PRIORITY,
    DEFAULT_STATE,
    TicketDraft,
    check_create_ticket,
    do_create_ticket,
    write_new_ticket,
)
from frontdesk.domain.tickets.actions.history import actor_name, add_history, ticket_audience
from frontdesk.domain.tickets.actions.mail import do_add_mail_follow_up, do_create_ticket_from_mail
from frontdesk.domain.tickets.actions.pending import (
    PENDING_AUTO_TARGETS,
    do_close_expired_pending_tickets,
)
from frontdesk.domain.tickets.actions.preferences import (
    ZOOM_PREFERENCES,
    check_set_zoom_preference,
    do_set_zoom_preference,
)
from frontdesk.domain.tickets.actions.resolving import (
    PENDING_STATE_TYPES,
    UNSETTABLE_STATE_TYPES,
    check_assignable_agent,
    check_pending_until,
    deny,
    resolve_customer_user,
    resolve_priority,
    resolve_queue,
    resolve_state,
    resolve_valid,
)
from frontdesk.domain.tickets.actions.seen import check_mark_articles_seen, do_mark_articles_seen
from frontdesk.domain.tickets.actions.unlock_timeout import (
    UNLOCK_STATE_TYPES,
    do_unlock_timed_out_tickets,
)
from frontdesk.domain.tickets.actions.updates import (
    Change,
    UpdatePlan,
    check_update_ticket,
    do_update_ticket,
)

__all__ = [
    "DEFAULT_OWNER_ID",
    "DEFAULT_PRIORITY",
    "DEFAULT_STATE",
    "PENDING_AUTO_TARGETS",
    "PENDING_STATE_TYPES",
    "REOPEN_STATE",
    "UNLOCK_STATE_TYPES",
    "UNSETTABLE_STATE_TYPES",
    "ZOOM_PREFERENCES",
    "ArticleDraft",
    "Change",
    "PreparedArticle",
    "PreparedAttachment",
    "TicketDraft",
    "UpdatePlan",
    "actor_name",
    "add_history",
    "article_history_type",
    "check_add_article",
    "check_assignable_agent",
    "check_create_ticket",
    "check_mark_articles_seen",
    "check_pending_until",
    "check_set_zoom_preference",
    "check_update_ticket",
    "deny",
    "do_add_article",
    "do_add_mail_follow_up",
    "do_close_expired_pending_tickets",
    "do_create_ticket",
    "do_create_ticket_from_mail",
    "do_mark_articles_seen",
    "do_set_zoom_preference",
    "do_unlock_timed_out_tickets",
    "do_update_ticket",
    "normalize_content_type",
    "prepare_article",
    "prepare_attachments",
    "resolve_customer_user",
    "resolve_priority",
    "resolve_queue",
    "resolve_state",
    "resolve_valid",
    "sanitize_filename",
    "ticket_audience",
    "write_article",
    "write_follow_up",
    "write_new_ticket",
    "write_system_mail_article",
]
