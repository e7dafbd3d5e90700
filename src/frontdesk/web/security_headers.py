"""Security headers on every response, from one place (issue 19, item 8).

Pages get a Content-Security-Policy that allows scripts, styles, images, fonts and connections
from this server only (no inline script, no inline style, no eval), may not be framed
(``frame-ancestors 'none'``: no clickjacking of the admin screens) and report violations to
``/csp-report``. The API and service answers get a policy that allows nothing, so a JSON body
opened as a document can do nothing either. Static files get none: they are sub-resources (the
embed loader runs on other web sites under their policy), and a policy on them changes nothing.

A route that needs another policy (the public chat may be framed by the sites of its allowed
origins) sets the header itself, built with :func:`page_policy`; a header the route set is
never overwritten.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP_REPORT_PATH = "/csp-report"
STATIC_PREFIX = "/static/"

# Only a well-formed host goes into the header: a Host header must not inject directives.
_HOST = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
REFERRER_POLICY = "same-origin"
# A year, and for this host only: the operator's other hosts are not ours to pin to HTTPS.
HSTS = "max-age=31536000"


@lru_cache(maxsize=256)
def page_policy(
    host: str | None,
    frame_ancestors: tuple[str, ...] = ("'none'",),
    extra_style: tuple[str, ...] = (),
) -> str:
    """The page CSP. ``connect-src 'self'`` covers ws:/wss: of this host in CSP 3 browsers;
    the host's ws:/wss: are named too for the browsers that predate that."""
    connect = ["'self'"]
    if host and _HOST.match(host):
        connect += [f"ws://{host}", f"wss://{host}"]
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        " ".join(["style-src 'self'", *extra_style]),
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src " + " ".join(connect),
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors " + " ".join(frame_ancestors),
        f"report-uri {CSP_REPORT_PATH}",
    ]
    return "; ".join(directives)


def request_host(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == b"host":
            return value.decode("latin-1")
    return None


class SecurityHeaders:
    """Adds the headers to each HTTP response that does not carry them already."""

    def __init__(self, app: ASGIApp, *, strict_transport: bool) -> None:
        self.app = app
        self.strict_transport = strict_transport

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        host = request_host(scope.get("headers", ()))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", REFERRER_POLICY)
                if self.strict_transport:
                    headers.setdefault("Strict-Transport-Security", HSTS)
                if not path.startswith(STATIC_PREFIX):
                    content_type = headers.get("content-type", "")
                    if content_type.startswith("text/html"):
                        headers.setdefault("Content-Security-Policy", page_policy(host))
                        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
                    else:
                        headers.setdefault("Content-Security-Policy", API_POLICY)
            await send(message)

        await self.app(scope, receive, send_with_headers)
