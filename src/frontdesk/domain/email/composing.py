"""Build an outgoing e-mail: addresses checked, the ticket number in the subject, threading
headers, a UTF-8 text body and attachments, rendered once with the SMTP policy (CRLF) so the
bytes stored on the article are the bytes delivered."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import base64mime, quoprimime
from email.headerregistry import Address, BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import SMTP, Policy
from email.utils import format_datetime, getaddresses, make_msgid

from email_validator import EmailNotValidError, validate_email

from frontdesk.core.errors import ValidationFailed

# Reply and forward markers of common mail programs (English, German), matched without case.
_REPLY_MARKERS = ("re", "aw")
_FORWARD_MARKERS = ("fwd", "fw", "wg")
# The article's subject column: a sent subject longer than this is shortened.
SUBJECT_LENGTH = 255
_LEADING_MARKERS = re.compile(r"^\s*((?:re|aw|fwd?|wg)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class Mailbox:
    email: str
    display_name: str = ""

    def formatted(self) -> str:
        """The header form: quoted where needed; non-ASCII is encoded when rendered."""
        return str(Address(self.display_name, addr_spec=self.email))


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class SubjectRules:
    """``Ticket::Hook``, ``Ticket::SubjectFormat`` (Left/Right/None), ``Ticket::SubjectRe`` and
    ``Ticket::SubjectFwd``."""

    hook: str = "Ticket#"
    format: str = "Left"
    reply_prefix: str = "Re"
    forward_prefix: str = "Fwd"


@dataclass(frozen=True)
class OutgoingMail:
    sender: Mailbox
    to: Sequence[Mailbox]
    subject: str
    body: str
    message_id: str
    date: datetime
    cc: Sequence[Mailbox] = ()
    in_reply_to: str | None = None
    references: Sequence[str] = ()
    attachments: Sequence[MailAttachment] = field(default_factory=tuple)


def refuse_line_breaks(value: str, field_name: str) -> None:
    """Header injection guard: a header value never carries CR or LF."""
    if "\r" in value or "\n" in value:
        raise ValidationFailed(field_name, "must not contain line breaks")


def parse_recipients(values: Sequence[str], field_name: str) -> list[Mailbox]:
    """Each value is one or more addresses ("Name <a@b>", comma separated); all must be valid
    or the field is refused, naming the first bad one. Duplicates are dropped, order kept."""
    mailboxes: list[Mailbox] = []
    seen: set[str] = set()
    for value in values:
        refuse_line_breaks(value, field_name)
        if not value.strip():
            continue
        for name, address in getaddresses([value]):
            if not address:
                raise ValidationFailed(field_name, f"{value.strip()} is not a valid e-mail address")
            try:
                checked = validate_email(address, check_deliverability=False)
            except EmailNotValidError:
                raise ValidationFailed(
                    field_name, f"{address} is not a valid e-mail address"
                ) from None
            # The relay gets the ASCII form (an IDN domain as xn--…); a mailbox name beyond
            # ASCII would need SMTPUTF8, which relays cannot be relied on for.
            email = checked.ascii_email
            if email is None:
                raise ValidationFailed(
                    field_name, f"{address}: addresses with non-ASCII names are not supported"
                )
            if email.lower() in seen:
                continue
            seen.add(email.lower())
            mailboxes.append(Mailbox(email=email, display_name=name.strip()))
    return mailboxes


# The outbox keeps a Message-ID in 250 characters; make_msgid's own part takes about 45.
_MAX_ID_DOMAIN = 190


def new_message_id(sender: Mailbox) -> str:
    """A unique Message-ID (with angle brackets) in the sender's domain."""
    domain = sender.email.rpartition("@")[2]
    if not domain or len(domain) > _MAX_ID_DOMAIN:
        domain = "localhost.localdomain"
    return make_msgid(domain=domain)


def strip_ticket_hook(subject: str, hook: str) -> str:
    """The subject without any "[<hook><number>]" and without a duplicate reply marker."""
    without = re.sub(rf"\[\s*{re.escape(hook)}\s*\d+\s*\]", " ", subject)
    return " ".join(without.split())


def collapse_markers(subject: str, rules: SubjectRules) -> str:
    """ "Re: AW: Re: x" → "Re: x": one marker, the configured one of its kind."""
    match = _LEADING_MARKERS.match(subject)
    if match is None:
        return subject.strip()
    first = re.match(r"\s*([a-z]+)", match.group(0), re.IGNORECASE)
    marker = first.group(1).lower() if first else ""
    prefix = rules.forward_prefix if marker in _FORWARD_MARKERS else rules.reply_prefix
    rest = subject[match.end() :].strip()
    return f"{prefix}: {rest}" if prefix else rest


def answer_subject(original: str, rules: SubjectRules) -> str:
    """The subject proposed for an answer to ``original``: "Re: <original>", never "Re: Re:"."""
    base = strip_ticket_hook(original, rules.hook)
    if not rules.reply_prefix:
        return base
    return collapse_markers(f"{rules.reply_prefix}: {base}", rules)


def forward_subject(original: str, rules: SubjectRules) -> str:
    base = strip_ticket_hook(original, rules.hook)
    if not rules.forward_prefix:
        return base
    base = _LEADING_MARKERS.sub("", base).strip()
    return f"{rules.forward_prefix}: {base}"


def ticket_subject(
    subject: str, number: str, rules: SubjectRules, max_length: int = SUBJECT_LENGTH
) -> str:
    """The subject as sent: ticket hooks already in it removed, reply markers collapsed, and
    the ticket number placed as ``Ticket::SubjectFormat`` says; the text is shortened so the
    whole fits ``max_length`` (the article's subject column)."""
    text = strip_ticket_hook(subject, rules.hook)
    if _LEADING_MARKERS.match(text):
        text = collapse_markers(text, rules)
    tag = f"[{rules.hook}{number}]"
    if rules.format == "None":
        return text[:max_length]
    text = text[: max(0, max_length - len(tag) - 1)].strip()
    if rules.format == "Right":
        return f"{text} {tag}".strip()
    return f"{tag} {text}".strip()


def quote_text(body: str, when: str, author: str) -> str:
    """The answered article under an attribution line, each line behind "> "."""
    lines = [f"On {when}, {author} wrote:"]
    lines += [f"> {line}" if line else ">" for line in body.splitlines()]
    return "\n".join(lines)


def threading_after(message_id: str | None, references: str) -> tuple[str | None, list[str]]:
    """In-Reply-To and References of an answer to the message with these headers."""
    if not message_id:
        return None, []
    chain = [ref for ref in references.split() if ref != message_id]
    return message_id, [*chain, message_id]


# RFC 5322 2.1.1: a header line should stay within 78 characters; RFC 2047 2: an encoded word
# within 75.
_LINE_LENGTH = 78
_ENCODED_WORD_LENGTH = 75


def _needs_encoding(word: str) -> bool:
    """Beyond printable ASCII, text a reader would decode ("=?…?="), or too long for a line."""
    return not (word.isascii() and word.isprintable()) or "=?" in word or len(word) >= _LINE_LENGTH


def _encoded_word(text: str) -> str:
    """UTF-8 text as one encoded word: Q (readable) unless base64 is 5 or more shorter, as
    Python's own folder chooses."""
    data = text.encode("utf-8")
    q, b = quoprimime.header_encode(data, "utf-8"), base64mime.header_encode(data, "utf-8")
    return q if len(q) - len(b) < 5 else b


def fold_unstructured(name: str, value: str, linesep: str = "\r\n") -> str:
    """``name: value`` folded at spaces into lines of at most 78 characters, non-ASCII words as
    RFC 2047 encoded words; with the line ending.

    The first word always stays on the name's line (a first word too long for it makes that
    line longer than 78, within the 998 allowed). Python's folder moves a value that fits one
    line but not after the name (70 to 77 characters after "Subject: ") to a continuation line,
    "Subject:" CRLF " text", which unfolds to a subject with a leading blank. Runs of
    whitespace become one space (subjects come normalised anyway).
    """
    lines = [f"{name}:"]

    def place(token: str) -> None:
        if lines == [f"{name}:"] or len(lines[-1]) + 1 + len(token) <= _LINE_LENGTH:
            lines[-1] += " " + token
        else:
            lines.append(" " + token)

    words = value.split()
    index = 0
    while index < len(words):
        if not _needs_encoding(words[index]):
            place(words[index])
            index += 1
            continue
        end = index
        while end < len(words) and _needs_encoding(words[end]):
            end += 1
        # Neighbouring encoded words join without the space between them, so a run of words
        # to encode is encoded whole (its spaces inside), split only to fit the lines.
        text = " ".join(words[index:end])
        index = end
        while text:
            room = _LINE_LENGTH - len(lines[-1]) - 1
            if room < len(_encoded_word(text[0])):
                room = _LINE_LENGTH - 1
            room = min(room, _ENCODED_WORD_LENGTH)
            size = 1
            while size < len(text) and len(_encoded_word(text[: size + 1])) <= room:
                size += 1
            place(_encoded_word(text[:size]))
            text = text[size:]
    return linesep.join(lines) + linesep


class _SubjectHeader(UnstructuredHeader, BaseHeader):
    """The Subject header, parsed as Python parses it, folded by ``fold_unstructured``."""

    def fold(self, *, policy: Policy) -> str:
        return fold_unstructured(self.name, str(self), policy.linesep)


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("subject", _SubjectHeader)
# SMTP (CRLF) with our Subject folding; every other header as Python folds it.
MAIL_POLICY = SMTP.clone(header_factory=_HEADERS)


def build_message(mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = Address(mail.sender.display_name, addr_spec=mail.sender.email)
    message["To"] = [Address(m.display_name, addr_spec=m.email) for m in mail.to]
    if mail.cc:
        message["Cc"] = [Address(m.display_name, addr_spec=m.email) for m in mail.cc]
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.date)
    message["Message-ID"] = mail.message_id
    if mail.in_reply_to:
        message["In-Reply-To"] = mail.in_reply_to
    if mail.references:
        message["References"] = " ".join(mail.references)
    message.set_content(mail.body, subtype="plain", charset="utf-8")
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.content,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return message


def render_message(mail: OutgoingMail) -> bytes:
    """The exact bytes that are stored and delivered (CRLF line ends)."""
    return build_message(mail).as_bytes(policy=MAIL_POLICY)
