"""REST routes of the system configuration.

Admin changes are staged; ``POST /settings/deployments`` makes them effective everywhere. Names
in paths are URL-encoded (``ChatEngine%3A%3AActive``). Administration needs ``rw`` in ``admin``.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Body, Path, Query, Response
from pydantic import BaseModel, Field

from frontdesk.core.credentials import credential_box
from frontdesk.core.pagination import PageRequest
from frontdesk.sysconfig import actions, queries
from frontdesk.sysconfig.schemas import (
    DeploymentDetails,
    DeploymentOut,
    HistoryOut,
    NavigationNode,
    OwnSettingOut,
    ResetOut,
    RestoreOut,
    SettingOut,
    StagedOut,
    UserValueOut,
)
from frontdesk.web.dependencies import ApiAdmin, ApiAgent, TxDep

router = APIRouter(tags=["settings"])

T = TypeVar("T")

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Name = Annotated[str, Path(max_length=250)]
Text = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]
YAML_TYPE = "application/yaml"


class ItemList(BaseModel, Generic[T]):
    items: list[T]
    total: int


class ValueInput(BaseModel):
    value: Any = Field(description="The new value, checked against the setting's type")


class DeployInput(BaseModel):
    comment: str = Field(default="", max_length=250)


class AllowInput(BaseModel):
    allowed: bool


class ResetInput(BaseModel):
    globally: bool = True
    locally: bool = False


class ImportOut(BaseModel):
    staged: list[str]


# --- fixed paths first: they would otherwise be read as setting names ---------------------------


@router.get("/settings", response_model=ItemList[SettingOut])
async def list_settings(
    _: ApiAdmin, tx: TxDep, search: Text = None, navigation: Text = None
) -> ItemList[SettingOut]:
    """Every declared setting matching the search (name or description) and navigation group."""
    items = await queries.list_settings(tx.session, search=search, navigation=navigation)
    return ItemList[SettingOut](items=items, total=len(items))


@router.get("/settings/navigation", response_model=list[NavigationNode])
async def navigation(_: ApiAdmin) -> list[NavigationNode]:
    return queries.navigation_tree()


@router.get("/settings/staged", response_model=ItemList[StagedOut])
async def staged_changes(_: ApiAdmin, tx: TxDep) -> ItemList[StagedOut]:
    """Every change waiting for deployment, old → new."""
    items = await queries.list_staged(tx.session)
    return ItemList[StagedOut](items=items, total=len(items))


@router.post("/settings/deployments", status_code=201, response_model=DeploymentDetails)
async def deploy(data: DeployInput, actor: ApiAdmin, tx: TxDep) -> DeploymentDetails:
    """Deploy every staged change (409 ``nothing_to_deploy`` when there is none)."""
    deployment = await actions.do_deploy(tx.session, tx.runtime.bus, actor, data.comment)
    return await queries.deployment_details(tx.session, actor, deployment.id)


@router.get("/settings/deployments", response_model=ItemList[DeploymentOut])
async def list_deployments(
    _: ApiAdmin,
    tx: TxDep,
    search: Text = None,
    limit: Annotated[int | None, Query()] = None,
    offset: Annotated[int | None, Query()] = None,
) -> ItemList[DeploymentOut]:
    page = await queries.list_deployments(
        tx.session, PageRequest.build(limit, offset), search=search
    )
    return ItemList[DeploymentOut](items=page.items, total=page.total)


@router.get("/settings/deployments/{deployment_id}", response_model=DeploymentDetails)
async def deployment_details(deployment_id: Id, actor: ApiAdmin, tx: TxDep) -> DeploymentDetails:
    return await queries.deployment_details(tx.session, actor, deployment_id)


@router.post("/settings/deployments/{deployment_id}/restore", response_model=RestoreOut)
async def restore_deployment(deployment_id: Id, actor: ApiAdmin, tx: TxDep) -> RestoreOut:
    """Stage the configuration as of that deployment (deploy to make it effective)."""
    result = await actions.do_restore_deployment(tx.session, tx.runtime.bus, actor, deployment_id)
    return RestoreOut(staged=result.staged, skipped=result.skipped)


@router.get("/settings/deployments/{deployment_id}/export")
async def export_deployment(deployment_id: Id, actor: ApiAdmin, tx: TxDep) -> Response:
    text = await queries.export_deployment(tx.session, actor, deployment_id)
    return _yaml(text, f"Export_Deployment_{deployment_id}.yml")


@router.get("/settings/export")
async def export_current(_: ApiAdmin, tx: TxDep) -> Response:
    return _yaml(await queries.export_current(tx.session), "Export_Configuration.yml")


@router.post("/settings/import", response_model=ImportOut)
async def import_settings(
    actor: ApiAdmin,
    tx: TxDep,
    body: Annotated[str, Body(media_type=YAML_TYPE, max_length=1_000_000)] = "",
) -> ImportOut:
    """Stage the values (and allow/forbid decisions) of an exported YAML file; one invalid
    entry refuses the whole file. A file that changes nothing stages nothing (``staged: []``)."""
    staged = await actions.do_import(
        tx.session, tx.runtime.bus, actor, body, credentials=credential_box(tx.runtime.settings)
    )
    return ImportOut(staged=staged)


def _yaml(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type=YAML_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- one setting ---------------------------------------------------------------------------------


@router.get("/settings/{name}", response_model=SettingOut)
async def get_setting(name: Name, _: ApiAdmin, tx: TxDep) -> SettingOut:
    return await queries.get_setting(tx.session, name)


@router.put("/settings/{name}", response_model=SettingOut)
async def stage_value(name: Name, data: ValueInput, actor: ApiAdmin, tx: TxDep) -> SettingOut:
    """Stage a new global value (422 naming ``value`` when it does not fit the type)."""
    await actions.do_stage_value(
        tx.session,
        tx.runtime.bus,
        actor,
        name,
        data.value,
        credentials=credential_box(tx.runtime.settings),
    )
    return await queries.get_setting(tx.session, name)


@router.delete("/settings/{name}/staged", response_model=SettingOut)
async def discard_staged(name: Name, actor: ApiAdmin, tx: TxDep) -> SettingOut:
    await actions.do_discard_staged(tx.session, tx.runtime.bus, actor, name)
    return await queries.get_setting(tx.session, name)


@router.post("/settings/{name}/lock", response_model=SettingOut)
async def lock_setting(name: Name, actor: ApiAdmin, tx: TxDep) -> SettingOut:
    """Take the exclusive edit lock (409 ``setting_locked`` while another admin holds it)."""
    await actions.do_lock_setting(tx.session, tx.runtime.bus, actor, name)
    return await queries.get_setting(tx.session, name)


@router.delete("/settings/{name}/lock", response_model=SettingOut)
async def unlock_setting(name: Name, actor: ApiAdmin, tx: TxDep) -> SettingOut:
    await actions.do_unlock_setting(tx.session, tx.runtime.bus, actor, name)
    return await queries.get_setting(tx.session, name)


@router.post("/settings/{name}/reset", response_model=ResetOut)
async def reset_setting(name: Name, data: ResetInput, actor: ApiAdmin, tx: TxDep) -> ResetOut:
    """Reset globally (stage the default) and/or locally (remove every agent's own value now)."""
    result = await actions.do_reset_setting(
        tx.session, tx.runtime.bus, actor, name, globally=data.globally, locally=data.locally
    )
    return ResetOut(staged=result.staged, removed_user_values=result.removed_user_values)


@router.put("/settings/{name}/user-modification", response_model=SettingOut)
async def allow_user_values(name: Name, data: AllowInput, actor: ApiAdmin, tx: TxDep) -> SettingOut:
    """Stage allowing or forbidding agents' own values of a user-modifiable setting."""
    await actions.do_stage_user_modification(tx.session, tx.runtime.bus, actor, name, data.allowed)
    return await queries.get_setting(tx.session, name)


@router.get("/settings/{name}/history", response_model=ItemList[HistoryOut])
async def setting_history(name: Name, _: ApiAdmin, tx: TxDep) -> ItemList[HistoryOut]:
    """Every deployed change of the setting, newest first."""
    items = await queries.setting_history(tx.session, name)
    return ItemList[HistoryOut](items=items, total=len(items))


@router.post("/settings/{name}/history/{history_id}/restore", response_model=SettingOut)
async def restore_setting_version(
    name: Name, history_id: Id, actor: ApiAdmin, tx: TxDep
) -> SettingOut:
    """Stage the value of that history entry (deploy to make it effective)."""
    await actions.do_restore_setting_version(tx.session, tx.runtime.bus, actor, name, history_id)
    return await queries.get_setting(tx.session, name)


@router.get("/settings/{name}/user-values", response_model=ItemList[UserValueOut])
async def user_values(name: Name, _: ApiAdmin, tx: TxDep) -> ItemList[UserValueOut]:
    items = await queries.user_values(tx.session, name)
    return ItemList[UserValueOut](items=items, total=len(items))


@router.delete("/settings/{name}/user-values", response_model=ResetOut)
async def delete_all_user_values(name: Name, actor: ApiAdmin, tx: TxDep) -> ResetOut:
    removed = await actions.do_delete_user_values(tx.session, tx.runtime.bus, actor, name)
    return ResetOut(staged=False, removed_user_values=removed)


@router.delete("/settings/{name}/user-values/{agent_id}", response_model=ResetOut)
async def delete_user_value(name: Name, agent_id: Id, actor: ApiAdmin, tx: TxDep) -> ResetOut:
    removed = await actions.do_delete_user_values(tx.session, tx.runtime.bus, actor, name, agent_id)
    return ResetOut(staged=False, removed_user_values=removed)


# --- the caller's own values ---------------------------------------------------------------------


@router.get("/me/settings", response_model=ItemList[OwnSettingOut])
async def my_settings(actor: ApiAgent, tx: TxDep) -> ItemList[OwnSettingOut]:
    """The settings the caller may set for themselves, with what applies to them now."""
    items = await queries.own_settings(tx.session, actor)
    return ItemList[OwnSettingOut](items=items, total=len(items))


@router.put("/me/settings/{name}", response_model=OwnSettingOut)
async def set_my_value(name: Name, data: ValueInput, actor: ApiAgent, tx: TxDep) -> OwnSettingOut:
    """The caller's own value, effective at once; ``null`` or the global value removes it."""
    await actions.do_set_user_value(tx.session, tx.runtime.bus, actor, name, data.value)
    return await queries.own_setting(tx.session, actor, name)
