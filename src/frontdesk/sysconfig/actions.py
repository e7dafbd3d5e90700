"""Writes to settings. Each write is ``check_*`` (validate, no change) then ``do_*`` (change +
queue events); actions never commit.

Global changes are staged and take effect only when deployed. An agent's own value of a
user-modifiable setting takes effect at once. Callers authorise: the admin gate sits above this
layer (the web's ``ApiAdmin``/admin pages; the CLI acts as the system).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.bus.bus import EventBus, queue_event
from frontdesk.core.actor import Actor
from frontdesk.core.clock import utcnow
from frontdesk.core.credentials import CredentialBox
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.sysconfig.errors import (
    DeploymentNotFound,
    HistoryEntryNotFound,
    NothingToDeploy,
    NotUserModifiable,
    SettingLocked,
)
from frontdesk.sysconfig.events import SettingsChanged, SettingsDeployed, SettingsStaged
from frontdesk.sysconfig.models import (
    ConfigGeneration,
    Deployment,
    EditLock,
    SettingHistory,
    SettingValue,
    StagedChange,
    UserModification,
)
from frontdesk.sysconfig.registry import Setting, declared, get_declaration, user_value_columns
from frontdesk.sysconfig.state import (
    LOCK_MINUTES,
    Entry,
    deployed_entries,
    entry_value,
    live_locks,
    normalised,
    staged_entries,
    valid_group_names,
)
from frontdesk.sysconfig.yaml_format import USER_MODIFICATION_KEY, load_config

COMMENT_MAX = 250


def _agent_id(actor: Actor) -> int | None:
    return actor.id if actor.is_agent else None


async def checked_value(session: AsyncSession, setting: Setting, value: Any) -> Any:
    """The value validated by the setting's type and against what exists now: a "group"
    setting must name a valid group. Raises ValidationFailed naming ``value``."""
    checked = setting.validate(value)
    if setting.type == "group":
        names = await valid_group_names(session)
        if checked not in names:
            shown = ", ".join(names[:20]) + (", …" if len(names) > 20 else "")
            raise ValidationFailed("value", f"must name a valid group (one of: {shown})")
    return checked


# --- edit locks ----------------------------------------------------------------------------------


async def check_lock_free(session: AsyncSession, actor: Actor, name: str) -> Setting:
    """The setting exists and no other admin holds its edit lock."""
    setting = get_declaration(name)
    holder = (await live_locks(session)).get(name)
    if holder is not None and holder[0] != _agent_id(actor):
        raise SettingLocked(
            f"{name} is being edited by {holder[1]}.",
            details={"name": name, "locked_by": holder[1]},
        )
    return setting


async def do_lock_setting(session: AsyncSession, bus: EventBus, actor: Actor, name: str) -> None:
    """Take (or extend) the caller's exclusive edit lock on a setting."""
    await check_lock_free(session, actor, name)
    agent_id = _agent_id(actor)
    if agent_id is None:
        raise PermissionDenied("Only agents edit settings on screen.")
    await session.execute(delete(EditLock).where(EditLock.name == name))
    session.add(
        EditLock(
            name=name, agent_id=agent_id, expires_at=utcnow() + timedelta(minutes=LOCK_MINUTES)
        )
    )
    await session.flush()
    queue_event(session, bus, SettingsStaged(names=(name,)))


async def do_unlock_setting(session: AsyncSession, bus: EventBus, actor: Actor, name: str) -> None:
    """Release the caller's lock (cancel); someone else's lock stays."""
    get_declaration(name)
    result = await session.execute(
        delete(EditLock).where(EditLock.name == name, EditLock.agent_id == _agent_id(actor))
    )
    if getattr(result, "rowcount", 0):
        queue_event(session, bus, SettingsStaged(names=(name,)))


# --- staging -------------------------------------------------------------------------------------


async def _current_entry(session: AsyncSession, name: str) -> Entry:
    staged = await session.get(StagedChange, name)
    if staged is not None:
        return dict(staged.entry)
    return (await deployed_entries(session)).get(name, {})


async def _stage(session: AsyncSession, actor: Actor, setting: Setting, entry: Entry) -> bool:
    """Stage ``entry`` (or drop the staged change when it equals what is deployed).
    Releases the caller's lock: saving ends the edit. True when anything is now staged."""
    entry = normalised(setting, entry)
    deployed = normalised(setting, (await deployed_entries(session)).get(setting.name, {}))
    await session.execute(delete(StagedChange).where(StagedChange.name == setting.name))
    await session.execute(
        delete(EditLock).where(EditLock.name == setting.name, EditLock.agent_id == _agent_id(actor))
    )
    if entry == deployed:
        return False
    session.add(
        StagedChange(name=setting.name, entry=entry, staged_at=utcnow(), staged_by=_agent_id(actor))
    )
    await session.flush()
    return True


def sealed_if_secret(setting: Setting, value: Any, credentials: CredentialBox | None) -> Any:
    """A new value as it is stored: a secret sealed (see core/credentials.py), others as given.
    Stored values (restores) are sealed already and never pass here."""
    if not setting.is_secret:
        return value
    if credentials is None:
        raise RuntimeError(f"{setting.name} is a secret: the caller must pass the credential box")
    return credentials.seal(value)


async def check_stage_value(
    session: AsyncSession,
    actor: Actor,
    name: str,
    value: Any,
    credentials: CredentialBox | None = None,
) -> Any:
    setting = get_declaration(name)
    checked = await checked_value(session, setting, value)
    await check_lock_free(session, actor, name)
    return sealed_if_secret(setting, checked, credentials)


async def do_stage_value(
    session: AsyncSession,
    bus: EventBus,
    actor: Actor,
    name: str,
    value: Any,
    *,
    credentials: CredentialBox | None = None,
) -> None:
    """Stage a new global value; it takes effect when deployed. A secret setting needs
    ``credentials`` to seal the value."""
    checked = await check_stage_value(session, actor, name, value, credentials)
    entry = await _current_entry(session, name)
    entry["value"] = checked
    await _stage(session, actor, get_declaration(name), entry)
    queue_event(session, bus, SettingsStaged(names=(name,)))


async def do_stage_values(
    session: AsyncSession,
    bus: EventBus,
    actor: Actor,
    values: dict[str, Any],
    *,
    credentials: CredentialBox | None = None,
) -> None:
    """Stage several values; every one is checked first, so a bad entry stages nothing."""
    checked = {
        name: await check_stage_value(session, actor, name, v, credentials)
        for name, v in values.items()
    }
    for name, value in checked.items():
        entry = await _current_entry(session, name)
        entry["value"] = value
        await _stage(session, actor, get_declaration(name), entry)
    queue_event(session, bus, SettingsStaged(names=tuple(checked)))


async def do_stage_reset(session: AsyncSession, bus: EventBus, actor: Actor, name: str) -> None:
    """Stage "reset to default" for the global value."""
    setting = await check_lock_free(session, actor, name)
    entry = await _current_entry(session, name)
    entry.pop("value", None)
    await _stage(session, actor, setting, entry)
    queue_event(session, bus, SettingsStaged(names=(name,)))


async def check_stage_user_modification(session: AsyncSession, actor: Actor, name: str) -> Setting:
    setting = await check_lock_free(session, actor, name)
    if not setting.user_modifiable:
        raise NotUserModifiable(f"{name} cannot be changed per user.")
    return setting


async def do_stage_user_modification(
    session: AsyncSession, bus: EventBus, actor: Actor, name: str, allowed: bool
) -> None:
    """Stage allowing or forbidding agents' own values (existing values stay, ignored)."""
    setting = await check_stage_user_modification(session, actor, name)
    entry = await _current_entry(session, name)
    entry["users"] = allowed
    await _stage(session, actor, setting, entry)
    queue_event(session, bus, SettingsStaged(names=(name,)))


async def do_discard_staged(session: AsyncSession, bus: EventBus, actor: Actor, name: str) -> None:
    """Drop a staged change before it is deployed; like saving, it ends the caller's edit."""
    await check_lock_free(session, actor, name)
    await session.execute(delete(StagedChange).where(StagedChange.name == name))
    await session.execute(
        delete(EditLock).where(EditLock.name == name, EditLock.agent_id == _agent_id(actor))
    )
    queue_event(session, bus, SettingsStaged(names=(name,)))


# --- deployment ----------------------------------------------------------------------------------


async def check_deploy(session: AsyncSession, actor: Actor, comment: str) -> list[StagedChange]:
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed("comment", f"must be at most {COMMENT_MAX} characters")
    staged = list((await staged_entries(session)).values())
    if not staged:
        raise NothingToDeploy("There are no staged changes to deploy.")
    return staged


async def do_deploy(session: AsyncSession, bus: EventBus, actor: Actor, comment: str) -> Deployment:
    """Apply every staged change at once, record history and a snapshot, announce."""
    staged = await check_deploy(session, actor, comment)
    deployed = await deployed_entries(session)
    now = utcnow()
    agent_id = _agent_id(actor)
    deployment = Deployment(comment=comment.strip(), agent_id=agent_id, created_at=now, snapshot={})
    session.add(deployment)
    await session.flush()
    for change in staged:
        previous = deployed.get(change.name, {})
        await _apply_global(session, change.name, change.entry, now, agent_id)
        session.add(
            SettingHistory(
                name=change.name,
                deployment_id=deployment.id,
                previous=previous,
                entry=change.entry,
                changed_at=now,
                changed_by=agent_id,
            )
        )
        deployed[change.name] = change.entry
        setting = declared().get(change.name)
        if setting is not None and setting.user_modifiable:
            await _drop_user_values_equal_to(session, setting, entry_value(setting, change.entry))
        await session.delete(change)
    deployment.snapshot = {name: entry for name, entry in sorted(deployed.items()) if entry}
    await session.flush()
    names = tuple(change.name for change in staged)
    queue_event(session, bus, SettingsDeployed(deployment_id=deployment.id, names=names))
    await _announce(session, bus, names)
    return deployment


async def _apply_global(
    session: AsyncSession, name: str, entry: Entry, now: Any, agent_id: int | None
) -> None:
    await session.execute(
        delete(SettingValue).where(SettingValue.name == name, SettingValue.agent_id.is_(None))
    )
    if "value" in entry:
        session.add(
            SettingValue(
                name=name, agent_id=None, value=entry["value"], changed_at=now, changed_by=agent_id
            )
        )
    await session.execute(delete(UserModification).where(UserModification.name == name))
    if "users" in entry:
        session.add(UserModification(name=name, active=bool(entry["users"])))


async def _drop_user_values_equal_to(session: AsyncSession, setting: Setting, value: Any) -> None:
    """An own value equal to the new global one overrides nothing: remove it, so the agent
    follows later global changes (OTRS' UserConfigurationResetToGlobal)."""
    column = user_value_columns().get(setting.name)
    if column is not None:
        for owner, own in (await column.load(session)).items():
            if own == value:
                await column.save(session, owner, None)
        return
    rows = await session.scalars(
        select(SettingValue).where(
            SettingValue.name == setting.name, SettingValue.agent_id.is_not(None)
        )
    )
    for row in rows:
        if row.value == value:
            await session.delete(row)


@dataclass
class RestoreResult:
    """What a restore staged, and what it had to leave alone (with the reason)."""

    staged: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)


async def check_restore_deployment(
    session: AsyncSession, actor: Actor, deployment_id: int
) -> Deployment:
    deployment = await session.get(Deployment, deployment_id)
    if deployment is None:
        raise DeploymentNotFound(f"There is no deployment with id {deployment_id}.")
    return deployment


async def do_restore_deployment(
    session: AsyncSession, bus: EventBus, actor: Actor, deployment_id: int
) -> RestoreResult:
    """Stage the global state as of a deployment: later changes go back to what they were then
    (or to the default); values that no longer validate, and locked settings, are skipped."""
    deployment = await check_restore_deployment(session, actor, deployment_id)
    target: dict[str, Entry] = deployment.snapshot
    deployed = await deployed_entries(session)
    staged = await staged_entries(session)
    locks = await live_locks(session)
    result = RestoreResult()
    for name in sorted(set(target) | set(deployed) | set(staged)):
        setting = declared().get(name)
        if setting is None:
            if name in target:
                result.skipped.append({"name": name, "reason": "the setting no longer exists"})
            continue
        desired = dict(target.get(name, {}))
        current = staged[name].entry if name in staged else deployed.get(name, {})
        if normalised(setting, desired) == normalised(setting, current):
            continue
        if "value" in desired:
            try:
                await checked_value(session, setting, desired["value"])
            except ValidationFailed as error:
                result.skipped.append({"name": name, "reason": f"old value {error.message}"})
                continue
        holder = locks.get(name)
        if holder is not None and holder[0] != _agent_id(actor):
            result.skipped.append({"name": name, "reason": f"being edited by {holder[1]}"})
            continue
        if await _stage(session, actor, setting, desired):
            result.staged.append(name)
    queue_event(session, bus, SettingsStaged(names=tuple(result.staged)))
    return result


async def check_restore_setting_version(
    session: AsyncSession, actor: Actor, name: str, history_id: int
) -> tuple[Setting, Entry]:
    setting = get_declaration(name)
    row = await session.get(SettingHistory, history_id)
    if row is None or row.name != name:
        raise HistoryEntryNotFound(f"{name} has no history entry {history_id}.")
    if "value" in row.entry:
        await checked_value(session, setting, row.entry["value"])
    await check_lock_free(session, actor, name)
    return setting, dict(row.entry)


async def do_restore_setting_version(
    session: AsyncSession, bus: EventBus, actor: Actor, name: str, history_id: int
) -> None:
    """Stage the value a setting had after an earlier deployment."""
    setting, entry = await check_restore_setting_version(session, actor, name, history_id)
    await _stage(session, actor, setting, entry)
    queue_event(session, bus, SettingsStaged(names=(name,)))


# --- YAML import ---------------------------------------------------------------------------------


async def check_import(
    session: AsyncSession, actor: Actor, text: str, credentials: CredentialBox | None = None
) -> dict[str, Entry]:
    """Parse and validate every entry; one bad entry refuses the whole file. Returns what the
    file sets per setting (``value`` and/or ``users``); an empty file sets nothing."""
    data = load_config(text)
    problems: list[dict[str, str]] = []
    checked: dict[str, Entry] = {}
    locks = await live_locks(session)
    for name, value in data.values.items():
        setting = declared().get(name)
        if setting is None:
            problems.append({"field": name, "message": "there is no such setting"})
            continue
        try:
            value = await checked_value(session, setting, value)
            checked.setdefault(name, {})["value"] = sealed_if_secret(setting, value, credentials)
        except ValidationFailed as error:
            problems.append({"field": name, "message": error.message})
    for name, allowed in data.user_modification.items():
        setting = declared().get(name)
        where = f"{USER_MODIFICATION_KEY}: {name}"
        if setting is None:
            problems.append({"field": where, "message": "there is no such setting"})
        elif not setting.user_modifiable:
            problems.append({"field": where, "message": "cannot be changed per user"})
        elif not isinstance(allowed, bool):
            problems.append({"field": where, "message": "must be true or false"})
        else:
            checked.setdefault(name, {})["users"] = allowed
    for name in checked:
        holder = locks.get(name)
        if holder is not None and holder[0] != _agent_id(actor):
            problems.append({"field": name, "message": f"being edited by {holder[1]}"})
    if problems:
        refused = ValidationFailed(
            "file", f"{len(problems)} entries are invalid; nothing was imported"
        )
        refused.details = problems
        raise refused
    return checked


async def do_import(
    session: AsyncSession,
    bus: EventBus,
    actor: Actor,
    text: str,
    *,
    credentials: CredentialBox | None = None,
) -> list[str]:
    """Stage every value (and allow/forbid decision) of an exported YAML file. Returns the names
    now staged: none when the file changes nothing. Secrets in the file need ``credentials``."""
    changes = await check_import(session, actor, text, credentials)
    staged = []
    for name, change in changes.items():
        entry = await _current_entry(session, name)
        entry.update(change)
        if await _stage(session, actor, get_declaration(name), entry):
            staged.append(name)
    if staged:
        queue_event(session, bus, SettingsStaged(names=tuple(staged)))
    return staged


# --- agents' own values --------------------------------------------------------------------------


async def deployed_global_value(session: AsyncSession, setting: Setting) -> Any:
    """The global value in force, read from the database (the cache may lag a deployment)."""
    return entry_value(setting, (await deployed_entries(session)).get(setting.name, {}))


async def user_modification_active(session: AsyncSession, setting: Setting) -> bool:
    """Agents may have their own value: declared so, and not forbidden by a deployment."""
    flag = await session.get(UserModification, setting.name)
    return setting.user_modifiable and (flag is None or flag.active)


async def check_set_user_value(session: AsyncSession, actor: Actor, name: str, value: Any) -> Any:
    setting = get_declaration(name)
    if not actor.is_agent or not await user_modification_active(session, setting):
        raise NotUserModifiable(f"{name} cannot be changed per user.")
    return None if value is None else await checked_value(session, setting, value)


async def do_set_user_value(
    session: AsyncSession, bus: EventBus, actor: Actor, name: str, value: Any
) -> bool:
    """The caller's own value, effective at once. None, or the global value, removes the
    override. True when the agent now has an own value."""
    checked = await check_set_user_value(session, actor, name, value)
    setting = get_declaration(name)
    global_value = await deployed_global_value(session, setting)
    own = checked is not None and checked != global_value
    column = user_value_columns().get(name)
    if column is not None:
        await column.save(session, actor.id, checked if own else None)
    else:
        await session.execute(
            delete(SettingValue).where(SettingValue.name == name, SettingValue.agent_id == actor.id)
        )
        if own:
            session.add(
                SettingValue(
                    name=name,
                    agent_id=actor.id,
                    value=checked,
                    changed_at=utcnow(),
                    changed_by=actor.id,
                )
            )
    await session.flush()
    await _announce(session, bus, (name,))
    return own


async def do_delete_user_values(
    session: AsyncSession, bus: EventBus, actor: Actor, name: str, agent_id: int | None = None
) -> int:
    """Remove agents' own values of a setting (one agent, or all: "reset locally").
    Takes effect at once. Returns how many agents had one."""
    get_declaration(name)
    column = user_value_columns().get(name)
    if column is not None:
        owners = [owner for owner in await column.load(session) if agent_id in (None, owner)]
        for owner in owners:
            await column.save(session, owner, None)
        removed = len(owners)
    else:
        query = delete(SettingValue).where(
            SettingValue.name == name, SettingValue.agent_id.is_not(None)
        )
        if agent_id is not None:
            query = query.where(SettingValue.agent_id == agent_id)
        removed = int(getattr(await session.execute(query), "rowcount", 0) or 0)
    if removed:
        await session.flush()
        await _announce(session, bus, (name,))
    return removed


@dataclass
class ResetResult:
    staged: bool
    removed_user_values: int


async def check_reset_setting(
    session: AsyncSession, actor: Actor, name: str, *, globally: bool, locally: bool
) -> Setting:
    setting = get_declaration(name)
    if not globally and not locally:
        raise ValidationFailed("options", "choose to reset globally, locally or both")
    if locally and not setting.user_modifiable:
        raise ValidationFailed("options", f"{name} has no user values to reset")
    if globally:
        await check_lock_free(session, actor, name)
    return setting


async def do_reset_setting(
    session: AsyncSession, bus: EventBus, actor: Actor, name: str, *, globally: bool, locally: bool
) -> ResetResult:
    """Reset globally (stage the default; needs deployment) and/or locally (remove every
    agent's own value; immediate)."""
    await check_reset_setting(session, actor, name, globally=globally, locally=locally)
    staged = False
    if globally:
        await do_stage_reset(session, bus, actor, name)
        staged = (await session.get(StagedChange, name)) is not None
    removed = await do_delete_user_values(session, bus, actor, name) if locally else 0
    return ResetResult(staged=staged, removed_user_values=removed)


async def do_note_user_values_changed(session: AsyncSession) -> None:
    """A feature changed agents' own values kept in its columns and announces that with its own
    event: bump the generation only, so processes without a shared bus notice by polling."""
    await session.execute(
        update(ConfigGeneration)
        .where(ConfigGeneration.id == 1)
        .values(generation=ConfigGeneration.generation + 1, changed_at=utcnow())
    )


async def _announce(session: AsyncSession, bus: EventBus, names: tuple[str, ...]) -> int:
    """Bump the generation counter and queue the event every process reloads on."""
    await session.execute(
        update(ConfigGeneration)
        .where(ConfigGeneration.id == 1)
        .values(generation=ConfigGeneration.generation + 1, changed_at=utcnow())
    )
    generation = int(
        await session.scalar(select(ConfigGeneration.generation).where(ConfigGeneration.id == 1))
        or 0
    )
    queue_event(session, bus, SettingsChanged(generation=generation, names=names))
    return generation
