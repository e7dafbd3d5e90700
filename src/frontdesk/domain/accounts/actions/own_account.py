"""The caller's own account: preferences and password."""

from __future__ import annotations

from frontdesk.core.actor import Actor
from frontdesk.core.errors import PermissionDenied, ValidationFailed
from frontdesk.domain.accounts.actions.agents import LOCALE_SETTINGS
from frontdesk.domain.accounts.events import PasswordChanged, PreferencesChanged
from frontdesk.domain.accounts.models import Agent, CustomerUser
from frontdesk.domain.accounts.passwords import hash_password, verify_password
from frontdesk.domain.accounts.queries import user_out
from frontdesk.domain.accounts.schemas import PasswordChange, PreferencesInput, UserOut
from frontdesk.domain.accounts.settings import AGENT_THEME
from frontdesk.domain.runtime import Tx
from frontdesk.sysconfig.actions import (
    check_set_user_value,
    deployed_global_value,
    do_note_user_values_changed,
    do_set_user_value,
    user_modification_active,
)
from frontdesk.sysconfig.errors import NotUserModifiable


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
    for setting, name in LOCALE_SETTINGS:
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
