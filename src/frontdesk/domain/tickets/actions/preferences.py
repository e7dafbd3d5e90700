"""The agent's own ticket zoom preferences."""

from __future__ import annotations

from typing import Any

from frontdesk.core.actor import Actor
from frontdesk.core.errors import PermissionDenied
from frontdesk.domain.runtime import Tx
from frontdesk.domain.tickets.settings import (
    ATTACHMENTS_HIDE_INLINE,
    TIMELINE_FILTER_DEFAULT,
    ZOOM_DEFAULT_VIEW,
)
from frontdesk.sysconfig.actions import do_set_user_value
from frontdesk.sysconfig.registry import Setting

# Kept as the agent's own values of user-modifiable settings: an admin can see, reset and forbid
# them like every other user-specific setting.


ZOOM_PREFERENCES = (ZOOM_DEFAULT_VIEW, TIMELINE_FILTER_DEFAULT, ATTACHMENTS_HIDE_INLINE)


def check_set_zoom_preference(tx: Tx, actor: Actor, setting: Setting, value: Any) -> Any:
    if setting not in ZOOM_PREFERENCES:
        raise ValueError(f"{setting.name} is not a ticket zoom preference")
    if not actor.is_agent:
        raise PermissionDenied("Only agents have ticket zoom preferences.")
    return setting.validate(value)


async def do_set_zoom_preference(tx: Tx, actor: Actor, setting: Setting, value: Any) -> bool:
    """Store the agent's own value of ``setting`` (the last used zoom view, the default timeline
    filter, hiding inline attachments). Writes only when it changes; True when it did."""
    checked = check_set_zoom_preference(tx, actor, setting, value)
    # An admin who forbids own values of the setting gets the global value for everyone: the
    # zoom keeps working, it just does not remember.
    if not tx.runtime.config.user_modification_active(setting):
        return False
    if tx.setting(setting, actor) == checked:
        return False
    await do_set_user_value(tx.session, tx.runtime.bus, actor, setting.name, checked)
    return True
