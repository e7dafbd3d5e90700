"""REST routes of incoming mail, for administrators: hand in one message (as an MTA would)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from frontdesk.core.errors import DomainError, ValidationFailed
from frontdesk.domain.mail_inbound.ingest import Failed, Ignored, receive_in
from frontdesk.web.dependencies import ApiAdmin, TxDep

router = APIRouter(tags=["incoming mail"])

# A message handed in through the API is bounded like any request body; a mail account's own
# limit is PostMaster::MaxEmailSize.
MAX_INBOUND_BYTES = 64 * 1024 * 1024


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


@router.post("/mail/inbound", status_code=201, response_model=None)
async def receive_inbound_mail(request: Request, tx: TxDep, actor: ApiAdmin) -> Any:
    del actor
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != "message/rfc822":
        raise UnsupportedMediaType("Send the message itself, as Content-Type: message/rfc822.")
    raw = await request.body()
    if not raw.strip():
        raise ValidationFailed("body", "is empty; send one RFC 822 message")
    if len(raw) > MAX_INBOUND_BYTES:
        raise ValidationFailed("body", f"is larger than {MAX_INBOUND_BYTES} bytes")
    outcome = await receive_in(tx, raw)
    if isinstance(outcome, Ignored):
        return JSONResponse({"ignored": True, "reason": outcome.reason}, status_code=200)
    if isinstance(outcome, Failed):
        # Kept for the admin under failed incoming mail; the caller learns it was not processed.
        return JSONResponse(
            {"ignored": True, "reason": "failed", "failure_id": outcome.failure_id},
            status_code=200,
        )
    return {
        "ticket_id": outcome.ticket_id,
        "article_id": outcome.article_id,
        "follow_up": outcome.follow_up,
    }
