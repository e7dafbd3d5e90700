"""The e-mail screens of the agent interface: reply, reply to all, forward and a fresh e-mail
from a ticket, the recipients' suggestions, and the download of an article's source (.eml)."""

from __future__ import annotations

import base64
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from frontdesk.core.errors import DomainError, ValidationFailed
from frontdesk.domain.accounts.queries import suggest_customer_users
from frontdesk.domain.email.access import access_mail_source
from frontdesk.domain.email.actions import (
    do_create_email_ticket,
    do_send_email_article,
    sender_for_queue,
)
from frontdesk.domain.email.composing import Mailbox
from frontdesk.domain.email.drafts import (
    COMPOSE_MODES,
    ComposeMode,
    Draft,
    chosen_template_files,
    compose_draft,
    new_ticket_draft,
)
from frontdesk.domain.email.schemas import EmailArticleCreate, EmailTicketCreate
from frontdesk.domain.tickets import queries
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.schemas import AttachmentIn
from frontdesk.web.dependencies import AgentPage, Caller, TxDep
from frontdesk.web.pages.agent.common import agent_error_page, agent_page, gettext_for
from frontdesk.web.pages.forms import (
    FormErrors,
    discard_refused_changes,
    errors_from_domain,
    errors_from_validation,
    form_text,
    local_input_to_utc,
    localtime_for,
    optional_id,
    page_values,
    uploaded_attachments,
)

router = APIRouter(include_in_schema=False)

RECIPIENT_FIELDS = ("to", "cc", "bcc")
RECIPIENT_SUGGESTIONS = 8


def _mode(raw: str) -> ComposeMode:
    return next((mode for mode in COMPOSE_MODES if mode == raw), "new")


def _article_id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) <= 10 else None


async def _compose_page(
    request: Request,
    tx: TxDep,
    caller: Caller,
    ticket_id: int,
    draft: Draft,
    *,
    failed: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    ticket = await access_ticket_by_id(tx.session, caller.actor, ticket_id)
    context: dict[str, Any] = {
        "nav": "queues",
        "ticket": await queries.ticket_out(tx.session, ticket),
        "options": await queries.ticket_form_options(tx.session, caller.actor, ticket),
        "draft": draft,
        "values": values or {},
        "failed": failed,
        "sender": (await sender_for_queue(tx, ticket.queue_id)).formatted(),
    }
    status = failed.status if failed else 200
    return await agent_page(
        request, tx, caller, "agent/email_compose.html", context, status_code=status
    )


@router.get("/agent/tickets/{ticket_id}/email", response_class=HTMLResponse)
async def compose_form(
    ticket_id: int, request: Request, caller: AgentPage, tx: TxDep
) -> HTMLResponse:
    """``?mode=reply|reply_all|forward&article_id=N`` answers or forwards that article;
    without them a fresh e-mail to the ticket's customer. ``template_id`` applies one of the
    queue's templates."""
    params = request.query_params
    try:
        mode, article_id = _mode(params.get("mode", "")), _article_id(params.get("article_id", ""))
        template_id = optional_id(params.get("template_id", ""), "template_id")
        draft = await _draft(tx, caller, ticket_id, mode, article_id, template_id)
        return await _compose_page(request, tx, caller, ticket_id, draft)
    except DomainError as exc:
        return await agent_error_page(request, tx, caller, exc, "queues")


async def _draft(
    tx: TxDep,
    caller: Caller,
    ticket_id: int,
    mode: ComposeMode,
    article_id: int | None,
    template_id: int | None = None,
) -> Draft:
    return await compose_draft(
        tx,
        caller.actor,
        ticket_id,
        mode,
        article_id,
        template_id=template_id,
        when=localtime_for(caller.actor),
    )


def _ticked(form: FormData, name: str) -> list[int]:
    ids = [_article_id(raw) if isinstance(raw, str) else None for raw in form.getlist(name)]
    if any(file_id is None for file_id in ids):
        raise ValidationFailed("attachments", "Choose one of the offered files.")
    return [file_id for file_id in ids if file_id is not None]


def _as_input(filename: str, content_type: str, content: bytes) -> AttachmentIn:
    return AttachmentIn(
        filename=filename,
        content_type=content_type,
        content_base64=base64.b64encode(content).decode("ascii"),
    )


async def _offered_files(
    tx: TxDep, caller: Caller, queue_id: int, ticket_id: int | None, form: FormData
) -> list[AttachmentIn]:
    """The forwarded article's and the template's files the agent kept ticked, each read
    with its own access check (the article's, the queue's templates)."""
    files: list[AttachmentIn] = []
    forwarded = _ticked(form, "forward_attachment")
    article_id = _article_id(form_text(form, "in_reply_to_article_id"))
    if forwarded and (ticket_id is None or article_id is None):
        raise ValidationFailed("attachments", "Choose one of the offered files.")
    for attachment_id in forwarded:
        assert ticket_id is not None and article_id is not None
        attachment = await queries.get_attachment(
            tx.session, caller.actor, ticket_id, article_id, attachment_id
        )
        files.append(_as_input(attachment.filename, attachment.content_type, attachment.content))
    template_id = _article_id(form_text(form, "template_id"))
    for template_file in await chosen_template_files(
        tx.session, queue_id, template_id, _ticked(form, "template_attachment")
    ):
        files.append(
            _as_input(template_file.filename, template_file.content_type, template_file.content)
        )
    return files


@router.post("/agent/tickets/{ticket_id}/email")
async def send_email(ticket_id: int, request: Request, caller: AgentPage, tx: TxDep) -> Response:
    _ = gettext_for(caller)
    form = await request.form()
    mode = _mode(form_text(form, "mode"))
    answered = _article_id(form_text(form, "in_reply_to_article_id"))
    try:
        ticket = await access_ticket_by_id(tx.session, caller.actor, ticket_id)
        values: dict[str, Any] = {
            "channel": "email",
            "sender": "agent",
            "to": [form_text(form, "to")],
            "cc": [form_text(form, "cc")],
            "bcc": [form_text(form, "bcc")],
            # Not stripped: a line break at its end is header injection too, and refused.
            "subject": str(form.get("subject") or ""),
            "body": form_text(form, "body"),
            "in_reply_to_article_id": answered,
            "attachments": [
                *await _offered_files(tx, caller, ticket.queue_id, ticket_id, form),
                *await uploaded_attachments(form),
            ],
        }
        state_id = optional_id(form_text(form, "state_id"), "state_id")
        if state_id is not None:
            values["state_id"] = state_id
        if form_text(form, "pending_until"):
            values["pending_until"] = local_input_to_utc(
                form_text(form, "pending_until"), caller.actor.timezone, "pending_until"
            )
        await do_send_email_article(
            tx, caller.actor, ticket_id, EmailArticleCreate.model_validate(values)
        )
    except ValidationError as exc:
        failed = errors_from_validation(exc, _("Check the marked fields."))
    except DomainError as exc:
        failed = errors_from_domain(exc)
    else:
        return RedirectResponse(f"/agent/tickets/{ticket_id}?done=email", status_code=303)
    # Nothing of a refused e-mail is stored or sent.
    await discard_refused_changes(tx, caller)
    try:
        draft = await _draft(tx, caller, ticket_id, mode, answered)
        return await _compose_page(
            request, tx, caller, ticket_id, draft, failed=failed, values=page_values(dict(form))
        )
    except DomainError as exc:
        return await agent_error_page(request, tx, caller, exc, "queues")


NEW_TICKET_FIELDS = ("queue_id", "customer_user", "state_id", "priority_id")


async def _new_ticket_page(
    request: Request,
    tx: TxDep,
    caller: Caller,
    *,
    values: dict[str, str] | None = None,
    failed: FormErrors | None = None,
    draft: Draft | None = None,
) -> HTMLResponse:
    options = await queries.ticket_form_options(tx.session, caller.actor, None)
    context = {
        "nav": "new_email",
        "options": options,
        "values": values or {},
        "failed": failed,
        "draft": draft or Draft(mode="new"),
    }
    status = failed.status if failed else 200
    return await agent_page(
        request, tx, caller, "agent/email_ticket_new.html", context, status_code=status
    )


@router.get("/agent/email-tickets/new", response_class=HTMLResponse)
async def new_email_ticket_form(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    """``?queue_id=N&template_id=M`` starts the text from one of the queue's templates."""
    params = request.query_params
    try:
        queue_id = optional_id(params.get("queue_id", ""), "queue_id")
        template_id = optional_id(params.get("template_id", ""), "template_id")
        draft = await new_ticket_draft(tx, caller.actor, queue_id, template_id)
    except DomainError as exc:
        return await _new_ticket_page(request, tx, caller, failed=errors_from_domain(exc))
    values = {"queue_id": str(queue_id or ""), "subject": draft.subject, "body": draft.body}
    return await _new_ticket_page(request, tx, caller, values=values, draft=draft)


@router.post("/agent/email-tickets/new")
async def create_email_ticket(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    """OTRS's "New e-mail ticket": the ticket and its first article, sent to the customer."""
    _ = gettext_for(caller)
    form = await request.form()
    try:
        values: dict[str, Any] = {
            name: form_text(form, name) for name in NEW_TICKET_FIELDS if form_text(form, name)
        }
        values |= {
            "to": [form_text(form, "to")],
            "cc": [form_text(form, "cc")],
            "bcc": [form_text(form, "bcc")],
            "subject": str(form.get("subject") or "").strip(" \t"),
            "body": form_text(form, "body"),
        }
        queue_id = optional_id(form_text(form, "queue_id"), "queue_id")
        values["attachments"] = [
            *(await _offered_files(tx, caller, queue_id, None, form) if queue_id else []),
            *await uploaded_attachments(form),
        ]
        if form_text(form, "pending_until"):
            values["pending_until"] = local_input_to_utc(
                form_text(form, "pending_until"), caller.actor.timezone, "pending_until"
            )
        sent = await do_create_email_ticket(
            tx, caller.actor, EmailTicketCreate.model_validate(values)
        )
    except ValidationError as exc:
        failed = errors_from_validation(exc, _("Check the marked fields."))
    except DomainError as exc:
        failed = errors_from_domain(exc)
    else:
        return RedirectResponse(
            f"/agent/tickets/{sent.article.ticket_id}?done=created", status_code=303
        )
    await discard_refused_changes(tx, caller)
    return await _new_ticket_page(
        request, tx, caller, values=page_values(dict(form)), failed=failed
    )


@router.get("/agent/email/recipients", response_class=HTMLResponse)
async def recipient_suggestions(request: Request, caller: AgentPage, tx: TxDep) -> HTMLResponse:
    """Options for a recipient field's datalist: customers matching the address being typed
    (after the last comma), each offered as the whole field's value with it completed."""
    typed = next(
        (request.query_params[name] for name in RECIPIENT_FIELDS if name in request.query_params),
        "",
    )[:1000]
    before, comma, term = typed.rpartition(",")
    suggestions = []
    if len(term.strip()) >= 2:
        for customer in await suggest_customer_users(
            tx.session, caller.actor, term, limit=RECIPIENT_SUGGESTIONS
        ):
            if not customer.email:
                continue
            address = Mailbox(customer.email, customer.name).formatted()
            suggestions.append(f"{before}{comma} {address}".strip() if comma else address)
    return await agent_page(
        request, tx, caller, "agent/_email_recipients.html", {"suggestions": suggestions}
    )


@router.get("/agent/tickets/{ticket_id}/articles/{article_id}/source")
async def download_source(
    ticket_id: int, article_id: int, request: Request, caller: AgentPage, tx: TxDep
) -> Response:
    """The article's message as sent or received, as a .eml download."""
    try:
        mail = await access_mail_source(tx.session, caller.actor, ticket_id, article_id)
    except DomainError as exc:
        return await agent_error_page(request, tx, caller, exc, "queues")
    return Response(
        content=mail.raw,
        headers={
            "Content-Type": "message/rfc822",
            "Content-Disposition": f'attachment; filename="article-{article_id}.eml"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
