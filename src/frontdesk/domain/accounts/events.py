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
    customer_user_ids: tuple[int, ...] = ()


class AgentChanged(Event):
    """An agent was created or changed (admin screens and caches listen)."""

    kind: ClassVar[str] = "accounts.agent_changed"
    agent_id: int
    op: str  # created | updated | deleted


class CustomerUserChanged(Event):
    kind: ClassVar[str] = "accounts.customer_user_changed"
    customer_user_id: int
    op: str  # created | updated | deleted


class CustomerCompanyChanged(Event):
    kind: ClassVar[str] = "accounts.customer_company_changed"
    company_id: int
    op: str  # created | updated | deleted


class GroupChanged(Event):
    kind: ClassVar[str] = "accounts.group_changed"
    group_id: int
    op: str  # created | updated | deleted


class RoleChanged(Event):
    kind: ClassVar[str] = "accounts.role_changed"
    role_id: int
    op: str  # created | updated | deleted


class PreferencesChanged(Event):
    """A user changed their own language or time zone (open pages re-render in it)."""

    kind: ClassVar[str] = "accounts.preferences_changed"
    realm: str
    user_id: int


class PasswordChanged(Event):
    kind: ClassVar[str] = "accounts.password_changed"
    realm: str
    user_id: int
