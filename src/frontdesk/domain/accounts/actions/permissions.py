"""Permission matrices: agents, roles and customer users in groups, and agents in roles."""

from __future__ import annotations

from sqlalchemy import delete

from frontdesk.core.actor import Actor
from frontdesk.core.errors import ValidationFailed
from frontdesk.core.permissions import AGENT_PERMISSIONS, CUSTOMER_PERMISSIONS
from frontdesk.domain.accounts.access import (
    access_agent_by_id,
    access_customer_user_by_id,
    access_group_by_id,
    access_role_by_id,
)
from frontdesk.domain.accounts.actions.admin_rules import role_member_ids
from frontdesk.domain.accounts.events import PermissionsChanged
from frontdesk.domain.accounts.models import (
    AgentGroupPermission,
    AgentRole,
    CustomerUserGroupPermission,
    RoleGroupPermission,
)
from frontdesk.domain.accounts.queries import in_vocabulary_order
from frontdesk.domain.runtime import Tx


def check_permission_names(permissions: list[str]) -> list[str]:
    """The agent permission names without duplicates, in vocabulary order; 422 on unknown."""
    unknown = sorted(set(permissions) - set(AGENT_PERMISSIONS))
    if unknown:
        raise ValidationFailed(
            "permissions",
            "unknown permission types: "
            + ", ".join(unknown)
            + "; allowed: "
            + ", ".join(AGENT_PERMISSIONS),
        )
    return in_vocabulary_order(permissions)


async def do_set_agent_group_permissions(
    tx: Tx, actor: Actor, group_id: int, agent_id: int, permissions: list[str]
) -> list[str]:
    """Replace the agent's direct permission types in the group (empty list removes all)."""
    wanted = await check_set_agent_group_permissions(tx, actor, group_id, agent_id, permissions)
    await tx.session.execute(
        delete(AgentGroupPermission).where(
            AgentGroupPermission.agent_id == agent_id, AgentGroupPermission.group_id == group_id
        )
    )
    for permission in wanted:
        tx.session.add(
            AgentGroupPermission(agent_id=agent_id, group_id=group_id, permission=permission)
        )
    await tx.session.flush()
    tx.emit(PermissionsChanged(agent_ids=(agent_id,)))
    return wanted


def check_customer_permission_names(permissions: list[str]) -> list[str]:
    unknown = sorted(set(permissions) - set(CUSTOMER_PERMISSIONS))
    if unknown:
        raise ValidationFailed(
            "permissions",
            "unknown permission types: "
            + ", ".join(unknown)
            + "; allowed: "
            + ", ".join(CUSTOMER_PERMISSIONS),
        )
    return [p for p in CUSTOMER_PERMISSIONS if p in permissions]


async def check_set_agent_group_permissions(
    tx: Tx, actor: Actor, group_id: int, agent_id: int, permissions: list[str]
) -> list[str]:
    await access_group_by_id(tx.session, actor, group_id)
    await access_agent_by_id(tx.session, actor, agent_id)
    return check_permission_names(permissions)


async def check_set_role_group_permissions(
    tx: Tx, actor: Actor, group_id: int, role_id: int, permissions: list[str]
) -> list[str]:
    await access_group_by_id(tx.session, actor, group_id)
    await access_role_by_id(tx.session, actor, role_id)
    return check_permission_names(permissions)


async def do_set_role_group_permissions(
    tx: Tx, actor: Actor, group_id: int, role_id: int, permissions: list[str]
) -> list[str]:
    """Replace what the role grants in the group (empty list removes all)."""
    wanted = await check_set_role_group_permissions(tx, actor, group_id, role_id, permissions)
    await tx.session.execute(
        delete(RoleGroupPermission).where(
            RoleGroupPermission.role_id == role_id, RoleGroupPermission.group_id == group_id
        )
    )
    for permission in wanted:
        tx.session.add(
            RoleGroupPermission(role_id=role_id, group_id=group_id, permission=permission)
        )
    await tx.session.flush()
    tx.emit(PermissionsChanged(agent_ids=await role_member_ids(tx, role_id)))
    return wanted


async def check_set_customer_user_group_permissions(
    tx: Tx, actor: Actor, group_id: int, customer_user_id: int, permissions: list[str]
) -> list[str]:
    await access_group_by_id(tx.session, actor, group_id)
    await access_customer_user_by_id(tx.session, actor, customer_user_id)
    return check_customer_permission_names(permissions)


async def do_set_customer_user_group_permissions(
    tx: Tx, actor: Actor, group_id: int, customer_user_id: int, permissions: list[str]
) -> list[str]:
    """Replace the customer user's ro/rw in the group (empty list removes both)."""
    wanted = await check_set_customer_user_group_permissions(
        tx, actor, group_id, customer_user_id, permissions
    )
    await tx.session.execute(
        delete(CustomerUserGroupPermission).where(
            CustomerUserGroupPermission.customer_user_id == customer_user_id,
            CustomerUserGroupPermission.group_id == group_id,
        )
    )
    for permission in wanted:
        tx.session.add(
            CustomerUserGroupPermission(
                customer_user_id=customer_user_id, group_id=group_id, permission=permission
            )
        )
    await tx.session.flush()
    tx.emit(PermissionsChanged(customer_user_ids=(customer_user_id,)))
    return wanted


async def check_add_role_member(tx: Tx, actor: Actor, role_id: int, agent_id: int) -> bool:
    """True when the agent is not yet a member (adding is idempotent)."""
    await access_role_by_id(tx.session, actor, role_id)
    await access_agent_by_id(tx.session, actor, agent_id)
    return await tx.session.get(AgentRole, (agent_id, role_id)) is None


async def do_add_role_member(tx: Tx, actor: Actor, role_id: int, agent_id: int) -> None:
    if not await check_add_role_member(tx, actor, role_id, agent_id):
        return
    tx.session.add(AgentRole(agent_id=agent_id, role_id=role_id))
    await tx.session.flush()
    tx.emit(PermissionsChanged(agent_ids=(agent_id,)))


async def check_remove_role_member(
    tx: Tx, actor: Actor, role_id: int, agent_id: int
) -> AgentRole | None:
    """The membership to remove, or None when there is none (removing is idempotent)."""
    await access_role_by_id(tx.session, actor, role_id)
    await access_agent_by_id(tx.session, actor, agent_id)
    return await tx.session.get(AgentRole, (agent_id, role_id))


async def do_remove_role_member(tx: Tx, actor: Actor, role_id: int, agent_id: int) -> None:
    membership = await check_remove_role_member(tx, actor, role_id, agent_id)
    if membership is None:
        return
    await tx.session.delete(membership)
    await tx.session.flush()
    tx.emit(PermissionsChanged(agent_ids=(agent_id,)))
