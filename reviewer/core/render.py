"""Markdown for inline comments. Model text is hostile: it goes through `core.markdown`, so
it can neither forge our markers, ping anybody, open a suggestion nor outgrow a comment."""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

from reviewer.core.anchoring import AnchoredFinding
from reviewer.core.diff import Side
from reviewer.core.fingerprint import finding_marker
from reviewer.core.markdown import bounded, clean, fenced, inert, inert_line
from reviewer.core.severity import Severity

BADGES = MappingProxyType(
    {
        Severity.CRITICAL: "🔴 Critical",
        Severity.WARNING: "🟠 Warning",
        Severity.SUGGESTION: "🔵 Suggestion",
    }
)

# A finding's explanation is a few sentences; anything longer is the model rambling.
MAX_FINDING_BODY = 4_000
# Longest replacement offered as a one-click suggestion; a longer one is not shown whole,
# and a cut suggestion would be wrong code.
MAX_SUGGESTION = 8_000
# GitHub refuses comment bodies over 65,536 characters.
MAX_COMMENT = 65_536


def finding_body(text: str, limit: int = MAX_FINDING_BODY) -> str:
    return inert(bounded(text.strip(), limit))


def suggestion_block(anchored: AnchoredFinding) -> str:
    """A one-click ```suggestion for exactly the anchored lines, or "" when unsafe.

    Only on RIGHT-side lines, only when the model's quote is exactly those lines
    (so its replacement maps onto them), never empty, a no-op, cut short, or holding
    characters that would display code other than it is (bidi controls)."""
    replacement = anchored.finding.suggestion
    if not anchored.is_inline or anchored.side is not Side.RIGHT or not replacement:
        return ""
    replacement = replacement.strip("\n")
    if len(replacement) > MAX_SUGGESTION or clean(replacement) != replacement.replace("\r", ""):
        return ""
    quote = [line for line in anchored.finding.quote.splitlines() if line.strip()]
    code = [line for line in anchored.code_lines if line.strip()]
    if not replacement.strip() or _squash(quote) != _squash(code):
        return ""
    if _squash(replacement.splitlines()) == _squash(list(anchored.code_lines)):
        return ""
    return fenced(replacement, "suggestion")


def _squash(lines: list[str]) -> str:
    return "".join("".join(lines).split())


def _finding_part(anchored: AnchoredFinding, body_limit: int) -> str:
    finding = anchored.finding
    head = (
        f"**{BADGES[finding.severity]}** · {finding.category.value} · "
        f"**{inert_line(finding.title)}**"
    )
    return f"{head}\n\n{finding_body(finding.body, body_limit)}"


def render_comment(findings: Sequence[AnchoredFinding]) -> str:
    """One inline comment for the findings on one line (most severe first): each finding's
    title and explanation, the first one's one-click suggestion, and last our marker.

    Escaping can lengthen text several times over, so explanations are shortened until the
    comment fits GitHub's limit, however many findings share it."""
    primary = findings[0]
    block = suggestion_block(primary)
    marker = finding_marker(primary.fingerprint)
    limit = MAX_FINDING_BODY
    while True:
        parts = [_finding_part(f, limit) for f in findings]
        if block:
            parts[0] += "\n\n" + block
        body = "\n\n---\n\n".join(parts) + "\n\n" + marker
        if len(body) <= MAX_COMMENT or limit <= 64:
            return body
        limit //= 2
