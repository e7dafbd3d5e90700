"""POST /csp-report: browsers report Content-Security-Policy violations here; each becomes one
structured log line (``csp_violation``).

Anyone can post here, so the endpoint trusts nothing: the body is read up to a small bound,
only known fields are kept, each cut short, and URLs lose their query and fragment (a page's
query may carry a token). Junk is answered 400, never 500.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import structlog
from fastapi import APIRouter, Request, Response

from frontdesk.web.security_headers import CSP_REPORT_PATH

log = structlog.get_logger(__name__)
router = APIRouter(include_in_schema=False)

MAX_REPORT_BYTES = 16 * 1024
_MAX_FIELD = 200
# report-uri ("csp-report", hyphenated keys) and Reporting API ("body", camelCase) names.
_FIELDS = {
    "document_uri": ("document-uri", "documentURL"),
    "violated_directive": ("violated-directive", "violatedDirective"),
    "effective_directive": ("effective-directive", "effectiveDirective"),
    "blocked_uri": ("blocked-uri", "blockedURL"),
    "source_file": ("source-file", "sourceFile"),
    "line_number": ("line-number", "lineNumber"),
    "column_number": ("column-number", "columnNumber"),
    "disposition": ("disposition", "disposition"),
    "status_code": ("status-code", "statusCode"),
}
_URL_FIELDS = {"document_uri", "blocked_uri", "source_file"}


def _without_query(value: str) -> str:
    """``https://host/path?token=…#x`` → ``https://host/path``; keywords (``inline``, ``eval``)
    stay as they are."""
    parts = urlsplit(value)
    if not parts.scheme:
        return value
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _violation(report: dict[str, Any]) -> dict[str, str | int]:
    fields: dict[str, str | int] = {}
    for name, keys in _FIELDS.items():
        value = next((report[k] for k in keys if k in report), None)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int):
            fields[name] = value
        elif isinstance(value, str):
            text = _without_query(value) if name in _URL_FIELDS else value
            fields[name] = text[:_MAX_FIELD]
    return fields


def _reports(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        return [payload["csp-report"]]
    if isinstance(payload, list):  # the Reporting API sends a list of reports
        return [
            item["body"]
            for item in payload[:10]
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    return []


@router.post(CSP_REPORT_PATH)
async def csp_report(request: Request) -> Response:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_REPORT_BYTES:
            return Response(status_code=413)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return Response(status_code=400)
    reports = [fields for fields in map(_violation, _reports(payload)) if fields]
    if not reports:
        return Response(status_code=400)
    for fields in reports:
        log.warning("csp_violation", **fields)
    return Response(status_code=204)
