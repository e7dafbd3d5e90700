"""Settings of ticket notifications (OTRS' names where OTRS has one)."""

from __future__ import annotations

from frontdesk.sysconfig.registry import declare

SENDER_EMAIL = declare(
    "NotificationSenderEmail",
    "string",
    "frontdesk@localhost",
    "E-mail address notifications to agents and customers are sent from.",
    navigation="Core::Email",
)
SENDER_NAME = declare(
    "NotificationSenderName",
    "string",
    "Frontdesk Notifications",
    "Name shown as the sender of notification e-mails.",
    navigation="Core::Email",
)
FQDN = declare(
    "FQDN",
    "string",
    "localhost",
    "Host name under which users reach Frontdesk; used in links in notifications and in the"
    " message ids of the e-mails Frontdesk sends.",
    navigation="Core",
)
OWN_ACTIONS = declare(
    "NotificationOwnActions",
    "bool",
    False,
    "Send me notifications about my own actions too (off: an agent is never told what they did"
    " themselves).",
    navigation="Frontend::Agent::Preferences",
    user_modifiable=True,
)
