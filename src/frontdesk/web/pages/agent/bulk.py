"""Bulk actions on ticket lists: the bar above the queue view and the search results, and the
page that tells, ticket by ticket, what the submitted changes did.

A bad request (nothing selected, nothing to change, an unknown owner …) changes nothing and goes
back to the list with the message in the bar; the list's URL travels in the form's ``back``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import URL, FormData

from frontdesk.core.errors import DomainError, ValidationFailed
from frontdesk.db.unit_of_work import commit
from frontdesk.domain.tickets import bulk, queries
from frontdesk.web.dependencies import AgentPage, Caller, TxDep, web_state
from frontdesk.web.pages.agent.common import agent_page, gettext_for
from frontdesk.web.pages.forms import form_text, optional_id

router = APIRouter(include_in_schema=False)

# Lists a bulk form may come from (and so go back to): never another site, never another page.
_LISTS = ("/agent/queues", "/agent/search")
ERROR_PARAM = "bulk_error"
# The rows that were checked when a request was refused, checked again on the list.
SELECTED_PARAM = "bulk_selected"


def _list_url(raw: str) -> URL:
    url = URL(raw)
    if url.scheme or url.netloc or url.path not in _LISTS:
        return URL(_LISTS[0])
    return url.remove_query_params([ERROR_PARAM, SELECTED_PARAM])


def _error_messages(caller: Caller) -> dict[str, tuple[str, str]]:
    """Error code in the list's URL → (the bar's input it belongs to, the message)."""
    _ = gettext_for(caller)
    return {
        "none_selected": ("ticket_id", _("Select at least one ticket.")),
        "too_many_tickets": (
            "ticket_id",
            _("Select at most %(count)s tickets at once.") % {"count": bulk.MAX_BULK_TICKETS},
        ),
        "ticket_id": ("ticket_id", _("Select tickets from the list.")),
        "nothing_to_change": ("form", _("Choose at least one change.")),
        "lock": ("lock", _("Choose lock or unlock.")),
        "owner_id": ("owner_id", _("Choose an agent from the list.")),
        "state_id": ("state_id", _("Choose a state from the list.")),
        "priority_id": ("priority_id", _("Choose a priority from the list.")),
        "queue_id": ("queue_id", _("Choose a queue from the list.")),
        "note_subject": ("note_subject", _("The subject is too long.")),
        "note_body": ("note_body", _("Write the note's text, or leave the subject empty.")),
    }


async def bulk_bar(request: Request, tx: TxDep, caller: Caller) -> dict[str, Any]:
    """What a list page needs for its bulk bar (``partials/_bulk_bar.html``)."""
    options = await queries.ticket_form_options(tx.session, caller.actor, None)
    code = request.query_params.get(ERROR_PARAM, "")
    _ = gettext_for(caller)
    fallback = ("form", _("The bulk action was refused.")) if code else ("", "")
    field, message = _error_messages(caller).get(code, fallback)
    back = request.url.remove_query_params([ERROR_PARAM, SELECTED_PARAM])
    selected = request.query_params.get(SELECTED_PARAM, "").split(",")
    return {
        "bulk": {
            "owners": await bulk.owner_choices(tx.session),
            "states": options.states,
            "priorities": options.priorities,
            "queues": options.queues_move,
            "back": f"{back.path}?{back.query}" if back.query else back.path,
            "error_field": field,
            "error": message,
            "selected": {int(v) for v in selected if v.isascii() and v.isdigit() and len(v) < 10},
        }
    }


def _parse(form: FormData) -> bulk.BulkChange:
    ids: list[int] = []
    for raw in form.getlist("ticket_id"):
        if not isinstance(raw, str) or not raw.strip().isdigit():
            raise ValidationFailed("ticket_id", "is not a ticket id")
        ids.append(int(raw))
    lock = form_text(form, "lock")
    if lock not in ("", "lock", "unlock"):
        raise ValidationFailed("lock", "Choose lock or unlock.")
    return bulk.BulkChange(
        ticket_ids=tuple(ids),
        lock="lock" if lock == "lock" else "unlock" if lock == "unlock" else None,
        owner_id=optional_id(form_text(form, "owner_id"), "owner_id"),
        state_id=optional_id(form_text(form, "state_id"), "state_id"),
        priority_id=optional_id(form_text(form, "priority_id"), "priority_id"),
        queue_id=optional_id(form_text(form, "queue_id"), "queue_id"),
        note_subject=form_text(form, "note_subject"),
        note_body=form_text(form, "note_body"),
    )


def _describe(caller: Caller) -> Callable[[bulk.BulkOutcome], str]:
    _ = gettext_for(caller)
    done = {
        "note": _("note added"),
        "lock": _("lock changed"),
        "owner_id": _("owner set"),
        "state": _("state set"),
        "pending_until": _("pending time changed"),
        "priority": _("priority set"),
        "queue_id": _("moved"),
    }
    labels = {
        "lock": _("Lock"),
        "owner_id": _("Owner"),
        "state_id": _("State"),
        "pending_until": _("Pending until"),
        "priority_id": _("Priority"),
        "queue_id": _("Queue"),
        "note_body": _("Note"),
    }

    def describe(outcome: bulk.BulkOutcome) -> str:
        if not outcome.ok:
            label = labels.get(outcome.error_field or "")
            return f"{label}: {outcome.error}" if label else outcome.error
        if not outcome.changed:
            return _("nothing to change")
        return ", ".join(done.get(name, name) for name in outcome.changed)

    return describe


@router.post("/agent/tickets/bulk")
async def bulk_change(request: Request, caller: AgentPage, tx: TxDep) -> Response:
    _ = gettext_for(caller)
    form = await request.form()
    back = _list_url(form_text(form, "back"))
    try:
        change = _parse(form)
        # Each ticket gets its own transaction: give back this one's connection (and, on SQLite,
        # the write lock of the session touch) first.
        await commit(tx.session)
        outcomes = await bulk.do_bulk_change(
            web_state(request).session_factory, tx.runtime, caller.actor, change
        )
    except DomainError as exc:
        # The domain's own codes name the problem; a plain validation error names its input.
        plain = isinstance(exc, ValidationFailed) and exc.code == ValidationFailed.code
        code = exc.field if isinstance(exc, ValidationFailed) and plain else exc.code
        params = {ERROR_PARAM: code}
        checked = [raw for raw in form.getlist("ticket_id") if isinstance(raw, str)]
        if checked and len(checked) <= bulk.MAX_BULK_TICKETS:
            params[SELECTED_PARAM] = ",".join(v.strip() for v in checked if v.strip().isdigit())
        target = back.include_query_params(**params)
        return RedirectResponse(f"{target.path}?{target.query}", status_code=303)
    describe = _describe(caller)
    failed = sum(1 for outcome in outcomes if not outcome.ok)
    rows = [
        {
            "id": outcome.ticket_id,
            "number": outcome.number,
            "ok": outcome.ok,
            "result": describe(outcome),
        }
        for outcome in outcomes
    ]
    summary = _("%(done)s of %(total)s tickets done, %(failed)s failed.") % {
        "done": len(outcomes) - failed,
        "total": len(outcomes),
        "failed": failed,
    }
    context = {
        "nav": "queues" if back.path == _LISTS[0] else "search",
        "rows": rows,
        "summary": summary,
        "back": f"{back.path}?{back.query}" if back.query else back.path,
    }
    return await agent_page(request, tx, caller, "agent/bulk_result.html", context)
