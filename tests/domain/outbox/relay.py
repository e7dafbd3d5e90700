"""A real SMTP relay for the tests: aiosmtpd on 127.0.0.1, recording what arrives.

``refusals`` lists the replies given to the first DATA commands (``"451 4.3.0 Try later"``);
after them every message is accepted and recorded with its envelope and exact bytes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller

from tests.services import reserve_port


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: list[str]
    data: bytes


@dataclass
class RecordingHandler:
    refusals: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    # When set, DATA waits for ``release`` and then answers ``held_reply`` (a worker killed
    # while it waits never sees the answer).
    hold: bool = False
    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    held_reply: str = "451 4.3.0 Try again later"
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Set when a message has been accepted.
    accepted: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        import asyncio

        if self.hold:
            self.hold = False
            self.entered.set()
            await asyncio.to_thread(self.release.wait, 30)
            return self.held_reply
        with self.lock:
            if self.refusals:
                return self.refusals.pop(0)
            self.received.append(
                Received(
                    sender=envelope.mail_from,
                    recipients=list(envelope.rcpt_tos),
                    data=bytes(envelope.original_content),
                )
            )
        self.accepted.set()
        return "250 2.0.0 Queued"


@dataclass
class Relay:
    port: int
    handler: RecordingHandler

    @property
    def received(self) -> list[Received]:
        return self.handler.received


def password_check(login: str, password: str, logins: list[str]) -> Any:
    """An aiosmtpd authenticator that accepts exactly ``login``/``password`` (AUTH PLAIN/LOGIN)
    and appends each accepted login to ``logins``."""
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def _authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            login.encode(),
            password.encode(),
        )
        if ok:
            logins.append(login)
        return AuthResult(success=ok)

    return _authenticate


@contextmanager
def smtp_relay(
    handler: RecordingHandler | None = None, *, authenticator: Any = None
) -> Iterator[Relay]:
    handler = handler if handler is not None else RecordingHandler()
    port = reserve_port()
    auth: dict[str, Any] = (
        {"authenticator": authenticator, "auth_require_tls": False}
        if authenticator is not None
        else {}
    )
    controller = Controller(handler, hostname="127.0.0.1", port=port, **auth)
    controller.start()
    try:
        yield Relay(port=port, handler=handler)
    finally:
        handler.release.set()
        controller.stop()
