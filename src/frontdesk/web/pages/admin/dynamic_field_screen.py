"""The admin screen of dynamic fields: definition, type settings as text inputs, and one
select per screen (off, shown, mandatory), with a live preview of the field as agents see it.

Possible values are lines of ``key: Label``; one regular expression with its own message can be
set here (the API takes several). The form is turned into the API's shape here; the domain
checks it the same way for both.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from frontdesk.core.actor import Actor
from frontdesk.core.errors import ValidationFailed
from frontdesk.core.input_model import InputModel
from frontdesk.core.pagination import Page, PageRequest
from frontdesk.domain.dynamic_fields import actions, queries
from frontdesk.domain.dynamic_fields.drivers.registry import DRIVERS
from frontdesk.domain.dynamic_fields.models import OBJECT_TYPES
from frontdesk.domain.dynamic_fields.schemas import (
    DynamicFieldCreate,
    DynamicFieldOut,
    DynamicFieldUpdate,
)
from frontdesk.domain.dynamic_fields.screens import DISPLAY_SCREENS, SCREENS
from frontdesk.domain.runtime import Tx
from frontdesk.web.pages.admin.screen import (
    VALID_COLUMN,
    AdminScreen,
    Choices,
    ListColumn,
    attr_text,
    looked_up_text,
)
from frontdesk.web.pages.admin_forms import FormField, ui_text

SCREEN_PREFIX = "screen_"
OBJECT_TYPE_LABELS = {
    "ticket": ui_text("Ticket"),
    "article": ui_text("Article"),
    "customer_user": ui_text("Customer user"),
    "customer_company": ui_text("Customer company"),
}
assert set(OBJECT_TYPE_LABELS) == set(OBJECT_TYPES)
# Form inputs → the ``config`` key they fill (``config.<key>`` errors point back to them).
CONFIG_INPUTS = ("possible_values", "default", "link", "possible_none", "translatable")


def possible_values_of(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, separator, label = line.partition(":")
        if not separator or not key.strip() or not label.strip():
            raise ValidationFailed("possible_values", f"line {number}: write key: Label")
        values[key.strip()] = label.strip()
    return values


class DynamicFieldForm(InputModel):
    """The posted form, as text; ``fields()`` turns it into the domain's input."""

    name: str = ""
    label: str = ""
    field_type: str = ""
    object_type: str = "ticket"
    field_order: str = "1"
    possible_values: str = ""
    default: str = ""
    regex: str = ""
    regex_error: str = ""
    link: str = ""
    possible_none: str = "yes"
    translatable: str = "no"
    valid: bool = True
    model_config = ConfigDict(extra="allow")  # screen_<key> selects

    def screens(self) -> dict[str, str]:
        extra = self.model_extra or {}
        chosen = {key: str(extra.get(SCREEN_PREFIX + key) or "") for key in SCREENS}
        return {key: mode for key, mode in chosen.items() if mode in ("shown", "mandatory")}

    def config(self, field_type: str) -> dict[str, Any]:
        config: dict[str, Any] = {
            "possible_none": self.possible_none == "yes",
            "translatable": self.translatable == "yes",
        }
        if field_type in ("dropdown", "multiselect"):
            config["possible_values"] = possible_values_of(self.possible_values)
        if self.default:
            multi = field_type == "multiselect"
            config["default"] = (
                [v.strip() for v in self.default.split(",")] if multi else self.default
            )
        if self.regex:
            config["regex"] = [{"pattern": self.regex, "error": self.regex_error}]
        if self.link:
            config["link"] = self.link
        return config

    def order(self) -> int:
        if not self.field_order.isdigit():
            raise ValidationFailed("field_order", "must be a whole number from 1")
        return int(self.field_order)


def _config_errors_to_inputs(exc: ValidationFailed) -> ValidationFailed:
    """``config.<key>`` (the API's name) → the input that holds it."""
    if exc.field.startswith("config."):
        key = exc.field.removeprefix("config.")
        return ValidationFailed(key if key in CONFIG_INPUTS else "regex", exc.message)
    return exc


class DynamicFieldView(BaseModel):
    """A field as the form and the list show it."""

    id: int
    name: str
    label: str
    field_type: str
    object_type: str
    field_order: str
    possible_values: str
    default: str
    regex: str
    regex_error: str
    link: str
    possible_none: str
    translatable: str
    valid: bool
    # The screen selects are read as attributes ``screen_<key>`` (extra fields).
    model_config = ConfigDict(extra="allow")

    @classmethod
    def of(cls, field: DynamicFieldOut) -> DynamicFieldView:
        config = field.config
        rules = config.get("regex") or [{}]
        default = config.get("default")
        return cls(
            id=field.id,
            name=field.name,
            label=field.label,
            field_type=field.field_type,
            object_type=field.object_type,
            field_order=str(field.field_order),
            possible_values="\n".join(
                f"{key}: {label}" for key, label in (config.get("possible_values") or {}).items()
            ),
            default=", ".join(default) if isinstance(default, list) else _text(default),
            regex=rules[0].get("pattern", ""),
            regex_error=rules[0].get("error", ""),
            link=config.get("link") or "",
            possible_none="yes" if config.get("possible_none", True) else "no",
            translatable="yes" if config.get("translatable") else "no",
            valid=field.valid,
            **{SCREEN_PREFIX + key: field.screens.get(key, "") for key in SCREENS},
        )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


async def _list(
    session: Any, actor: Actor, page: PageRequest, **extra: Any
) -> Page[DynamicFieldView]:
    found = await queries.fields_for_actor(session, actor, page)
    items = [DynamicFieldView.of(item) for item in found.items]
    return Page(items=items, total=found.total, limit=found.limit, offset=found.offset)


async def _get(session: Any, actor: Actor, field_id: int) -> DynamicFieldView:
    return DynamicFieldView.of(await queries.field_for_actor(session, actor, field_id))


def create_input(form: DynamicFieldForm) -> DynamicFieldCreate:
    return DynamicFieldCreate.model_validate(
        {
            "name": form.name,
            "label": form.label,
            "field_type": form.field_type,
            "object_type": form.object_type,
            "field_order": form.order(),
            "config": form.config(form.field_type),
            "screens": form.screens(),
            "valid": form.valid,
        }
    )


async def _create(tx: Tx, actor: Actor, form: DynamicFieldForm) -> object:
    try:
        return await actions.do_create_field(tx, actor, create_input(form))
    except ValidationFailed as exc:
        raise _config_errors_to_inputs(exc) from exc


async def _update(tx: Tx, actor: Actor, field_id: int, form: DynamicFieldForm) -> object:
    if form.model_fields_set == {"valid"}:  # the list's valid/invalid switch
        data = DynamicFieldUpdate(valid=form.valid)
    else:
        current = await queries.field_for_actor(tx.session, actor, field_id)
        data = DynamicFieldUpdate.model_validate(
            {
                "name": form.name,
                "label": form.label,
                "field_order": form.order(),
                "config": form.config(current.field_type),
                "screens": form.screens(),
                "valid": form.valid,
            }
        )
    try:
        return await actions.do_update_field(tx, actor, field_id, data)
    except ValidationFailed as exc:
        raise _config_errors_to_inputs(exc) from exc


YES_NO = [("yes", ui_text("Yes")), ("no", ui_text("No"))]


async def _choices(tx: Tx, actor: Actor, editing_id: int | None) -> Choices:
    modes = [("shown", ui_text("Shown")), ("mandatory", ui_text("Mandatory"))]
    choices: Choices = {
        # Lookup types (contact with data) keep a schema this form has no inputs for yet:
        # the API configures them.
        "field_type": [
            (key, driver.label) for key, driver in DRIVERS.items() if driver.input_kind != "lookup"
        ],
        "object_type": list(OBJECT_TYPE_LABELS.items()),
        "possible_none": YES_NO,
        "translatable": YES_NO,
    }
    for key in SCREENS:
        choices[SCREEN_PREFIX + key] = modes[:1] if key in DISPLAY_SCREENS else modes
    return choices


def _type_label(item: Any, lookups: dict[str, dict[str, str]]) -> str:
    driver = DRIVERS.get(item.field_type)
    return driver.label if driver else item.field_type


DYNAMIC_FIELD_SCREEN = AdminScreen(
    slug="dynamic-fields",
    title=ui_text("Dynamic fields"),
    add_label=ui_text("Add dynamic field"),
    fields=(
        FormField(
            "name",
            ui_text("Name"),
            required=True,
            max_length=200,
            hint=ui_text("Letters and digits; the API and searches use it (df.<Name>)."),
        ),
        FormField("label", ui_text("Label"), required=True, max_length=200),
        FormField("field_type", ui_text("Type"), "select", required=True, create_only=True),
        FormField("object_type", ui_text("Object"), "select", required=True, create_only=True),
        FormField("field_order", ui_text("Order"), "number", required=True),
        FormField(
            "possible_values",
            ui_text("Possible values"),
            "textarea",
            hint=ui_text("Dropdown and multiselect: one per line, key: Label."),
            max_length=200_000,
        ),
        FormField(
            "default",
            ui_text("Default value"),
            hint=ui_text("A key for dropdowns, keys separated by commas for multiselects."),
            max_length=255,
        ),
        FormField(
            "regex",
            ui_text("Regular expression"),
            hint=ui_text("Text and textarea: a value must match it."),
            max_length=500,
        ),
        FormField("regex_error", ui_text("Message when it does not match"), max_length=250),
        FormField(
            "link",
            ui_text("Link"),
            hint=ui_text("https://… with {value} where the value goes; shown in the zoom."),
            max_length=1000,
        ),
        FormField("possible_none", ui_text("Allow no value"), "select"),
        FormField("translatable", ui_text("Translate the labels"), "select"),
        *(
            FormField(SCREEN_PREFIX + key, label, "select", blank_choice=True)
            for key, label in SCREENS.items()
        ),
    ),
    columns=(
        ListColumn(ui_text("Name"), attr_text("name")),
        ListColumn(ui_text("Label"), attr_text("label")),
        ListColumn(ui_text("Type"), _type_label),
        ListColumn(ui_text("Object"), looked_up_text("object_type")),
        ListColumn(ui_text("Order"), attr_text("field_order")),
        VALID_COLUMN,
    ),
    list_page=_list,
    get=_get,
    create_schema=DynamicFieldForm,
    create=_create,
    update_schema=DynamicFieldForm,
    update=_update,
    delete=actions.do_delete_field,
    choices=_choices,
    preview_path="/admin/dynamic-fields/new/preview",
)
