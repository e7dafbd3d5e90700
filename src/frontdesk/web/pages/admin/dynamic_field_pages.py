"""The live preview of the dynamic field form: the field drawn as agents will meet it on a
form and in the ticket zoom, from the form as it is being filled in. Nothing is saved."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from frontdesk.core.errors import DomainError
from frontdesk.domain.dynamic_fields import queries
from frontdesk.domain.dynamic_fields.drivers.base import ConfigError
from frontdesk.domain.dynamic_fields.drivers.registry import DRIVERS
from frontdesk.domain.dynamic_fields.models import DynamicField
from frontdesk.web.dependencies import TxDep
from frontdesk.web.pages.admin.dynamic_field_screen import (
    DYNAMIC_FIELD_SCREEN,
    DynamicFieldForm,
)
from frontdesk.web.pages.admin.plumbing import (
    AdminPage,
    gettext_for,
    parse_object_id,
    refuse_non_admin,
    render_admin,
)
from frontdesk.web.pages.admin.router import router
from frontdesk.web.pages.admin_forms import form_payload
from frontdesk.web.pages.field_inputs import field_inputs, shown_values

PREVIEW_SCREEN = "agent_ticket_phone"


@router.post("/admin/dynamic-fields/new/preview", response_class=HTMLResponse)
async def preview_field(request: Request, caller: AdminPage, tx: TxDep) -> Response:
    if refused := refuse_non_admin(request, caller):
        return refused
    _ = gettext_for(caller)
    form = await request.form()
    problem = ""
    field: DynamicField | None = None
    try:
        editing = request.query_params.get("field_id")
        data = DynamicFieldForm.model_validate(
            form_payload(form, DYNAMIC_FIELD_SCREEN.fields, editing=editing is not None)
        )
        field_type = data.field_type
        if editing is not None:
            current = await queries.field_for_actor(
                tx.session, caller.actor, parse_object_id(editing)
            )
            field_type = current.field_type
        driver = DRIVERS.get(field_type)
        if driver is None:
            problem = _("Choose a type to see the field.")
        else:
            field = DynamicField(
                name=data.name or "Preview",
                label=data.label or _("(no label yet)"),
                field_type=field_type,
                object_type="ticket",
                config=driver.check_config(data.config(field_type)),
                screens={PREVIEW_SCREEN: "shown"},
                valid=True,
            )
    except ConfigError as exc:
        problem = exc.message
    except ValidationError:
        problem = _("Complete the marked fields to see the field.")
    except DomainError as exc:
        problem = exc.message
    context: dict[str, object] = {"problem": problem, "inputs": [], "shown": []}
    if field is not None:
        default = DRIVERS[field.field_type].default(field.config)
        context["inputs"] = field_inputs(
            [field], PREVIEW_SCREEN, timezone=caller.actor.timezone, blank_label=_("– none –")
        )
        context["shown"] = shown_values([field], {field.name: default}, caller.actor.timezone)
    return render_admin(request, caller, "admin/_dynamic_field_preview.html", context)
