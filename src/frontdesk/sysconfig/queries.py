"""Read side of the settings registry, straight from the database (admin screens must show what
is stored now, not what this process cached)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.clock import isoformat_z
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.db.case_insensitive import contains_ignoring_case
from frontdesk.sysconfig.actions import check_restore_deployment
from frontdesk.sysconfig.errors import NotUserModifiable
from frontdesk.sysconfig.models import Deployment, SettingHistory, SettingValue, StagedChange
from frontdesk.sysconfig.registry import Setting, declared, get_declaration, user_value_columns
from frontdesk.sysconfig.schemas import (
    ChangeKind,
    DeploymentChange,
    DeploymentDetails,
    DeploymentOut,
    HistoryOut,
    NavigationNode,
    OwnSettingOut,
    SettingOut,
    StagedOut,
    UserValueOut,
)
from frontdesk.sysconfig.state import (
    AGENT_TABLE,
    Entry,
    agent_logins,
    deployed_entries,
    entry_users,
    entry_value,
    live_locks,
    staged_entries,
    valid_group_names,
)
from frontdesk.sysconfig.yaml_format import dump_entries


def matches(setting: Setting, search: str | None, navigation: str | None) -> bool:
    if navigation and not (
        setting.navigation == navigation or setting.navigation.startswith(navigation + "::")
    ):
        return False
    if search:
        needle = search.casefold()
        return needle in setting.name.casefold() or needle in setting.description.casefold()
    return True


async def _user_values(session: AsyncSession, name: str | None = None) -> dict[str, dict[int, Any]]:
    """Agents' own values per setting (agents who follow the global value have none)."""
    query = select(SettingValue).where(SettingValue.agent_id.is_not(None))
    if name is not None:
        query = query.where(SettingValue.name == name)
    result: dict[str, dict[int, Any]] = {}
    for row in await session.scalars(query):
        if row.agent_id is not None:
            result.setdefault(row.name, {})[row.agent_id] = row.value
    for column_name, column in user_value_columns().items():
        if name is not None and column_name != name:
            continue
        result[column_name] = await column.load(session)
    return result


async def list_settings(
    session: AsyncSession, *, search: str | None = None, navigation: str | None = None
) -> list[SettingOut]:
    deployed = await deployed_entries(session)
    staged = await staged_entries(session)
    locks = await live_locks(session)
    counts = {name: len(values) for name, values in (await _user_values(session)).items()}
    return [
        _setting_out(setting, deployed, staged, locks, counts)
        for setting in sorted(declared().values(), key=lambda s: (s.navigation, s.name))
        if matches(setting, search, navigation)
    ]


async def get_setting(session: AsyncSession, name: str) -> SettingOut:
    setting = get_declaration(name)
    counts = {n: len(v) for n, v in (await _user_values(session, name)).items()}
    return _setting_out(
        setting,
        await deployed_entries(session),
        await staged_entries(session),
        await live_locks(session),
        counts,
    )


def _setting_out(
    setting: Setting,
    deployed: dict[str, Entry],
    staged: dict[str, StagedChange],
    locks: dict[str, Any],
    counts: dict[str, int],
) -> SettingOut:
    entry = deployed.get(setting.name, {})
    change = staged.get(setting.name)
    lock = locks.get(setting.name)
    return SettingOut(
        name=setting.name,
        type=setting.type,
        description=setting.description,
        navigation=setting.navigation,
        default=setting.default,
        value=setting.shown(entry_value(setting, entry)),
        modified="value" in entry,
        staged=change is not None,
        staged_value=(
            setting.shown(entry_value(setting, change.entry)) if change is not None else None
        ),
        user_modifiable=setting.user_modifiable,
        user_modification_active=entry_users(setting, entry),
        staged_user_modification_active=(
            entry_users(setting, change.entry) if change is not None else None
        ),
        user_value_count=counts.get(setting.name, 0),
        locked_by=lock[1] if lock else None,
        lock_expires_at=isoformat_z(lock[2]) if lock else None,
        options=list(setting.options),
        minimum=setting.minimum,
        maximum=setting.maximum,
        pattern=setting.pattern,
    )


async def group_choices(session: AsyncSession) -> list[str]:
    """The names a "group" setting's widget offers: every valid group."""
    return await valid_group_names(session)


def navigation_tree() -> list[NavigationNode]:
    """Every navigation group and its ancestors, with the number of settings below each."""
    counts: Counter[str] = Counter()
    for setting in declared().values():
        parts = setting.navigation.split("::")
        for depth in range(1, len(parts) + 1):
            counts["::".join(parts[:depth])] += 1
    return [
        NavigationNode(
            path=path, label=path.split("::")[-1], depth=path.count("::"), count=counts[path]
        )
        for path in sorted(counts)
    ]


async def list_staged(session: AsyncSession) -> list[StagedOut]:
    deployed = await deployed_entries(session)
    staged = await staged_entries(session)
    logins = await agent_logins(session, {c.staged_by for c in staged.values() if c.staged_by})
    result = []
    for name, change in staged.items():
        setting = declared().get(name)
        if setting is None:
            continue
        old = deployed.get(name, {})
        result.append(
            StagedOut(
                name=name,
                old_value=setting.shown(entry_value(setting, old)),
                new_value=setting.shown(entry_value(setting, change.entry)),
                old_is_default="value" not in old,
                new_is_default="value" not in change.entry,
                old_user_modification_active=entry_users(setting, old),
                new_user_modification_active=entry_users(setting, change.entry),
                staged_by=logins.get(change.staged_by) if change.staged_by else None,
                staged_at=isoformat_z(change.staged_at),
            )
        )
    return result


async def list_deployments(
    session: AsyncSession, page: PageRequest, *, search: str | None = None
) -> Page[DeploymentOut]:
    query = select(Deployment, AGENT_TABLE.c.login).outerjoin(
        AGENT_TABLE, AGENT_TABLE.c.id == Deployment.agent_id
    )
    if search:
        query = query.where(
            or_(
                contains_ignoring_case(Deployment.comment, search),
                contains_ignoring_case(AGENT_TABLE.c.login, search),
            )
        )
    total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = await session.execute(
        query.order_by(Deployment.id.desc()).limit(page.limit).offset(page.offset)
    )
    ids = []
    found = []
    for deployment, login in rows:
        ids.append(deployment.id)
        found.append((deployment, login))
    counted = await session.execute(
        select(SettingHistory.deployment_id, func.count())
        .where(SettingHistory.deployment_id.in_(ids))
        .group_by(SettingHistory.deployment_id)
    )
    counts = {deployment_id: int(count) for deployment_id, count in counted}
    items = [_deployment_out(d, login, counts.get(d.id, 0)) for d, login in found]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


def _deployment_out(deployment: Deployment, login: str | None, count: int) -> DeploymentOut:
    return DeploymentOut(
        id=deployment.id,
        comment=deployment.comment,
        created_by=login,
        created_at=isoformat_z(deployment.created_at),
        setting_count=count,
    )


async def deployment_details(
    session: AsyncSession, actor: Actor, deployment_id: int
) -> DeploymentDetails:
    deployment = await check_restore_deployment(session, actor, deployment_id)
    rows = list(
        await session.scalars(
            select(SettingHistory)
            .where(SettingHistory.deployment_id == deployment_id)
            .order_by(SettingHistory.name)
        )
    )
    logins = await agent_logins(session, {deployment.agent_id} if deployment.agent_id else set())
    changes = []
    for row in rows:
        setting = declared().get(row.name)
        default = setting.default if setting else None
        modifiable = bool(setting and setting.user_modifiable)
        changes.append(
            DeploymentChange(
                name=row.name,
                change=change_kind(row.previous, row.entry, modifiable=modifiable),
                previous_value=_shown(setting, row.previous.get("value", default)),
                deployed_value=_shown(setting, row.entry.get("value", default)),
                previous_is_default="value" not in row.previous,
                deployed_is_default="value" not in row.entry,
                previous_user_modification_active=modifiable and row.previous.get("users", True),
                deployed_user_modification_active=modifiable and row.entry.get("users", True),
            )
        )
    base = _deployment_out(
        deployment, logins.get(deployment.agent_id or 0), len(changes)
    ).model_dump()
    return DeploymentDetails(**base, changes=changes)


async def latest_deployment_id(session: AsyncSession) -> int | None:
    return await session.scalar(select(func.max(Deployment.id)))


def _shown(setting: Setting | None, value: Any) -> Any:
    return setting.shown(value) if setting is not None else value


def _exportable(entries: dict[str, Entry]) -> dict[str, Entry]:
    """Secrets stay out of exports: a file travels and is read, and a sealed value would be of
    no use under another installation's key anyway."""
    return {
        name: entry
        for name, entry in entries.items()
        if (setting := declared().get(name)) is None or not setting.is_secret
    }


async def export_deployment(session: AsyncSession, actor: Actor, deployment_id: int) -> str:
    """YAML of the configuration in force after that deployment (defaults omitted)."""
    deployment = await check_restore_deployment(session, actor, deployment_id)
    return dump_entries(
        _exportable(deployment.snapshot),
        title=f"Frontdesk configuration as of deployment {deployment.id} "
        f"({isoformat_z(deployment.created_at)}): {deployment.comment}",
    )


async def export_current(session: AsyncSession) -> str:
    """YAML of the configuration in force now (defaults omitted)."""
    return dump_entries(
        _exportable(await deployed_entries(session)), title="Frontdesk configuration in force"
    )


def change_kind(previous: Entry, entry: Entry, *, modifiable: bool) -> ChangeKind:
    """What a deployed change did: a new value, back to the default, or only allowed or
    forbidden agents' own values (the value stayed)."""
    missing = object()
    if previous.get("value", missing) != entry.get("value", missing):
        return "modified" if "value" in entry else "reset_to_default"
    if modifiable and previous.get("users", True) != entry.get("users", True):
        return "user_modification"
    return "modified"


async def setting_history(session: AsyncSession, name: str) -> list[HistoryOut]:
    setting = get_declaration(name)
    rows = await session.execute(
        select(SettingHistory, Deployment.comment)
        .join(Deployment, Deployment.id == SettingHistory.deployment_id)
        .where(SettingHistory.name == name)
        .order_by(SettingHistory.id.desc())
    )
    found = list(rows)
    logins = await agent_logins(session, {h.changed_by for h, _ in found if h.changed_by})
    result = []
    for h, comment in found:
        kind = change_kind(h.previous, h.entry, modifiable=setting.user_modifiable)
        result.append(
            HistoryOut(
                id=h.id,
                deployment_id=h.deployment_id,
                comment=comment,
                value=setting.shown(entry_value(setting, h.entry)),
                change=kind,
                reset_to_default=kind == "reset_to_default",
                user_modification_active=entry_users(setting, h.entry),
                user_modification_changed=(
                    entry_users(setting, h.previous) != entry_users(setting, h.entry)
                ),
                changed_by=logins.get(h.changed_by) if h.changed_by else None,
                changed_at=isoformat_z(h.changed_at),
            )
        )
    return result


async def user_values(session: AsyncSession, name: str) -> list[UserValueOut]:
    get_declaration(name)
    values = (await _user_values(session, name)).get(name, {})
    logins = await agent_logins(session, set(values))
    return sorted(
        (
            UserValueOut(agent_id=agent, login=logins.get(agent, str(agent)), value=value)
            for agent, value in values.items()
        ),
        key=lambda item: item.login,
    )


async def own_settings(session: AsyncSession, actor: Actor) -> list[OwnSettingOut]:
    """The settings the caller may set for themselves, with what applies to them now."""
    if not actor.is_agent:
        raise NotUserModifiable("Only agents have their own settings.")
    deployed = await deployed_entries(session)
    own = await _user_values(session)
    result = []
    for setting in sorted(declared().values(), key=lambda s: (s.navigation, s.name)):
        entry = deployed.get(setting.name, {})
        if not entry_users(setting, entry):
            continue
        global_value = entry_value(setting, entry)
        mine = own.get(setting.name, {})
        result.append(
            OwnSettingOut(
                name=setting.name,
                type=setting.type,
                description=setting.description,
                navigation=setting.navigation,
                options=list(setting.options),
                minimum=setting.minimum,
                maximum=setting.maximum,
                value=mine.get(actor.id, global_value),
                global_value=global_value,
                own=actor.id in mine,
            )
        )
    return result


async def own_setting(session: AsyncSession, actor: Actor, name: str) -> OwnSettingOut:
    get_declaration(name)
    for item in await own_settings(session, actor):
        if item.name == name:
            return item
    raise NotUserModifiable(f"{name} cannot be changed per user.")
