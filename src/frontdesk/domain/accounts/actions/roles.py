"""Managing roles."""

from __future__ import annotations

from frontdesk.core.actor import Actor
from frontdesk.domain.accounts.access import access_role_by_id, check_admin_or_system
from frontdesk.domain.accounts.actions.admin_rules import (
    apply,
    check_unique,
    delete_unless_referenced,
    role_member_ids,
)
from frontdesk.domain.accounts.events import PermissionsChanged, RoleChanged
from frontdesk.domain.accounts.models import Role
from frontdesk.domain.accounts.schemas import RoleCreate, RoleUpdate
from frontdesk.domain.runtime import Tx


async def check_create_role(tx: Tx, actor: Actor, data: RoleCreate) -> None:
    await check_admin_or_system(tx.session, actor)
    await check_unique(tx, Role.name, data.name, what="role", field="name")


async def do_create_role(tx: Tx, actor: Actor, data: RoleCreate) -> Role:
    await check_create_role(tx, actor, data)
    role = Role(**data.model_dump())
    tx.session.add(role)
    await tx.session.flush()
    tx.emit(RoleChanged(role_id=role.id, op="created"))
    return role


async def check_update_role(tx: Tx, actor: Actor, role_id: int, data: RoleUpdate) -> Role:
    role = await access_role_by_id(tx.session, actor, role_id)
    if data.name is not None:
        await check_unique(tx, Role.name, data.name, what="role", field="name", exclude_id=role.id)
    return role


async def do_update_role(tx: Tx, actor: Actor, role_id: int, data: RoleUpdate) -> Role:
    role = await check_update_role(tx, actor, role_id, data)
    validity_changes = data.valid is not None and data.valid != role.valid
    await apply(role, data, nullable=frozenset({"comment"}))
    await tx.session.flush()
    tx.emit(RoleChanged(role_id=role.id, op="updated"))
    if validity_changes:
        tx.emit(PermissionsChanged(agent_ids=await role_member_ids(tx, role.id)))
    return role


async def check_delete_role(tx: Tx, actor: Actor, role_id: int) -> Role:
    return await access_role_by_id(tx.session, actor, role_id)


async def do_delete_role(tx: Tx, actor: Actor, role_id: int) -> None:
    role = await check_delete_role(tx, actor, role_id)
    members = await role_member_ids(tx, role_id)
    await delete_unless_referenced(tx, role, "role")
    tx.emit(RoleChanged(role_id=role_id, op="deleted"))
    if members:
        tx.emit(PermissionsChanged(agent_ids=members))
