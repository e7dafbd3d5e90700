"""REST routes of accounts: agents, customers, groups, roles, permission matrices, own account.

Administration needs ``rw`` in the group ``admin`` (``ApiAdmin``: 401 without a token, 403 for
others). DELETE removes the object and answers 204, or 409 while something still refers to it
(then set ``valid`` to false instead).
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from frontdesk.core.pagination import Page, PageRequest
from frontdesk.domain.accounts import actions, queries
from frontdesk.domain.accounts.schemas import (
    AgentCreate,
    AgentOut,
    AgentUpdate,
    CustomerCompanyCreate,
    CustomerCompanyOut,
    CustomerCompanyUpdate,
    CustomerUserCreate,
    CustomerUserOut,
    CustomerUserUpdate,
    EffectivePermissions,
    GroupAgentPermissions,
    GroupCreate,
    GroupCustomerUserPermissions,
    GroupOut,
    GroupRolePermissions,
    GroupUpdate,
    MembershipInput,
    PasswordChange,
    PermissionsInput,
    PreferencesInput,
    RoleCreate,
    RoleMember,
    RoleOut,
    RoleUpdate,
    UserOut,
)
from frontdesk.web.dependencies import ApiAdmin, ApiCaller, TxDep

router = APIRouter(tags=["accounts"])

T = TypeVar("T")

# Ids beyond a 32-bit integer cannot exist; refusing them keeps PostgreSQL from failing on them.
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Limit = Annotated[int | None, Query()]
Offset = Annotated[int | None, Query()]
Search = Annotated[
    str | None,
    Query(max_length=200, pattern=r"^[^\x00]*$", description="Part of login, name or e-mail"),
]
Valid = Annotated[bool | None, Query(description="Only valid (true) or invalid (false) ones")]


class ItemList(BaseModel, Generic[T]):
    items: list[T]
    total: int


def _listed(page: Page[T]) -> ItemList[T]:
    return ItemList[T](items=page.items, total=page.total)


class AgentGroupPermissionsOut(BaseModel):
    group_id: int
    agent_id: int
    permissions: list[str]


class RoleGroupPermissionsOut(BaseModel):
    group_id: int
    role_id: int
    permissions: list[str]


class CustomerUserGroupPermissionsOut(BaseModel):
    group_id: int
    customer_user_id: int
    permissions: list[str]


class RoleMembershipOut(BaseModel):
    role_id: int
    agent_id: int


# --- agents --------------------------------------------------------------------------------------


@router.get("/agents", response_model=ItemList[AgentOut])
async def list_agents(
    actor: ApiAdmin,
    tx: TxDep,
    limit: Limit = None,
    offset: Offset = None,
    search: Search = None,
    valid: Valid = None,
) -> ItemList[AgentOut]:
    page = PageRequest.build(limit, offset)
    return _listed(await queries.list_agents(tx.session, actor, page, search=search, valid=valid))


@router.post("/agents", response_model=AgentOut, status_code=201)
async def create_agent(data: AgentCreate, actor: ApiAdmin, tx: TxDep) -> AgentOut:
    return AgentOut.model_validate(await actions.do_create_agent(tx, actor, data))


@router.get("/agents/{agent_id}", response_model=AgentOut)
async def get_agent(agent_id: Id, actor: ApiAdmin, tx: TxDep) -> AgentOut:
    return await queries.get_agent(tx.session, actor, agent_id)


@router.patch("/agents/{agent_id}", response_model=AgentOut)
async def update_agent(agent_id: Id, data: AgentUpdate, actor: ApiAdmin, tx: TxDep) -> AgentOut:
    return AgentOut.model_validate(await actions.do_update_agent(tx, actor, agent_id, data))


@router.delete("/agents/{agent_id}", status_code=204)
async def delete_agent(agent_id: Id, actor: ApiAdmin, tx: TxDep) -> Response:
    await actions.do_delete_agent(tx, actor, agent_id)
    return Response(status_code=204)


@router.get("/agents/{agent_id}/permissions", response_model=ItemList[EffectivePermissions])
async def agent_permissions(
    agent_id: Id, actor: ApiAdmin, tx: TxDep
) -> ItemList[EffectivePermissions]:
    """Effective permissions per valid group, direct and through valid roles."""
    items = await queries.agent_permission_matrix(tx.session, actor, agent_id)
    return ItemList[EffectivePermissions](items=items, total=len(items))


# --- customer companies --------------------------------------------------------------------------


@router.get("/customer-companies", response_model=ItemList[CustomerCompanyOut])
async def list_customer_companies(
    actor: ApiAdmin,
    tx: TxDep,
    limit: Limit = None,
    offset: Offset = None,
    search: Search = None,
    valid: Valid = None,
) -> ItemList[CustomerCompanyOut]:
    page = PageRequest.build(limit, offset)
    return _listed(
        await queries.list_customer_companies(tx.session, actor, page, search=search, valid=valid)
    )


@router.post("/customer-companies", response_model=CustomerCompanyOut, status_code=201)
async def create_customer_company(
    data: CustomerCompanyCreate, actor: ApiAdmin, tx: TxDep
) -> CustomerCompanyOut:
    company = await actions.do_create_customer_company(tx, actor, data)
    return CustomerCompanyOut.model_validate(company)


@router.get("/customer-companies/{company_id}", response_model=CustomerCompanyOut)
async def get_customer_company(company_id: Id, actor: ApiAdmin, tx: TxDep) -> CustomerCompanyOut:
    return await queries.get_customer_company(tx.session, actor, company_id)


@router.patch("/customer-companies/{company_id}", response_model=CustomerCompanyOut)
async def update_customer_company(
    company_id: Id, data: CustomerCompanyUpdate, actor: ApiAdmin, tx: TxDep
) -> CustomerCompanyOut:
    company = await actions.do_update_customer_company(tx, actor, company_id, data)
    return CustomerCompanyOut.model_validate(company)


@router.delete("/customer-companies/{company_id}", status_code=204)
async def delete_customer_company(company_id: Id, actor: ApiAdmin, tx: TxDep) -> Response:
    await actions.do_delete_customer_company(tx, actor, company_id)
    return Response(status_code=204)


# --- customer users ------------------------------------------------------------------------------


@router.get("/customer-users", response_model=ItemList[CustomerUserOut])
async def list_customer_users(
    actor: ApiAdmin,
    tx: TxDep,
    limit: Limit = None,
    offset: Offset = None,
    search: Search = None,
    valid: Valid = None,
) -> ItemList[CustomerUserOut]:
    page = PageRequest.build(limit, offset)
    return _listed(
        await queries.list_customer_users(tx.session, actor, page, search=search, valid=valid)
    )


@router.post("/customer-users", response_model=CustomerUserOut, status_code=201)
async def create_customer_user(
    data: CustomerUserCreate, actor: ApiAdmin, tx: TxDep
) -> CustomerUserOut:
    user = await actions.do_create_customer_user(tx, actor, data)
    return CustomerUserOut.model_validate(user)


@router.get("/customer-users/{customer_user_id}", response_model=CustomerUserOut)
async def get_customer_user(customer_user_id: Id, actor: ApiAdmin, tx: TxDep) -> CustomerUserOut:
    return await queries.get_customer_user(tx.session, actor, customer_user_id)


@router.patch("/customer-users/{customer_user_id}", response_model=CustomerUserOut)
async def update_customer_user(
    customer_user_id: Id, data: CustomerUserUpdate, actor: ApiAdmin, tx: TxDep
) -> CustomerUserOut:
    user = await actions.do_update_customer_user(tx, actor, customer_user_id, data)
    return CustomerUserOut.model_validate(user)


@router.delete("/customer-users/{customer_user_id}", status_code=204)
async def delete_customer_user(customer_user_id: Id, actor: ApiAdmin, tx: TxDep) -> Response:
    await actions.do_delete_customer_user(tx, actor, customer_user_id)
    return Response(status_code=204)


# --- groups --------------------------------------------------------------------------------------


@router.get("/groups", response_model=ItemList[GroupOut])
async def list_groups(
    actor: ApiAdmin,
    tx: TxDep,
    limit: Limit = None,
    offset: Offset = None,
    search: Search = None,
    valid: Valid = None,
) -> ItemList[GroupOut]:
    page = PageRequest.build(limit, offset)
    return _listed(await queries.list_groups(tx.session, actor, page, search=search, valid=valid))


@router.post("/groups", response_model=GroupOut, status_code=201)
async def create_group(data: GroupCreate, actor: ApiAdmin, tx: TxDep) -> GroupOut:
    return GroupOut.model_validate(await actions.do_create_group(tx, actor, data))


@router.get("/groups/{group_id}", response_model=GroupOut)
async def get_group(group_id: Id, actor: ApiAdmin, tx: TxDep) -> GroupOut:
    return await queries.get_group(tx.session, actor, group_id)


@router.patch("/groups/{group_id}", response_model=GroupOut)
async def update_group(group_id: Id, data: GroupUpdate, actor: ApiAdmin, tx: TxDep) -> GroupOut:
    return GroupOut.model_validate(await actions.do_update_group(tx, actor, group_id, data))


@router.delete("/groups/{group_id}", status_code=204)
async def delete_group(group_id: Id, actor: ApiAdmin, tx: TxDep) -> Response:
    await actions.do_delete_group(tx, actor, group_id)
    return Response(status_code=204)


@router.get("/groups/{group_id}/agents", response_model=ItemList[GroupAgentPermissions])
async def group_agents(
    group_id: Id, actor: ApiAdmin, tx: TxDep, limit: Limit = None, offset: Offset = None
) -> ItemList[GroupAgentPermissions]:
    """Every agent with what they hold directly in the group (empty list: nothing)."""
    page = PageRequest.build(limit, offset)
    return _listed(await queries.group_agent_matrix(tx.session, actor, group_id, page))


@router.put("/groups/{group_id}/agents/{agent_id}", response_model=AgentGroupPermissionsOut)
async def set_group_agent(
    group_id: Id, agent_id: Id, data: PermissionsInput, actor: ApiAdmin, tx: TxDep
) -> AgentGroupPermissionsOut:
    permissions = await actions.do_set_agent_group_permissions(
        tx, actor, group_id, agent_id, data.permissions
    )
    return AgentGroupPermissionsOut(group_id=group_id, agent_id=agent_id, permissions=permissions)


@router.get("/groups/{group_id}/roles", response_model=ItemList[GroupRolePermissions])
async def group_roles(
    group_id: Id, actor: ApiAdmin, tx: TxDep, limit: Limit = None, offset: Offset = None
) -> ItemList[GroupRolePermissions]:
    """Every role with what it grants in the group (empty list: nothing)."""
    page = PageRequest.build(limit, offset)
    return _listed(await queries.group_role_matrix(tx.session, actor, group_id, page))


@router.put("/groups/{group_id}/roles/{role_id}", response_model=RoleGroupPermissionsOut)
async def set_group_role(
    group_id: Id, role_id: Id, data: PermissionsInput, actor: ApiAdmin, tx: TxDep
) -> RoleGroupPermissionsOut:
    permissions = await actions.do_set_role_group_permissions(
        tx, actor, group_id, role_id, data.permissions
    )
    return RoleGroupPermissionsOut(group_id=group_id, role_id=role_id, permissions=permissions)


@router.get(
    "/groups/{group_id}/customer-users", response_model=ItemList[GroupCustomerUserPermissions]
)
async def group_customer_users(
    group_id: Id, actor: ApiAdmin, tx: TxDep, limit: Limit = None, offset: Offset = None
) -> ItemList[GroupCustomerUserPermissions]:
    """Every customer user with their ro/rw in the group (empty list: nothing)."""
    page = PageRequest.build(limit, offset)
    return _listed(await queries.group_customer_user_matrix(tx.session, actor, group_id, page))


@router.put(
    "/groups/{group_id}/customer-users/{customer_user_id}",
    response_model=CustomerUserGroupPermissionsOut,
)
async def set_group_customer_user(
    group_id: Id, customer_user_id: Id, data: PermissionsInput, actor: ApiAdmin, tx: TxDep
) -> CustomerUserGroupPermissionsOut:
    permissions = await actions.do_set_customer_user_group_permissions(
        tx, actor, group_id, customer_user_id, data.permissions
    )
    return CustomerUserGroupPermissionsOut(
        group_id=group_id, customer_user_id=customer_user_id, permissions=permissions
    )


# --- roles ---------------------------------------------------------------------------------------


@router.get("/roles", response_model=ItemList[RoleOut])
async def list_roles(
    actor: ApiAdmin,
    tx: TxDep,
    limit: Limit = None,
    offset: Offset = None,
    search: Search = None,
    valid: Valid = None,
) -> ItemList[RoleOut]:
    page = PageRequest.build(limit, offset)
    return _listed(await queries.list_roles(tx.session, actor, page, search=search, valid=valid))


@router.post("/roles", response_model=RoleOut, status_code=201)
async def create_role(data: RoleCreate, actor: ApiAdmin, tx: TxDep) -> RoleOut:
    return RoleOut.model_validate(await actions.do_create_role(tx, actor, data))


@router.get("/roles/{role_id}", response_model=RoleOut)
async def get_role(role_id: Id, actor: ApiAdmin, tx: TxDep) -> RoleOut:
    return await queries.get_role(tx.session, actor, role_id)


@router.patch("/roles/{role_id}", response_model=RoleOut)
async def update_role(role_id: Id, data: RoleUpdate, actor: ApiAdmin, tx: TxDep) -> RoleOut:
    return RoleOut.model_validate(await actions.do_update_role(tx, actor, role_id, data))


@router.delete("/roles/{role_id}", status_code=204)
async def delete_role(role_id: Id, actor: ApiAdmin, tx: TxDep) -> Response:
    await actions.do_delete_role(tx, actor, role_id)
    return Response(status_code=204)


@router.get("/roles/{role_id}/agents", response_model=ItemList[RoleMember])
async def role_agents(
    role_id: Id, actor: ApiAdmin, tx: TxDep, limit: Limit = None, offset: Offset = None
) -> ItemList[RoleMember]:
    page = PageRequest.build(limit, offset)
    return _listed(await queries.role_members(tx.session, actor, role_id, page))


@router.put("/roles/{role_id}/agents/{agent_id}", response_model=RoleMembershipOut)
async def add_role_agent(
    role_id: Id, agent_id: Id, data: MembershipInput, actor: ApiAdmin, tx: TxDep
) -> RoleMembershipOut:
    """Make the agent a member of the role (idempotent)."""
    await actions.do_add_role_member(tx, actor, role_id, agent_id)
    return RoleMembershipOut(role_id=role_id, agent_id=agent_id)


@router.delete("/roles/{role_id}/agents/{agent_id}", status_code=204)
async def remove_role_agent(role_id: Id, agent_id: Id, actor: ApiAdmin, tx: TxDep) -> Response:
    """End the agent's membership in the role (idempotent)."""
    await actions.do_remove_role_member(tx, actor, role_id, agent_id)
    return Response(status_code=204)


# --- the caller's own account --------------------------------------------------------------------


@router.patch("/me/preferences", response_model=UserOut)
async def update_my_preferences(data: PreferencesInput, caller: ApiCaller, tx: TxDep) -> UserOut:
    """Agents and customer users change their own ``language`` and ``timezone``."""
    return await actions.do_update_preferences(tx, caller.actor, data)


@router.post("/me/password", status_code=204)
async def change_my_password(data: PasswordChange, caller: ApiCaller, tx: TxDep) -> Response:
    """Change one's own password; every session of the caller stays valid."""
    await actions.do_change_password(tx, caller.actor, data)
    return Response(status_code=204)
