"""Settings of the tickets feature."""

from __future__ import annotations

from frontdesk.sysconfig.registry import declare

SYSTEM_ID = declare(
    "SystemID",
    "integer",
    10,
    "Identifies this installation; part of every ticket number (YYYYMMDD + SystemID + counter)"
    " so numbers of several installations never collide.",
    navigation="Core",
    minimum=1,
    maximum=99,
)

TIMELINE_VIEW_ENABLED = declare(
    "TimelineViewEnabled",
    "bool",
    True,
    "Enables the timeline view in the agent ticket zoom.",
    navigation="Frontend::Agent::Ticket",
)

ZOOM_DEFAULT_VIEW = declare(
    "Ticket::Frontend::Zoom::DefaultView",
    "select",
    "all",
    "The ticket zoom view an agent sees first.",
    navigation="Frontend::Agent::Ticket",
    user_modifiable=True,
    options=("one", "all", "timeline"),
)

# Event types of the timeline an agent sees when no filter is chosen for the ticket ([] = all).
# The options are the filterable event types of ``timeline.EVENT_TYPES``; kept literal here so
# the settings module stays free of the timeline's imports.
TIMELINE_FILTER_DEFAULT = declare(
    "Ticket::Frontend::Timeline::EventTypeFilterDefault",
    "multiselect",
    [],
    "The event types an agent's ticket timeline shows by default (empty: all).",
    navigation="Frontend::Agent::Ticket",
    user_modifiable=True,
    options=(
        "NewTicket",
        "EmailCustomer",
        "PhoneCallCustomer",
        "FollowUp",
        "WebRequestCustomer",
        "AddNoteCustomer",
        "AddSMSCustomer",
        "ChatExternal",
        "ServiceUpdate",
        "SLAUpdate",
        "StateUpdate",
        "SetPendingTime",
        "Lock",
        "Unlock",
        "ResponsibleUpdate",
        "OwnerUpdate",
        "CustomerUpdate",
        "TicketLinkAdd",
        "TicketLinkDelete",
        "TicketDynamicFieldUpdate",
        "Move",
        "Merged",
        "PriorityUpdate",
        "TitleUpdate",
        "TypeUpdate",
        "EscalationResponseTimeStart",
        "EscalationResponseTimeStop",
        "EscalationResponseTimeNotifyBefore",
        "EscalationUpdateTimeStart",
        "EscalationUpdateTimeStop",
        "EscalationUpdateTimeNotifyBefore",
        "EscalationSolutionTimeStart",
        "EscalationSolutionTimeStop",
        "EscalationSolutionTimeNotifyBefore",
        "TimeAccounting",
        "AddSMS",
        "Forward",
        "EmailAgent",
        "PhoneCallAgent",
        "Bounce",
        "SendAnswer",
        "AddNote",
        "ChatInternal",
        "EmailAgentInternal",
        "SendAutoFollowUp",
        "SendAutoReply",
        "SystemRequest",
        "SendCustomerNotification",
    ),
)

ATTACHMENTS_HIDE_INLINE = declare(
    "Ticket::Frontend::AttachmentOverview::HideInline",
    "bool",
    True,
    "Hides inline attachments (e.g. embedded images) in the ticket's attachment overview.",
    navigation="Frontend::Agent::Ticket",
    user_modifiable=True,
)

MAX_ARCHIVE_BYTES = declare(
    "Ticket::Frontend::AttachmentOverview::MaxArchiveBytes",
    "integer",
    100 * 1024 * 1024,
    "The largest total size of attachments downloaded together as one ZIP archive.",
    navigation="Frontend::Agent::Ticket",
    minimum=1,
    maximum=1024 * 1024 * 1024,
)

QUEUE_VIEW_PAGE_SIZE = declare(
    "Ticket::Frontend::QueueView::PageSize",
    "integer",
    25,
    "Tickets per page in the queue view.",
    navigation="Frontend::Agent::Ticket",
    minimum=5,
    maximum=200,
    user_modifiable=True,
)
SEARCH_PAGE_SIZE = declare(
    "Ticket::Frontend::Search::PageSize",
    "integer",
    25,
    "Tickets per page in the ticket search results.",
    navigation="Frontend::Agent::Ticket",
    minimum=5,
    maximum=200,
    user_modifiable=True,
)

# The columns of a ticket list an agent may hide; Ticket# and Title are always shown.
TICKET_LIST_OPTIONAL_COLUMNS = (
    "customer",
    "state",
    "priority",
    "queue",
    "owner",
    "lock",
    "created",
)
TICKET_LIST_COLUMNS = declare(
    "Ticket::Frontend::List::Columns",
    "multiselect",
    list(TICKET_LIST_OPTIONAL_COLUMNS),
    "The optional columns an agent's ticket lists show (Ticket# and Title always show).",
    navigation="Frontend::Agent::Ticket",
    user_modifiable=True,
    options=TICKET_LIST_OPTIONAL_COLUMNS,
)
TICKET_LIST_DENSITIES = ("comfortable", "compact")
TICKET_LIST_DENSITY = declare(
    "Ticket::Frontend::List::Density",
    "select",
    "comfortable",
    "How closely an agent's ticket lists set their rows: comfortable or compact.",
    navigation="Frontend::Agent::Ticket",
    user_modifiable=True,
    options=TICKET_LIST_DENSITIES,
)
