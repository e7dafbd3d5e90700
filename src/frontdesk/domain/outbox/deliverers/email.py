"""E-mail: the stored raw RFC 822 bytes go to the SMTP relay (``SendmailModule::*``).

stdlib ``smtplib`` in a thread: it speaks everything we need (STARTTLS, implicit TLS, AUTH),
adds no dependency, and a send is one short blocking conversation per message.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from typing import TYPE_CHECKING

from frontdesk.core.credentials import CredentialUnreadable, credential_box
from frontdesk.domain.outbox import settings
from frontdesk.domain.outbox.errors import DeliveryFailed
from frontdesk.domain.runtime import Runtime

if TYPE_CHECKING:
    from frontdesk.domain.outbox.deliverers import OutboundMessage

SMTP_TIMEOUT_SECONDS = 30


class EmailDeliverer:
    kind = "email"

    async def deliver(self, message: OutboundMessage, runtime: Runtime) -> str | None:
        config = runtime.config
        sender = str(message.envelope["sender"])
        recipients = [str(r) for r in message.envelope["recipients"]]
        return await asyncio.to_thread(
            _send,
            str(config.value(settings.SMTP_HOST)),
            int(config.value(settings.SMTP_PORT)),
            str(config.value(settings.SMTP_ENCRYPTION)),
            str(config.value(settings.SMTP_AUTH_USER)),
            _relay_password(runtime),
            sender,
            recipients,
            message.payload,
        )

    def secrets(self, runtime: Runtime) -> tuple[str, ...]:
        try:
            password = _relay_password(runtime)
        except DeliveryFailed:
            return ()
        return (password,) if password else ()


def _relay_password(runtime: Runtime) -> str:
    """The relay password, unsealed (it is stored sealed: a ``secret`` setting)."""
    stored = str(runtime.config.value(settings.SMTP_AUTH_PASSWORD))
    try:
        return credential_box(runtime.settings).unseal(stored)
    except CredentialUnreadable as error:
        # Retried like any relay trouble: the admin enters the password again meanwhile.
        raise DeliveryFailed(f"SendmailModule::AuthPassword: {error}") from None


def _send(
    host: str,
    port: int,
    encryption: str,
    user: str,
    password: str,
    sender: str,
    recipients: list[str],
    raw: bytes,
) -> str | None:
    context = ssl.create_default_context()
    try:
        smtp = (
            smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
            if encryption == "tls"
            else smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS)
        )
        with smtp:
            if encryption == "starttls":
                smtp.starttls(context=context)
            if user:
                smtp.login(user, password)
            refused = smtp.sendmail(sender, recipients, raw)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        raise DeliveryFailed(
            "every recipient refused: " + _describe_refused(error.recipients),
            permanent=all(code >= 500 for code in codes),
        ) from error
    except smtplib.SMTPResponseException as error:
        raw_text = error.smtp_error
        text = raw_text.decode("utf-8", "replace") if isinstance(raw_text, bytes) else raw_text
        raise DeliveryFailed(
            f"SMTP {error.smtp_code} {text}", permanent=error.smtp_code >= 500
        ) from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryFailed(f"{type(error).__name__}: {error}") from error
    # Accepted for some recipients: retrying would send those a second copy, so the mail counts
    # as sent and the refusals are kept for the admin.
    return "some recipients refused: " + _describe_refused(refused) if refused else None


def _describe_refused(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{address}: {code} {text.decode('utf-8', 'replace')}"
        for address, (code, text) in sorted(refused.items())
    )
