"""CODEOWNERS matching as GitHub does it, on the example file of GitHub's documentation
("About code owners", abridged) plus the cases where GitHub differs from gitignore."""

from __future__ import annotations

import pytest

from reviewer.core.ownership import (
    MAX_BYTES,
    Owner,
    owners_by_weight,
    parse_codeowners,
    split_by_organisation,
)

GITHUB_EXAMPLE = """\
# This is a comment.
# Each line is a file pattern followed by one or more owners.
*       @global-owner1 @global-owner2

# Order is important; the last matching pattern takes the most precedence.
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
*.txt @octo-org/octocats
/build/logs/ @doctocat
docs/* docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github @doctocat
"""


@pytest.mark.parametrize(
    ("path", "owners"),
    [
        ("README.md", ("@global-owner1", "@global-owner2")),
        ("src/index.js", ("@js-owner",)),  # the inline comment is not an owner
        ("main.go", ("docs@example.com",)),
        ("notes/todo.txt", ("@octo-org/octocats",)),
        ("build/logs/today.log", ("@octocat",)),  # /build/logs/, then **/logs: last wins
        ("deeply/nested/logs/x.log", ("@octocat",)),  # **/logs
        ("docs/getting-started.md", ("@doctocat",)),  # /docs/ comes later than docs/*
        ("docs/build-app/troubleshooting.md", ("@doctocat",)),
        ("scripts/deploy.sh", ("@doctocat", "@octocat")),
        ("apps/web/index.html", ("@octocat",)),
        ("apps/github/main.py", ("@doctocat",)),  # last match wins
        ("src/apps/x/y.py", ("@octocat",)),  # apps/ matches at any depth
    ],
)
def test_github_documentation_example(path: str, owners: tuple[str, ...]) -> None:
    ownership = parse_codeowners(GITHUB_EXAMPLE, ".github/CODEOWNERS")
    assert ownership is not None
    assert ownership.owners_of(path) == owners


def test_not_gitignore_negation_and_ranges_are_skipped_like_github() -> None:
    text = "* @all\n!secret.py @nobody\n[ab].py @range\n\\#hash.py @hash\n/docs/* @docs\n"
    ownership = parse_codeowners(text, "CODEOWNERS")
    assert ownership is not None
    assert ownership.owners_of("secret.py") == ("@all",)
    assert ownership.owners_of("a.py") == ("@all",)
    assert ownership.owners_of("#hash.py") == ("@hash",)
    assert ownership.owners_of("docs/a/b.md") == ("@all",)  # `*` does not cross folders
    assert len(ownership.skipped) == 2 and "line 2" in ownership.skipped[0]


def test_a_line_without_owners_leaves_its_files_unowned() -> None:
    ownership = parse_codeowners("* @all\n/vendor/\n", "CODEOWNERS")
    assert ownership is not None
    assert ownership.owners_of("vendor/lib.py") == ()


def test_a_file_over_three_megabytes_is_ignored() -> None:
    assert parse_codeowners("#" * (MAX_BYTES + 1), "CODEOWNERS") is None


def test_owners_by_share_of_the_change_without_the_author() -> None:
    text = "* @lead\n/pay/ @payments-dev @Author @acme/payments\n*.md docs@example.com\n"
    ownership = parse_codeowners(text, "CODEOWNERS")
    assert ownership is not None
    owners, emails = owners_by_weight(
        ownership, {"pay/a.py": 0.6, "README.md": 0.1, "lib/x.py": 0.3}, author="author"
    )
    assert [(o.name, o.is_team, round(o.weight, 2)) for o in owners] == [
        ("acme/payments", True, 0.6),
        ("payments-dev", False, 0.6),
        ("lead", False, 0.3),
    ]
    assert emails == ["docs@example.com"]


def test_an_owner_written_in_two_cases_is_one_owner() -> None:
    # Logins and team names are case-insensitive on GitHub: one owner, one share.
    text = "* @Lead @Acme/Web\n/pay/ @lead @acme/web\n"
    ownership = parse_codeowners(text, "CODEOWNERS")
    assert ownership is not None
    owners, _ = owners_by_weight(ownership, {"pay/a.py": 0.6, "lib/x.py": 0.4}, author="x")
    assert [(o.name.lower(), o.is_team, round(o.weight, 2)) for o in owners] == [
        ("acme/web", True, 1.0),
        ("lead", False, 1.0),
    ]


def test_teams_of_another_organisation_are_set_apart() -> None:
    owners = [
        Owner("Acme/web", True, 0.9),
        Owner("other-org/web", True, 0.8),
        Owner("lead", False, 0.7),
        Owner("other-org/api", True, 0.6),
    ]
    asked, elsewhere = split_by_organisation(owners, "acme")  # any case: one organisation
    assert [o.name for o in asked] == ["Acme/web", "lead"]
    assert [o.name for o in elsewhere] == ["other-org/web", "other-org/api"]
