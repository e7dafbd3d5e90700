"""The permission vocabulary (OTRS semantics) and how permission types imply each other."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, Literal

TicketPermission = Literal["ro", "move_into", "create", "note", "owner", "priority", "rw"]
ChatPermission = Literal["chat_observer", "chat_participant", "chat_owner"]
CustomerPermission = Literal["ro", "rw"]

TICKET_PERMISSIONS: Final[tuple[str, ...]] = (
    "ro",
    "move_into",
    "create",
    "note",
    "owner",
    "priority",
    "rw",
)
CHAT_PERMISSIONS: Final[tuple[str, ...]] = ("chat_observer", "chat_participant", "chat_owner")
AGENT_PERMISSIONS: Final[tuple[str, ...]] = TICKET_PERMISSIONS + CHAT_PERMISSIONS
CUSTOMER_PERMISSIONS: Final[tuple[str, ...]] = ("ro", "rw")

# rw implies every ticket permission; the chat levels nest owner ⊃ participant ⊃ observer.
_IMPLIED: Final[Mapping[str, frozenset[str]]] = {
    "rw": frozenset(TICKET_PERMISSIONS),
    "chat_owner": frozenset(CHAT_PERMISSIONS),
    "chat_participant": frozenset({"chat_participant", "chat_observer"}),
}


def expand(granted: Iterable[str]) -> frozenset[str]:
    """Every permission type that the granted ones amount to."""
    result: set[str] = set()
    for permission in granted:
        result |= _IMPLIED.get(permission, frozenset({permission}))
    return frozenset(result)


def expand_customer(granted: Iterable[str]) -> frozenset[str]:
    """For customer users rw implies ro."""
    result = set(granted)
    if "rw" in result:
        result.add("ro")
    return frozenset(result)
