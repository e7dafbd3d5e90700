"""Building outgoing mail: subjects, recipients, quoting, threading and the rendered bytes."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

import pytest

from frontdesk.core.errors import ValidationFailed
from frontdesk.domain.email.composing import (
    Mailbox,
    OutgoingMail,
    SubjectRules,
    answer_subject,
    forward_subject,
    new_message_id,
    parse_recipients,
    quote_text,
    render_message,
    threading_after,
    ticket_subject,
)

RULES = SubjectRules()


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Printer", "[Ticket#2026120710000001] Printer"),
        ("Re: Printer", "[Ticket#2026120710000001] Re: Printer"),
        ("Re: Re: AW: Printer", "[Ticket#2026120710000001] Re: Printer"),
        ("[Ticket#2026120710000001] Re: Printer", "[Ticket#2026120710000001] Re: Printer"),
        ("Re: [Ticket#2026120710000001] Re: Printer", "[Ticket#2026120710000001] Re: Printer"),
        ("FW: Re: Printer", "[Ticket#2026120710000001] Fwd: Printer"),
        ("", "[Ticket#2026120710000001]"),
    ],
)
def test_the_ticket_number_leads_the_subject_once(subject: str, expected: str) -> None:
    assert ticket_subject(subject, "2026120710000001", RULES) == expected


def test_subject_format_right_and_none_and_another_hook() -> None:
    right = SubjectRules(hook="Call#", format="Right")
    assert ticket_subject("Re: [Call#7] Printer", "7", right) == "Re: Printer [Call#7]"
    assert ticket_subject("[Ticket#7] Printer", "7", SubjectRules(format="None")) == "Printer"


def test_answer_and_forward_subjects() -> None:
    assert answer_subject("[Ticket#7] Re: AW: Printer", RULES) == "Re: Printer"
    assert answer_subject("Printer", RULES) == "Re: Printer"
    assert answer_subject("Printer", SubjectRules(reply_prefix="AW")) == "AW: Printer"
    assert forward_subject("[Ticket#7] Re: Printer", RULES) == "Fwd: Printer"


def test_recipients_are_parsed_checked_and_deduplicated() -> None:
    parsed = parse_recipients(
        ['Cora Customer <cora@example.com>, "Doe, J" <j@example.com>', "CORA@example.com", " "],
        "to",
    )
    assert parsed == [
        Mailbox("cora@example.com", "Cora Customer"),
        Mailbox("j@example.com", "Doe, J"),
    ]
    assert [m.formatted() for m in parsed] == [
        "Cora Customer <cora@example.com>",
        '"Doe, J" <j@example.com>',
    ]
    assert parse_recipients(["Jörg <jane@exämple.de>"], "to") == [
        Mailbox("jane@xn--exmple-cua.de", "Jörg")
    ]
    for bad in (
        "nobody",
        "a@b",
        "x@@example.com",
        "Doe, J <j@example.com>",
        "a@example.com\r\n",
        "jürgen@example.com",
    ):
        with pytest.raises(ValidationFailed) as refused:
            parse_recipients([bad], "cc")
        assert refused.value.field == "cc"


def test_quoting_and_threading() -> None:
    assert quote_text("Hello\n\nJane", "2026-12-07 09:00", "Jane Customer") == (
        "On 2026-12-07 09:00, Jane Customer wrote:\n> Hello\n>\n> Jane"
    )
    assert threading_after("<b@x>", "<a@x> <b@x>") == ("<b@x>", ["<a@x>", "<b@x>"])
    assert threading_after(None, "<a@x>") == (None, [])


def test_a_plain_message_renders_with_crlf_and_encoded_names() -> None:
    raw = render_message(
        OutgoingMail(
            sender=Mailbox("support@example.com", "Jürgen Support"),
            to=[Mailbox("cora@example.com", "Cora")],
            subject="[Ticket#7] Grüße",
            body="Grüße\n",
            message_id="<1.2@example.com>",
            date=datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
        )
    )
    assert raw == (
        b"From: =?utf-8?q?J=C3=BCrgen?= Support <support@example.com>\r\n"
        b"To: Cora <cora@example.com>\r\n"
        b"Subject: [Ticket#7] =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n"
        b"Date: Mon, 07 Dec 2026 09:00:00 +0000\r\n"
        b"Message-ID: <1.2@example.com>\r\n"
        b'Content-Type: text/plain; charset="utf-8"\r\n'
        b"Content-Transfer-Encoding: 8bit\r\n"
        b"MIME-Version: 1.0\r\n"
        b"\r\n"
        b"Gr\xc3\xbc\xc3\x9fe\r\n"
    )


def _subject_lines(subject: str) -> bytes:
    raw = render_message(
        OutgoingMail(
            sender=Mailbox("support@example.com"),
            to=[Mailbox("cora@example.com")],
            subject=subject,
            body="Hello\n",
            message_id="<1.2@example.com>",
            date=datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
        )
    )
    head = raw.split(b"\r\n\r\n")[0] + b"\r\n"
    assert str(message_from_bytes(raw, policy=default)["Subject"]) == subject
    return head[head.index(b"Subject:") : head.index(b"Date:")]


def test_a_folded_subject_keeps_its_first_word_on_the_subject_line() -> None:
    # 74 characters: too long after "Subject: ", short enough for a line of its own, which is
    # where Python's folder put it ("Subject:" CRLF " [Ticket#…"): a leading blank unfolded.
    assert _subject_lines(
        "[Ticket#2026120710000001] Unlocked Ticket Follow-Up: Printer on fire again"
    ) == (
        b"Subject: [Ticket#2026120710000001] Unlocked Ticket Follow-Up: Printer on fire\r\n"
        b" again\r\n"
    )
    assert _subject_lines("[Ticket#7] Printer") == b"Subject: [Ticket#7] Printer\r\n"
    # Non-ASCII words are encoded one by one, the spaces around them kept once.
    assert _subject_lines(
        "[Ticket#2026120710000001] Grüße aus München: der Drucker brennt schon wieder seit"
        " heute früh"
    ) == (
        b"Subject: [Ticket#2026120710000001] =?utf-8?q?Gr=C3=BC=C3=9Fe?= aus\r\n"
        b" =?utf-8?q?M=C3=BCnchen=3A?= der Drucker brennt schon wieder seit heute\r\n"
        b" =?utf-8?q?fr=C3=BCh?=\r\n"
    )
    # A word longer than a line is encoded in pieces that fit.
    assert _subject_lines("x" * 90 + " end") == (
        b"Subject: =?utf-8?q?" + b"x" * 57 + b"?=\r\n =?utf-8?q?" + b"x" * 33 + b"?= end\r\n"
    )


def test_a_long_subject_is_shortened_to_fit_with_its_ticket_number() -> None:
    subject = ticket_subject("x" * 255, "2026120710000001", RULES)
    assert len(subject) == 255
    assert subject.startswith("[Ticket#2026120710000001] xxx")


def test_message_ids_are_unique_in_the_senders_domain_and_fit_the_outbox() -> None:
    first, second = (new_message_id(Mailbox("help@acme.example")) for _ in range(2))
    assert first != second
    assert first.startswith("<") and first.endswith("@acme.example>")
    long_domain = "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + ".example"
    assert new_message_id(Mailbox(f"x@{long_domain}")).endswith("@localhost.localdomain>")
