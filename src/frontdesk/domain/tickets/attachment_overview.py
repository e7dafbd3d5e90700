"""The attachment overview of a ticket (spec §11): every attachment of every article in one
list, and a chosen set of them as one ZIP archive.

The archive is all or nothing: if any requested id is not an attachment of this ticket that the
caller may read, nothing is packed and the refused ids are named.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.core.clock import isoformat_z
from frontdesk.domain.tickets.access import access_ticket_by_id
from frontdesk.domain.tickets.actions import sanitize_filename
from frontdesk.domain.tickets.errors import ArchiveTooLarge, AttachmentsRefused
from frontdesk.domain.tickets.models import Article, Attachment
from frontdesk.domain.tickets.queries import attachment_out, attachment_rows, ticket_out
from frontdesk.domain.tickets.schemas import AttachmentOverviewRow, TicketOut

# File-type icon by MIME type: the first rule whose marker the type contains wins.
FILE_KIND_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pdf", ("application/pdf",)),
    ("word", ("msword", "wordprocessingml", "opendocument.text", "application/rtf")),
    ("excel", ("ms-excel", "spreadsheetml", "opendocument.spreadsheet", "text/csv")),
    ("powerpoint", ("ms-powerpoint", "presentationml", "opendocument.presentation")),
    (
        "archive",
        ("zip", "x-tar", "gzip", "x-7z", "x-rar", "x-bzip", "x-xz", "java-archive"),
    ),
    ("image", ("image/",)),
    ("audio", ("audio/",)),
    ("video", ("video/",)),
    ("text", ("text/",)),
)


def file_kind(content_type: str) -> str:
    """Which icon a file gets: image, pdf, word, excel, powerpoint, audio, video, archive,
    text, or generic."""
    lowered = content_type.lower()
    for kind, markers in FILE_KIND_RULES:
        if any(marker in lowered for marker in markers):
            return kind
    return "generic"


@dataclass(frozen=True)
class AttachmentOverview:
    ticket: TicketOut
    rows: list[AttachmentOverviewRow]


async def attachment_overview(
    session: AsyncSession, actor: Actor, ticket_id: int
) -> AttachmentOverview:
    """Every attachment of every article the actor may read: articles in ascending order,
    files in their order, each with the article's number, sender and time."""
    ticket = await access_ticket_by_id(session, actor, ticket_id)
    article_query = (
        select(Article.id, Article.sender_type, Article.from_display, Article.created_at)
        .where(Article.ticket_id == ticket.id)
        .order_by(Article.id)
    )
    attachments_query = attachment_rows().where(Article.ticket_id == ticket.id)
    if actor.is_customer:
        article_query = article_query.where(Article.visible_for_customer.is_(True))
        attachments_query = attachments_query.where(Article.visible_for_customer.is_(True))
    articles = {
        row.id: (number, row)
        for number, row in enumerate(await session.execute(article_query), start=1)
    }
    result = []
    for attachment, sender_type, visible in await session.execute(attachments_query):
        number, article = articles[attachment.article_id]
        time = isoformat_z(article.created_at)
        assert time is not None
        result.append(
            AttachmentOverviewRow(
                attachment=attachment_out(attachment, sender_type, visible),
                file_kind=file_kind(attachment.content_type),
                article_number=number,
                article_sender=sender_type,
                article_from=article.from_display,
                article_time=time,
            )
        )
    return AttachmentOverview(ticket=await ticket_out(session, ticket), rows=result)


def archive_member_names(filenames: Sequence[str]) -> list[str]:
    """Unique names inside the archive: a repeated name gets ``-1``, ``-2`` … before its
    extension (``report.pdf``, ``report-1.pdf``)."""
    used: set[str] = set()
    names = []
    for raw in filenames:
        name = sanitize_filename(raw)
        stem, dot, extension = name.rpartition(".")
        if not stem:  # no extension ("README") or only a leading dot
            stem, dot, extension = name, "", ""
        candidate, counter = name, 0
        while candidate.lower() in used:
            counter += 1
            candidate = f"{stem}-{counter}{dot}{extension}"
        used.add(candidate.lower())
        names.append(candidate)
    return names


@dataclass(frozen=True)
class AttachmentArchive:
    filename: str
    content: bytes


async def build_attachment_archive(
    session: AsyncSession,
    actor: Actor,
    ticket_id: int,
    attachment_ids: Sequence[int],
    max_bytes: int,
) -> AttachmentArchive:
    """The chosen attachments of the ticket as ``Attachments-Ticket-<number>.zip``.

    A ticket the actor may not read is ``TicketNotFound`` (404). Refuses (400, naming them) ids
    that are not attachments of this ticket the actor may read, and (413) a selection larger
    than ``max_bytes`` in total; both checked before any file is read.
    """
    ticket = await access_ticket_by_id(session, actor, ticket_id)
    wanted = list(dict.fromkeys(attachment_ids))
    sizes_query = (
        select(Attachment.id, Attachment.size)
        .join(Article, Article.id == Attachment.article_id)
        .where(Article.ticket_id == ticket.id, Attachment.id.in_(wanted))
    )
    if actor.is_customer:
        sizes_query = sizes_query.where(Article.visible_for_customer.is_(True))
    sizes = {row.id: row.size for row in await session.execute(sizes_query)}
    refused = [i for i in wanted if i not in sizes]
    if refused:
        raise AttachmentsRefused(refused)
    total = sum(sizes.values())
    if total > max_bytes:
        raise ArchiveTooLarge(total, max_bytes)
    files = list(
        await session.execute(
            select(Attachment.filename, Attachment.content)
            .where(Attachment.id.in_(wanted))
            .order_by(Attachment.article_id, Attachment.id)
        )
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zip_:
        for name, row in zip(archive_member_names([f.filename for f in files]), files, strict=True):
            zip_.writestr(name, row.content)
    return AttachmentArchive(f"Attachments-Ticket-{ticket.number}.zip", buffer.getvalue())
