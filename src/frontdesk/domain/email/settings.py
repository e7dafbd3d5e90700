"""Settings of the e-mail channel: how the ticket number appears in subjects (OTRS's names), and
the sender used for a queue that has no system address."""

from __future__ import annotations

from frontdesk.sysconfig.registry import declare

TICKET_HOOK = declare(
    "Ticket::Hook",
    "string",
    "Ticket#",
    "The prefix of the ticket number in e-mail subjects ([Ticket#2026112610000001]); replies"
    " carrying it are recognised as follow-ups.",
    navigation="Core::Ticket",
    pattern=r"^[^\[\]\r\n]{1,40}$",
)
SUBJECT_FORMAT = declare(
    "Ticket::SubjectFormat",
    "select",
    "Left",
    "Where the ticket number goes in the subject of sent e-mail: Left ([Ticket#…] Subject),"
    " Right (Subject [Ticket#…]) or None (not at all; follow-ups then need the mail headers).",
    navigation="Core::Ticket",
    options=("Left", "Right", "None"),
)
SUBJECT_RE = declare(
    "Ticket::SubjectRe",
    "string",
    "Re",
    "The reply prefix put before the subject of an answer (without the colon); empty: none.",
    navigation="Core::Ticket",
    pattern=r"^[^:\r\n]{0,20}$",
)
SUBJECT_FWD = declare(
    "Ticket::SubjectFwd",
    "string",
    "Fwd",
    "The prefix put before the subject of a forwarded article (without the colon); empty: none.",
    navigation="Core::Ticket",
    pattern=r"^[^:\r\n]{0,20}$",
)
FALLBACK_SENDER_EMAIL = declare(
    "Email::FallbackSenderAddress",
    "string",
    "support@localhost.localdomain",
    "Address agents' e-mails are sent from when the ticket's queue has no (valid) system address.",
    navigation="Core::Email",
    pattern=r"^[^\s<>@]+@[^\s<>@]+$",
)
FALLBACK_SENDER_NAME = declare(
    "Email::FallbackSenderName",
    "string",
    "Frontdesk",
    "Name shown with the fallback sender address.",
    navigation="Core::Email",
    pattern=r"^[^\r\n]{0,200}$",
)
