"""The fake GitHub's HTTP vocabulary: a request that passed routing (`Call`), an answer
(`Reply`), GitHub's error shapes, and pagination with GitHub's `Link` header."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from werkzeug import Request

from .github_state import DOCS_URL, JSON, MAX_BODY_CHARS, RecordedRequest, TokenInfo


@dataclass
class Reply:
    status: int
    payload: JSON = None
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None  # sent as text/plain instead of JSON when set


@dataclass
class Call:
    """A request that passed auth and routing, with its route parameters."""

    request: Request
    recorded: RecordedRequest
    token: TokenInfo
    params: dict[str, str]

    @property
    def body(self) -> Any:
        return self.recorded.json

    @property
    def number(self) -> int:
        return int(self.params["number"])


Handler = Callable[[Call], Reply]


def error(http_status: int, message: str, **extra: JSON) -> Reply:
    """A GitHub-style error body; ``extra`` adds fields such as ``errors`` or ``status``."""
    return Reply(http_status, {"message": message, "documentation_url": DOCS_URL, **extra})


def not_found() -> Reply:
    return error(404, "Not Found")


def unprocessable(message: str) -> Reply:
    """GitHub's 422 for review problems: a plain list of error strings."""
    return error(422, "Unprocessable Entity", errors=[message], status="422")


def body_too_long(resource: str) -> Reply:
    problem = {
        "resource": resource,
        "code": "custom",
        "field": "body",
        "message": f"body is too long (maximum is {MAX_BODY_CHARS} characters)",
    }
    return error(422, "Validation Failed", errors=[problem], status="422")


def _positive_int(raw: str | None, default: int) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) > 0 else default


def paginate(call: Call, items: list[JSON]) -> Reply:
    """One page of ``items`` with GitHub's ``Link`` header (next/last/prev/first)."""
    query = call.recorded.query
    per_page = min(_positive_int(query.get("per_page"), 30), 100)
    page = _positive_int(query.get("page"), 1)
    last = max(1, -(-len(items) // per_page))
    others = {k: v for k, v in query.items() if k not in ("per_page", "page")}

    def link(number: int, rel: str) -> str:
        params = urlencode({**others, "per_page": per_page, "page": number})
        return f'<{call.request.base_url}?{params}>; rel="{rel}"'

    links = [link(page + 1, "next"), link(last, "last")] if page < last else []
    if page > 1:
        links += [link(page - 1, "prev"), link(1, "first")]
    headers = {"Link": ", ".join(links)} if links else {}
    return Reply(200, items[(page - 1) * per_page : page * per_page], headers)
