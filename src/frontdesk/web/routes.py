"""Every router of the application, in one place."""

from __future__ import annotations

from fastapi import FastAPI

from frontdesk.web.api import accounts as api_accounts
from frontdesk.web.api import auth as api_auth
from frontdesk.web.api import business_calendars as api_business_calendars
from frontdesk.web.api import chat as api_chat
from frontdesk.web.api import dynamic_fields as api_dynamic_fields
from frontdesk.web.api import mail_inbound as api_mail_inbound
from frontdesk.web.api import mail_queue as api_mail_queue
from frontdesk.web.api import mail_setup as api_mail_setup
from frontdesk.web.api import notifications as api_notifications
from frontdesk.web.api import service as api_service
from frontdesk.web.api import settings as api_settings
from frontdesk.web.api import ticket_catalogue as api_ticket_catalogue
from frontdesk.web.api import tickets as api_tickets
from frontdesk.web.pages import admin as page_admin
from frontdesk.web.pages import agent as page_agent
from frontdesk.web.pages import auth as page_auth
from frontdesk.web.pages import chat_agent as page_chat_agent
from frontdesk.web.pages import chat_customer as page_chat_customer
from frontdesk.web.pages import chat_public as page_chat_public
from frontdesk.web.pages import customer as page_customer
from frontdesk.web.pages import mail_queue as page_mail_queue
from frontdesk.web.pages import sysconfig as page_sysconfig
from frontdesk.web.pages.admin import mail_inbound_pages as page_mail_inbound


def include_routes(app: FastAPI) -> None:
    app.include_router(api_service.router)
    for api in (
        api_auth,
        api_accounts,
        api_ticket_catalogue,
        api_business_calendars,
        api_dynamic_fields,
        api_tickets,
        api_settings,
        api_chat,
        api_mail_queue,
        api_mail_inbound,
        api_mail_setup,
        api_notifications,
    ):
        app.include_router(api.router, prefix="/api/v1")
    # System configuration pages first: the admin pages end in a catch-all /admin/{slug}.
    for pages in (
        page_auth,
        page_agent,
        page_customer,
        page_sysconfig,
        page_mail_queue,
        page_mail_inbound,
        page_chat_public,  # before page_chat_agent: /agent/chat/integration is not a chat id
        page_chat_agent,
        page_chat_customer,
        page_admin,
    ):
        app.include_router(pages.router)
