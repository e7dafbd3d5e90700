"""Shared rules of administration: applying changes, unique names, deletes of unused rows,
revoking tokens, and who a change of a group or role concerns.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute

from frontdesk.core.errors import ValidationFailed
from frontdesk.db.case_insensitive import equals_ignoring_case
from frontdesk.domain.accounts.errors import InUse, NameTaken
from frontdesk.domain.accounts.models import (
    AgentGroupPermission,
    AgentRole,
    AuthToken,
    CustomerCompany,
    CustomerUserGroupPermission,
    RoleGroupPermission,
)
from frontdesk.domain.accounts.passwords import hash_password
from frontdesk.domain.runtime import Tx


async def apply(target: object, data: BaseModel, *, nullable: frozenset[str] = frozenset()) -> None:
    """Copy the fields the caller named onto the model (``password`` is hashed, not copied)."""
    for name in data.model_fields_set:
        value = getattr(data, name)
        if value is None and name not in nullable:
            raise ValidationFailed(name, f"{name} must not be null")
        if name == "password":
            target.password_hash = await hash_password(value)  # type: ignore[attr-defined]
        else:
            setattr(target, name, value)


async def check_unique(
    tx: Tx,
    column: InstrumentedAttribute[str],
    value: str,
    *,
    what: str,
    field: str,
    exclude_id: int | None = None,
) -> None:
    """Unique names compare case-insensitively: "Admin" and "admin" would confuse people."""
    id_column = column.class_.id
    query = select(id_column).where(equals_ignoring_case(column, value))
    if exclude_id is not None:
        query = query.where(id_column != exclude_id)
    if await tx.session.scalar(query.limit(1)) is not None:
        raise NameTaken(what, field, value)


async def delete_unless_referenced(tx: Tx, target: object, what: str) -> None:
    """Delete, or 409 when another table still refers to the row.

    The database's foreign keys are the one complete list of references (tickets, queues,
    articles, chat channels, …), so the delete is tried inside a savepoint.
    """
    try:
        async with tx.session.begin_nested():
            await tx.session.delete(target)
            await tx.session.flush()
    except IntegrityError:
        raise InUse(what, "other records (such as tickets or queues) still refer to it") from None


async def revoke_tokens(tx: Tx, realm: str, user_id: int) -> None:
    # Tokens name the user by id without a foreign key; an id may be reused after a delete.
    await tx.session.execute(
        delete(AuthToken).where(AuthToken.realm == realm, AuthToken.user_id == user_id)
    )


async def customer_company_exists(tx: Tx, customer_id: str | None) -> None:
    if customer_id is None:
        return
    found = await tx.session.scalar(
        select(CustomerCompany.id).where(CustomerCompany.customer_id == customer_id)
    )
    if found is None:
        raise ValidationFailed("customer_id", f"there is no customer company {customer_id!r}")


async def agents_granted_in_group(tx: Tx, group_id: int) -> tuple[int, ...]:
    direct = select(AgentGroupPermission.agent_id).where(AgentGroupPermission.group_id == group_id)
    via_roles = (
        select(AgentRole.agent_id)
        .join(RoleGroupPermission, RoleGroupPermission.role_id == AgentRole.role_id)
        .where(RoleGroupPermission.group_id == group_id)
    )
    rows = await tx.session.scalars(direct.union(via_roles))
    return tuple(sorted(set(rows)))


async def customer_users_granted_in_group(tx: Tx, group_id: int) -> tuple[int, ...]:
    rows = await tx.session.scalars(
        select(CustomerUserGroupPermission.customer_user_id)
        .where(CustomerUserGroupPermission.group_id == group_id)
        .distinct()
    )
    return tuple(sorted(rows))


async def role_member_ids(tx: Tx, role_id: int) -> tuple[int, ...]:
    rows = await tx.session.scalars(
        select(AgentRole.agent_id).where(AgentRole.role_id == role_id).order_by(AgentRole.agent_id)
    )
    return tuple(rows)
