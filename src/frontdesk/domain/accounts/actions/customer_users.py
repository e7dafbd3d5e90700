"""Managing customer users."""

from __future__ import annotations

from frontdesk.core.actor import Actor
from frontdesk.domain.accounts.access import access_customer_user_by_id, check_admin_or_system
from frontdesk.domain.accounts.actions.admin_rules import (
    apply,
    check_unique,
    customer_company_exists,
    delete_unless_referenced,
    revoke_tokens,
)
from frontdesk.domain.accounts.events import CustomerUserChanged
from frontdesk.domain.accounts.models import CustomerUser
from frontdesk.domain.accounts.passwords import hash_password
from frontdesk.domain.accounts.schemas import CustomerUserCreate, CustomerUserUpdate
from frontdesk.domain.runtime import Tx


async def check_create_customer_user(tx: Tx, actor: Actor, data: CustomerUserCreate) -> None:
    await check_admin_or_system(tx.session, actor)
    await check_unique(tx, CustomerUser.login, data.login, what="customer user", field="login")
    await customer_company_exists(tx, data.customer_id)


async def do_create_customer_user(tx: Tx, actor: Actor, data: CustomerUserCreate) -> CustomerUser:
    await check_create_customer_user(tx, actor, data)
    values = data.model_dump(exclude={"password"})
    user = CustomerUser(
        **values, password_hash=await hash_password(data.password) if data.password else None
    )
    tx.session.add(user)
    await tx.session.flush()
    tx.emit(CustomerUserChanged(customer_user_id=user.id, op="created"))
    return user


async def check_update_customer_user(
    tx: Tx, actor: Actor, customer_user_id: int, data: CustomerUserUpdate
) -> CustomerUser:
    user = await access_customer_user_by_id(tx.session, actor, customer_user_id)
    if data.login is not None:
        await check_unique(
            tx,
            CustomerUser.login,
            data.login,
            what="customer user",
            field="login",
            exclude_id=user.id,
        )
    await customer_company_exists(tx, data.customer_id)
    return user


async def do_update_customer_user(
    tx: Tx, actor: Actor, customer_user_id: int, data: CustomerUserUpdate
) -> CustomerUser:
    user = await check_update_customer_user(tx, actor, customer_user_id, data)
    await apply(user, data, nullable=frozenset({"customer_id", "phone", "mobile", "password"}))
    await tx.session.flush()
    tx.emit(CustomerUserChanged(customer_user_id=user.id, op="updated"))
    return user


async def check_delete_customer_user(tx: Tx, actor: Actor, customer_user_id: int) -> CustomerUser:
    return await access_customer_user_by_id(tx.session, actor, customer_user_id)


async def do_delete_customer_user(tx: Tx, actor: Actor, customer_user_id: int) -> None:
    user = await check_delete_customer_user(tx, actor, customer_user_id)
    await delete_unless_referenced(tx, user, "customer user")
    await revoke_tokens(tx, "customer", customer_user_id)
    tx.emit(CustomerUserChanged(customer_user_id=customer_user_id, op="deleted"))
