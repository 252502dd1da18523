"""Paths as git writes them in diffs (C-quoted when they hold a control character, `"`,
`\\` or, with core.quotepath, non-ASCII) and as we show them on one line of text."""

from __future__ import annotations

import re
from types import MappingProxyType

_C_ESCAPES = MappingProxyType(
    {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
)
_OCTAL = re.compile("[0-7]{3}")


def unquote_git_path(text: str) -> str:
    """Undo git's C-style quoting of a path (core.quotepath, or a `"`, tab or newline in the
    name): `"\\303\\251.py"` is `é.py`. An unquoted path is returned as it is."""
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        return text
    body, out, i = text[1:-1], bytearray(), 0
    while i < len(body):
        char = body[i]
        if char != "\\" or i + 1 == len(body):
            out += char.encode("utf-8", "surrogateescape")
            i += 1
            continue
        following = body[i + 1]
        if following in _C_ESCAPES:
            out.append(_C_ESCAPES[following])
            i += 2
        elif _OCTAL.fullmatch(body[i + 1 : i + 4]):
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out += char.encode()
            i += 1
    return out.decode("utf-8", "replace")


_NEEDS_QUOTES = re.compile(r'[\x00-\x1f\x7f"\\]')
_QUOTE_BACK = MappingProxyType({chr(code): "\\" + name for name, code in _C_ESCAPES.items()})


def display_path(path: str) -> str:
    """A path for one line of text (a prompt's `File:` line, a summary): as is, or C-quoted
    the way git quotes it when it holds a control character (a newline!), `"` or `\\`."""
    if not _NEEDS_QUOTES.search(path):
        return path
    return (
        '"'
        + "".join(
            _QUOTE_BACK.get(c, f"\\{ord(c):03o}" if ord(c) < 32 or ord(c) == 127 else c)
            for c in path
        )
        + '"'
    )
