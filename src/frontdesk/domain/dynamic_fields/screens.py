"""The screens a field can appear on, and how (OTRS ``Ticket::Frontend::<Screen>###DynamicField``).

A field's ``screens`` maps a screen key to a mode; a screen it does not name shows it not at all.
"""

from __future__ import annotations

from typing import Literal

ScreenMode = Literal["shown", "mandatory"]
SCREEN_MODES: tuple[ScreenMode, ...] = ("shown", "mandatory")

# Screen key → what administrators read; the order is the order of the admin form.
SCREENS: dict[str, str] = {
    "agent_ticket_phone": "New phone ticket",
    "agent_ticket_email": "New e-mail ticket",
    "agent_ticket_edit_fields": "Edit fields",
    "agent_ticket_close": "Close",
    "agent_ticket_note": "Note",
    "agent_ticket_reply": "Reply",
    "agent_ticket_move": "Move",
    "agent_ticket_bulk": "Bulk action",
    "agent_ticket_zoom": "Ticket zoom",
    "agent_ticket_overview": "Ticket overviews (columns)",
    "agent_ticket_search": "Ticket search",
    "customer_ticket_new": "Customer: new ticket",
    "customer_ticket_zoom": "Customer: ticket zoom",
}

# Screens that only display: "mandatory" means nothing there.
DISPLAY_SCREENS = frozenset(
    {"agent_ticket_zoom", "agent_ticket_overview", "agent_ticket_search", "customer_ticket_zoom"}
)
# Screens customers see: a field reaches customers only through these.
CUSTOMER_SCREENS = frozenset({"customer_ticket_new", "customer_ticket_zoom"})
