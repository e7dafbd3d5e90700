"""Received mail → what a ticket article needs: decoded headers, a text body, the sanitised HTML,
attachments.

Real mail is often broken, so nothing here raises on bad input: the lenient ``compat32`` parser
reads the structure, unknown or wrong charsets decode with replacement characters, and every
header value is stripped of control characters (a CR/LF from an encoded word cannot start a new
header in anything we later write). HTML is only ever kept after ``nh3`` cleaned it with a strict
allow-list; the article body is always plain text (derived from the HTML for HTML-only mail).
"""

from __future__ import annotations

import codecs
import email
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from email.generator import BytesGenerator
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses
from html.parser import HTMLParser
from io import BytesIO

import nh3

# Tags and attributes a sanitised HTML mail may keep: text formatting, tables, links, images.
# Nothing that runs (script, style, event handlers, forms, frames) and no style attributes.
HTML_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "div", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s",
        "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
        "tr", "u", "ul",
    }
)  # fmt: skip
HTML_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
HTML_URL_SCHEMES = frozenset({"http", "https", "mailto", "cid"})

_CHARSET_ALIASES = {
    # What HTML5 does, and what mail declared as Latin-1 usually is: Windows' superset.
    "iso-8859-1": "windows-1252",
    "latin-1": "windows-1252",
    "us-ascii": "windows-1252",
    "ascii": "windows-1252",
}
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    inline: bool = False
    content_id: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class ParsedMail:
    subject: str
    from_display: str
    from_address: str
    to_addresses: list[str]
    cc_addresses: list[str]
    message_id: str | None
    in_reply_to: str | None
    references: list[str]
    body: str
    html: str | None
    attachments: list[ParsedAttachment]
    # Every header, decoded, in order (filters match these).
    headers: list[tuple[str, str]]
    defects: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        """The first header of this name, decoded ("" when missing)."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), "")

    @property
    def recipients(self) -> list[str]:
        return self.to_addresses + self.cc_addresses


# --- text decoding -----------------------------------------------------------------------------


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip('"').lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Text of ``data`` in ``charset``; undeclared → UTF-8 if it is, else Windows-1252; unknown
    charsets → UTF-8 with replacement characters. Never raises."""
    codec = _codec(charset)
    if codec is not None:
        return data.decode(codec, errors="replace")
    if charset:  # declared but unknown (x-unknown): keep what is readable
        return data.decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", errors="replace")


def clean_text(text: str) -> str:
    """Text safe to store: no NUL (PostgreSQL refuses it), no other control characters except
    newline and tab, line ends normalised."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc" or c == "\ufffd"
    )


def clean_header(text: str) -> str:
    """A header value on one line: every control character (CR, LF, NUL …) becomes a space."""
    value = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    return " ".join(value.split())


def decode_header_value(raw: object) -> str:
    """A header's text: encoded words decoded (unknown charsets with replacement characters),
    raw 8-bit bytes read as UTF-8 or Windows-1252."""
    if raw is None:
        return ""
    text = str(raw)
    if any("\udc80" <= c <= "\udcff" for c in text):  # raw 8-bit bytes (surrogateescape)
        text = decode_bytes(text.encode("utf-8", "surrogateescape"), None)
    try:
        parts = decode_header(text)
    except Exception:  # a malformed encoded word leaves the text as it was
        return clean_header(text)
    pieces: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            pieces.append(decode_bytes(chunk, charset or "utf-8"))
        else:
            pieces.append(chunk)
    return clean_header("".join(pieces))


# --- HTML --------------------------------------------------------------------------------------


def sanitise_html(html: str) -> str:
    """HTML that may be shown in a page: nh3 with the strict allow-list above."""
    return nh3.clean(
        html,
        tags=set(HTML_TAGS),
        clean_content_tags={"script", "style", "head", "title", "template"},
        attributes={tag: set(names) for tag, names in HTML_ATTRIBUTES.items()},
        url_schemes=set(HTML_URL_SCHEMES),
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
    )


_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
     "table", "ul", "ol", "hr", "dd", "dt"}
)  # fmt: skip


class _TextOfHtml(HTMLParser):
    """The readable text of HTML: tags dropped, script and style content skipped, entities
    decoded, block elements on their own lines, links followed by their address."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title", "template"):
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title", "template"):
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "a" and self._href and self._href.startswith(("http:", "https:", "mailto:")):
            self.parts.append(f" [{self._href}]")
            self._href = None

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = [" ".join(line.split()) for line in "".join(self.parts).split("\n")]
        text = "\n".join(lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def text_of_html(html: str) -> str:
    parser = _TextOfHtml()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; this is only a last resort
        return re.sub(r"<[^>]*>", " ", html)
    return parser.text()


# --- structure ---------------------------------------------------------------------------------


@dataclass
class _Walk:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)


def _payload_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # broken transfer encoding: keep the raw text
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    if isinstance(raw, list):  # message/* parts compat32 parsed into messages
        return b"".join(_message_bytes(sub) for sub in raw if isinstance(sub, Message))
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def _part_text(part: Message) -> str:
    return decode_bytes(_payload_bytes(part), part.get_content_charset())


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:  # a broken RFC 2231 parameter: no name
        return None
    return decode_header_value(name) if name else None


def _disposition(part: Message) -> str:
    value = part.get("Content-Disposition")
    return str(value).split(";", 1)[0].strip().lower() if value else ""


def _message_bytes(message: Message) -> bytes:
    out = BytesIO()
    BytesGenerator(out, mangle_from_=False).flatten(message)
    return out.getvalue()


def _attachment(part: Message, *, inline: bool) -> ParsedAttachment:
    content_type = part.get_content_type()
    name = _filename(part)
    content_id = part.get("Content-ID")
    cid = clean_header(str(content_id)).strip("<>") if content_id else None
    if name is None:
        extension = {"text/html": ".html", "text/plain": ".txt"}.get(content_type, "")
        name = (cid or "attachment") + extension if extension else (cid or "attachment")
    return ParsedAttachment(
        filename=name,
        content_type=content_type,
        content=_payload_bytes(part),
        inline=inline,
        content_id=cid,
    )


def _forwarded(part: Message) -> ParsedAttachment:
    """A message/rfc822 part, kept whole as an ``.eml`` named after its subject."""
    inner = part.get_payload()
    content: bytes
    subject = ""
    if isinstance(inner, list) and inner and isinstance(inner[0], Message):
        try:
            content = _message_bytes(inner[0])
        except Exception:  # cannot re-serialise a broken message: raw text
            content = _payload_bytes(part)
        subject = decode_header_value(inner[0].get("Subject"))
    else:
        content = _payload_bytes(part)
    base = _filename(part) or (subject or "forwarded-message")
    filename = base if base.lower().endswith(".eml") else base + ".eml"
    return ParsedAttachment(filename=filename, content_type="message/rfc822", content=content)


def _walk(part: Message, walk: _Walk, *, related: bool = False) -> None:
    content_type = part.get_content_type()
    maintype = part.get_content_maintype()
    if content_type == "message/rfc822":
        walk.attachments.append(_forwarded(part))
        return
    if maintype == "multipart":
        children = part.get_payload()
        if not isinstance(children, list):  # a multipart without parts: treat as text
            walk.texts.append(_part_text(part))
            return
        subparts = [child for child in children if isinstance(child, Message)]
        if part.get_content_subtype() == "alternative":
            _walk_alternative(subparts, walk)
        elif part.get_content_subtype() == "related" and subparts:
            _walk(subparts[0], walk)
            for child in subparts[1:]:
                _walk(child, walk, related=True)
        else:
            for child in subparts:
                _walk(child, walk)
        return
    disposition = _disposition(part)
    is_body_text = content_type in ("text/plain", "text/html") and disposition != "attachment"
    if is_body_text and not (related and content_type != "text/html"):
        if content_type == "text/plain" and _filename(part) is None:
            walk.texts.append(_part_text(part))
            return
        if content_type == "text/html" and _filename(part) is None:
            walk.htmls.append(_part_text(part))
            return
    inline = related or (disposition == "inline" and maintype == "image")
    walk.attachments.append(_attachment(part, inline=inline))


def _walk_alternative(subparts: list[Message], walk: _Walk) -> None:
    """The richest version for HTML, the plain one for text; either may be nested."""
    plain = _Walk()
    rich = _Walk()
    for child in subparts:
        if child.get_content_type() == "text/plain":
            _walk(child, plain)
        else:
            _walk(child, rich)
    walk.texts.extend(plain.texts or rich.texts)
    walk.htmls.extend(rich.htmls)
    walk.attachments.extend(rich.attachments + plain.attachments)


def _addresses(values: list[str]) -> list[str]:
    found = []
    for _name, address in getaddresses(values):
        address = clean_header(address)
        if "@" in address and address not in found:
            found.append(address[:320])
    return found


def _ids(value: str) -> list[str]:
    return [found[:998] for found in _MESSAGE_ID.findall(value)]


def parse_mail(raw: bytes) -> ParsedMail:
    """Everything a ticket needs from one RFC 822 message. Never raises on bad mail."""
    message = email.message_from_bytes(raw)
    # raw_items: the values as they arrived (8-bit bytes surrogate-escaped), not compat32's
    # Header objects, which have already replaced what they could not read.
    headers = [
        (clean_header(str(key)), decode_header_value(value)) for key, value in message.raw_items()
    ]

    def first(name: str) -> str:
        wanted = name.lower()
        return next((value for key, value in headers if key.lower() == wanted), "")

    def every(name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in headers if key.lower() == wanted]

    walk = _Walk()
    _walk(message, walk)
    html = "\n".join(walk.htmls) if walk.htmls else None
    if walk.texts and any(text.strip() for text in walk.texts):
        body = "\n".join(text.rstrip("\n") for text in walk.texts)
    elif html is not None:
        body = text_of_html(html)
    else:
        body = ""
    from_header = first("From")
    from_list = _addresses([from_header])
    message_ids = _ids(first("Message-ID"))
    in_reply_to = _ids(first("In-Reply-To"))
    return ParsedMail(
        subject=first("Subject"),
        from_display=from_header[:250],
        from_address=from_list[0] if from_list else "",
        to_addresses=_addresses(every("To")),
        cc_addresses=_addresses(every("Cc")),
        message_id=message_ids[0] if message_ids else None,
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=_ids(" ".join(every("References"))),
        body=clean_text(body).strip("\n") or "(no text)",
        html=sanitise_html(html) if html is not None else None,
        attachments=walk.attachments,
        headers=headers,
        defects=[type(defect).__name__ for defect in message.defects],
    )
