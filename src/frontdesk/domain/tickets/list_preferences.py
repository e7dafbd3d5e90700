"""An agent's own ticket list preferences: the columns shown and the row density.

Kept as the agent's own values of user-modifiable settings, like the zoom preferences: an admin
can see, reset and forbid them like every other user-specific setting.
"""

from __future__ import annotations

from typing import Any

from frontdesk.core.actor import Actor
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets.settings import (
    TICKET_LIST_COLUMNS,
    TICKET_LIST_DENSITY,
    TICKET_LIST_OPTIONAL_COLUMNS,
)
from frontdesk.sysconfig.actions import do_set_user_value
from frontdesk.sysconfig.registry import Setting


def check_set_list_preference(actor: Actor, setting: Setting, value: Any) -> Any:
    if setting not in (TICKET_LIST_COLUMNS, TICKET_LIST_DENSITY):
        raise ValueError(f"{setting.name} is not a ticket list preference")
    if not actor.is_agent:
        raise PermissionDenied("Only agents have ticket list preferences.")
    checked = setting.validate(value)
    if setting is TICKET_LIST_COLUMNS:
        # Stored in the table's order, each once, whatever order the form sent.
        checked = [name for name in TICKET_LIST_OPTIONAL_COLUMNS if name in checked]
    return checked


async def do_set_list_preference(tx: Tx, actor: Actor, setting: Setting, value: Any) -> bool:
    """Store the agent's own ticket list columns or density; True when it changed."""
    checked = check_set_list_preference(actor, setting, value)
    if not tx.runtime.config.user_modification_active(setting):
        raise ValidationFailed(
            "value", "Your administrator does not allow changing this per agent."
        )
    if tx.setting(setting, actor) == checked:
        return False
    await do_set_user_value(tx.session, tx.runtime.bus, actor, setting.name, checked)
    return True
