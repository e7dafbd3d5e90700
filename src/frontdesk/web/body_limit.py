"""Refuse request bodies over FRONTDESK_MAX_REQUEST_BYTES before they are read into memory.

Attachments arrive base64-encoded in JSON or as multipart files, and both are read whole by the
time an action checks each file against FRONTDESK_MAX_UPLOAD_BYTES. This cap bounds what one
request may make the process hold: a declared Content-Length over it is refused at once, and a
body without one (chunked) is counted as it streams in.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE = "The request is larger than this server accepts."


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            # Raised inside the app's own handling, so the error handlers answer in the
            # caller's format (JSON for the API, a page for browsers).
            await self.app(scope, _refusing_receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, TOO_LARGE)
            return message

        await self.app(scope, counting_receive, send)


async def _refusing_receive() -> Message:
    raise HTTPException(413, TOO_LARGE)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
