"""Errors of the tickets feature."""

from __future__ import annotations

from frontdesk.core.errors import Conflict, DomainError, NotFound, PayloadTooLarge


class TicketNotFound(NotFound):
    """The same answer for "does not exist" and "you may not see it"."""

    def __init__(self) -> None:
        super().__init__("There is no such ticket.", code="ticket_not_found")


class ArticleNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no such article on this ticket.", code="article_not_found")


class AttachmentNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no such attachment.", code="attachment_not_found")


class QueueNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no such queue.", code="queue_not_found")


class CustomerUserNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no such customer user.", code="customer_user_not_found")


class SavedViewNotFound(NotFound):
    """Also the answer for another agent's saved view."""

    def __init__(self) -> None:
        super().__init__("There is no such saved view.", code="saved_view_not_found")


class TicketAlreadyLocked(Conflict):
    def __init__(self, holder: str) -> None:
        super().__init__(f"The ticket is locked by {holder}.", code="already_locked")


class AttachmentTooLarge(PayloadTooLarge):
    def __init__(self, field: str, limit: int) -> None:
        super().__init__(
            f"The attachment is larger than the limit of {limit} bytes.",
            code="attachment_too_large",
            details=[{"field": field, "message": f"larger than {limit} bytes"}],
        )


class AttachmentsRefused(DomainError):
    """Some requested attachments are not on this ticket (or not for this caller's eyes)."""

    def __init__(self, refused_ids: list[int]) -> None:
        listed = ", ".join(str(i) for i in refused_ids)
        super().__init__(
            f"These attachments are not on this ticket: {listed}.",
            code="attachments_refused",
            details=[{"field": "attachment_ids", "refused_ids": refused_ids}],
        )
        self.refused_ids = refused_ids


class ArchiveTooLarge(PayloadTooLarge):
    def __init__(self, total: int, limit: int) -> None:
        super().__init__(
            f"The chosen attachments add up to {total} bytes, more than the limit of {limit}"
            " bytes for one archive. Choose fewer files or download them one by one.",
            code="archive_too_large",
            details=[{"field": "attachment_ids", "total_bytes": total, "limit_bytes": limit}],
        )
