"""Read side of tickets: the ticket as the API shows it, lists, searches and overviews.

Every list is filtered with ``access.visible_tickets_filter`` so a list never shows a ticket that
``access_ticket_by_id`` would refuse.

One module per sub-topic; this package re-exports every public name, so callers import from
``frontdesk.domain.tickets.queries`` as before.
"""

from frontdesk.domain.tickets.queries.articles import (
    article_out,
    articles_out,
    attachment_direction,
    attachment_out,
    attachment_rows,
    get_attachment,
    list_articles,
    unread_article_ids,
)
from frontdesk.domain.tickets.queries.customers import (
    CUSTOMER_INFO_TICKETS,
    customer_info,
    ticket_customer_online,
)
from frontdesk.domain.tickets.queries.forms import (
    agents_with_permission,
    creatable_queues,
    customer_sla_choices,
    ticket_form_options,
    ticket_list_choices,
)
from frontdesk.domain.tickets.queries.history import agent_ticket_history, ticket_history
from frontdesk.domain.tickets.queries.listing import (
    CLOSED_STATE_TYPES,
    DASHBOARD_LIMIT,
    MAX_AGE_HOURS,
    MERGE_MAX_BRANCHES,
    MERGE_MAX_DEPTH,
    OPEN_STATE_TYPES,
    STATE_GROUPS,
    TICKET_SORT_COLUMNS,
    UNASSIGNED_OWNER_ID,
    TicketListView,
    customer_tickets,
    dashboard,
    escalated_filter,
    narrowed_and_sorted,
    narrowed_by_owner_and_lock,
    queue_overview,
    queue_tickets,
    search_tickets,
)
from frontdesk.domain.tickets.queries.output import service_full_names, ticket_out, tickets_out

__all__ = [
    "CLOSED_STATE_TYPES",
    "CUSTOMER_INFO_TICKETS",
    "DASHBOARD_LIMIT",
    "MAX_AGE_HOURS",
    "MERGE_MAX_BRANCHES",
    "MERGE_MAX_DEPTH",
    "OPEN_STATE_TYPES",
    "STATE_GROUPS",
    "TICKET_SORT_COLUMNS",
    "UNASSIGNED_OWNER_ID",
    "TicketListView",
    "agent_ticket_history",
    "agents_with_permission",
    "article_out",
    "articles_out",
    "attachment_direction",
    "attachment_out",
    "attachment_rows",
    "creatable_queues",
    "customer_info",
    "customer_sla_choices",
    "customer_tickets",
    "dashboard",
    "escalated_filter",
    "get_attachment",
    "list_articles",
    "narrowed_and_sorted",
    "narrowed_by_owner_and_lock",
    "queue_overview",
    "queue_tickets",
    "search_tickets",
    "service_full_names",
    "ticket_customer_online",
    "ticket_form_options",
    "ticket_history",
    "ticket_list_choices",
    "ticket_out",
    "tickets_out",
    "unread_article_ids",
]
