"""Events of the accounts feature."""

from __future__ import annotations

from typing import ClassVar

from frontdesk.bus.events import Event


class UserLoggedIn(Event):
    kind: ClassVar[str] = "accounts.logged_in"
    realm: str
    user_id: int


class UserLoggedOut(Event):
    kind: ClassVar[str] = "accounts.logged_out"
    realm: str
    user_id: int


class PermissionsChanged(Event):
    """Group permissions of agents changed (direct, through roles, or a group's validity)."""

    kind: ClassVar[str] = "accounts.permissions_changed"
    agent_ids: tuple[int, ...] = ()


class AgentChanged(Event):
    """An agent was created or changed (admin screens and caches listen)."""

    kind: ClassVar[str] = "accounts.agent_changed"
    agent_id: int
    op: str  # created | updated
