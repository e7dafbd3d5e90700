"""HTML pages of the system configuration: the admin screens under /admin/sysconfig and the
agent's own settings under /agent/preferences/settings.

Routes parse the form, make one domain call and render; the domain validates and refuses. A
refusal is shown inline at the setting (with the error's status code) and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from frontdesk.core.actor import Actor
from frontdesk.core.credentials import credential_box
from frontdesk.core.errors import DomainError, PermissionDenied, ValidationFailed
from frontdesk.core.pagination import PageRequest
from frontdesk.db.unit_of_work import rollback
from frontdesk.domain.accounts import access as account_access
from frontdesk.sysconfig import actions, queries
from frontdesk.sysconfig.registry import Setting, get_declaration
from frontdesk.web.dependencies import AgentPage, TxDep
from frontdesk.web.templating import render, translations_for

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Name = Annotated[str, Path(max_length=250)]
BASE = "/admin/sysconfig"


class SysconfigAdmin:
    """An agent on a system configuration page, and why they may not be there (if so)."""

    def __init__(self, actor: Actor, csrf_token: str, refusal: PermissionDenied | None) -> None:
        self.actor = actor
        self.csrf_token = csrf_token
        self.refusal = refusal


async def sysconfig_admin(caller: AgentPage, tx: TxDep) -> SysconfigAdmin:
    try:
        await account_access.check_admin(tx.session, caller.actor)
    except PermissionDenied as exc:
        return SysconfigAdmin(caller.actor, caller.token.csrf_token or "", exc)
    return SysconfigAdmin(caller.actor, caller.token.csrf_token or "", None)


AdminVisitor = Annotated[SysconfigAdmin, Depends(sysconfig_admin)]


# --- form values and how values read -------------------------------------------------------------

_WHOLE_NUMBER = re.compile(r"^-?\d{1,18}$")


def form_value(setting: Setting, form: FormData) -> Any:
    """The typed value a setting widget posted; the setting's validator judges it."""
    kind = setting.type
    if kind == "multiselect":
        return [v for v in form.getlist("value") if isinstance(v, str)]
    raw = form.get("value")
    text = raw if isinstance(raw, str) else ""
    if kind == "bool":
        return {"true": True, "false": False}.get(text, text)
    if kind in ("integer", "duration"):
        return int(text.strip()) if _WHOLE_NUMBER.match(text.strip()) else text
    if kind == "list":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if kind == "map":
        pairs: dict[str, str] = {}
        for line in text.splitlines():
            if not line.strip():
                continue
            key, separator, value = line.partition("=")
            if not separator or not key.strip():
                raise ValidationFailed("value", "each line must read key = value")
            pairs[key.strip()] = value.strip()
        return pairs
    return text.replace("\r\n", "\n")


def shown(value: Any) -> str:
    """A value as one line of text for tables and summaries."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k} = {v}" for k, v in value.items())
    return "" if value is None else str(value)


def edit_text(value: Any) -> str:
    """A value as the text a textarea widget holds."""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{k} = {v}" for k, v in value.items())
    return "" if value is None else str(value)


def posted_or(setting_type: str, posted: list[str] | None, current: Any) -> Any:
    """What a widget shows: after a refused save, what was posted (nothing typed is lost)."""
    if posted is None:
        return current
    if setting_type == "multiselect":
        return posted
    text = posted[0] if posted else ""
    if setting_type == "bool":
        return {"true": True, "false": False}.get(text, text)
    return text


def _gettext(actor: Actor) -> Callable[[str], str]:
    return translations_for(actor.language).gettext


def _flash(actor: Actor, done: str | None) -> str | None:
    _ = _gettext(actor)
    messages = {
        "locked": _("You are editing the setting; others see it as locked until you save."),
        "staged": _("Change staged. Deploy to make it effective."),
        "cancelled": _("Edit cancelled."),
        "discarded": _("Staged change discarded."),
        "reset": _("Reset done."),
        "deployed": _("Deployed: the changes are in force on every process."),
        "imported": _("Imported values are staged. Review and deploy them."),
        "import_unchanged": _("The file changes no setting: nothing was staged."),
        "deleted": _("User values deleted."),
        "saved": _("Your setting is saved and in force."),
    }
    return messages.get(done) if done else None


def _render(
    request: Request,
    visitor: SysconfigAdmin,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    nav: str = "admin",
) -> HTMLResponse:
    values: dict[str, Any] = {
        "nav": nav,
        "is_admin": visitor.refusal is None,
        "flash": _flash(visitor.actor, request.query_params.get("done")),
        "shown": shown,
        "edit_text": edit_text,
        "posted_or": posted_or,
        "base": BASE,
        **context,
    }
    return render(
        request,
        template,
        values,
        actor=visitor.actor,
        csrf_token=visitor.csrf_token,
        status_code=status_code,
    )


def _refused(request: Request, visitor: SysconfigAdmin) -> Response | None:
    if visitor.refusal is None:
        return None
    return _render(
        request,
        visitor,
        "agent/error.html",
        {"error": visitor.refusal.message},
        status_code=visitor.refusal.status,
        nav="",
    )


def _back(form: FormData, **extra: str) -> str:
    """The settings list address the form came from (search and group kept)."""
    params = {
        key: value
        for key in ("search", "navigation")
        if isinstance(value := form.get(key), str) and value
    }
    params.update({k: v for k, v in extra.items() if v})
    return f"{BASE}?{urlencode(params)}" if params else BASE


def _setting_path(name: str) -> str:
    return f"{BASE}/settings/{quote(name, safe='')}"


# --- the settings tree, search and edit ----------------------------------------------------------


async def _settings_page(
    request: Request,
    visitor: SysconfigAdmin,
    tx: TxDep,
    *,
    search: str,
    navigation: str,
    edit: str = "",
    error: DomainError | None = None,
    error_at: str = "",
    posted: Any = None,
) -> HTMLResponse:
    settings = await queries.list_settings(
        tx.session, search=search or None, navigation=navigation or None
    )
    staged = await queries.list_staged(tx.session)
    context = {
        "settings": settings,
        "tree": queries.navigation_tree(),
        "search": search,
        "navigation": navigation,
        "edit": edit,
        "error": error.message if error else None,
        "error_at": error_at,
        "posted": posted,
        "staged_count": len(staged),
        "me": visitor.actor.login,
        "group_names": await queries.group_choices(tx.session),
    }
    status = error.status if error else 200
    return _render(request, visitor, "sysconfig/settings.html", context, status_code=status)


@router.get(BASE, response_class=HTMLResponse)
async def settings_list(request: Request, visitor: AdminVisitor, tx: TxDep) -> Response:
    if (refused := _refused(request, visitor)) is not None:
        return refused
    params = request.query_params
    return await _settings_page(
        request,
        visitor,
        tx,
        search=params.get("search", "")[:200],
        navigation=params.get("navigation", "")[:200],
        edit=params.get("edit", ""),
    )


async def _setting_post(
    request: Request,
    visitor: SysconfigAdmin,
    tx: TxDep,
    name: str,
    change: Callable[[FormData], Any],
    *,
    done: str,
    keep_editing_on_error: bool = False,
) -> Response:
    """Run one change for a setting form; refusals re-render the list with the message there."""
    if (refused := _refused(request, visitor)) is not None:
        return refused
    form = await request.form()
    try:
        await change(form)
    except DomainError as exc:
        await rollback(tx.session)
        return await _settings_page(
            request,
            visitor,
            tx,
            search=str(form.get("search") or ""),
            navigation=str(form.get("navigation") or ""),
            edit=name if keep_editing_on_error else "",
            error=exc,
            error_at=name,
            posted=(
                [v for v in form.getlist("value") if isinstance(v, str)]
                if keep_editing_on_error
                else None
            ),
        )
    target = _back(form, done=done, edit=name if done == "locked" else "")
    return RedirectResponse(target + "#setting-" + quote(name, safe=""), status_code=303)


@router.post(BASE + "/settings/{name}/edit")
async def start_edit(name: Name, request: Request, visitor: AdminVisitor, tx: TxDep) -> Response:
    async def change(form: FormData) -> None:
        await actions.do_lock_setting(tx.session, tx.runtime.bus, visitor.actor, name)

    return await _setting_post(request, visitor, tx, name, change, done="locked")


@router.post(BASE + "/settings/{name}/cancel")
async def cancel_edit(name: Name, request: Request, visitor: AdminVisitor, tx: TxDep) -> Response:
    async def change(form: FormData) -> None:
        await actions.do_unlock_setting(tx.session, tx.runtime.bus, visitor.actor, name)

    return await _setting_post(request, visitor, tx, name, change, done="cancelled")


@router.post(BASE + "/settings/{name}")
async def save_setting(name: Name, request: Request, visitor: AdminVisitor, tx: TxDep) -> Response:
    async def change(form: FormData) -> None:
        setting = get_declaration(name)
        value = form_value(setting, form)
        if setting.is_secret and value == "":
            return  # the field starts empty: left empty, the secret in force stays
        await actions.do_stage_value(
            tx.session,
            tx.runtime.bus,
            visitor.actor,
            name,
            value,
            credentials=credential_box(tx.runtime.settings),
        )

    return await _setting_post(
        request, visitor, tx, name, change, done="staged", keep_editing_on_error=True
    )


@router.post(BASE + "/settings/{name}/reset")
async def reset_setting(name: Name, request: Request, visitor: AdminVisitor, tx: TxDep) -> Response:
    async def change(form: FormData) -> None:
        setting = get_declaration(name)
        # Plain settings offer only the global reset; user-modifiable ones choose.
        globally = form.get("globally") == "1" or not setting.user_modifiable
        locally = form.get("locally") == "1"
        await actions.do_reset_setting(
            tx.session, tx.runtime.bus, visitor.actor, name, globally=globally, locally=locally
        )

    return await _setting_post(request, visitor, tx, name, change, done="reset")


@router.post(BASE + "/settings/{name}/discard")
async def discard(name: Name, request: Request, visitor: AdminVisitor, tx: TxDep) -> Response:
    async def change(form: FormData) -> None:
        await actions.do_discard_staged(tx.session, tx.runtime.bus, visitor.actor, name)

    return await _setting_post(request, visitor, tx, name, change, done="discarded")


@router.post(BASE + "/settings/{name}/user-modification")
async def allow_users(name: Name, request: Request, visitor: AdminVisitor, tx: TxDep) -> Response:
    async def change(form: FormData) -> None:
        allowed = form.get("allowed") == "1"
        await actions.do_stage_user_modification(
            tx.session, tx.runtime.bus, visitor.actor, name, allowed
        )

    return await _setting_post(request, visitor, tx, name, change, done="staged")


# --- deployment ----------------------------------------------------------------------------------


async def _deploy_page(
    request: Request,
    visitor: SysconfigAdmin,
    tx: TxDep,
    *,
    error: DomainError | None = None,
    restore: actions.RestoreResult | None = None,
    restored_from: int | None = None,
) -> HTMLResponse:
    context = {
        "staged": await queries.list_staged(tx.session),
        "error": error.message if error else None,
        "restore": restore,
        "restored_from": restored_from,
    }
    status = error.status if error else 200
    return _render(request, visitor, "sysconfig/deploy.html", context, status_code=status)


@router.get(BASE + "/deploy", response_class=HTMLResponse)
async def deploy_review(request: Request, visitor: AdminVisitor, tx: TxDep) -> Response:
    if (refused := _refused(request, visitor)) is not None:
        return refused
    return await _deploy_page(request, visitor, tx)


@router.post(BASE + "/deploy")
async def deploy(request: Request, visitor: AdminVisitor, tx: TxDep) -> Response:
    if (refused := _refused(request, visitor)) is not None:
        return refused
    form = await request.form()
    comment = form.get("comment")
    try:
        deployment = await actions.do_deploy(
            tx.session, tx.runtime.bus, visitor.actor, comment if isinstance(comment, str) else ""
        )
    except DomainError as exc:
        await rollback(tx.session)
        return await _deploy_page(request, visitor, tx, error=exc)
    return RedirectResponse(f"{BASE}/deployments/{deployment.id}?done=deployed", status_code=303)


@router.get(BASE + "/deployments", response_class=HTMLResponse)
async def deployments(request: Request, visitor: AdminVisitor, tx: TxDep) -> Response:
    if (refused := _refused(request, visitor)) is not None:
        return refused
    return await _deployments_page(request, visitor, tx)


async def _deployments_page(
    request: Request,
    visitor: SysconfigAdmin,
    tx: TxDep,
    *,
    error: DomainError | None = None,
) -> HTMLResponse:
    search = request.query_params.get("search", "")[:200]
    offset_text = request.query_params.get("offset", "0")
    offset = int(offset_text) if offset_text.isdigit() and len(offset_text) < 9 else 0
    page = await queries.list_deployments(
        tx.session, PageRequest.build(25, offset), search=search or None
    )
    context = {
        "page": page,
        "search": search,
        "latest": await queries.latest_deployment_id(tx.session),
        "error": error.message if error else None,
        "error_details": error.details if error and isinstance(error.details, list) else [],
    }
    status = error.status if error else 200
    return _render(request, visitor, "sysconfig/deployments.html", context, status_code=status)


@router.get(BASE + "/deployments/{deployment_id}", response_class=HTMLResponse)
async def deployment(
    deployment_id: Id, request: Request, visitor: AdminVisitor, tx: TxDep
) -> Response:
    if (refused := _refused(request, visitor)) is not None:
        return refused
    try:
        details = await queries.deployment_details(tx.session, visitor.actor, deployment_id)
    except DomainError as exc:
        return _render(
            request, visitor, "agent/error.html", {"error": exc.message}, status_code=exc.status
        )
    return _render(request, visitor, "sysconfig/deployment.html", {"deployment": details})


@router.post(BASE + "/deployments/{deployment_id}/restore")
async def restore(
    deployment_id: Id, request: Request, visitor: AdminVisitor, tx: TxDep
) -> Response:
    if (refused := _refused(request, visitor)) is not None:
        return refused
    try:
        result = await actions.do_restore_deployment(
            tx.session, tx.runtime.bus, visitor.actor, deployment_id
        )
    except DomainError as exc:
        await rollback(tx.session)
        return _render(
            request, visitor, "agent/error.html", {"error": exc.message}, status_code=exc.status
        )
    return await _deploy_page(request, visitor, tx, restore=result, restored_from=deployment_id)


@router.get(BASE + "/deployments/{deployment_id}/export")
async def export(deployment_id: Id, request: Request, visitor: AdminVisitor, tx: TxDep) -> Response:
    if (refused := _refused(request, visitor)) is not None:
        return refused
    try:
        text = await queries.export_deployment(tx.session, visitor.actor, deployment_id)
    except DomainError as exc:
        return _render(
            request, visitor, "agent/error.html", {"error": exc.message}, status_code=exc.status
        )
    return Response(
        text,
        media_type="application/yaml",
        headers={
            "Content-Disposition": f'attachment; filename="Export_Deployment_{deployment_id}.yml"'
        },
    )


@router.post(BASE + "/import")
async def import_file(request: Request, visitor: AdminVisitor, tx: TxDep) -> Response:
    if (refused := _refused(request, visitor)) is not None:
        return refused
    form = await request.form()
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile):
            raise ValidationFailed("file", "choose a YAML file to import")
        try:
            raw = await upload.read(1_000_001)
        finally:
            await upload.close()
        if len(raw) > 1_000_000:
            raise ValidationFailed("file", "must be at most 1 MB")
        text = raw.decode("utf-8", errors="replace")
        staged = await actions.do_import(
            tx.session,
            tx.runtime.bus,
            visitor.actor,
            text,
            credentials=credential_box(tx.runtime.settings),
        )
    except DomainError as exc:
        await rollback(tx.session)
        return await _deployments_page(request, visitor, tx, error=exc)
    if not staged:
        return RedirectResponse(f"{BASE}/deployments?done=import_unchanged", status_code=303)
    return RedirectResponse(f"{BASE}/deploy?done=imported", status_code=303)


# --- one setting's history and user values -------------------------------------------------------


@router.get(BASE + "/settings/{name}/history", response_class=HTMLResponse)
async def history(name: Name, request: Request, visitor: AdminVisitor, tx: TxDep) -> Response:
    if (refused := _refused(request, visitor)) is not None:
        return refused
    try:
        setting = await queries.get_setting(tx.session, name)
        entries = await queries.setting_history(tx.session, name)
    except DomainError as exc:
        return _render(
            request, visitor, "agent/error.html", {"error": exc.message}, status_code=exc.status
        )
    context = {"setting": setting, "entries": entries, "path": _setting_path(name)}
    return _render(request, visitor, "sysconfig/history.html", context)


@router.post(BASE + "/settings/{name}/history/{history_id}/restore")
async def restore_version(
    name: Name, history_id: Id, request: Request, visitor: AdminVisitor, tx: TxDep
) -> Response:
    if (refused := _refused(request, visitor)) is not None:
        return refused
    try:
        await actions.do_restore_setting_version(
            tx.session, tx.runtime.bus, visitor.actor, name, history_id
        )
    except DomainError as exc:
        await rollback(tx.session)
        return _render(
            request, visitor, "agent/error.html", {"error": exc.message}, status_code=exc.status
        )
    return RedirectResponse(f"{BASE}/deploy?done=staged", status_code=303)


@router.get(BASE + "/user-values/{name}", response_class=HTMLResponse)
async def user_values(name: Name, request: Request, visitor: AdminVisitor, tx: TxDep) -> Response:
    if (refused := _refused(request, visitor)) is not None:
        return refused
    try:
        setting = await queries.get_setting(tx.session, name)
        values = await queries.user_values(tx.session, name)
    except DomainError as exc:
        return _render(
            request, visitor, "agent/error.html", {"error": exc.message}, status_code=exc.status
        )
    context = {"setting": setting, "values": values, "path": f"{BASE}/user-values/{quote(name)}"}
    return _render(request, visitor, "sysconfig/user_values.html", context)


@router.post(BASE + "/user-values/{name}/delete")
async def delete_user_values(
    name: Name, request: Request, visitor: AdminVisitor, tx: TxDep
) -> Response:
    if (refused := _refused(request, visitor)) is not None:
        return refused
    form = await request.form()
    agent = form.get("agent_id")
    agent_id = (
        int(agent) if isinstance(agent, str) and agent.isdigit() and len(agent) < 10 else None
    )
    try:
        await actions.do_delete_user_values(
            tx.session, tx.runtime.bus, visitor.actor, name, agent_id
        )
    except DomainError as exc:
        await rollback(tx.session)
        return _render(
            request, visitor, "agent/error.html", {"error": exc.message}, status_code=exc.status
        )
    return RedirectResponse(
        f"{BASE}/user-values/{quote(name, safe='')}?done=deleted", status_code=303
    )


# --- the agent's own settings --------------------------------------------------------------------


async def _own_page(
    request: Request,
    actor: Actor,
    csrf_token: str,
    tx: TxDep,
    *,
    error: DomainError | None = None,
    error_at: str = "",
    posted: list[str] | None = None,
) -> HTMLResponse:
    items = await queries.own_settings(tx.session, actor)
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(item.navigation, []).append(item)
    # The layout shows the admin link only to administrators.
    is_admin = await account_access.is_admin(tx.session, actor)
    visitor = SysconfigAdmin(actor, csrf_token, None if is_admin else PermissionDenied(""))
    context = {
        "groups": groups,
        "error": error.message if error else None,
        "error_at": error_at,
        "posted": posted,
        "group_names": await queries.group_choices(tx.session),
    }
    return _render(
        request,
        visitor,
        "sysconfig/preferences.html",
        context,
        status_code=error.status if error else 200,
        nav="preferences",
    )


@router.get("/agent/preferences/settings", response_class=HTMLResponse)
async def own_settings(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    return await _own_page(request, caller.actor, caller.token.csrf_token or "", tx)


@router.post("/agent/preferences/settings/{name}")
async def save_own(name: Name, request: Request, caller: AgentPage, tx: TxDep) -> Response:
    # Plain values: the token object expires with a rollback.
    actor, csrf_token = caller.actor, caller.token.csrf_token or ""
    form = await request.form()
    try:
        value = None if form.get("reset") == "1" else form_value(get_declaration(name), form)
        await actions.do_set_user_value(tx.session, tx.runtime.bus, actor, name, value)
    except DomainError as exc:
        await rollback(tx.session)
        posted = [v for v in form.getlist("value") if isinstance(v, str)]
        return await _own_page(
            request, actor, csrf_token, tx, error=exc, error_at=name, posted=posted
        )
    return RedirectResponse("/agent/preferences/settings?done=saved", status_code=303)
