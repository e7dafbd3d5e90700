"""The hand-written test mail in tests/data/mail/, and messages built for one test."""

from __future__ import annotations

import base64
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "data" / "mail"


def corpus_mail(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def plain_mail(
    number: int,
    *,
    sender: str = "Cora Customer <cora@example.com>",
    to: str = "support@frontdesk.test",
    subject: str = "Printer on fire",
    body: str = "The printer is on fire.",
    extra_headers: str = "",
) -> bytes:
    """A small text mail with the Message-ID ``<number.in@example.com>``."""
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{number}.in@example.com>\r\n{extra_headers}"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def mail_with_attachment(size: int) -> bytes:
    """A mail carrying one attachment of ``size`` bytes (generated, never committed)."""
    content = bytes(range(256)) * (size // 256) + bytes(size % 256)
    encoded = base64.encodebytes(content).decode("ascii")
    return (
        "From: Big Bertha <bertha@example.com>\r\nTo: support@frontdesk.test\r\n"
        "Subject: Large log file\r\nMessage-ID: <large.1@example.com>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/plain; charset=utf-8\r\n\r\nThe log is attached.\r\n--b\r\n"
        'Content-Type: application/octet-stream; name="server.log"\r\n'
        "Content-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="server.log"\r\n\r\n'
        f"{encoded}\r\n--b--\r\n"
    ).encode()
