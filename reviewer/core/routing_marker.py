"""Where the "Suggested reviewers" section sits in the summary comment: between two hidden
markers, so that a later review of the PR that does no routing (a push after reviewers
were asked, a `/review`) can carry it over from our previous summary, verbatim, as what
routing last decided and why. Kept apart from the rendering so that a review reads it
back without loading the routing machinery (CODEOWNERS parsing among it)."""

from __future__ import annotations

import re

SECTION_START = "<!-- reviewer:routing -->"
SECTION_END = "<!-- /reviewer:routing -->"
# Everything from the model or the PR's author is rendered inert (`<` escaped), so these
# markers in our own summary are ours.
_SECTION = re.compile(re.escape(SECTION_START) + r"\n(.*?)\n" + re.escape(SECTION_END), re.DOTALL)


def previous_section(summary_body: str) -> str:
    """The section as an earlier run left it in our summary comment, or "" (none, or cut
    short by the summary's length limit)."""
    found = _SECTION.search(summary_body)
    return f"{SECTION_START}\n{found.group(1)}\n{SECTION_END}" if found else ""
