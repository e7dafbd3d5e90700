"""HTML pages of the admin interface (/admin): lists, add/edit forms and permission matrices.

Every screen is described once (``AdminScreen``: its form, its list columns, the domain calls it
makes) and served by the same few routes. The domain decides what is allowed and valid; a page
turns its refusal into an inline message with the error's status code, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from frontdesk.core.actor import Actor
from frontdesk.core.errors import DomainError, NotFound, PermissionDenied
from frontdesk.core.pagination import MAX_LIMIT, Page, PageRequest
from frontdesk.core.permissions import AGENT_PERMISSIONS, CUSTOMER_PERMISSIONS
from frontdesk.db.unit_of_work import rollback
from frontdesk.domain.accounts import access as account_access
from frontdesk.domain.accounts import actions as account_actions
from frontdesk.domain.accounts import queries as account_queries
from frontdesk.domain.accounts.schemas import (
    AgentCreate,
    AgentUpdate,
    CustomerCompanyCreate,
    CustomerCompanyUpdate,
    CustomerUserCreate,
    CustomerUserUpdate,
    GroupCreate,
    GroupUpdate,
    RoleCreate,
    RoleUpdate,
)
from frontdesk.domain.accounts.settings import ADMIN_LIST_PAGE_SIZE
from frontdesk.domain.chat import actions as chat_actions
from frontdesk.domain.chat import queries as chat_queries
from frontdesk.domain.chat.schemas import ChannelCreate, ChannelUpdate
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue import actions as catalogue_actions
from frontdesk.domain.ticket_catalogue import queries as catalogue_queries
from frontdesk.domain.ticket_catalogue.models import STATE_TYPES
from frontdesk.domain.ticket_catalogue.schemas import (
    MAX_ID,
    PriorityCreate,
    PriorityUpdate,
    QueueCreate,
    QueueUpdate,
    ServiceCreate,
    ServiceUpdate,
    SlaCreate,
    SlaUpdate,
    StateCreate,
    StateUpdate,
    TypeCreate,
    TypeUpdate,
)
from frontdesk.web.dependencies import AgentPage, TxDep
from frontdesk.web.pages.admin_forms import (
    Choice,
    FormField,
    admin_errors,
    form_payload,
    form_refill,
    ui_text,
)
from frontdesk.web.pages.forms import FormErrors, errors_from_validation
from frontdesk.web.templating import render, translations_for

router = APIRouter(include_in_schema=False)

Choices = dict[str, list[Choice]]
"""Options of the form's selects, by input name."""


# --- how a screen is described ----------------------------------------------------------------


@dataclass(frozen=True)
class ListColumn:
    label: str
    show: Callable[[Any, dict[str, dict[str, str]]], str]
    kind: Literal["text", "valid"] = "text"


async def _no_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    return {}


@dataclass(frozen=True)
class AdminScreen:
    slug: str
    title: str
    add_label: str
    fields: tuple[FormField, ...]
    columns: tuple[ListColumn, ...]
    list_page: Callable[..., Awaitable[Page[Any]]]
    get: Callable[[Any, Actor, int], Awaitable[BaseModel]]
    create_schema: type[BaseModel]
    create: Callable[[Tx, Actor, Any], Awaitable[object]]
    update_schema: type[BaseModel]
    update: Callable[[Tx, Actor, int, Any], Awaitable[object]]
    delete: Callable[[Tx, Actor, int], Awaitable[None]]
    choices: Callable[[Tx, Actor, int | None], Awaitable[Choices]] = _no_choices
    searchable: bool = False
    # Further pages of one object (permission matrices): (label, path under /admin/<slug>/<id>).
    row_links: tuple[tuple[str, str], ...] = ()
    # Chat queries need the runtime (settings) too: they take the Tx, not only the session.
    reads_tx: bool = False


def _attr(name: str) -> Callable[[Any, dict[str, dict[str, str]]], str]:
    def show(item: Any, lookups: dict[str, dict[str, str]]) -> str:
        value = getattr(item, name)
        return "" if value is None else str(value)

    return show


def _full_name(item: Any, lookups: dict[str, dict[str, str]]) -> str:
    return f"{item.first_name} {item.last_name}"


def _looked_up(name: str) -> Callable[[Any, dict[str, dict[str, str]]], str]:
    def show(item: Any, lookups: dict[str, dict[str, str]]) -> str:
        value = getattr(item, name)
        if value is None:
            return ""
        return lookups.get(name, {}).get(str(value), str(value))

    return show


def _sla_services(item: Any, lookups: dict[str, dict[str, str]]) -> str:
    names = lookups.get("service_ids", {})
    return ", ".join(names.get(str(i), str(i)) for i in item.service_ids)


VALID_COLUMN = ListColumn(ui_text("Validity"), _attr("valid"), kind="valid")
COMMENT_FIELD = FormField("comment", ui_text("Comment"), "textarea", "none", max_length=250)


# --- choices of the selects -------------------------------------------------------------------


ALL = PageRequest(limit=MAX_LIMIT, offset=0)


async def _group_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    groups = await account_queries.list_groups(tx.session, actor, ALL)
    return {"group_id": [(str(g.id), g.name) for g in groups.items]}


async def _company_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    companies = await account_queries.list_customer_companies(tx.session, actor, ALL)
    return {"customer_id": [(c.customer_id, c.name) for c in companies.items]}


async def _state_type_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    return {"state_type": [(t, t) for t in STATE_TYPES]}


async def _parent_service_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    services = await catalogue_queries.list_services(tx.session)
    return {
        "parent_id": [(str(s.id), s.full_name) for s in services if s.id != editing_id],
    }


async def _sla_service_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    services = await catalogue_queries.list_services(tx.session)
    return {"service_ids": [(str(s.id), s.full_name) for s in services]}


# --- the screens ------------------------------------------------------------------------------


NAME_FIELD = FormField("name", ui_text("Name"), required=True, max_length=200)

SCREENS: dict[str, AdminScreen] = {
    screen.slug: screen
    for screen in (
        AdminScreen(
            slug="agents",
            title=ui_text("Agents"),
            add_label=ui_text("Add agent"),
            fields=(
                FormField("login", ui_text("Login"), required=True, max_length=200),
                FormField("first_name", ui_text("First name"), required=True, max_length=100),
                FormField("last_name", ui_text("Last name"), required=True, max_length=100),
                FormField("email", ui_text("E-mail"), "email", required=True, max_length=250),
                FormField(
                    "password",
                    ui_text("Password"),
                    "password",
                    "omit",
                    hint=ui_text(
                        "At least 8 characters. Leave empty to keep the current password."
                    ),
                ),
            ),
            columns=(
                ListColumn(ui_text("Login"), _attr("login")),
                ListColumn(ui_text("Name"), _full_name),
                ListColumn(ui_text("E-mail"), _attr("email")),
                VALID_COLUMN,
            ),
            list_page=account_queries.list_agents,
            get=account_queries.get_agent,
            create_schema=AgentCreate,
            create=account_actions.do_create_agent,
            update_schema=AgentUpdate,
            update=account_actions.do_update_agent,
            delete=account_actions.do_delete_agent,
            searchable=True,
        ),
        AdminScreen(
            slug="groups",
            title=ui_text("Groups"),
            add_label=ui_text("Add group"),
            fields=(NAME_FIELD, COMMENT_FIELD),
            columns=(
                ListColumn(ui_text("Name"), _attr("name")),
                ListColumn(ui_text("Comment"), _attr("comment")),
                VALID_COLUMN,
            ),
            list_page=account_queries.list_groups,
            get=account_queries.get_group,
            create_schema=GroupCreate,
            create=account_actions.do_create_group,
            update_schema=GroupUpdate,
            update=account_actions.do_update_group,
            delete=account_actions.do_delete_group,
            searchable=True,
            row_links=(
                (ui_text("Agents"), "agents"),
                (ui_text("Roles"), "roles"),
                (ui_text("Customer users"), "customer-users"),
            ),
        ),
        AdminScreen(
            slug="roles",
            title=ui_text("Roles"),
            add_label=ui_text("Add role"),
            fields=(NAME_FIELD, COMMENT_FIELD),
            columns=(
                ListColumn(ui_text("Name"), _attr("name")),
                ListColumn(ui_text("Comment"), _attr("comment")),
                VALID_COLUMN,
            ),
            list_page=account_queries.list_roles,
            get=account_queries.get_role,
            create_schema=RoleCreate,
            create=account_actions.do_create_role,
            update_schema=RoleUpdate,
            update=account_actions.do_update_role,
            delete=account_actions.do_delete_role,
            searchable=True,
            row_links=((ui_text("Members"), "agents"),),
        ),
        AdminScreen(
            slug="customer-companies",
            title=ui_text("Customer companies"),
            add_label=ui_text("Add customer company"),
            fields=(
                FormField(
                    "customer_id",
                    ui_text("Customer ID"),
                    required=True,
                    create_only=True,
                    max_length=150,
                    hint=ui_text("The company's key on tickets; it cannot be changed later."),
                ),
                FormField("name", ui_text("Name"), required=True, max_length=200),
                FormField("street", ui_text("Street"), when_empty="none", max_length=200),
                FormField("city", ui_text("City"), when_empty="none", max_length=200),
                FormField("country", ui_text("Country"), when_empty="none", max_length=200),
                FormField("url", ui_text("Web site"), when_empty="none", max_length=250),
                COMMENT_FIELD,
            ),
            columns=(
                ListColumn(ui_text("Customer ID"), _attr("customer_id")),
                ListColumn(ui_text("Name"), _attr("name")),
                ListColumn(ui_text("City"), _attr("city")),
                VALID_COLUMN,
            ),
            list_page=account_queries.list_customer_companies,
            get=account_queries.get_customer_company,
            create_schema=CustomerCompanyCreate,
            create=account_actions.do_create_customer_company,
            update_schema=CustomerCompanyUpdate,
            update=account_actions.do_update_customer_company,
            delete=account_actions.do_delete_customer_company,
            searchable=True,
        ),
        AdminScreen(
            slug="customer-users",
            title=ui_text("Customer users"),
            add_label=ui_text("Add customer user"),
            fields=(
                FormField("login", ui_text("Login"), required=True, max_length=200),
                FormField("first_name", ui_text("First name"), required=True, max_length=100),
                FormField("last_name", ui_text("Last name"), required=True, max_length=100),
                FormField("email", ui_text("E-mail"), "email", required=True, max_length=250),
                FormField("customer_id", ui_text("Company"), "select", "none", blank_choice=True),
                FormField(
                    "password",
                    ui_text("Password"),
                    "password",
                    "omit",
                    hint=ui_text(
                        "At least 8 characters. Leave empty to keep the current password."
                    ),
                ),
            ),
            columns=(
                ListColumn(ui_text("Login"), _attr("login")),
                ListColumn(ui_text("Name"), _full_name),
                ListColumn(ui_text("E-mail"), _attr("email")),
                ListColumn(ui_text("Company"), _looked_up("customer_id")),
                VALID_COLUMN,
            ),
            list_page=account_queries.list_customer_users,
            get=account_queries.get_customer_user,
            create_schema=CustomerUserCreate,
            create=account_actions.do_create_customer_user,
            update_schema=CustomerUserUpdate,
            update=account_actions.do_update_customer_user,
            delete=account_actions.do_delete_customer_user,
            choices=_company_choices,
            searchable=True,
        ),
        AdminScreen(
            slug="queues",
            title=ui_text("Queues"),
            add_label=ui_text("Add queue"),
            fields=(
                NAME_FIELD,
                FormField("group_id", ui_text("Group"), "select", required=True),
                COMMENT_FIELD,
            ),
            columns=(
                ListColumn(ui_text("Name"), _attr("name")),
                ListColumn(ui_text("Group"), _looked_up("group_id")),
                ListColumn(ui_text("Comment"), _attr("comment")),
                VALID_COLUMN,
            ),
            list_page=catalogue_queries.queues_for_actor,
            get=catalogue_queries.queue_for_actor,
            create_schema=QueueCreate,
            create=catalogue_actions.do_create_queue,
            update_schema=QueueUpdate,
            update=catalogue_actions.do_update_queue,
            delete=catalogue_actions.do_delete_queue,
            choices=_group_choices,
        ),
        AdminScreen(
            slug="states",
            title=ui_text("States"),
            add_label=ui_text("Add state"),
            fields=(
                NAME_FIELD,
                FormField("state_type", ui_text("State type"), "select", required=True),
                COMMENT_FIELD,
            ),
            columns=(
                ListColumn(ui_text("Name"), _attr("name")),
                ListColumn(ui_text("State type"), _attr("state_type")),
                ListColumn(ui_text("Comment"), _attr("comment")),
                VALID_COLUMN,
            ),
            list_page=catalogue_queries.states_for_actor,
            get=catalogue_queries.state_for_actor,
            create_schema=StateCreate,
            create=catalogue_actions.do_create_state,
            update_schema=StateUpdate,
            update=catalogue_actions.do_update_state,
            delete=catalogue_actions.do_delete_state,
            choices=_state_type_choices,
        ),
        AdminScreen(
            slug="priorities",
            title=ui_text("Priorities"),
            add_label=ui_text("Add priority"),
            fields=(NAME_FIELD,),
            columns=(ListColumn(ui_text("Name"), _attr("name")), VALID_COLUMN),
            list_page=catalogue_queries.priorities_for_actor,
            get=catalogue_queries.priority_for_actor,
            create_schema=PriorityCreate,
            create=catalogue_actions.do_create_priority,
            update_schema=PriorityUpdate,
            update=catalogue_actions.do_update_priority,
            delete=catalogue_actions.do_delete_priority,
        ),
        AdminScreen(
            slug="types",
            title=ui_text("Types"),
            add_label=ui_text("Add type"),
            fields=(NAME_FIELD,),
            columns=(ListColumn(ui_text("Name"), _attr("name")), VALID_COLUMN),
            list_page=catalogue_queries.types_for_actor,
            get=catalogue_queries.type_for_actor,
            create_schema=TypeCreate,
            create=catalogue_actions.do_create_type,
            update_schema=TypeUpdate,
            update=catalogue_actions.do_update_type,
            delete=catalogue_actions.do_delete_type,
        ),
        AdminScreen(
            slug="services",
            title=ui_text("Services"),
            add_label=ui_text("Add service"),
            fields=(
                FormField(
                    "name",
                    ui_text("Name"),
                    required=True,
                    max_length=200,
                    hint=ui_text('Without "::"; choose a parent to make it a sub-service.'),
                ),
                FormField(
                    "parent_id", ui_text("Parent service"), "select", "none", blank_choice=True
                ),
                COMMENT_FIELD,
            ),
            columns=(
                ListColumn(ui_text("Name"), _attr("full_name")),
                ListColumn(ui_text("Comment"), _attr("comment")),
                VALID_COLUMN,
            ),
            list_page=catalogue_queries.services_for_actor,
            get=catalogue_queries.service_for_actor,
            create_schema=ServiceCreate,
            create=catalogue_actions.do_create_service,
            update_schema=ServiceUpdate,
            update=catalogue_actions.do_update_service,
            delete=catalogue_actions.do_delete_service,
            choices=_parent_service_choices,
        ),
        AdminScreen(
            slug="slas",
            title=ui_text("SLAs"),
            add_label=ui_text("Add SLA"),
            fields=(
                NAME_FIELD,
                FormField("service_ids", ui_text("Services"), "multiselect"),
                FormField(
                    "first_response_minutes",
                    ui_text("First response time (minutes)"),
                    "number",
                    "none",
                    hint=ui_text("Empty: no target."),
                ),
                FormField(
                    "update_minutes",
                    ui_text("Update time (minutes)"),
                    "number",
                    "none",
                    hint=ui_text("Empty: no target."),
                ),
                FormField(
                    "solution_minutes",
                    ui_text("Solution time (minutes)"),
                    "number",
                    "none",
                    hint=ui_text("Empty: no target."),
                ),
                FormField(
                    "dialog_message",
                    ui_text("Dialog message"),
                    "textarea",
                    "none",
                    max_length=10_000,
                    hint=ui_text("Shown to a customer who chooses this SLA for a new ticket."),
                ),
                COMMENT_FIELD,
            ),
            columns=(
                ListColumn(ui_text("Name"), _attr("name")),
                ListColumn(ui_text("Services"), _sla_services),
                ListColumn(ui_text("First response (min)"), _attr("first_response_minutes")),
                ListColumn(ui_text("Update (min)"), _attr("update_minutes")),
                ListColumn(ui_text("Solution (min)"), _attr("solution_minutes")),
                VALID_COLUMN,
            ),
            list_page=catalogue_queries.slas_for_actor,
            get=catalogue_queries.sla_for_actor,
            create_schema=SlaCreate,
            create=catalogue_actions.do_create_sla,
            update_schema=SlaUpdate,
            update=catalogue_actions.do_update_sla,
            delete=catalogue_actions.do_delete_sla,
            choices=_sla_service_choices,
        ),
        AdminScreen(
            slug="chat-channels",
            title=ui_text("Chat channels"),
            add_label=ui_text("Add chat channel"),
            fields=(
                NAME_FIELD,
                FormField("group_id", ui_text("Group"), "select", required=True),
                COMMENT_FIELD,
            ),
            columns=(
                ListColumn(ui_text("Name"), _attr("name")),
                ListColumn(ui_text("Group"), _looked_up("group_id")),
                ListColumn(ui_text("Comment"), _attr("comment")),
                VALID_COLUMN,
            ),
            list_page=chat_queries.list_channels,
            get=chat_queries.channel_for_admin,
            create_schema=ChannelCreate,
            create=chat_actions.do_create_channel,
            update_schema=ChannelUpdate,
            update=chat_actions.do_update_channel,
            delete=chat_actions.do_delete_channel,
            choices=_group_choices,
            reads_tx=True,
        ),
    )
}


# --- permission matrices ----------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    id: int
    login: str
    name: str
    valid: bool
    granted: frozenset[str]


MatrixRows = tuple[str, Page[MatrixRow]]
"""The name of the group or role, and one page of rows."""


@dataclass(frozen=True)
class PermissionMatrix:
    owner_slug: Literal["groups", "roles"]
    part: str
    title: str
    columns: tuple[str, ...]
    load: Callable[[Tx, Actor, int, PageRequest], Awaitable[MatrixRows]]
    # Give the row exactly ``wanted`` (it held ``held``); only called for rows that changed.
    save: Callable[[Tx, Actor, int, int, list[str], frozenset[str]], Awaitable[object]]
    hint: str = ""


async def _group_agents(tx: Tx, actor: Actor, group_id: int, page: PageRequest) -> MatrixRows:
    group = await account_queries.get_group(tx.session, actor, group_id)
    rows = await account_queries.group_agent_matrix(tx.session, actor, group_id, page)
    items = [
        MatrixRow(
            r.agent_id, r.login, f"{r.first_name} {r.last_name}", r.valid, frozenset(r.permissions)
        )
        for r in rows.items
    ]
    return group.name, Page(items, rows.total, rows.limit, rows.offset)


async def _group_roles(tx: Tx, actor: Actor, group_id: int, page: PageRequest) -> MatrixRows:
    group = await account_queries.get_group(tx.session, actor, group_id)
    rows = await account_queries.group_role_matrix(tx.session, actor, group_id, page)
    items = [
        MatrixRow(r.role_id, r.name, "", r.valid, frozenset(r.permissions)) for r in rows.items
    ]
    return group.name, Page(items, rows.total, rows.limit, rows.offset)


async def _group_customer_users(
    tx: Tx, actor: Actor, group_id: int, page: PageRequest
) -> MatrixRows:
    group = await account_queries.get_group(tx.session, actor, group_id)
    rows = await account_queries.group_customer_user_matrix(tx.session, actor, group_id, page)
    items = [
        MatrixRow(
            r.customer_user_id,
            r.login,
            f"{r.first_name} {r.last_name}",
            r.valid,
            frozenset(r.permissions),
        )
        for r in rows.items
    ]
    return group.name, Page(items, rows.total, rows.limit, rows.offset)


async def _role_agents(tx: Tx, actor: Actor, role_id: int, page: PageRequest) -> MatrixRows:
    role = await account_queries.get_role(tx.session, actor, role_id)
    agents = await account_queries.list_agents(tx.session, actor, page)
    members: set[int] = set()
    offset = 0
    while True:
        batch = await account_queries.role_members(
            tx.session, actor, role_id, PageRequest(limit=MAX_LIMIT, offset=offset)
        )
        members |= {m.agent_id for m in batch.items}
        if not batch.has_next:
            break
        offset += MAX_LIMIT
    items = [
        MatrixRow(
            a.id,
            a.login,
            f"{a.first_name} {a.last_name}",
            a.valid,
            frozenset({"member"} if a.id in members else ()),
        )
        for a in agents.items
    ]
    return role.name, Page(items, agents.total, agents.limit, agents.offset)


async def _save_role_member(
    tx: Tx, actor: Actor, role_id: int, agent_id: int, wanted: list[str], held: frozenset[str]
) -> None:
    if "member" in wanted:
        await account_actions.do_add_role_member(tx, actor, role_id, agent_id)
    else:
        await account_actions.do_remove_role_member(tx, actor, role_id, agent_id)


def _permission_setter(
    action: Callable[[Tx, Actor, int, int, list[str]], Awaitable[list[str]]],
) -> Callable[[Tx, Actor, int, int, list[str], frozenset[str]], Awaitable[object]]:
    async def save(
        tx: Tx, actor: Actor, owner_id: int, row_id: int, wanted: list[str], held: frozenset[str]
    ) -> object:
        return await action(tx, actor, owner_id, row_id, wanted)

    return save


MATRICES: tuple[PermissionMatrix, ...] = (
    PermissionMatrix(
        "groups",
        "agents",
        ui_text("Agents in group %(name)s"),
        AGENT_PERMISSIONS,
        _group_agents,
        _permission_setter(account_actions.do_set_agent_group_permissions),
        ui_text(
            "What each agent may do in this group directly; rw includes every ticket permission."
        ),
    ),
    PermissionMatrix(
        "groups",
        "roles",
        ui_text("Roles in group %(name)s"),
        AGENT_PERMISSIONS,
        _group_roles,
        _permission_setter(account_actions.do_set_role_group_permissions),
        ui_text("What the members of each role may do in this group."),
    ),
    PermissionMatrix(
        "groups",
        "customer-users",
        ui_text("Customer users in group %(name)s"),
        CUSTOMER_PERMISSIONS,
        _group_customer_users,
        _permission_setter(account_actions.do_set_customer_user_group_permissions),
        ui_text("ro: read the group's tickets; rw: also create and answer them."),
    ),
    PermissionMatrix(
        "roles",
        "agents",
        ui_text("Members of role %(name)s"),
        ("member",),
        _role_agents,
        _save_role_member,
    ),
)


# --- page plumbing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminVisitor:
    """An agent on an admin page: plain values, which stay readable after a rollback."""

    actor: Actor
    csrf_token: str
    # Why they may not use the admin pages; None for administrators.
    refusal: PermissionDenied | None


async def admin_visitor(caller: AgentPage, tx: TxDep) -> AdminVisitor:
    try:
        await account_access.check_admin(tx.session, caller.actor)
    except PermissionDenied as exc:
        refusal: PermissionDenied | None = exc
    else:
        refusal = None
    return AdminVisitor(caller.actor, caller.token.csrf_token or "", refusal)


AdminPage = Annotated[AdminVisitor, Depends(admin_visitor)]


def _gettext(caller: AdminVisitor) -> Callable[[str], str]:
    return translations_for(caller.actor.language).gettext


def _flash(caller: AdminVisitor, done: str | None) -> str | None:
    _ = _gettext(caller)
    messages = {
        "created": _("Created."),
        "saved": _("Saved."),
        "deleted": _("Deleted."),
        "permissions": _("Permissions saved."),
    }
    return messages.get(done) if done else None


def _render(
    request: Request,
    caller: AdminVisitor,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    values: dict[str, Any] = {
        "nav": "admin",
        "is_admin": True,
        "screens": SCREENS,
        "flash": _flash(caller, request.query_params.get("done")),
        **context,
    }
    return render(
        request,
        template,
        values,
        actor=caller.actor,
        csrf_token=caller.csrf_token,
        status_code=status_code,
    )


def _error_page(
    request: Request, caller: AdminVisitor, exc: DomainError, section: str = ""
) -> Response:
    # Someone who is not an administrator sees the plain agent layout, without the admin menu.
    is_admin = not isinstance(exc, PermissionDenied)
    return render(
        request,
        "admin/error.html",
        {
            "nav": "admin" if is_admin else "",
            "is_admin": is_admin,
            "screens": SCREENS,
            "section": section,
            "error": exc.message,
            "status": exc.status,
        },
        actor=caller.actor,
        csrf_token=caller.csrf_token,
        status_code=exc.status,
    )


def _refused(request: Request, caller: AdminVisitor) -> Response | None:
    """The 403 page for anyone who is not an administrator; None for administrators."""
    if caller.refusal is not None:
        return _error_page(request, caller, caller.refusal)
    return None


def _screen(slug: str) -> AdminScreen:
    screen = SCREENS.get(slug)
    if screen is None:
        raise NotFound("There is no such admin page.")
    return screen


def _object_id(raw: str) -> int:
    """A path id; anything that cannot be a row id is simply not found."""
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise NotFound("There is no such object.")
    return int(raw)


def _page_links(request: Request, page: Page[Any]) -> dict[str, str | None]:
    """Previous/Next addresses that keep the search but not a one-time flash message."""
    base = request.url.remove_query_params("done")

    def at(offset: int) -> str:
        url = base.include_query_params(offset=offset, limit=page.limit)
        return f"{url.path}?{url.query}"

    return {
        "previous": at(max(page.offset - page.limit, 0)) if page.has_previous else None,
        "next": at(page.offset + page.limit) if page.has_next else None,
    }


def _lookups(choices: Choices) -> dict[str, dict[str, str]]:
    return {name: dict(options) for name, options in choices.items()}


# --- overview ---------------------------------------------------------------------------------


@router.get("/admin", response_class=HTMLResponse)
async def overview(request: Request, caller: AdminPage, tx: TxDep) -> Response:
    if refused := _refused(request, caller):
        return refused
    return _render(request, caller, "admin/overview.html", {"section": ""})


# --- lists ------------------------------------------------------------------------------------


def _page_size(tx: Tx, caller: AdminVisitor, limit: int | None) -> int:
    """An explicit ?limit=, else the admin's own (or the global) Frontend::Admin::PageSize."""
    return limit if limit is not None else int(tx.setting(ADMIN_LIST_PAGE_SIZE, caller.actor))


async def _list_page(
    request: Request,
    tx: Tx,
    caller: AdminVisitor,
    screen: AdminScreen,
    *,
    limit: int | None,
    offset: int | None,
    search: str | None,
    failed: FormErrors | None = None,
) -> Response:
    term = (search or "").replace("\x00", "").strip()[:200]
    try:
        page_request = PageRequest.build(_page_size(tx, caller, limit), offset)
        extra = {"search": term or None} if screen.searchable else {}
        reader = tx if screen.reads_tx else tx.session
        page = await screen.list_page(reader, caller.actor, page_request, **extra)
        choices = await screen.choices(tx, caller.actor, None)
    except DomainError as exc:
        return _error_page(request, caller, exc, screen.slug)
    context = {
        "section": screen.slug,
        "screen": screen,
        "page": page,
        "links": _page_links(request, page),
        "lookups": _lookups(choices),
        "search": term,
        "failed": failed,
    }
    status = failed.status if failed else 200
    return _render(request, caller, "admin/list.html", context, status_code=status)


@router.get("/admin/{slug}", response_class=HTMLResponse)
async def admin_list(
    slug: str,
    request: Request,
    caller: AdminPage,
    tx: TxDep,
    limit: int | None = None,
    offset: int | None = None,
    search: str | None = None,
) -> Response:
    if refused := _refused(request, caller):
        return refused
    try:
        screen = _screen(slug)
    except DomainError as exc:
        return _error_page(request, caller, exc)
    return await _list_page(request, tx, caller, screen, limit=limit, offset=offset, search=search)


# --- add and edit forms -----------------------------------------------------------------------


def _form_values(screen: AdminScreen, item: BaseModel | None) -> dict[str, Any]:
    """The inputs' values: the object's for editing, the defaults for adding."""
    if item is None:
        return {"valid": True}
    values: dict[str, Any] = {"valid": getattr(item, "valid", True)}
    for form_field in screen.fields:
        value = getattr(item, form_field.name, None)
        if form_field.kind == "password":
            continue
        if form_field.kind == "multiselect":
            values[form_field.name] = [str(v) for v in value or ()]
        else:
            values[form_field.name] = "" if value is None else str(value)
    return values


async def _form_page(
    request: Request,
    tx: Tx,
    caller: AdminVisitor,
    screen: AdminScreen,
    item_id: int | None,
    *,
    values: dict[str, Any] | None = None,
    failed: FormErrors | None = None,
) -> Response:
    try:
        reader = tx if screen.reads_tx else tx.session
        item = None if item_id is None else await screen.get(reader, caller.actor, item_id)
        choices = await screen.choices(tx, caller.actor, item_id)
    except DomainError as exc:
        return _error_page(request, caller, exc, screen.slug)
    context = {
        "section": screen.slug,
        "screen": screen,
        "item": item,
        "item_id": item_id,
        "item_label": "" if item is None else screen.columns[0].show(item, {}),
        "values": values if values is not None else _form_values(screen, item),
        "choices": choices,
        "failed": failed,
    }
    status = failed.status if failed else 200
    return _render(request, caller, "admin/form.html", context, status_code=status)


async def _save(
    request: Request, tx: Tx, caller: AdminVisitor, screen: AdminScreen, item_id: int | None
) -> Response:
    """Create (``item_id`` None) or update from the posted form; the form again on refusal."""
    _ = _gettext(caller)
    form = await request.form()
    try:
        payload = form_payload(form, screen.fields, editing=item_id is not None)
        if item_id is None:
            await screen.create(tx, caller.actor, screen.create_schema.model_validate(payload))
        else:
            data = screen.update_schema.model_validate(payload)
            await screen.update(tx, caller.actor, item_id, data)
    except ValidationError as exc:
        failed = errors_from_validation(exc, _("Check the marked fields."))
    except DomainError as exc:
        failed = admin_errors(exc)
    else:
        done = "created" if item_id is None else "saved"
        return RedirectResponse(f"/admin/{screen.slug}?done={done}", status_code=303)
    # Nothing of a refused change may be stored, whatever the action did before it refused.
    await rollback(tx.session)
    return await _form_page(
        request, tx, caller, screen, item_id, values=form_refill(form, screen.fields), failed=failed
    )


@router.get("/admin/{slug}/new", response_class=HTMLResponse)
async def add_form(slug: str, request: Request, caller: AdminPage, tx: TxDep) -> Response:
    if refused := _refused(request, caller):
        return refused
    try:
        screen = _screen(slug)
    except DomainError as exc:
        return _error_page(request, caller, exc)
    return await _form_page(request, tx, caller, screen, None)


@router.post("/admin/{slug}/new")
async def add(slug: str, request: Request, caller: AdminPage, tx: TxDep) -> Response:
    if refused := _refused(request, caller):
        return refused
    try:
        screen = _screen(slug)
    except DomainError as exc:
        return _error_page(request, caller, exc)
    return await _save(request, tx, caller, screen, None)


@router.get("/admin/{slug}/{item_id}", response_class=HTMLResponse)
async def edit_form(
    slug: str, item_id: str, request: Request, caller: AdminPage, tx: TxDep
) -> Response:
    if refused := _refused(request, caller):
        return refused
    try:
        screen = _screen(slug)
        object_id = _object_id(item_id)
    except DomainError as exc:
        return _error_page(request, caller, exc, slug)
    return await _form_page(request, tx, caller, screen, object_id)


@router.post("/admin/{slug}/{item_id}")
async def edit(slug: str, item_id: str, request: Request, caller: AdminPage, tx: TxDep) -> Response:
    if refused := _refused(request, caller):
        return refused
    try:
        screen = _screen(slug)
        object_id = _object_id(item_id)
    except DomainError as exc:
        return _error_page(request, caller, exc, slug)
    return await _save(request, tx, caller, screen, object_id)


# --- valid toggle and delete (buttons in the list) --------------------------------------------


async def _list_action(
    request: Request,
    tx: Tx,
    caller: AdminVisitor,
    slug: str,
    item_id: str,
    perform: Callable[[AdminScreen, int, FormData], Awaitable[object]],
) -> Response:
    """Run a list row's button: back to the list, with the refusal shown above it."""
    if refused := _refused(request, caller):
        return refused
    try:
        screen = _screen(slug)
        object_id = _object_id(item_id)
    except DomainError as exc:
        return _error_page(request, caller, exc, slug)
    form = await request.form()
    back = form.get("back")
    try:
        await perform(screen, object_id, form)
    except ValidationError as exc:
        failed = errors_from_validation(exc, _gettext(caller)("Check the marked fields."))
    except DomainError as exc:
        failed = admin_errors(exc)
    else:
        # Back to the list page the button was on (a local path only).
        target = back if isinstance(back, str) and back.startswith(f"/admin/{slug}") else ""
        separator = "&" if "?" in target else "?"
        done = "deleted" if request.url.path.endswith("/delete") else "saved"
        url = f"{target}{separator}done={done}" if target else f"/admin/{slug}?done={done}"
        return RedirectResponse(url, status_code=303)
    await rollback(tx.session)
    return await _list_page(
        request, tx, caller, screen, limit=None, offset=None, search=None, failed=failed
    )


@router.post("/admin/{slug}/{item_id}/valid")
async def set_validity(
    slug: str, item_id: str, request: Request, caller: AdminPage, tx: TxDep
) -> Response:
    async def perform(screen: AdminScreen, object_id: int, form: FormData) -> object:
        data = screen.update_schema.model_validate({"valid": form.get("valid") == "true"})
        return await screen.update(tx, caller.actor, object_id, data)

    return await _list_action(request, tx, caller, slug, item_id, perform)


@router.post("/admin/{slug}/{item_id}/delete")
async def delete(
    slug: str, item_id: str, request: Request, caller: AdminPage, tx: TxDep
) -> Response:
    async def perform(screen: AdminScreen, object_id: int, form: FormData) -> object:
        await screen.delete(tx, caller.actor, object_id)
        return None

    return await _list_action(request, tx, caller, slug, item_id, perform)


# --- permission matrix routes -----------------------------------------------------------------


async def _matrix_page(
    request: Request,
    tx: Tx,
    caller: AdminVisitor,
    matrix: PermissionMatrix,
    owner_id: int,
    *,
    limit: int | None,
    offset: int | None,
    failed: FormErrors | None = None,
) -> Response:
    try:
        page_request = PageRequest.build(_page_size(tx, caller, limit), offset)
        owner_name, rows = await matrix.load(tx, caller.actor, owner_id, page_request)
    except DomainError as exc:
        return _error_page(request, caller, exc, matrix.owner_slug)
    context = {
        "section": matrix.owner_slug,
        "matrix": matrix,
        "owner_name": owner_name,
        "page": rows,
        "links": _page_links(request, rows),
        "failed": failed,
    }
    status = failed.status if failed else 200
    return _render(request, caller, "admin/matrix.html", context, status_code=status)


def _matrix_routes(matrix: PermissionMatrix) -> None:
    path = f"/admin/{matrix.owner_slug}/{{owner_id}}/{matrix.part}"

    async def show(
        owner_id: str,
        request: Request,
        caller: AdminPage,
        tx: TxDep,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Response:
        if refused := _refused(request, caller):
            return refused
        try:
            object_id = _object_id(owner_id)
        except DomainError as exc:
            return _error_page(request, caller, exc, matrix.owner_slug)
        return await _matrix_page(
            request, tx, caller, matrix, object_id, limit=limit, offset=offset
        )

    async def save(
        owner_id: str,
        request: Request,
        caller: AdminPage,
        tx: TxDep,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Response:
        if refused := _refused(request, caller):
            return refused
        try:
            object_id = _object_id(owner_id)
        except DomainError as exc:
            return _error_page(request, caller, exc, matrix.owner_slug)
        form = await request.form()
        try:
            for raw_row in form.getlist("row"):
                row_id = _object_id(raw_row if isinstance(raw_row, str) else "")
                wanted = [v for v in form.getlist(f"grant-{row_id}") if isinstance(v, str)]
                held_text = form.get(f"held-{row_id}")
                held = frozenset(held_text.split()) if isinstance(held_text, str) else frozenset()
                # Only rows that changed: an unchanged row needs no write and no event.
                if frozenset(wanted) != held:
                    await matrix.save(tx, caller.actor, object_id, row_id, wanted, held)
        except DomainError as exc:
            # Nothing of a refused save may be stored, not even the rows before the refusal.
            await rollback(tx.session)
            return await _matrix_page(
                request,
                tx,
                caller,
                matrix,
                object_id,
                limit=limit,
                offset=offset,
                failed=admin_errors(exc),
            )
        url = request.url.include_query_params(done="permissions")
        return RedirectResponse(f"{url.path}?{url.query}", status_code=303)

    show.__name__ = f"{matrix.owner_slug}_{matrix.part}_matrix".replace("-", "_")
    save.__name__ = f"save_{show.__name__}"
    router.add_api_route(path, show, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(path, save, methods=["POST"])


for _matrix in MATRICES:
    _matrix_routes(_matrix)
