"""The admin screens: agents, customers, groups, roles, queues, states, services, SLAs, …."""

from __future__ import annotations

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
from frontdesk.domain.chat import actions as chat_actions
from frontdesk.domain.chat import queries as chat_queries
from frontdesk.domain.chat.schemas import ChannelCreate, ChannelUpdate
from frontdesk.domain.ticket_catalogue import actions as catalogue_actions
from frontdesk.domain.ticket_catalogue import queries as catalogue_queries
from frontdesk.domain.ticket_catalogue.schemas import (
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
from frontdesk.web.pages.admin.calendar_screen import CALENDAR_SCREEN
from frontdesk.web.pages.admin.choices import (
    company_choices,
    group_choices,
    parent_service_choices,
    queue_choices,
    sla_choices,
    state_type_choices,
)
from frontdesk.web.pages.admin.dynamic_field_screen import DYNAMIC_FIELD_SCREEN
from frontdesk.web.pages.admin.mail_inbound_screens import (
    MAIL_ACCOUNT_SCREEN,
    POSTMASTER_FILTER_SCREEN,
)
from frontdesk.web.pages.admin.mail_setup_screens import MAIL_SETUP_SCREENS
from frontdesk.web.pages.admin.notification_screens import NOTIFICATION_SCREEN
from frontdesk.web.pages.admin.screen import (
    COMMENT_FIELD,
    VALID_COLUMN,
    AdminScreen,
    ListColumn,
    attr_text,
    full_name_text,
    looked_up_text,
    sla_services_text,
)
from frontdesk.web.pages.admin_forms import (
    FormField,
    ui_text,
)

# --- the screens ------------------------------------------------------------------------------


NAME_FIELD = FormField("name", ui_text("Name"), required=True, max_length=200)
CALENDAR_FIELD = FormField(
    "business_calendar_id",
    ui_text("Business calendar"),
    "select",
    "none",
    blank_choice=True,
    hint=ui_text("Escalation times count in its office hours; none: around the clock."),
)


def _target_fields(kind: str, label: str, warn_label: str) -> tuple[FormField, FormField]:
    return (
        FormField(
            f"{kind}_minutes",
            label,
            "number",
            "none",
            hint=ui_text("Working minutes; empty: no target."),
        ),
        FormField(
            f"{kind}_notify",
            warn_label,
            "number",
            "none",
            hint=ui_text("1 to 99; empty: no warning."),
        ),
    )


# Escalation targets: an SLA's replace its queue's (docs/architecture/escalations.md).
ESCALATION_FIELDS = (
    *_target_fields(
        "first_response",
        ui_text("First response time (minutes)"),
        ui_text("Warn before first response at (percent of its time)"),
    ),
    *_target_fields(
        "update",
        ui_text("Update time (minutes)"),
        ui_text("Warn before update at (percent of its time)"),
    ),
    *_target_fields(
        "solution",
        ui_text("Solution time (minutes)"),
        ui_text("Warn before solution at (percent of its time)"),
    ),
)

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
                ListColumn(ui_text("Login"), attr_text("login")),
                ListColumn(ui_text("Name"), full_name_text),
                ListColumn(ui_text("E-mail"), attr_text("email")),
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
                ListColumn(ui_text("Name"), attr_text("name")),
                ListColumn(ui_text("Comment"), attr_text("comment")),
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
                ListColumn(ui_text("Name"), attr_text("name")),
                ListColumn(ui_text("Comment"), attr_text("comment")),
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
                ListColumn(ui_text("Customer ID"), attr_text("customer_id")),
                ListColumn(ui_text("Name"), attr_text("name")),
                ListColumn(ui_text("City"), attr_text("city")),
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
                ListColumn(ui_text("Login"), attr_text("login")),
                ListColumn(ui_text("Name"), full_name_text),
                ListColumn(ui_text("E-mail"), attr_text("email")),
                ListColumn(ui_text("Company"), looked_up_text("customer_id")),
                VALID_COLUMN,
            ),
            list_page=account_queries.list_customer_users,
            get=account_queries.get_customer_user,
            create_schema=CustomerUserCreate,
            create=account_actions.do_create_customer_user,
            update_schema=CustomerUserUpdate,
            update=account_actions.do_update_customer_user,
            delete=account_actions.do_delete_customer_user,
            choices=company_choices,
            searchable=True,
        ),
        AdminScreen(
            slug="queues",
            title=ui_text("Queues"),
            add_label=ui_text("Add queue"),
            fields=(
                NAME_FIELD,
                FormField("group_id", ui_text("Group"), "select", required=True),
                CALENDAR_FIELD,
                FormField(
                    "system_address_id",
                    ui_text("E-mail address"),
                    "select",
                    "none",
                    blank_choice=True,
                    hint=ui_text("Answers from this queue are sent from it."),
                ),
                FormField(
                    "salutation_id", ui_text("Salutation"), "select", "none", blank_choice=True
                ),
                FormField(
                    "signature_id", ui_text("Signature"), "select", "none", blank_choice=True
                ),
                FormField(
                    "follow_up",
                    ui_text("Follow-up after close"),
                    "select",
                    "omit",
                    hint=ui_text("What a customer's reply to a closed ticket does."),
                ),
                *ESCALATION_FIELDS,
                FormField(
                    "unlock_timeout",
                    ui_text("Unlock timeout (minutes)"),
                    "number",
                    "omit",
                    hint=ui_text(
                        "Working minutes a locked ticket may go untouched by its owner before"
                        " it is unlocked; 0: never."
                    ),
                ),
                COMMENT_FIELD,
            ),
            columns=(
                ListColumn(ui_text("Name"), attr_text("name")),
                ListColumn(ui_text("Group"), looked_up_text("group_id")),
                ListColumn(ui_text("Comment"), attr_text("comment")),
                ListColumn(ui_text("Business calendar"), looked_up_text("business_calendar_id")),
                VALID_COLUMN,
            ),
            list_page=catalogue_queries.queues_for_actor,
            get=catalogue_queries.queue_for_actor,
            create_schema=QueueCreate,
            create=catalogue_actions.do_create_queue,
            update_schema=QueueUpdate,
            update=catalogue_actions.do_update_queue,
            delete=catalogue_actions.do_delete_queue,
            choices=queue_choices,
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
                ListColumn(ui_text("Name"), attr_text("name")),
                ListColumn(ui_text("State type"), attr_text("state_type")),
                ListColumn(ui_text("Comment"), attr_text("comment")),
                VALID_COLUMN,
            ),
            list_page=catalogue_queries.states_for_actor,
            get=catalogue_queries.state_for_actor,
            create_schema=StateCreate,
            create=catalogue_actions.do_create_state,
            update_schema=StateUpdate,
            update=catalogue_actions.do_update_state,
            delete=catalogue_actions.do_delete_state,
            choices=state_type_choices,
        ),
        AdminScreen(
            slug="priorities",
            title=ui_text("Priorities"),
            add_label=ui_text("Add priority"),
            fields=(NAME_FIELD,),
            columns=(ListColumn(ui_text("Name"), attr_text("name")), VALID_COLUMN),
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
            columns=(ListColumn(ui_text("Name"), attr_text("name")), VALID_COLUMN),
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
                ListColumn(ui_text("Name"), attr_text("full_name")),
                ListColumn(ui_text("Comment"), attr_text("comment")),
                VALID_COLUMN,
            ),
            list_page=catalogue_queries.services_for_actor,
            get=catalogue_queries.service_for_actor,
            create_schema=ServiceCreate,
            create=catalogue_actions.do_create_service,
            update_schema=ServiceUpdate,
            update=catalogue_actions.do_update_service,
            delete=catalogue_actions.do_delete_service,
            choices=parent_service_choices,
        ),
        AdminScreen(
            slug="slas",
            title=ui_text("SLAs"),
            add_label=ui_text("Add SLA"),
            fields=(
                NAME_FIELD,
                FormField("service_ids", ui_text("Services"), "multiselect"),
                *ESCALATION_FIELDS,
                CALENDAR_FIELD,
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
                ListColumn(ui_text("Name"), attr_text("name")),
                ListColumn(ui_text("Services"), sla_services_text),
                ListColumn(ui_text("First response (min)"), attr_text("first_response_minutes")),
                ListColumn(ui_text("Update (min)"), attr_text("update_minutes")),
                ListColumn(ui_text("Solution (min)"), attr_text("solution_minutes")),
                VALID_COLUMN,
            ),
            list_page=catalogue_queries.slas_for_actor,
            get=catalogue_queries.sla_for_actor,
            create_schema=SlaCreate,
            create=catalogue_actions.do_create_sla,
            update_schema=SlaUpdate,
            update=catalogue_actions.do_update_sla,
            delete=catalogue_actions.do_delete_sla,
            choices=sla_choices,
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
                ListColumn(ui_text("Name"), attr_text("name")),
                ListColumn(ui_text("Group"), looked_up_text("group_id")),
                ListColumn(ui_text("Comment"), attr_text("comment")),
                VALID_COLUMN,
            ),
            list_page=chat_queries.list_channels,
            get=chat_queries.channel_for_admin,
            create_schema=ChannelCreate,
            create=chat_actions.do_create_channel,
            update_schema=ChannelUpdate,
            update=chat_actions.do_update_channel,
            delete=chat_actions.do_delete_channel,
            choices=group_choices,
            reads_tx=True,
        ),
        CALENDAR_SCREEN,
        DYNAMIC_FIELD_SCREEN,
        *MAIL_SETUP_SCREENS,
        MAIL_ACCOUNT_SCREEN,
        POSTMASTER_FILTER_SCREEN,
        NOTIFICATION_SCREEN,
    )
}
