"""Imports every model so the metadata is complete (migrations, test schema set-up)."""

from frontdesk.db.base import Base
from frontdesk.domain.accounts import models as accounts_models
from frontdesk.domain.business_calendars import models as business_calendars_models
from frontdesk.domain.chat import models as chat_models
from frontdesk.domain.dynamic_fields import models as dynamic_fields_models
from frontdesk.domain.email import models as email_models
from frontdesk.domain.escalations import models as escalations_models
from frontdesk.domain.mail_inbound import models as mail_inbound_models
from frontdesk.domain.mail_setup import models as mail_setup_models
from frontdesk.domain.notifications import models as notifications_models
from frontdesk.domain.outbox import models as outbox_models
from frontdesk.domain.ticket_catalogue import models as ticket_catalogue_models
from frontdesk.domain.tickets import models as tickets_models
from frontdesk.jobs import models as jobs_models
from frontdesk.sysconfig import models as sysconfig_models

__all__ = [
    "Base",
    "accounts_models",
    "business_calendars_models",
    "chat_models",
    "dynamic_fields_models",
    "email_models",
    "escalations_models",
    "jobs_models",
    "mail_inbound_models",
    "mail_setup_models",
    "notifications_models",
    "outbox_models",
    "sysconfig_models",
    "ticket_catalogue_models",
    "tickets_models",
]
