"""Markdown for inline comments and the summary. Model text is untrusted: it is
escaped so it can neither forge our markers nor ping anybody."""

from __future__ import annotations

import re
from types import MappingProxyType

from reviewer.core.anchoring import AnchoredFinding
from reviewer.core.diff import Side
from reviewer.core.fingerprint import finding_marker
from reviewer.core.severity import Severity

BADGES = MappingProxyType(
    {
        Severity.CRITICAL: "🔴 Critical",
        Severity.WARNING: "🟠 Warning",
        Severity.SUGGESTION: "🔵 Suggestion",
    }
)

_MENTION = re.compile(r"(?<![\w`])@(?=[A-Za-z0-9])")


_CODE = re.compile(r"(```[\s\S]*?```|`[^`\n]*`)")


def sanitize(text: str) -> str:
    """Model text made inert: no HTML (outside code, where markdown shows it as text), no
    HTML comments anywhere (no forged markers), no @mentions (nobody is pinged)."""
    text = text.replace("<!--", "&lt;!--").replace("-->", "--&gt;")
    parts = _CODE.split(text)
    for i in range(0, len(parts), 2):  # even parts are prose, odd ones code
        parts[i] = parts[i].replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION.sub("@\u200b", "".join(parts))


# A finding's explanation is a few sentences; anything longer is the model rambling.
MAX_FINDING_BODY = 4_000


def finding_body(text: str) -> str:
    text = sanitize(text.strip())
    return text if len(text) <= MAX_FINDING_BODY else text[: MAX_FINDING_BODY - 1] + "…"


def one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def suggestion_block(anchored: AnchoredFinding) -> str:
    """A one-click ```suggestion for exactly the anchored lines, or "" when unsafe.

    Only on RIGHT-side lines, only when the model's quote is exactly those lines
    (so its replacement maps onto them), and never empty or a no-op."""
    replacement = anchored.finding.suggestion
    if not anchored.is_inline or anchored.side is not Side.RIGHT or not replacement:
        return ""
    replacement = replacement.strip("\n")
    quote = [line for line in anchored.finding.quote.splitlines() if line.strip()]
    code = [line for line in anchored.code_lines if line.strip()]
    if not replacement.strip() or _squash(quote) != _squash(code):
        return ""
    if _squash(replacement.splitlines()) == _squash(list(anchored.code_lines)):
        return ""
    fence = "```"
    while fence in replacement:
        fence += "`"
    return f"{fence}suggestion\n{replacement}\n{fence}"


def _squash(lines: list[str]) -> str:
    return "".join("".join(lines).split())


def render_comment(anchored: AnchoredFinding) -> str:
    finding = anchored.finding
    parts = [
        f"**{BADGES[finding.severity]}** · {finding.category.value} · "
        f"**{sanitize(one_line(finding.title))}**",
        finding_body(finding.body),
    ]
    block = suggestion_block(anchored)
    if block:
        parts.append(block)
    parts.append(finding_marker(anchored.fingerprint))
    return "\n\n".join(part for part in parts if part)
