"""The CODEOWNERS fallback end to end, read from the workspace's checkout and through the
API: the base branch's file decides (a PR editing CODEOWNERS cannot pick its reviewers),
and the first of `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` is the one used,
as GitHub does."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from action_runner import run_action
from fakes.git_history import Change, fast_import
from fakes.git_repo import GitRepo
from fakes.github import FakeGitHub
from fakes.openai_server import FakeModelServer
from markdown_check import mentions
from process_helpers import (
    AUTHOR,
    NOREPLY_AUTHOR,
    PR_CREATED,
    ROUTING_ONLY,
    HistoryRepo,
    at,
    requests_to,
    serve_pull,
)

CHARGE = "src/pay/charge.py"
WRITERS = ("payments-lead", "mallory", "dave")
SOURCES = ["checkout", "api"]


def owned_history(
    root: Path, base_owners: Mapping[str, str], pr_owners: Mapping[str, str] | None = None
) -> HistoryRepo:
    """charge.py, only ever touched by the PR's author (so nobody else is familiar with it
    and routing falls back to CODEOWNERS), with `base_owners` (path -> CODEOWNERS text) on
    the base branch; the PR changes charge.py and writes `pr_owners`."""
    body = "x\n" * 40
    changes = [
        Change(AUTHOR, NOREPLY_AUTHOR, at(500), {CHARGE: body, **base_owners}),
        Change(
            AUTHOR,
            NOREPLY_AUTHOR,
            PR_CREATED,
            {CHARGE: "new\n" * 15 + body, **(pr_owners or {})},
            branch="pr",
        ),
    ]
    tips = fast_import(root, changes, checkout="pr")
    return HistoryRepo(GitRepo.existing(root), tips["main"], tips["pr"])


def route(
    tmp_path: Path,
    fake: FakeGitHub,
    model: FakeModelServer,
    history: HistoryRepo,
    files: Mapping[str, str],
    source: str,
) -> str:
    """Route the PR with its history in the workspace (`checkout`), or without it, the
    fake GitHub serving each file of `files` at the base and the head (`api`); the step
    summary."""
    event = serve_pull(fake, history, linked={}, writers=WRITERS)
    workspace = history.repo.root
    if source == "api":
        workspace = tmp_path / "no-checkout"
        workspace.mkdir()
        for path in files:
            for ref in (history.base, history.head):
                fake.set_file(ref, path, history.repo.git("show", f"{ref}:{path}"))
    result = run_action(
        tmp_path, fake, model, event=event, inputs=ROUTING_ONLY, workspace=workspace
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert fake.validation_errors == [] and fake.unhandled == []
    history_from = "workspace's git history" if source == "checkout" else "GitHub's commit list"
    assert history_from in result.step_summary
    return result.step_summary


@pytest.mark.parametrize("source", SOURCES)
def test_a_pr_editing_codeowners_does_not_choose_its_reviewers(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, source: str
) -> None:
    owners = ".github/CODEOWNERS"
    history = owned_history(
        tmp_path / "repo",
        {owners: "/src/pay/ @payments-lead\n"},
        {owners: "* @mallory\n/src/pay/ @mallory\n"},
    )
    summary = route(tmp_path, fake_github, fake_model, history, {owners: ""}, source)
    # The base branch's owner is asked; the owner the PR wrote in is not.
    assert requests_to(fake_github) == [{"reviewers": ["payments-lead"], "team_reviewers": []}]
    assert "requested the code owners from `.github/CODEOWNERS`: @payments-lead." in summary
    assert "mallory" not in summary


@pytest.mark.parametrize("source", SOURCES)
def test_the_first_codeowners_location_is_the_only_one_used(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, source: str
) -> None:
    files = {
        ".github/CODEOWNERS": "/src/pay/ @payments-lead\n",
        "CODEOWNERS": "* @mallory\n",
        "docs/CODEOWNERS": "* @dave\n",
    }
    history = owned_history(tmp_path / "repo", files)
    summary = route(tmp_path, fake_github, fake_model, history, files, source)
    # GitHub reads .github/ first and ignores the others: their owners are not merged in.
    assert requests_to(fake_github) == [{"reviewers": ["payments-lead"], "team_reviewers": []}]
    assert "from `.github/CODEOWNERS`: @payments-lead." in summary


@pytest.mark.parametrize("source", SOURCES)
def test_the_root_codeowners_comes_before_the_docs_one(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer, source: str
) -> None:
    files = {"CODEOWNERS": "* @mallory\n", "docs/CODEOWNERS": "* @dave\n"}
    history = owned_history(tmp_path / "repo", files)
    summary = route(tmp_path, fake_github, fake_model, history, files, source)
    assert requests_to(fake_github) == [{"reviewers": ["mallory"], "team_reviewers": []}]
    assert "from `CODEOWNERS`: @mallory." in summary


def test_a_team_of_another_organisation_is_listed_not_requested(
    tmp_path: Path, fake_github: FakeGitHub, fake_model: FakeModelServer
) -> None:
    owners = ".github/CODEOWNERS"
    history = owned_history(
        tmp_path / "repo", {owners: "/src/pay/ @other-org/payments @payments-lead\n"}
    )
    # The repository's organisation has a team of the same slug: asking for `payments`
    # would notify that team, which owns nothing here.
    fake_github.set_team(f"{AUTHOR}/payments", ["erin"])
    summary = route(tmp_path, fake_github, fake_model, history, {owners: ""}, "checkout")
    assert requests_to(fake_github) == [{"reviewers": ["payments-lead"], "team_reviewers": []}]
    assert mentions(summary) == ["@payments-lead"]
    assert (
        "Not requestable, as teams of another organisation (GitHub requests only teams of "
        "the repository's own organisation): `other-org/payments`." in summary
    )
