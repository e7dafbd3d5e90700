"""Writes of accounts: logging in and out, and (below) managing accounts and permissions.

Each write is ``check_*`` (validate + authorise, no change) then ``do_*`` (change + events).
Actions never commit; the caller's unit of work does.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute

from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.core.permissions import AGENT_PERMISSIONS, CUSTOMER_PERMISSIONS
from frontdesk.db.case_insensitive import equals_ignoring_case
from frontdesk.domain.accounts.access import (
    ADMIN_GROUP,
    access_agent_by_id,
    access_customer_company_by_id,
    access_customer_user_by_id,
    access_group_by_id,
    access_role_by_id,
    check_admin_or_system,
)
from frontdesk.domain.accounts.errors import (
    InUse,
    LoginFailed,
    NameTaken,
    ProtectedAccount,
    TooManyLoginAttempts,
)
from frontdesk.domain.accounts.events import (
    AgentChanged,
    CustomerCompanyChanged,
    CustomerUserChanged,
    GroupChanged,
    PasswordChanged,
    PermissionsChanged,
    PreferencesChanged,
    RoleChanged,
    UserLoggedIn,
    UserLoggedOut,
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
    LoginAttempt,
    Role,
    RoleGroupPermission,
)
from frontdesk.domain.accounts.passwords import hash_password, verify_password
from frontdesk.domain.accounts.queries import hash_token, in_vocabulary_order, user_out
from frontdesk.domain.accounts.schemas import (
    AgentCreate,
    AgentUpdate,
    CustomerCompanyCreate,
    CustomerCompanyUpdate,
    CustomerUserCreate,
    CustomerUserUpdate,
    GroupCreate,
    GroupUpdate,
    IssuedToken,
    LoginInput,
    PasswordChange,
    PreferencesInput,
    RoleCreate,
    RoleUpdate,
    UserOut,
)
from frontdesk.domain.accounts.settings import AGENT_LANGUAGE, AGENT_THEME, AGENT_TIMEZONE
from frontdesk.domain.runtime import Tx
from frontdesk.sysconfig.actions import (
    check_set_user_value,
    deployed_global_value,
    do_note_user_values_changed,
    do_set_user_value,
    user_modification_active,
)
from frontdesk.sysconfig.errors import NotUserModifiable
from frontdesk.sysconfig.registry import Setting

# Failures from every address together that still throttle a login name, as a multiple of the
# per-address limit: a guesser spread over many addresses is slowed too, while one guesser
# cannot lock the real user (who logs in from elsewhere) out with a handful of tries.
ALL_ADDRESSES_FACTOR = 10


async def check_login_allowed(
    tx: Tx, realm: str, login: str, client_address: str | None = None
) -> None:
    """Raise 429 when this login name saw too many failures within the window: from this
    client address, or from all addresses together."""
    settings = tx.runtime.settings
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    from_here = LoginAttempt.client_address == client_address
    row = (
        await tx.session.execute(
            select(func.count(), func.count().filter(from_here))
            .select_from(LoginAttempt)
            .where(
                LoginAttempt.realm == realm,
                LoginAttempt.login == login.lower(),
                LoginAttempt.attempted_at >= since,
            )
        )
    ).one()
    everywhere, here = int(row[0] or 0), int(row[1] or 0)
    limit = settings.login_attempts
    if here >= limit or everywhere >= limit * ALL_ADDRESSES_FACTOR:
        raise TooManyLoginAttempts(retry_after_seconds=settings.login_window_seconds)


async def do_login(
    tx: Tx, data: LoginInput, *, kind: str, client_address: str | None = None
) -> IssuedToken:
    """Verify the credentials and issue a session (browser) or api token.

    On LoginFailed this transaction rolls back; ``login.attempt_login`` records the failure in
    a transaction of its own.
    """
    await check_login_allowed(tx, data.realm, data.login, client_address)
    user: Agent | CustomerUser | None
    if data.realm == "agent":
        user = await tx.session.scalar(
            select(Agent).where(equals_ignoring_case(Agent.login, data.login))
        )
    else:
        user = await tx.session.scalar(
            select(CustomerUser).where(equals_ignoring_case(CustomerUser.login, data.login))
        )
    password_ok = await verify_password(user.password_hash if user else None, data.password)
    if user is None or not password_ok or not user.valid:
        raise LoginFailed()
    await tx.session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.realm == data.realm, LoginAttempt.login == data.login.lower()
        )
    )
    issued = await do_issue_token(tx, data.realm, user.id, kind=kind)
    tx.emit(UserLoggedIn(realm=data.realm, user_id=user.id))
    return issued


async def do_record_failed_login(
    tx: Tx, realm: str, login: str, client_address: str | None = None
) -> None:
    tx.session.add(
        LoginAttempt(
            realm=realm,
            login=login.lower()[:200],
            client_address=client_address[:64] if client_address else None,
            attempted_at=utcnow(),
        )
    )


async def do_issue_token(tx: Tx, realm: str, user_id: int, *, kind: str) -> IssuedToken:
    settings = tx.runtime.settings
    now = utcnow()
    lifetime = (
        timedelta(hours=settings.session_hours)
        if kind == "session"
        else timedelta(days=settings.token_days)
    )
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24) if kind == "session" else None
    token = AuthToken(
        token_hash=hash_token(secret),
        realm=realm,
        user_id=user_id,
        kind=kind,
        csrf_token=csrf,
        created_at=now,
        expires_at=now + lifetime,
        last_seen_at=now,
    )
    tx.session.add(token)
    await tx.session.flush()
    return IssuedToken(
        secret=secret,
        csrf_token=csrf,
        expires_at=token.expires_at,
        realm=realm,
        user_id=user_id,
    )


async def do_touch_session(tx: Tx, token: AuthToken) -> None:
    """Slide a browser session's expiry and mark the user as seen (at most once a minute)."""
    now = utcnow()
    if now - token.last_seen_at < timedelta(minutes=1):
        return
    values: dict[str, object] = {"last_seen_at": now}
    if token.kind == "session":
        values["expires_at"] = now + timedelta(hours=tx.runtime.settings.session_hours)
    await tx.session.execute(update(AuthToken).where(AuthToken.id == token.id).values(**values))


async def do_logout(tx: Tx, actor: Actor, secret: str) -> None:
    """Revoke the presented token."""
    await tx.session.execute(
        update(AuthToken).where(AuthToken.token_hash == hash_token(secret)).values(revoked=True)
    )
    if actor.kind in ("agent", "customer"):
        tx.emit(UserLoggedOut(realm=actor.kind, user_id=actor.id))


async def do_delete_stale_login_data(tx: Tx, now: datetime) -> tuple[int, int]:
    """Forget failed logins older than the rate-limit window and tokens that can no longer be
    used (expired or revoked): both tables would otherwise grow with every login, and a failed
    login under any made-up name adds a row. Answers how many of each went."""
    window = timedelta(seconds=tx.runtime.settings.login_window_seconds)
    attempts = await tx.session.execute(
        delete(LoginAttempt).where(LoginAttempt.attempted_at < now - window)
    )
    tokens = await tx.session.execute(
        delete(AuthToken).where(or_(AuthToken.expires_at < now, AuthToken.revoked.is_(True)))
    )
    return _deleted(attempts), _deleted(tokens)


def _deleted(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def check_create_agent(tx: Tx, actor: Actor, data: AgentCreate) -> None:
    await check_admin_or_system(tx.session, actor)
    await _check_unique(tx, Agent.login, data.login, what="agent", field="login")


async def do_create_agent(tx: Tx, actor: Actor, data: AgentCreate) -> Agent:
    await check_create_agent(tx, actor, data)
    agent = Agent(
        login=data.login,
        first_name=data.first_name,
        last_name=data.last_name,
        email=str(data.email),
        password_hash=await hash_password(data.password) if data.password else None,
        valid=data.valid,
        # Without an explicit choice the agent follows the global setting.
        language=await _own_locale_value(tx, AGENT_LANGUAGE, data.language),
        timezone=await _own_locale_value(tx, AGENT_TIMEZONE, data.timezone),
    )
    tx.session.add(agent)
    await tx.session.flush()
    if agent.language or agent.timezone:
        await do_note_user_values_changed(tx.session)
    tx.emit(AgentChanged(agent_id=agent.id, op="created"))
    return agent


async def _own_locale_value(tx: Tx, setting: Setting, value: str | None) -> str:
    """What an admin's choice stores as the agent's own value: "" (follow the global setting)
    for no choice or the global value itself, so the agent keeps following later changes."""
    if not value or value == await deployed_global_value(tx.session, setting):
        return ""
    return value


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


# --- shared rules of administration ------------------------------------------------------------


async def _apply(
    target: object, data: BaseModel, *, nullable: frozenset[str] = frozenset()
) -> None:
    """Copy the fields the caller named onto the model (``password`` is hashed, not copied)."""
    for name in data.model_fields_set:
        value = getattr(data, name)
        if value is None and name not in nullable:
            raise ValidationFailed(name, f"{name} must not be null")
        if name == "password":
            target.password_hash = await hash_password(value)  # type: ignore[attr-defined]
        else:
            setattr(target, name, value)


async def _check_unique(
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


async def _delete_unless_referenced(tx: Tx, target: object, what: str) -> None:
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


async def _revoke_tokens(tx: Tx, realm: str, user_id: int) -> None:
    # Tokens name the user by id without a foreign key; an id may be reused after a delete.
    await tx.session.execute(
        delete(AuthToken).where(AuthToken.realm == realm, AuthToken.user_id == user_id)
    )


async def _customer_company_exists(tx: Tx, customer_id: str | None) -> None:
    if customer_id is None:
        return
    found = await tx.session.scalar(
        select(CustomerCompany.id).where(CustomerCompany.customer_id == customer_id)
    )
    if found is None:
        raise ValidationFailed("customer_id", f"there is no customer company {customer_id!r}")


async def _agents_granted_in_group(tx: Tx, group_id: int) -> tuple[int, ...]:
    direct = select(AgentGroupPermission.agent_id).where(AgentGroupPermission.group_id == group_id)
    via_roles = (
        select(AgentRole.agent_id)
        .join(RoleGroupPermission, RoleGroupPermission.role_id == AgentRole.role_id)
        .where(RoleGroupPermission.group_id == group_id)
    )
    rows = await tx.session.scalars(direct.union(via_roles))
    return tuple(sorted(set(rows)))


async def _customer_users_granted_in_group(tx: Tx, group_id: int) -> tuple[int, ...]:
    rows = await tx.session.scalars(
        select(CustomerUserGroupPermission.customer_user_id)
        .where(CustomerUserGroupPermission.group_id == group_id)
        .distinct()
    )
    return tuple(sorted(rows))


async def _role_member_ids(tx: Tx, role_id: int) -> tuple[int, ...]:
    rows = await tx.session.scalars(
        select(AgentRole.agent_id).where(AgentRole.role_id == role_id).order_by(AgentRole.agent_id)
    )
    return tuple(rows)


# --- agents --------------------------------------------------------------------------------------


async def check_update_agent(tx: Tx, actor: Actor, agent_id: int, data: AgentUpdate) -> Agent:
    agent = await access_agent_by_id(tx.session, actor, agent_id)
    if data.login is not None:
        await _check_unique(
            tx, Agent.login, data.login, what="agent", field="login", exclude_id=agent.id
        )
    if data.valid is False and actor.is_agent and actor.id == agent.id:
        raise ProtectedAccount("You cannot invalidate your own account.")
    return agent


async def do_update_agent(tx: Tx, actor: Actor, agent_id: int, data: AgentUpdate) -> Agent:
    agent = await check_update_agent(tx, actor, agent_id, data)
    await _apply(agent, data, nullable=_LOCALE_FIELDS)
    for setting, name in _LOCALE_SETTINGS:
        if name in data.model_fields_set:  # null or the global value: follow the global setting
            setattr(agent, name, await _own_locale_value(tx, setting, getattr(agent, name)))
    await tx.session.flush()
    if _LOCALE_FIELDS & data.model_fields_set:
        # The agent's own values of Agent::Language / Agent::TimeZone (settings.py).
        await do_note_user_values_changed(tx.session)
    tx.emit(AgentChanged(agent_id=agent.id, op="updated"))
    return agent


async def check_delete_agent(tx: Tx, actor: Actor, agent_id: int) -> Agent:
    agent = await access_agent_by_id(tx.session, actor, agent_id)
    if actor.is_agent and actor.id == agent.id:
        raise ProtectedAccount("You cannot delete your own account.")
    return agent


async def do_delete_agent(tx: Tx, actor: Actor, agent_id: int) -> None:
    agent = await check_delete_agent(tx, actor, agent_id)
    await _delete_unless_referenced(tx, agent, "agent")
    await _revoke_tokens(tx, "agent", agent_id)
    tx.emit(AgentChanged(agent_id=agent_id, op="deleted"))


# --- customer companies --------------------------------------------------------------------------


async def check_create_customer_company(tx: Tx, actor: Actor, data: CustomerCompanyCreate) -> None:
    await check_admin_or_system(tx.session, actor)
    await _check_unique(
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
    await _apply(company, data, nullable=frozenset({"street", "city", "country", "url", "comment"}))
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
    await _delete_unless_referenced(tx, company, "customer company")
    tx.emit(CustomerCompanyChanged(company_id=company_id, op="deleted"))


# --- customer users ------------------------------------------------------------------------------


async def check_create_customer_user(tx: Tx, actor: Actor, data: CustomerUserCreate) -> None:
    await check_admin_or_system(tx.session, actor)
    await _check_unique(tx, CustomerUser.login, data.login, what="customer user", field="login")
    await _customer_company_exists(tx, data.customer_id)


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
        await _check_unique(
            tx,
            CustomerUser.login,
            data.login,
            what="customer user",
            field="login",
            exclude_id=user.id,
        )
    await _customer_company_exists(tx, data.customer_id)
    return user


async def do_update_customer_user(
    tx: Tx, actor: Actor, customer_user_id: int, data: CustomerUserUpdate
) -> CustomerUser:
    user = await check_update_customer_user(tx, actor, customer_user_id, data)
    await _apply(user, data, nullable=frozenset({"customer_id", "phone", "mobile", "password"}))
    await tx.session.flush()
    tx.emit(CustomerUserChanged(customer_user_id=user.id, op="updated"))
    return user


async def check_delete_customer_user(tx: Tx, actor: Actor, customer_user_id: int) -> CustomerUser:
    return await access_customer_user_by_id(tx.session, actor, customer_user_id)


async def do_delete_customer_user(tx: Tx, actor: Actor, customer_user_id: int) -> None:
    user = await check_delete_customer_user(tx, actor, customer_user_id)
    await _delete_unless_referenced(tx, user, "customer user")
    await _revoke_tokens(tx, "customer", customer_user_id)
    tx.emit(CustomerUserChanged(customer_user_id=customer_user_id, op="deleted"))


# --- groups --------------------------------------------------------------------------------------


async def check_create_group(tx: Tx, actor: Actor, data: GroupCreate) -> None:
    await check_admin_or_system(tx.session, actor)
    await _check_unique(tx, Group.name, data.name, what="group", field="name")


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
        await _check_unique(
            tx, Group.name, data.name, what="group", field="name", exclude_id=group.id
        )
    if data.valid is False:
        _check_not_admin_group(group, "The admin group cannot be invalidated.")
    return group


async def do_update_group(tx: Tx, actor: Actor, group_id: int, data: GroupUpdate) -> Group:
    group = await check_update_group(tx, actor, group_id, data)
    validity_changes = data.valid is not None and data.valid != group.valid
    await _apply(group, data, nullable=frozenset({"comment"}))
    await tx.session.flush()
    tx.emit(GroupChanged(group_id=group.id, op="updated"))
    if validity_changes:
        tx.emit(
            PermissionsChanged(
                agent_ids=await _agents_granted_in_group(tx, group.id),
                customer_user_ids=await _customer_users_granted_in_group(tx, group.id),
            )
        )
    return group


async def check_delete_group(tx: Tx, actor: Actor, group_id: int) -> Group:
    group = await access_group_by_id(tx.session, actor, group_id)
    _check_not_admin_group(group, "The admin group cannot be deleted.")
    return group


async def do_delete_group(tx: Tx, actor: Actor, group_id: int) -> None:
    group = await check_delete_group(tx, actor, group_id)
    affected_agents = await _agents_granted_in_group(tx, group_id)
    affected_customers = await _customer_users_granted_in_group(tx, group_id)
    await _delete_unless_referenced(tx, group, "group")
    tx.emit(GroupChanged(group_id=group_id, op="deleted"))
    if affected_agents or affected_customers:
        tx.emit(PermissionsChanged(agent_ids=affected_agents, customer_user_ids=affected_customers))


# --- roles ---------------------------------------------------------------------------------------


async def check_create_role(tx: Tx, actor: Actor, data: RoleCreate) -> None:
    await check_admin_or_system(tx.session, actor)
    await _check_unique(tx, Role.name, data.name, what="role", field="name")


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
        await _check_unique(tx, Role.name, data.name, what="role", field="name", exclude_id=role.id)
    return role


async def do_update_role(tx: Tx, actor: Actor, role_id: int, data: RoleUpdate) -> Role:
    role = await check_update_role(tx, actor, role_id, data)
    validity_changes = data.valid is not None and data.valid != role.valid
    await _apply(role, data, nullable=frozenset({"comment"}))
    await tx.session.flush()
    tx.emit(RoleChanged(role_id=role.id, op="updated"))
    if validity_changes:
        tx.emit(PermissionsChanged(agent_ids=await _role_member_ids(tx, role.id)))
    return role


async def check_delete_role(tx: Tx, actor: Actor, role_id: int) -> Role:
    return await access_role_by_id(tx.session, actor, role_id)


async def do_delete_role(tx: Tx, actor: Actor, role_id: int) -> None:
    role = await check_delete_role(tx, actor, role_id)
    members = await _role_member_ids(tx, role_id)
    await _delete_unless_referenced(tx, role, "role")
    tx.emit(RoleChanged(role_id=role_id, op="deleted"))
    if members:
        tx.emit(PermissionsChanged(agent_ids=members))


# --- permission matrices -------------------------------------------------------------------------


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
    tx.emit(PermissionsChanged(agent_ids=await _role_member_ids(tx, role_id)))
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


# --- the caller's own account --------------------------------------------------------------------


async def _own_account(tx: Tx, actor: Actor) -> Agent | CustomerUser:
    if actor.is_agent:
        agent = await tx.session.get(Agent, actor.id)
        if agent is not None:
            return agent
    elif actor.is_customer:
        user = await tx.session.get(CustomerUser, actor.id)
        if user is not None:
            return user
    raise PermissionDenied("Only agents and customer users have an account to change.")


_LOCALE_FIELDS = frozenset({"language", "timezone"})
_LOCALE_SETTINGS = ((AGENT_LANGUAGE, "language"), (AGENT_TIMEZONE, "timezone"))


async def check_update_preferences(
    tx: Tx, actor: Actor, data: PreferencesInput
) -> tuple[Agent | CustomerUser, dict[str, str | None]]:
    """The account, and for an agent what to store per field (None: leave as it is).

    An agent's language and time zone are their own values of Agent::Language and
    Agent::TimeZone: a value equal to the global one removes the own value (""), and a
    different value is refused while the administrator forbids own values.
    """
    user = await _own_account(tx, actor)
    given = {name: getattr(data, name) for name in data.model_fields_set}
    for name, value in given.items():
        if value is None:
            raise ValidationFailed(name, f"{name} must not be null")
    if not isinstance(user, Agent):
        return user, given
    stored: dict[str, str | None] = {}
    for setting, name in _LOCALE_SETTINGS:
        value = given.get(name)
        if value is None:
            continue
        global_value = await deployed_global_value(tx.session, setting)
        allowed = await user_modification_active(tx.session, setting)
        if value == global_value:
            # Nothing of the agent's own to keep; a forbidden one stays stored, ignored.
            stored[name] = "" if allowed else None
        elif allowed:
            stored[name] = value
        else:
            raise NotUserModifiable(
                f"Your administrator does not allow changing {setting.name} per user: "
                f"{global_value} applies to everyone.",
                details={"field": name, "name": setting.name},
            )
    theme = given.get("theme")
    if theme is not None:
        # Refused (NotUserModifiable) while the administrator forbids own themes.
        stored["theme"] = await check_set_user_value(tx.session, actor, AGENT_THEME.name, theme)
    return user, stored


async def do_update_preferences(tx: Tx, actor: Actor, data: PreferencesInput) -> UserOut:
    """Change the caller's own language, time zone and theme (pages and the API use this)."""
    user, stored = await check_update_preferences(tx, actor, data)
    theme = stored.pop("theme", None)
    for name, value in stored.items():
        if value is not None:
            setattr(user, name, value)
    await tx.session.flush()
    if theme is not None and actor.is_agent:
        # The theme is the agent's own value of Agent::Theme, kept by the settings registry.
        await do_set_user_value(tx.session, tx.runtime.bus, actor, AGENT_THEME.name, theme)
    if actor.is_agent:
        # The agent's language and time zone are also their settings values (settings.py).
        await do_note_user_values_changed(tx.session)
    tx.emit(PreferencesChanged(realm=actor.kind, user_id=actor.id))
    return user_out(user, tx.runtime.config)


async def check_change_password(tx: Tx, actor: Actor, data: PasswordChange) -> Agent | CustomerUser:
    user = await _own_account(tx, actor)
    if not await verify_password(user.password_hash, data.current_password):
        raise ValidationFailed("current_password", "this is not your current password")
    return user


async def do_change_password(tx: Tx, actor: Actor, data: PasswordChange) -> None:
    """Change the caller's own password. Sessions stay valid: the caller proved the old one."""
    user = await check_change_password(tx, actor, data)
    user.password_hash = await hash_password(data.new_password)
    await tx.session.flush()
    tx.emit(PasswordChanged(realm=actor.kind, user_id=actor.id))
