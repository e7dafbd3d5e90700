"""Whether a form was sent from this server's own pages (login CSRF protection).

A login form has no CSRF token to check (there is no session yet), so another web site could
post it and log a visitor's browser into an account of the attacker's choosing. Browsers name
the sending page's origin in ``Origin`` on every form POST (``null`` when the sender hides it,
which is refused too); ``Referer`` is the fallback for old browsers. When both are absent the
sender is not a browser form (curl, scripts, tests) and cannot carry a victim's browser, so it
is let through.

"This server" is the host the request was sent to — the ``Host`` header, which a reverse proxy
must pass on (docs/operations.md), exactly as the rest of the app builds its own URLs and as the
WebSocket checks its origin. ``X-Forwarded-Host`` is not trusted. The scheme is not compared:
behind a TLS proxy the app may see ``http`` while the browser says ``https``, and the same host
on another scheme is still this server.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _authority(url: str) -> str | None:
    """``https://Help.Example:443/x`` → ``help.example``; None for what is not an http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc:
        return None
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return None
    if port is None or str(port) == _DEFAULT_PORTS[parts.scheme]:
        return host
    return f"{host}:{port}"


def _own_authority(request: Request) -> str:
    host = request.headers.get("host", "").strip().lower()
    for default in _DEFAULT_PORTS.values():
        host = host.removesuffix(f":{default}")
    return host


def foreign_sender(request: Request) -> str | None:
    """The other site that sent this form (its Origin or Referer as given, shortened), or
    None when it came from this server or from no browser at all."""
    origin = request.headers.get("origin")
    sender = origin if origin is not None else request.headers.get("referer")
    if sender is None:
        return None
    if _authority(sender) == _own_authority(request):
        return None
    return sender[:200] or "(empty)"
