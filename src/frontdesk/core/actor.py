"""Who is acting. Every action takes an Actor; nothing reads the request to find out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

ActorKind = Literal["agent", "customer", "visitor", "system"]


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    id: int
    login: str
    display_name: str
    language: str = "en"
    timezone: str = "UTC"
    # Effective permission types per group id, already expanded (rw → all ticket types).
    group_permissions: Mapping[int, frozenset[str]] = field(default_factory=dict)
    # For customers: their company (customer_id), used for company-wide ticket access.
    customer_id: str | None = None

    @property
    def is_agent(self) -> bool:
        return self.kind == "agent"

    @property
    def is_customer(self) -> bool:
        return self.kind == "customer"

    def has(self, group_id: int, permission: str) -> bool:
        return permission in self.group_permissions.get(group_id, frozenset())

    def groups_with(self, permission: str) -> frozenset[int]:
        return frozenset(g for g, perms in self.group_permissions.items() if permission in perms)


SYSTEM = Actor(kind="system", id=0, login="system", display_name="System")
