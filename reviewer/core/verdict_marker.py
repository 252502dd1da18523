"""The verdict of a review, kept hidden in its summary comment for the merge-queue gate.

It sits right before the state block and the summary marker at the very end of the
comment, so text quoted above (model output is escaped anyway) cannot pose as it."""

from __future__ import annotations

import re

_VERDICT = re.compile(
    r"<!-- reviewer:verdict (pass|fail|incomplete) -->\s*"
    r"<!-- reviewer:state (?:v2 )?[A-Za-z0-9+/=]* -->\s*"
    r"<!-- reviewer:summary head=[0-9a-f]{7,40} v=[\w.+-]+ -->\s*\Z"
)


def verdict_marker(label: str) -> str:
    return f"<!-- reviewer:verdict {label} -->"


def read_verdict(summary_body: str) -> str | None:
    found = _VERDICT.search(summary_body)
    return found.group(1) if found else None
