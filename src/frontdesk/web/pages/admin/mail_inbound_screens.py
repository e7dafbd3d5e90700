"""The admin screens of incoming mail: mail accounts (with a "Fetch now" page) and postmaster
filters, as ``AdminScreen`` descriptions served by the shared routes. A filter's conditions are
typed as lines (``Subject: invoice``; ``!From: @example\\.com`` when it must not match).
The fetch page and the failed-mail list are in ``mail_inbound_pages``.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from frontdesk.core.actor import Actor
from frontdesk.core.errors import ValidationFailed
from frontdesk.core.input_model import InputModel
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.domain.mail_inbound import actions, queries
from frontdesk.domain.mail_inbound.schemas import (
    MailAccountCreate,
    MailAccountOut,
    MailAccountUpdate,
    PostmasterFilterCreate,
    PostmasterFilterOut,
    PostmasterFilterUpdate,
)
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue import queries as catalogue_queries
from frontdesk.web.pages.admin.screen import (
    VALID_COLUMN,
    AdminScreen,
    Choices,
    ListColumn,
    attr_text,
    looked_up_text,
)
from frontdesk.web.pages.admin_forms import FormField, ui_text

YES_NO = [("no", ui_text("No")), ("yes", ui_text("Yes"))]
_CONDITION = re.compile(r"^\s*(!?)\s*([!-9;-~]+)\s*:\s?(.*)$")


# --- mail accounts -----------------------------------------------------------------------------


class AccountForm(InputModel):
    type: str = ""
    host: str = ""
    port: str | None = None
    login: str = ""
    password: str | None = None
    folder: str | None = None
    dispatch: str = "queue"
    queue_id: str | None = None
    trusted: str = "no"
    valid: bool = True

    def fields(self, *, editing: bool) -> dict[str, Any]:
        values: dict[str, Any] = {
            "type": self.type,
            "host": self.host,
            "port": _number("port", self.port),
            "login": self.login,
            "folder": self.folder or None,
            "dispatch": self.dispatch,
            "queue_id": _number("queue_id", self.queue_id),
            "trusted": self.trusted == "yes",
            "valid": self.valid,
        }
        if self.password or not editing:
            values["password"] = self.password or ""
        return values


def _number(field: str, text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    if not text.strip().isdigit():
        raise ValidationFailed(field, "must be a whole number")
    return int(text.strip())


class AccountView(BaseModel):
    id: int
    type: str
    host: str
    port: str
    login: str
    folder: str | None
    dispatch: str
    queue_id: str | None
    trusted: str
    valid: bool
    last_fetch_at: str | None
    last_error: str

    @classmethod
    def of(cls, account: MailAccountOut) -> AccountView:
        return cls(
            id=account.id,
            type=account.type,
            host=account.host,
            port=str(account.port),
            login=account.login,
            folder=account.folder,
            dispatch=account.dispatch,
            queue_id=str(account.queue_id) if account.queue_id else None,
            trusted="yes" if account.trusted else "no",
            valid=account.valid,
            last_fetch_at=account.last_fetch_at,
            last_error=account.last_error,
        )


async def _list_accounts(
    session: Any, actor: Actor, page: PageRequest, **extra: Any
) -> Page[AccountView]:
    found = await queries.accounts_for_actor(session, actor, page)
    return Page([AccountView.of(a) for a in found.items], found.total, found.limit, found.offset)


async def _get_account(session: Any, actor: Actor, account_id: int) -> AccountView:
    return AccountView.of(await queries.account_for_actor(session, actor, account_id))


async def _create_account(tx: Tx, actor: Actor, form: AccountForm) -> object:
    data = MailAccountCreate.model_validate(form.fields(editing=False))
    return await actions.do_create_account(tx, actor, data)


async def _update_account(tx: Tx, actor: Actor, account_id: int, form: AccountForm) -> object:
    if form.model_fields_set == {"valid"}:  # the list's valid/invalid switch
        data = MailAccountUpdate(valid=form.valid)
    else:
        data = MailAccountUpdate.model_validate(form.fields(editing=True))
    return await actions.do_update_account(tx, actor, account_id, data)


async def _account_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    queues = await catalogue_queries.list_queues(tx.session, valid_only=True)
    return {
        "type": [("imaps", "IMAPS"), ("imap", "IMAP"), ("pop3s", "POP3S"), ("pop3", "POP3")],
        "dispatch": [
            ("queue", ui_text("Into the queue below")),
            ("recipient", ui_text("By recipient address")),
        ],
        "queue_id": [(str(q.id), q.name) for q in queues],
        "trusted": YES_NO,
    }


MAIL_ACCOUNT_SCREEN = AdminScreen(
    slug="mail-accounts",
    title=ui_text("Mail accounts"),
    add_label=ui_text("Add mail account"),
    fields=(
        FormField("type", ui_text("Type"), "select", required=True),
        FormField("host", ui_text("Host"), required=True, max_length=255),
        FormField(
            "port", ui_text("Port"), "number", "none", hint=ui_text("Empty: the type's usual port.")
        ),
        FormField("login", ui_text("Login"), required=True, max_length=255),
        FormField(
            "password",
            ui_text("Password"),
            "password",
            "omit",
            hint=ui_text("Stored encrypted. Leave empty to keep the current password."),
        ),
        FormField(
            "folder",
            ui_text("Folder"),
            "text",
            "none",
            hint=ui_text("IMAP only; empty: INBOX."),
            max_length=255,
        ),
        FormField("dispatch", ui_text("Dispatching"), "select", required=True),
        FormField("queue_id", ui_text("Queue"), "select", "none", blank_choice=True),
        FormField(
            "trusted",
            ui_text("Trusted"),
            "select",
            hint=ui_text("Mail of a trusted account may set its queue with X-Frontdesk-* headers."),
        ),
    ),
    columns=(
        ListColumn(ui_text("Type"), attr_text("type")),
        ListColumn(ui_text("Host"), attr_text("host")),
        ListColumn(ui_text("Login"), attr_text("login")),
        ListColumn(ui_text("Queue"), looked_up_text("queue_id")),
        ListColumn(ui_text("Last error"), attr_text("last_error")),
        VALID_COLUMN,
    ),
    list_page=_list_accounts,
    get=_get_account,
    create_schema=AccountForm,
    create=_create_account,
    update_schema=AccountForm,
    update=_update_account,
    delete=actions.do_delete_account,
    choices=_account_choices,
    row_links=((ui_text("Fetch now"), "fetch"),),
)


# --- postmaster filters ------------------------------------------------------------------------


def conditions_of(text: str) -> list[dict[str, Any]]:
    conditions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _CONDITION.match(line)
        if match is None or not match[3].strip():
            raise ValidationFailed(
                "conditions", f"line {number}: write Header: pattern (or !Header: pattern)"
            )
        conditions.append(
            {"header": match[2], "pattern": match[3].strip(), "negate": match[1] == "!"}
        )
    if not conditions:
        raise ValidationFailed("conditions", "a filter needs at least one condition")
    return conditions


class FilterForm(InputModel):
    name: str = ""
    conditions: str = ""
    queue: str | None = None
    state: str | None = None
    priority: str | None = None
    customer_user: str | None = None
    type: str | None = None
    ignore: str = "no"
    stop: str = "no"
    valid: bool = True

    def fields(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            key: getattr(self, key).strip()
            for key in ("queue", "state", "priority", "customer_user", "type")
            if getattr(self, key) and getattr(self, key).strip()
        }
        if self.ignore == "yes":
            values["ignore"] = True
        if not values:
            raise ValidationFailed("queue", "set at least one value, or ignore the mail")
        return {
            "name": self.name,
            "match": conditions_of(self.conditions),
            "set": values,
            "stop": self.stop == "yes",
            "valid": self.valid,
        }


class FilterView(BaseModel):
    id: int
    name: str
    conditions: str
    queue: str | None = None
    state: str | None = None
    priority: str | None = None
    customer_user: str | None = None
    type: str | None = None
    ignore: str
    stop: str
    valid: bool
    sets: str

    @classmethod
    def of(cls, entry: PostmasterFilterOut) -> FilterView:
        lines = [f"{'!' if c.negate else ''}{c.header}: {c.pattern}" for c in entry.match]
        named = {k: str(v) for k, v in entry.set.items() if k != "ignore"}
        return cls(
            id=entry.id,
            name=entry.name,
            conditions="\n".join(lines),
            ignore="yes" if entry.set.get("ignore") else "no",
            stop="yes" if entry.stop else "no",
            valid=entry.valid,
            sets=", ".join(f"{k}={v}" for k, v in entry.set.items()),
            **named,
        )


async def _list_filters(
    session: Any, actor: Actor, page: PageRequest, **extra: Any
) -> Page[FilterView]:
    found = await queries.filters_for_actor(session, actor, page)
    return Page([FilterView.of(f) for f in found.items], found.total, found.limit, found.offset)


async def _get_filter(session: Any, actor: Actor, filter_id: int) -> FilterView:
    return FilterView.of(await queries.filter_for_actor(session, actor, filter_id))


async def _create_filter(tx: Tx, actor: Actor, form: FilterForm) -> object:
    data = PostmasterFilterCreate.model_validate(form.fields())
    return await actions.do_create_filter(tx, actor, data)


async def _update_filter(tx: Tx, actor: Actor, filter_id: int, form: FilterForm) -> object:
    if form.model_fields_set == {"valid"}:
        data = PostmasterFilterUpdate(valid=form.valid)
    else:
        data = PostmasterFilterUpdate.model_validate(form.fields())
    return await actions.do_update_filter(tx, actor, filter_id, data)


async def _filter_choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    session = tx.session
    return {
        "queue": [(q.name, q.name) for q in await catalogue_queries.list_queues(session)],
        "state": [(s.name, s.name) for s in await catalogue_queries.list_states(session)],
        "priority": [(p.name, p.name) for p in await catalogue_queries.list_priorities(session)],
        "type": [(t.name, t.name) for t in await catalogue_queries.list_types(session)],
        "ignore": YES_NO,
        "stop": YES_NO,
    }


def _blank_select(name: str, label: str) -> FormField:
    return FormField(name, label, "select", "none", blank_choice=True)


POSTMASTER_FILTER_SCREEN = AdminScreen(
    slug="postmaster-filters",
    title=ui_text("Postmaster filters"),
    add_label=ui_text("Add postmaster filter"),
    fields=(
        FormField("name", ui_text("Name"), required=True, max_length=200),
        FormField(
            "conditions",
            ui_text("Conditions"),
            "textarea",
            required=True,
            hint=ui_text(
                "One per line, all must hold: Header: regular expression (ignoring case);"
                " !Header: … when it must not match. Body: … searches the text."
            ),
            max_length=10_000,
        ),
        _blank_select("queue", ui_text("Set queue")),
        _blank_select("state", ui_text("Set state")),
        _blank_select("priority", ui_text("Set priority")),
        FormField(
            "customer_user", ui_text("Set customer user (login)"), "text", "none", max_length=200
        ),
        _blank_select("type", ui_text("Set type")),
        FormField("ignore", ui_text("Ignore the mail"), "select"),
        FormField(
            "stop",
            ui_text("Stop after this filter"),
            "select",
            hint=ui_text("Filters run in name order."),
        ),
    ),
    columns=(
        ListColumn(ui_text("Name"), attr_text("name")),
        ListColumn(ui_text("Conditions"), attr_text("conditions")),
        ListColumn(ui_text("Sets"), attr_text("sets")),
        VALID_COLUMN,
    ),
    list_page=_list_filters,
    get=_get_filter,
    create_schema=FilterForm,
    create=_create_filter,
    update_schema=FilterForm,
    update=_update_filter,
    delete=actions.do_delete_filter,
    choices=_filter_choices,
)
