"""Reading the prompts a run sent: which numbered lines of which file each one showed, and
which repository code it carried (the "related code" snippets). Reach is measured on this."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_FILE = re.compile(r"^File: (.+?) \((?:added|deleted|modified|renamed|copied)")
_LINE = re.compile(r"^(\d+) ([+\- |])(.*)$")
# A related-code snippet's header: `### path:start-end ...`
_SNIPPET = re.compile(r"^### (.+?):(\d+)-(\d+)\b")


@dataclass
class Shown:
    """What one prompt showed: numbered lines per file, and snippet ranges per file."""

    lines: dict[str, dict[int, str]] = field(default_factory=dict)
    snippets: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def merge(self, other: Shown) -> None:
        for path, numbered in other.lines.items():
            self.lines.setdefault(path, {}).update(numbered)
        for path, spans in other.snippets.items():
            self.snippets.setdefault(path, []).extend(spans)

    def has_line(self, path: str, number: int) -> bool:
        return number in self.lines.get(path, {})

    def has_span(self, path: str, start: int, end: int) -> bool:
        covered: set[int] = set()
        for a, b in self.snippets.get(path, []):
            covered.update(range(a, b + 1))
        return all(n in covered for n in range(start, end + 1))


def shown_in(prompt: str) -> Shown:
    shown = Shown()
    path = ""
    for line in prompt.splitlines():
        if match := _FILE.match(line):
            path = match.group(1)
        elif match := _SNIPPET.match(line):
            span = (int(match.group(2)), int(match.group(3)))
            shown.snippets.setdefault(match.group(1), []).append(span)
            path = ""
        elif path and (match := _LINE.match(line)):
            shown.lines.setdefault(path, {})[int(match.group(1))] = match.group(3)
    return shown
