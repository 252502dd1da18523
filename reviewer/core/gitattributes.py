"""`.gitattributes` marks that change what we review: `linguist-generated` files are skipped,
as GitHub itself collapses them in its diff view."""

from __future__ import annotations


def generated_patterns(text: str) -> tuple[str, ...]:
    """Patterns marked generated, in file order; `-linguist-generated` / `=false` unmark.

    Returned as gitignore-style lines (unmarking becomes a `!pattern` negation), so the
    last matching line wins, as in gitattributes."""
    patterns: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pattern, *attributes = line.split()
        for attribute in attributes:
            if attribute in ("linguist-generated", "linguist-generated=true"):
                patterns.append(pattern)
            elif attribute in ("-linguist-generated", "linguist-generated=false"):
                patterns.append("!" + pattern)
    return tuple(patterns)
