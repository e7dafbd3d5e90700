"""Permission matrices: who holds which permission on a group or role, row by row."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from frontdesk.core.actor import Actor
from frontdesk.core.pagination import MAX_LIMIT, Page, PageRequest
from frontdesk.core.permissions import AGENT_PERMISSIONS, CUSTOMER_PERMISSIONS
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts import queries as account_queries
from frontdesk.domain.runtime import Tx
from frontdesk.web.pages.admin_forms import (
    ui_text,
)

# --- permission matrices ----------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    id: int
    login: str
    name: str
    valid: bool
    granted: frozenset[str]


MatrixRows = tuple[str, Page[MatrixRow]]
"""The name of the group or role, and one page of rows."""


@dataclass(frozen=True)
class PermissionMatrix:
    owner_slug: Literal["groups", "roles"]
    part: str
    title: str
    columns: tuple[str, ...]
    load: Callable[[Tx, Actor, int, PageRequest], Awaitable[MatrixRows]]
    # Give the row exactly ``wanted`` (it held ``held``); only called for rows that changed.
    save: Callable[[Tx, Actor, int, int, list[str], frozenset[str]], Awaitable[object]]
    hint: str = ""


async def _group_agents(tx: Tx, actor: Actor, group_id: int, page: PageRequest) -> MatrixRows:
    group = await account_queries.get_group(tx.session, actor, group_id)
    rows = await account_queries.group_agent_matrix(tx.session, actor, group_id, page)
    items = [
        MatrixRow(
            r.agent_id, r.login, f"{r.first_name} {r.last_name}", r.valid, frozenset(r.permissions)
        )
        for r in rows.items
    ]
    return group.name, Page(items, rows.total, rows.limit, rows.offset)


async def _group_roles(tx: Tx, actor: Actor, group_id: int, page: PageRequest) -> MatrixRows:
    group = await account_queries.get_group(tx.session, actor, group_id)
    rows = await account_queries.group_role_matrix(tx.session, actor, group_id, page)
    items = [
        MatrixRow(r.role_id, r.name, "", r.valid, frozenset(r.permissions)) for r in rows.items
    ]
    return group.name, Page(items, rows.total, rows.limit, rows.offset)


async def _group_customer_users(
    tx: Tx, actor: Actor, group_id: int, page: PageRequest
) -> MatrixRows:
    group = await account_queries.get_group(tx.session, actor, group_id)
    rows = await account_queries.group_customer_user_matrix(tx.session, actor, group_id, page)
    items = [
        MatrixRow(
            r.customer_user_id,
            r.login,
            f"{r.first_name} {r.last_name}",
            r.valid,
            frozenset(r.permissions),
        )
        for r in rows.items
    ]
    return group.name, Page(items, rows.total, rows.limit, rows.offset)


async def _role_agents(tx: Tx, actor: Actor, role_id: int, page: PageRequest) -> MatrixRows:
    role = await account_queries.get_role(tx.session, actor, role_id)
    agents = await account_queries.list_agents(tx.session, actor, page)
    members: set[int] = set()
    offset = 0
    while True:
        batch = await account_queries.role_members(
            tx.session, actor, role_id, PageRequest(limit=MAX_LIMIT, offset=offset)
        )
        members |= {m.agent_id for m in batch.items}
        if not batch.has_next:
            break
        offset += MAX_LIMIT
    items = [
        MatrixRow(
            a.id,
            a.login,
            f"{a.first_name} {a.last_name}",
            a.valid,
            frozenset({"member"} if a.id in members else ()),
        )
        for a in agents.items
    ]
    return role.name, Page(items, agents.total, agents.limit, agents.offset)


async def _save_role_member(
    tx: Tx, actor: Actor, role_id: int, agent_id: int, wanted: list[str], held: frozenset[str]
) -> None:
    if "member" in wanted:
        await account_actions.do_add_role_member(tx, actor, role_id, agent_id)
    else:
        await account_actions.do_remove_role_member(tx, actor, role_id, agent_id)


def _permission_setter(
    action: Callable[[Tx, Actor, int, int, list[str]], Awaitable[list[str]]],
) -> Callable[[Tx, Actor, int, int, list[str], frozenset[str]], Awaitable[object]]:
    async def save(
        tx: Tx, actor: Actor, owner_id: int, row_id: int, wanted: list[str], held: frozenset[str]
    ) -> object:
        return await action(tx, actor, owner_id, row_id, wanted)

    return save


MATRICES: tuple[PermissionMatrix, ...] = (
    PermissionMatrix(
        "groups",
        "agents",
        ui_text("Agents in group %(name)s"),
        AGENT_PERMISSIONS,
        _group_agents,
        _permission_setter(account_actions.do_set_agent_group_permissions),
        ui_text(
            "What each agent may do in this group directly; rw includes every ticket permission."
        ),
    ),
    PermissionMatrix(
        "groups",
        "roles",
        ui_text("Roles in group %(name)s"),
        AGENT_PERMISSIONS,
        _group_roles,
        _permission_setter(account_actions.do_set_role_group_permissions),
        ui_text("What the members of each role may do in this group."),
    ),
    PermissionMatrix(
        "groups",
        "customer-users",
        ui_text("Customer users in group %(name)s"),
        CUSTOMER_PERMISSIONS,
        _group_customer_users,
        _permission_setter(account_actions.do_set_customer_user_group_permissions),
        ui_text("ro: read the group's tickets; rw: also create and answer them."),
    ),
    PermissionMatrix(
        "roles",
        "agents",
        ui_text("Members of role %(name)s"),
        ("member",),
        _role_agents,
        _save_role_member,
    ),
)
