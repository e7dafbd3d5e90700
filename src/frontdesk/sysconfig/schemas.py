"""Shapes the settings registry answers with (API and pages share them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Output(BaseModel):
    model_config = ConfigDict(frozen=True)


class SettingOut(Output):
    name: str
    type: str
    description: str
    navigation: str
    default: Any
    value: Any = Field(description="The deployed global value (the default when unmodified)")
    modified: bool = Field(description="The deployed global value differs from the default")
    staged: bool = Field(description="A change waits for deployment")
    staged_value: Any = None
    user_modifiable: bool
    user_modification_active: bool
    staged_user_modification_active: bool | None = None
    user_value_count: int
    locked_by: str | None
    lock_expires_at: str | None
    options: list[str]
    minimum: int | None
    maximum: int | None
    pattern: str | None


class NavigationNode(Output):
    path: str
    label: str
    depth: int
    count: int


class StagedOut(Output):
    name: str
    old_value: Any
    new_value: Any
    old_is_default: bool
    new_is_default: bool
    old_user_modification_active: bool
    new_user_modification_active: bool
    staged_by: str | None
    staged_at: str | None


class DeploymentOut(Output):
    id: int
    comment: str
    created_by: str | None
    created_at: str | None
    setting_count: int


# What a deployed change did to one setting: a new value, back to the default value, or only
# the allow/forbid decision on agents' own values.
ChangeKind = Literal["modified", "reset_to_default", "user_modification"]


class DeploymentChange(Output):
    name: str
    change: ChangeKind
    previous_value: Any
    deployed_value: Any
    previous_is_default: bool
    deployed_is_default: bool
    previous_user_modification_active: bool
    deployed_user_modification_active: bool


class DeploymentDetails(DeploymentOut):
    changes: list[DeploymentChange]


class HistoryOut(Output):
    id: int
    deployment_id: int
    comment: str
    value: Any
    change: ChangeKind
    reset_to_default: bool = Field(description="The value went back to the default")
    user_modification_active: bool
    user_modification_changed: bool = Field(
        description="Agents' own values were allowed or forbidden by this change"
    )
    changed_by: str | None
    changed_at: str | None


class UserValueOut(Output):
    agent_id: int
    login: str
    value: Any


class OwnSettingOut(Output):
    name: str
    type: str
    description: str
    navigation: str
    options: list[str]
    minimum: int | None
    maximum: int | None
    value: Any = Field(description="What applies to the caller now")
    global_value: Any
    own: bool = Field(description="The caller has an own value that differs from the global")


class RestoreOut(Output):
    staged: list[str]
    skipped: list[dict[str, str]]


class ResetOut(Output):
    staged: bool
    removed_user_values: int
