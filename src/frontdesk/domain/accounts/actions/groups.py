"""Managing groups."""

from __future__ import annotations

from frontdesk.core.actor import Actor
from frontdesk.domain.accounts.access import ADMIN_GROUP, access_group_by_id, check_admin_or_system
from frontdesk.domain.accounts.actions.admin_rules import (
    agents_granted_in_group,
    apply,
    check_unique,
    customer_users_granted_in_group,
    delete_unless_referenced,
)
from frontdesk.domain.accounts.errors import ProtectedAccount
from frontdesk.domain.accounts.events import GroupChanged, PermissionsChanged
from frontdesk.domain.accounts.models import Group
from frontdesk.domain.accounts.schemas import GroupCreate, GroupUpdate
from frontdesk.domain.runtime import Tx


async def check_create_group(tx: Tx, actor: Actor, data: GroupCreate) -> None:
    await check_admin_or_system(tx.session, actor)
    await check_unique(tx, Group.name, data.name, what="group", field="name")


async def do_create_group(tx: Tx, actor: Actor, data: GroupCreate) -> Group:
    await check_create_group(tx, actor, data)
    group = Group(**data.model_dump())
    tx.session.add(group)
    await tx.session.flush()
    tx.emit(GroupChanged(group_id=group.id, op="created"))
    return group


def _check_not_admin_group(group: Group, message: str) -> None:
    # Without a valid group named "admin" nobody could administer anything any more.
    if group.name == ADMIN_GROUP:
        raise ProtectedAccount(message)


async def check_update_group(tx: Tx, actor: Actor, group_id: int, data: GroupUpdate) -> Group:
    group = await access_group_by_id(tx.session, actor, group_id)
    if data.name is not None:
        if data.name != group.name:
            _check_not_admin_group(group, "The admin group cannot be renamed.")
        await check_unique(
            tx, Group.name, data.name, what="group", field="name", exclude_id=group.id
        )
    if data.valid is False:
        _check_not_admin_group(group, "The admin group cannot be invalidated.")
    return group


async def do_update_group(tx: Tx, actor: Actor, group_id: int, data: GroupUpdate) -> Group:
    group = await check_update_group(tx, actor, group_id, data)
    validity_changes = data.valid is not None and data.valid != group.valid
    await apply(group, data, nullable=frozenset({"comment"}))
    await tx.session.flush()
    tx.emit(GroupChanged(group_id=group.id, op="updated"))
    if validity_changes:
        tx.emit(
            PermissionsChanged(
                agent_ids=await agents_granted_in_group(tx, group.id),
                customer_user_ids=await customer_users_granted_in_group(tx, group.id),
            )
        )
    return group


async def check_delete_group(tx: Tx, actor: Actor, group_id: int) -> Group:
    group = await access_group_by_id(tx.session, actor, group_id)
    _check_not_admin_group(group, "The admin group cannot be deleted.")
    return group


async def do_delete_group(tx: Tx, actor: Actor, group_id: int) -> None:
    group = await check_delete_group(tx, actor, group_id)
    affected_agents = await agents_granted_in_group(tx, group_id)
    affected_customers = await customer_users_granted_in_group(tx, group_id)
    await delete_unless_referenced(tx, group, "group")
    tx.emit(GroupChanged(group_id=group_id, op="deleted"))
    if affected_agents or affected_customers:
        tx.emit(PermissionsChanged(agent_ids=affected_agents, customer_user_ids=affected_customers))
