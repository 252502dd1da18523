"""Raw JSON pages of a REST list, following GitHub's `Link: rel="next"` headers."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from github import Github

_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


def next_link(headers: dict[str, Any]) -> str | None:
    link = headers.get("link") or headers.get("Link") or ""
    found = _NEXT.search(str(link))
    return found.group(1) if found else None


def collect(
    github: Github, url: str, parameters: dict[str, Any], *, max_pages: int | None = None
) -> tuple[list[Any], bool]:
    """The items of a list, 100 a page, at most `max_pages` pages; and whether more pages
    were left unread. GithubException escapes to the caller, which translates it."""
    params: dict[str, Any] | None = {"per_page": 100, **parameters}
    items: list[Any] = []
    count = 0
    next_url: str | None = url
    while next_url is not None:
        if max_pages is not None and count >= max_pages:
            return items, True
        headers, data = github.requester.requestJsonAndCheck("GET", next_url, parameters=params)
        count += 1
        items.extend(data or [])
        next_url, params = next_link(headers), None  # the next link carries the query
    return items, False


def parse_time(value: Any) -> datetime:
    """GitHub's ISO 8601 times (`2024-01-01T00:00:00Z`, or with an offset in git dates)."""
    return datetime.fromisoformat(str(value))
