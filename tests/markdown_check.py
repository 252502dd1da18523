"""What GitHub would make of markdown we post, read with a CommonMark parser (markdown-it-py,
with GitHub's tables and strikethrough): live HTML, mentions, suggestion blocks."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
MARKER = re.compile(r"<!-- /?reviewer:(?:finding|summary|state|verdict|routing)\b")
# A login, or an `org/team`: GitHub links (and notifies) both.
MENTION = re.compile(r"(?<![\w\u200b])@[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9](?:[\w.-]*[\w-])?)?")


def live_html(markdown: str) -> list[str]:
    """Raw HTML markdown would pass through, but for our own markers."""
    found = []
    for token in MARKDOWN.parse(markdown):
        pieces = [token, *(token.children or [])]
        for piece in pieces:
            if piece.type in ("html_block", "html_inline") and not MARKER.match(
                piece.content.strip()
            ):
                found.append(piece.content)
    return found


def mentions(markdown: str) -> list[str]:
    """@mentions GitHub would link (text outside code, entities decoded)."""
    found = []
    for token in MARKDOWN.parse(markdown):
        for child in token.children or []:
            if child.type == "text":
                found += MENTION.findall(child.content)
    return found


def suggestion_blocks(markdown: str) -> int:
    return sum(
        1
        for token in MARKDOWN.parse(markdown)
        if token.type == "fence" and token.info.strip().split(" ")[:1] == ["suggestion"]
    )
