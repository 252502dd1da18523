"""`.gitattributes` marks that change what we review: `linguist-generated` and
`linguist-vendored` files are skipped, as GitHub itself collapses or discounts them."""

from __future__ import annotations


def generated_patterns(text: str) -> tuple[str, ...]:
    return marked_patterns(text, "linguist-generated")


def vendored_patterns(text: str) -> tuple[str, ...]:
    return marked_patterns(text, "linguist-vendored")


def marked_patterns(text: str, attribute: str) -> tuple[str, ...]:
    """Patterns marked with `attribute`, in file order; `-attribute` / `attribute=false`
    unmark.

    Returned as gitignore-style lines (unmarking becomes a `!pattern` negation), so the
    last matching line wins, as in gitattributes."""
    patterns: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pattern, *attributes = line.split()
        for given in attributes:
            if given in (attribute, f"{attribute}=true"):
                patterns.append(pattern)
            elif given in (f"-{attribute}", f"{attribute}=false"):
                patterns.append("!" + pattern)
    return tuple(patterns)
