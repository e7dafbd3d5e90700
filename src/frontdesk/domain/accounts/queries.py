"""Read side of accounts: resolving who is behind a token, effective permissions, lists."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import PermissionDenied
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.core.permissions import AGENT_PERMISSIONS, expand, expand_customer
from frontdesk.db.case_insensitive import contains_ignoring_case
from frontdesk.domain.accounts.access import (
    access_agent_by_id,
    access_customer_company_by_id,
    access_customer_user_by_id,
    access_group_by_id,
    access_role_by_id,
    check_admin_or_system,
)
from frontdesk.domain.accounts.models import (
    Agent,
    AgentGroupPermission,
    AgentRole,
    AuthToken,
    CustomerCompany,
    CustomerUser,
    CustomerUserGroupPermission,
    Group,
    Role,
    RoleGroupPermission,
)
from frontdesk.domain.accounts.schemas import (
    AgentOut,
    CustomerCompanyOut,
    CustomerUserOut,
    EffectivePermissions,
    GroupAgentPermissions,
    GroupCustomerUserPermissions,
    GroupOut,
    GroupRolePermissions,
    LocaleChoiceOut,
    RoleMember,
    RoleOut,
    UserOut,
)
from frontdesk.domain.accounts.settings import (
    AGENT_LANGUAGE,
    AGENT_TIMEZONE,
    CUSTOMER_ALWAYS_GROUPS,
)
from frontdesk.sysconfig.registry import Setting
from frontdesk.sysconfig.store import SettingsStore

_Row = TypeVar("_Row", bound=Any)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def agent_group_permissions(
    session: AsyncSession, agent_id: int
) -> dict[int, frozenset[str]]:
    """Union of direct and role permissions per valid group, expanded (rw → every type)."""
    direct = select(AgentGroupPermission.group_id, AgentGroupPermission.permission).where(
        AgentGroupPermission.agent_id == agent_id
    )
    # An invalid role grants nothing, like an invalid group.
    via_roles = (
        select(RoleGroupPermission.group_id, RoleGroupPermission.permission)
        .join(AgentRole, AgentRole.role_id == RoleGroupPermission.role_id)
        .join(Role, Role.id == RoleGroupPermission.role_id)
        .where(AgentRole.agent_id == agent_id, Role.valid.is_(True))
    )
    combined = union_all(direct, via_roles).subquery()
    rows = await session.execute(
        select(combined.c.group_id, combined.c.permission)
        .join(Group, Group.id == combined.c.group_id)
        .where(Group.valid.is_(True))
    )
    granted: dict[int, set[str]] = defaultdict(set)
    for group_id, permission in rows:
        granted[group_id].add(permission)
    return {group_id: expand(perms) for group_id, perms in granted.items()}


async def customer_group_permissions(
    session: AsyncSession, customer_user_id: int, always_groups: list[str]
) -> dict[int, frozenset[str]]:
    rows = await session.execute(
        select(CustomerUserGroupPermission.group_id, CustomerUserGroupPermission.permission)
        .join(Group, Group.id == CustomerUserGroupPermission.group_id)
        .where(
            CustomerUserGroupPermission.customer_user_id == customer_user_id,
            Group.valid.is_(True),
        )
    )
    granted: dict[int, set[str]] = defaultdict(set)
    for group_id, permission in rows:
        granted[group_id].add(permission)
    if always_groups:
        for group_id in await session.scalars(
            select(Group.id).where(Group.name.in_(always_groups), Group.valid.is_(True))
        ):
            granted[group_id].add("rw")
    return {group_id: expand_customer(perms) for group_id, perms in granted.items()}


def _own_or_global(config: SettingsStore, setting: Setting, own: str) -> str:
    """The agent's own value where they have one and may use it, else the deployed global.

    Read from the agent record, not the settings cache, so a change shows on the next request.
    """
    if own and config.user_modification_active(setting):
        return own
    return str(config.global_value(setting))


def _locale_choice(
    config: SettingsStore, setting: Setting, field: Literal["language", "timezone"], own: str
) -> LocaleChoiceOut:
    allowed = config.user_modification_active(setting)
    return LocaleChoiceOut(
        field=field,
        setting=setting.name,
        value=_own_or_global(config, setting, own),
        own=bool(own) and allowed,
        global_value=str(config.global_value(setting)),
        allowed=allowed,
    )


async def own_locale(
    session: AsyncSession, actor: Actor, config: SettingsStore
) -> dict[str, LocaleChoiceOut]:
    """The caller's language and time zone for their preferences: own or followed, and whether
    the administrator lets them choose. Empty for anyone but an agent."""
    agent = await session.get(Agent, actor.id) if actor.is_agent else None
    if agent is None:
        return {}
    return {
        "language": _locale_choice(config, AGENT_LANGUAGE, "language", agent.language),
        "timezone": _locale_choice(config, AGENT_TIMEZONE, "timezone", agent.timezone),
    }


async def actor_for_agent(session: AsyncSession, agent: Agent, config: SettingsStore) -> Actor:
    return Actor(
        kind="agent",
        id=agent.id,
        login=agent.login,
        display_name=agent.full_name,
        language=_own_or_global(config, AGENT_LANGUAGE, agent.language),
        timezone=_own_or_global(config, AGENT_TIMEZONE, agent.timezone),
        group_permissions=await agent_group_permissions(session, agent.id),
    )


async def actor_for_customer(
    session: AsyncSession, user: CustomerUser, always_groups: list[str]
) -> Actor:
    return Actor(
        kind="customer",
        id=user.id,
        login=user.login,
        display_name=user.full_name,
        language=user.language,
        timezone=user.timezone,
        group_permissions=await customer_group_permissions(session, user.id, always_groups),
        customer_id=user.customer_id,
    )


async def find_live_token(
    session: AsyncSession, secret: str, kind: str | None = None
) -> AuthToken | None:
    """The token for this secret if it is neither revoked nor expired."""
    query = select(AuthToken).where(
        AuthToken.token_hash == hash_token(secret),
        AuthToken.revoked.is_(False),
        AuthToken.expires_at > utcnow(),
    )
    if kind is not None:
        query = query.where(AuthToken.kind == kind)
    return (await session.execute(query)).scalar_one_or_none()


async def actor_for_token(
    session: AsyncSession, token: AuthToken, config: SettingsStore
) -> Actor | None:
    """The actor behind a live token, or None when the user was invalidated since."""
    if token.realm == "agent":
        agent = await session.get(Agent, token.user_id)
        if agent is None or not agent.valid:
            return None
        return await actor_for_agent(session, agent, config)
    user = await session.get(CustomerUser, token.user_id)
    if user is None or not user.valid:
        return None
    return await actor_for_customer(session, user, config.value(CUSTOMER_ALWAYS_GROUPS))


async def online_agents(session: AsyncSession, since: datetime) -> list[Agent]:
    """Agents with a browser session active since ``since``, by name."""
    agent_ids = select(AuthToken.user_id).where(
        AuthToken.realm == "agent",
        AuthToken.revoked.is_(False),
        AuthToken.last_seen_at >= since,
    )
    result = await session.scalars(
        select(Agent).where(Agent.id.in_(agent_ids)).order_by(Agent.first_name, Agent.last_name)
    )
    return list(result)


def _customer_active_since(since: datetime) -> ColumnElement[bool]:
    """A live customer session that made a request since ``since``."""
    return and_(
        AuthToken.realm == "customer",
        AuthToken.revoked.is_(False),
        AuthToken.expires_at > utcnow(),
        AuthToken.last_seen_at >= since,
    )


async def online_customer_users(
    session: AsyncSession, since: datetime, *, limit: int = 50
) -> list[CustomerUser]:
    """Customer users with a session active since ``since``, by name (CH-34)."""
    user_ids = select(AuthToken.user_id).where(_customer_active_since(since))
    result = await session.scalars(
        select(CustomerUser)
        .where(CustomerUser.id.in_(user_ids))
        .order_by(CustomerUser.first_name, CustomerUser.last_name, CustomerUser.id)
        .limit(limit)
    )
    return list(result)


async def customer_user_online(session: AsyncSession, user_id: int, since: datetime) -> bool:
    found = await session.scalar(
        select(AuthToken.id)
        .where(_customer_active_since(since), AuthToken.user_id == user_id)
        .limit(1)
    )
    return found is not None


# --- administration: lists and matrices ----------------------------------------------------------
# Each takes the actor and checks it: a screen cannot forget the admin gate.


def in_vocabulary_order(permissions: Iterable[str]) -> list[str]:
    """Permission names as the vocabulary lists them (ro, move_into, …, chat_owner)."""
    order = {name: index for index, name in enumerate(AGENT_PERMISSIONS)}
    return sorted(set(permissions), key=lambda name: (order.get(name, len(order)), name))


def _matching(term: str | None, *columns: SQLColumnExpression[str]) -> ColumnElement[bool] | None:
    """Case-insensitive "contains" over the columns; % and _ in the term match themselves."""
    if term is None or not term.strip():
        return None
    return or_(*(contains_ignoring_case(column, term.strip()) for column in columns))


async def _paged(
    session: AsyncSession, query: Select[_Row], page: PageRequest
) -> tuple[list[_Row], int]:
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.scalars(query.limit(page.limit).offset(page.offset))
    return list(rows), total or 0


def _filtered(
    query: Select[_Row],
    valid_column: SQLColumnExpression[bool],
    valid: bool | None,
    search: ColumnElement[bool] | None,
) -> Select[_Row]:
    if valid is not None:
        query = query.where(valid_column.is_(valid))
    if search is not None:
        query = query.where(search)
    return query


async def list_agents(
    session: AsyncSession,
    actor: Actor,
    page: PageRequest,
    *,
    search: str | None = None,
    valid: bool | None = None,
) -> Page[AgentOut]:
    """Agents by login; ``search`` looks in login, names and e-mail."""
    await check_admin_or_system(session, actor)
    query = _filtered(
        select(Agent).order_by(func.lower(Agent.login), Agent.id),
        Agent.valid,
        valid,
        _matching(search, Agent.login, Agent.first_name, Agent.last_name, Agent.email),
    )
    rows, total = await _paged(session, query, page)
    return Page([AgentOut.model_validate(r) for r in rows], total, page.limit, page.offset)


async def list_customer_users(
    session: AsyncSession,
    actor: Actor,
    page: PageRequest,
    *,
    search: str | None = None,
    valid: bool | None = None,
) -> Page[CustomerUserOut]:
    """Customer users by login; ``search`` looks in login, names, e-mail and customer_id."""
    await check_admin_or_system(session, actor)
    query = _filtered(
        select(CustomerUser).order_by(func.lower(CustomerUser.login), CustomerUser.id),
        CustomerUser.valid,
        valid,
        _matching(
            search,
            CustomerUser.login,
            CustomerUser.first_name,
            CustomerUser.last_name,
            CustomerUser.email,
            func.coalesce(CustomerUser.customer_id, ""),
        ),
    )
    rows, total = await _paged(session, query, page)
    return Page([CustomerUserOut.model_validate(r) for r in rows], total, page.limit, page.offset)


@dataclass(frozen=True, slots=True)
class CustomerSuggestion:
    login: str
    name: str
    email: str


async def suggest_customer_users(
    session: AsyncSession, actor: Actor, term: str, *, limit: int
) -> list[CustomerSuggestion]:
    """Up to ``limit`` customer users whose login, name or e-mail contains ``term``, by login.

    For an agent's search box: an agent may open any customer's information center, so this
    needs no administrator.
    """
    if not actor.is_agent:
        raise PermissionDenied("Only agents look up customers.")
    term = term.replace("\x00", "").strip()
    if not term:
        return []
    full_name = CustomerUser.first_name + " " + CustomerUser.last_name
    query = (
        select(
            CustomerUser.login, CustomerUser.first_name, CustomerUser.last_name, CustomerUser.email
        )
        .where(
            or_(
                *(
                    contains_ignoring_case(column, term)
                    for column in (CustomerUser.login, full_name, CustomerUser.email)
                )
            )
        )
        .order_by(func.lower(CustomerUser.login), CustomerUser.id)
        .limit(limit)
    )
    return [
        CustomerSuggestion(login=login, name=f"{first} {last}".strip(), email=email)
        for login, first, last, email in await session.execute(query)
    ]


async def list_customer_companies(
    session: AsyncSession,
    actor: Actor,
    page: PageRequest,
    *,
    search: str | None = None,
    valid: bool | None = None,
) -> Page[CustomerCompanyOut]:
    """Companies by name; ``search`` looks in customer_id and name."""
    await check_admin_or_system(session, actor)
    query = _filtered(
        select(CustomerCompany).order_by(func.lower(CustomerCompany.name), CustomerCompany.id),
        CustomerCompany.valid,
        valid,
        _matching(search, CustomerCompany.customer_id, CustomerCompany.name),
    )
    rows, total = await _paged(session, query, page)
    return Page(
        [CustomerCompanyOut.model_validate(r) for r in rows], total, page.limit, page.offset
    )


async def list_groups(
    session: AsyncSession,
    actor: Actor,
    page: PageRequest,
    *,
    search: str | None = None,
    valid: bool | None = None,
) -> Page[GroupOut]:
    await check_admin_or_system(session, actor)
    query = _filtered(
        select(Group).order_by(func.lower(Group.name), Group.id),
        Group.valid,
        valid,
        _matching(search, Group.name),
    )
    rows, total = await _paged(session, query, page)
    return Page([GroupOut.model_validate(r) for r in rows], total, page.limit, page.offset)


async def list_roles(
    session: AsyncSession,
    actor: Actor,
    page: PageRequest,
    *,
    search: str | None = None,
    valid: bool | None = None,
) -> Page[RoleOut]:
    await check_admin_or_system(session, actor)
    query = _filtered(
        select(Role).order_by(func.lower(Role.name), Role.id),
        Role.valid,
        valid,
        _matching(search, Role.name),
    )
    rows, total = await _paged(session, query, page)
    return Page([RoleOut.model_validate(r) for r in rows], total, page.limit, page.offset)


async def get_agent(session: AsyncSession, actor: Actor, agent_id: int) -> AgentOut:
    return AgentOut.model_validate(await access_agent_by_id(session, actor, agent_id))


async def get_customer_user(
    session: AsyncSession, actor: Actor, customer_user_id: int
) -> CustomerUserOut:
    user = await access_customer_user_by_id(session, actor, customer_user_id)
    return CustomerUserOut.model_validate(user)


async def get_customer_company(
    session: AsyncSession, actor: Actor, company_id: int
) -> CustomerCompanyOut:
    company = await access_customer_company_by_id(session, actor, company_id)
    return CustomerCompanyOut.model_validate(company)


async def get_group(session: AsyncSession, actor: Actor, group_id: int) -> GroupOut:
    return GroupOut.model_validate(await access_group_by_id(session, actor, group_id))


async def get_role(session: AsyncSession, actor: Actor, role_id: int) -> RoleOut:
    return RoleOut.model_validate(await access_role_by_id(session, actor, role_id))


async def _granted_by(
    session: AsyncSession, holder: InstrumentedAttribute[int], ids: list[int], group_id: int
) -> dict[int, list[str]]:
    """Permission names per holder (agent, role or customer user) in one group."""
    table = holder.class_
    rows = await session.execute(
        select(holder, table.permission).where(holder.in_(ids), table.group_id == group_id)
    )
    granted: dict[int, set[str]] = defaultdict(set)
    for holder_id, permission in rows:
        granted[holder_id].add(permission)
    return {holder_id: in_vocabulary_order(perms) for holder_id, perms in granted.items()}


async def group_agent_matrix(
    session: AsyncSession, actor: Actor, group_id: int, page: PageRequest
) -> Page[GroupAgentPermissions]:
    """Every agent (by login) with the permission types they hold directly in the group;
    an empty list means none."""
    await access_group_by_id(session, actor, group_id)
    agents, total = await _paged(
        session, select(Agent).order_by(func.lower(Agent.login), Agent.id), page
    )
    granted = await _granted_by(
        session, AgentGroupPermission.agent_id, [a.id for a in agents], group_id
    )
    items = [
        GroupAgentPermissions(
            agent_id=a.id,
            login=a.login,
            first_name=a.first_name,
            last_name=a.last_name,
            valid=a.valid,
            permissions=granted.get(a.id, []),
        )
        for a in agents
    ]
    return Page(items, total, page.limit, page.offset)


async def group_role_matrix(
    session: AsyncSession, actor: Actor, group_id: int, page: PageRequest
) -> Page[GroupRolePermissions]:
    """Every role (by name) with the permission types it grants in the group."""
    await access_group_by_id(session, actor, group_id)
    roles, total = await _paged(
        session, select(Role).order_by(func.lower(Role.name), Role.id), page
    )
    granted = await _granted_by(
        session, RoleGroupPermission.role_id, [r.id for r in roles], group_id
    )
    items = [
        GroupRolePermissions(
            role_id=r.id, name=r.name, valid=r.valid, permissions=granted.get(r.id, [])
        )
        for r in roles
    ]
    return Page(items, total, page.limit, page.offset)


async def group_customer_user_matrix(
    session: AsyncSession, actor: Actor, group_id: int, page: PageRequest
) -> Page[GroupCustomerUserPermissions]:
    """Every customer user (by login) with ro/rw in the group (the always-groups setting aside)."""
    await access_group_by_id(session, actor, group_id)
    users, total = await _paged(
        session,
        select(CustomerUser).order_by(func.lower(CustomerUser.login), CustomerUser.id),
        page,
    )
    granted = await _granted_by(
        session, CustomerUserGroupPermission.customer_user_id, [u.id for u in users], group_id
    )
    items = [
        GroupCustomerUserPermissions(
            customer_user_id=u.id,
            login=u.login,
            first_name=u.first_name,
            last_name=u.last_name,
            valid=u.valid,
            permissions=granted.get(u.id, []),
        )
        for u in users
    ]
    return Page(items, total, page.limit, page.offset)


async def role_members(
    session: AsyncSession, actor: Actor, role_id: int, page: PageRequest
) -> Page[RoleMember]:
    """The agents in the role, by login."""
    await access_role_by_id(session, actor, role_id)
    agents, total = await _paged(
        session,
        select(Agent)
        .join(AgentRole, AgentRole.agent_id == Agent.id)
        .where(AgentRole.role_id == role_id)
        .order_by(func.lower(Agent.login), Agent.id),
        page,
    )
    items = [
        RoleMember(
            agent_id=a.id,
            login=a.login,
            first_name=a.first_name,
            last_name=a.last_name,
            valid=a.valid,
        )
        for a in agents
    ]
    return Page(items, total, page.limit, page.offset)


async def agent_role_ids(session: AsyncSession, actor: Actor, agent_id: int) -> list[int]:
    """The roles the agent is a member of (for the agent ↔ role screen)."""
    await access_agent_by_id(session, actor, agent_id)
    rows = await session.scalars(
        select(AgentRole.role_id).where(AgentRole.agent_id == agent_id).order_by(AgentRole.role_id)
    )
    return list(rows)


async def agent_permission_matrix(
    session: AsyncSession, actor: Actor, agent_id: int
) -> list[EffectivePermissions]:
    """What the agent may do per valid group, directly and through valid roles, by group name."""
    await access_agent_by_id(session, actor, agent_id)
    direct_rows = await session.execute(
        select(AgentGroupPermission.group_id, AgentGroupPermission.permission).where(
            AgentGroupPermission.agent_id == agent_id
        )
    )
    role_rows = await session.execute(
        select(RoleGroupPermission.group_id, RoleGroupPermission.permission)
        .join(AgentRole, AgentRole.role_id == RoleGroupPermission.role_id)
        .join(Role, Role.id == RoleGroupPermission.role_id)
        .where(AgentRole.agent_id == agent_id, Role.valid.is_(True))
    )
    direct: dict[int, set[str]] = defaultdict(set)
    via_roles: dict[int, set[str]] = defaultdict(set)
    for group_id, permission in direct_rows:
        direct[group_id].add(permission)
    for group_id, permission in role_rows:
        via_roles[group_id].add(permission)
    group_ids = set(direct) | set(via_roles)
    groups = await session.scalars(
        select(Group)
        .where(Group.id.in_(group_ids), Group.valid.is_(True))
        .order_by(func.lower(Group.name), Group.id)
    )
    return [
        EffectivePermissions(
            group_id=g.id,
            group_name=g.name,
            permissions=in_vocabulary_order(expand(direct[g.id] | via_roles[g.id])),
            direct=in_vocabulary_order(direct[g.id]),
            via_roles=in_vocabulary_order(via_roles[g.id]),
        )
        for g in groups
    ]


def user_out(user: Agent | CustomerUser, config: SettingsStore) -> UserOut:
    """The user as ``/me`` shows them: an agent's language and time zone as in force for them
    (their own value, or the global setting they follow)."""
    if isinstance(user, Agent):
        return UserOut(
            realm="agent",
            id=user.id,
            login=user.login,
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
            language=_own_or_global(config, AGENT_LANGUAGE, user.language),
            timezone=_own_or_global(config, AGENT_TIMEZONE, user.timezone),
        )
    return UserOut(
        realm="customer",
        id=user.id,
        login=user.login,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        language=user.language,
        timezone=user.timezone,
        customer_id=user.customer_id,
    )
