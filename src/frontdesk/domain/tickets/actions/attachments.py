"""Uploaded attachments decoded, named and typed before they are stored."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from frontdesk.core.errors import ValidationFailed
from frontdesk.domain.tickets.errors import AttachmentTooLarge
from frontdesk.domain.tickets.schemas import ArticleCreate

_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")


@dataclass
class PreparedAttachment:
    filename: str
    content_type: str
    content: bytes
    sha256: str
    # "inline" for parts shown inside the message (an e-mail's embedded images).
    disposition: str = "attachment"


def sanitize_filename(raw: str) -> str:
    """The last path component without control characters; never empty."""
    name = re.split(r"[/\\]", raw)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))
    name = name.strip().lstrip(".").strip()
    return name[:255] or "attachment"


def normalize_content_type(raw: str) -> str:
    """``type/subtype`` in lower case (parameters dropped), else application/octet-stream."""
    value = raw.split(";", 1)[0].strip().lower()
    return value if _CONTENT_TYPE.match(value) else "application/octet-stream"


def prepare_attachments(
    data: ArticleCreate, max_bytes: int, field_prefix: str
) -> list[PreparedAttachment]:
    prepared = []
    for index, attachment in enumerate(data.attachments):
        field_name = f"{field_prefix}attachments.{index}.content_base64"
        encoded = "".join(attachment.content_base64.split())
        # Refuse before decoding what is obviously too large: 4 characters carry 3 bytes.
        if len(encoded) // 4 * 3 > max_bytes + 2:
            raise AttachmentTooLarge(field_name, max_bytes)
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(field_name, "is not valid base64") from None
        if len(content) > max_bytes:
            raise AttachmentTooLarge(field_name, max_bytes)
        prepared.append(
            PreparedAttachment(
                filename=sanitize_filename(attachment.filename),
                content_type=normalize_content_type(attachment.content_type),
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
    return prepared
