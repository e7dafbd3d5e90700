"""Settings of the outbox: the SMTP relay (OTRS's names) and the retry policy."""

from __future__ import annotations

from frontdesk.sysconfig.registry import declare

SMTP_HOST = declare(
    "SendmailModule::Host",
    "string",
    "127.0.0.1",
    "Host name or address of the SMTP relay that outgoing e-mail is handed to.",
    navigation="Core::Email",
)
SMTP_PORT = declare(
    "SendmailModule::Port",
    "integer",
    25,
    "Port of the SMTP relay (25 or 587 for none/starttls, 465 for tls).",
    navigation="Core::Email",
    minimum=1,
    maximum=65535,
)
SMTP_ENCRYPTION = declare(
    "SendmailModule::Encryption",
    "select",
    "none",
    "How the connection to the relay is protected: none, starttls (upgrade a plain connection)"
    " or tls (TLS from the first byte).",
    navigation="Core::Email",
    options=("none", "starttls", "tls"),
)
SMTP_AUTH_USER = declare(
    "SendmailModule::AuthUser",
    "string",
    "",
    "User name for SMTP authentication; empty sends without logging in.",
    navigation="Core::Email",
)
SMTP_AUTH_PASSWORD = declare(
    "SendmailModule::AuthPassword",
    "secret",
    "",
    "Password for SMTP authentication.",
    navigation="Core::Email",
)
MAX_ATTEMPTS = declare(
    "Outbox::MaxAttempts",
    "integer",
    8,
    "Delivery attempts of an outgoing message before it is given up (status failed).",
    navigation="Core::Outbox",
    minimum=1,
    maximum=100,
)
RETRY_DELAY = declare(
    "Outbox::RetryDelaySeconds",
    "integer",
    60,
    "Wait before the first retry; each further retry waits twice as long, at most six hours.",
    navigation="Core::Outbox",
    minimum=1,
    maximum=86400,
)
LEASE_SECONDS = declare(
    "Outbox::LeaseSeconds",
    "integer",
    300,
    "How long a worker holds a message it is delivering; a worker that died holding it is"
    " replaced after this time. Keep it well above the SMTP timeout.",
    navigation="Core::Outbox",
    minimum=1,
    maximum=86400,
)
