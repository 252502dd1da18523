"""CODEOWNERS, as GitHub reads it: the routing fallback when nobody knows the changed code.

Matching is the `codeowners` package's (a port of hmarr/codeowners, the Go library that
follows GitHub's documented rules: last match wins, `*` stops at `/`, `**` crosses folders,
a leading `/` anchors, a trailing `/` means a folder, `docs/*` is not recursive). On top of
it, what GitHub does differently from gitignore and from that library:

- a `!` negation or a `[ ]` character range is not supported: GitHub skips the line;
- `#` starts a comment at the start of a line or after whitespace (`\\#` is a literal `#`);
- a file over 3 MB is not read at all;
- the first of `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` is the one used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from codeowners import CodeOwners

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
MAX_BYTES = 3 * 1024 * 1024
_COMMENT = re.compile(r"(?:^|(?<=\s))(?<!\\)#.*$")
_RANGE = re.compile(r"(?<!\\)\[")
_USER = re.compile(r"@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))")
_TEAM = re.compile(r"@([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True, slots=True)
class Ownership:
    rules: CodeOwners
    path: str  # where the file was found
    skipped: tuple[str, ...] = ()  # lines GitHub ignores, for the summary

    def owners_of(self, path: str) -> tuple[str, ...]:
        """The owners of the last matching line, as written (`@user`, `@org/team`, email)."""
        return tuple(owner for _, owner in self.rules.of(path))


def parse_codeowners(text: str, path: str) -> Ownership | None:
    """The rules of a CODEOWNERS file, or None when GitHub would not read it (too large)."""
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    kept: list[str] = []
    skipped: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = _COMMENT.sub("", raw).strip()
        if not line:
            kept.append("")
            continue
        pattern = line.split()[0]
        if pattern.startswith("!") or _RANGE.search(pattern):
            skipped.append(f"{path} line {number}: `{pattern}` (GitHub does not support it)")
            kept.append("")
            continue
        kept.append(line)
    return Ownership(CodeOwners("\n".join(kept)), path, tuple(skipped))


@dataclass(frozen=True, slots=True)
class Owner:
    """A user (`alice`) or a team (`org/team`) who owns part of the change."""

    name: str
    is_team: bool
    weight: float  # the share of the changed lines they own


def owners_by_weight(
    ownership: Ownership, weights: Mapping[str, float], *, author: str
) -> tuple[list[Owner], list[str]]:
    """The owners of the changed files, most changed lines first (ties by name), without
    the author; and the email owners, which cannot be requested by address. Logins and
    team names are case-insensitive: `@Lead` and `@lead` are one owner (spelled as first
    written)."""
    share: dict[tuple[str, bool], float] = {}
    spelled: dict[tuple[str, bool], str] = {}
    emails: set[str] = set()
    for path, weight in sorted(weights.items()):
        for owner in ownership.owners_of(path):
            team = _TEAM.fullmatch(owner)
            user = _USER.fullmatch(owner)
            if team:
                name, is_team = f"{team.group(1)}/{team.group(2)}", True
            elif user and user.group(1).lower() != author.lower():
                name, is_team = user.group(1), False
            else:
                if not user:
                    emails.add(owner)
                continue
            key = (name.lower(), is_team)
            spelled.setdefault(key, name)
            share[key] = share.get(key, 0.0) + weight
    owners = [Owner(spelled[key], key[1], w) for key, w in share.items()]
    return sorted(owners, key=lambda o: (-o.weight, o.name.lower())), sorted(emails)


def split_by_organisation(owners: list[Owner], org: str) -> tuple[list[Owner], list[Owner]]:
    """The owners a review can be requested from on a repository of `org` (users, and
    `org`'s teams), and the teams of other organisations, which it cannot: GitHub takes a
    team reviewer as a slug of the repository owner's organisation, so `@other/x` asked
    as `x` would reach `org/x`, another team or none. Organisation names are
    case-insensitive. The order is kept."""

    def foreign(owner: Owner) -> bool:
        return owner.is_team and owner.name.split("/", 1)[0].lower() != org.lower()

    return [o for o in owners if not foreign(o)], [o for o in owners if foreign(o)]
