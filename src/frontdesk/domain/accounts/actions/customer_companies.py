"""Managing customer companies."""

from __future__ import annotations

from sqlalchemy import func, select

from frontdesk.core.actor import Actor
from frontdesk.domain.accounts.access import access_customer_company_by_id, check_admin_or_system
from frontdesk.domain.accounts.actions.admin_rules import (
    apply,
    check_unique,
    delete_unless_referenced,
)
from frontdesk.domain.accounts.errors import InUse
from frontdesk.domain.accounts.events import CustomerCompanyChanged
from frontdesk.domain.accounts.models import CustomerCompany, CustomerUser
from frontdesk.domain.accounts.schemas import CustomerCompanyCreate, CustomerCompanyUpdate
from frontdesk.domain.runtime import Tx


async def check_create_customer_company(tx: Tx, actor: Actor, data: CustomerCompanyCreate) -> None:
    await check_admin_or_system(tx.session, actor)
    await check_unique(
        tx,
        CustomerCompany.customer_id,
        data.customer_id,
        what="customer company",
        field="customer_id",
    )


async def do_create_customer_company(
    tx: Tx, actor: Actor, data: CustomerCompanyCreate
) -> CustomerCompany:
    await check_create_customer_company(tx, actor, data)
    company = CustomerCompany(**data.model_dump())
    tx.session.add(company)
    await tx.session.flush()
    tx.emit(CustomerCompanyChanged(company_id=company.id, op="created"))
    return company


async def check_update_customer_company(
    tx: Tx, actor: Actor, company_id: int, data: CustomerCompanyUpdate
) -> CustomerCompany:
    return await access_customer_company_by_id(tx.session, actor, company_id)


async def do_update_customer_company(
    tx: Tx, actor: Actor, company_id: int, data: CustomerCompanyUpdate
) -> CustomerCompany:
    company = await check_update_customer_company(tx, actor, company_id, data)
    await apply(company, data, nullable=frozenset({"street", "city", "country", "url", "comment"}))
    await tx.session.flush()
    tx.emit(CustomerCompanyChanged(company_id=company.id, op="updated"))
    return company


async def check_delete_customer_company(tx: Tx, actor: Actor, company_id: int) -> CustomerCompany:
    company = await access_customer_company_by_id(tx.session, actor, company_id)
    members = await tx.session.scalar(
        select(func.count())
        .select_from(CustomerUser)
        .where(CustomerUser.customer_id == company.customer_id)
    )
    if members:
        raise InUse("customer company", f"{members} customer user(s) belong to it")
    return company


async def do_delete_customer_company(tx: Tx, actor: Actor, company_id: int) -> None:
    company = await check_delete_customer_company(tx, actor, company_id)
    await delete_unless_referenced(tx, company, "customer company")
    tx.emit(CustomerCompanyChanged(company_id=company_id, op="deleted"))
