"""JSON payloads in GitHub's response shapes (they validate against the OpenAPI schemas).

API URLs start with :data:`API_ROOT_PLACEHOLDER`; the server swaps in the real root when it
sends them (see :func:`fakes.github_state.localize`).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import quote

from .github_diff import Anchor, DiffFile
from .github_state import (
    API_ROOT_PLACEHOLDER,
    JSON,
    WEB_ROOT,
    GitHubState,
    PullRequest,
    TokenInfo,
    user_json,
)

FIXED_TIME = "2024-01-01T00:00:00Z"
REVIEW_STATES: dict[str | None, str] = {
    "APPROVE": "APPROVED",
    "REQUEST_CHANGES": "CHANGES_REQUESTED",
    "COMMENT": "COMMENTED",
    None: "PENDING",
}
#: role -> the coarse ``permission`` GitHub reports next to ``role_name``.
PERMISSION_LEVELS = {
    "admin": "admin",
    "maintain": "write",
    "write": "write",
    "triage": "read",
    "read": "read",
    "none": "none",
}
_REPO_URL_SUFFIXES = {
    "archive_url": "/{archive_format}{/ref}",
    "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}",
    "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}",
    "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}",
    "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}",
    "contributors_url": "/contributors",
    "deployments_url": "/deployments",
    "downloads_url": "/downloads",
    "events_url": "/events",
    "forks_url": "/forks",
    "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}",
    "labels_url": "/labels{/name}",
    "languages_url": "/languages",
    "merges_url": "/merges",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers",
    "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "tags_url": "/tags",
    "teams_url": "/teams",
    "trees_url": "/git/trees{/sha}",
}
_REPO_CONSTANTS: dict[str, JSON] = {
    "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
    "private": False,
    "description": "This your first repo!",
    "mirror_url": None,
    "homepage": None,
    "language": "Python",
    "size": 108,
    "license": None,
    "visibility": "public",
    "archived": False,
    "disabled": False,
    "pushed_at": FIXED_TIME,
    "created_at": "2023-01-01T00:00:00Z",
    "updated_at": FIXED_TIME,
    **dict.fromkeys(("forks", "forks_count", "stargazers_count", "watchers"), 0),
    **dict.fromkeys(("watchers_count", "network_count", "subscribers_count"), 0),
    **dict.fromkeys(("has_issues", "has_projects", "has_wiki", "has_downloads"), True),
    **dict.fromkeys(("has_pages", "has_discussions"), False),
}


def repo_api(full_name: str, suffix: str = "") -> str:
    return f"{API_ROOT_PLACEHOLDER}/repos/{full_name}{suffix}"


def repo_json(state: GitHubState, full_name: str, token: TokenInfo | None = None) -> JSON:
    """A ``full-repository``; ``permissions`` reflect ``token`` when given."""
    owner, name = full_name.split("/", 1)
    api, html = repo_api(full_name), f"{WEB_ROOT}/{full_name}"
    repo: dict[str, JSON] = {key: api + rest for key, rest in _REPO_URL_SUFFIXES.items()}
    repo.update(_REPO_CONSTANTS)
    repo.update(
        id=1296269 if full_name == state.full_name else 1296270,
        name=name,
        full_name=full_name,
        owner=user_json(owner),
        html_url=html,
        url=api,
        fork=full_name != state.full_name,
        clone_url=f"{html}.git",
        git_url=f"git://github.com/{full_name}.git",
        ssh_url=f"git@github.com:{full_name}.git",
        svn_url=html,
        default_branch=state.default_branch,
        open_issues=len(state.pulls),
        open_issues_count=len(state.pulls),
    )
    if token is not None:
        push = token.can_write
        repo["permissions"] = {
            "admin": False,
            "maintain": False,
            "push": push,
            "triage": push,
            "pull": True,
        }
    return repo


def _branch_json(state: GitHubState, full_name: str, ref: str, sha: str) -> JSON:
    owner = full_name.split("/", 1)[0]
    return {
        "label": f"{owner}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": user_json(owner),
        "repo": repo_json(state, full_name),
    }


def _pull_links(state: GitHubState, pull: PullRequest) -> dict[str, str]:
    api, number = repo_api(state.full_name), pull.number
    url, issue = f"{api}/pulls/{number}", f"{api}/issues/{number}"
    return {
        "self": url,
        "html": f"{WEB_ROOT}/{state.full_name}/pull/{number}",
        "issue": issue,
        "comments": f"{issue}/comments",
        "review_comments": f"{url}/comments",
        "review_comment": f"{api}/pulls/comments{{/number}}",
        "commits": f"{url}/commits",
        "statuses": f"{api}/statuses/{pull.head_sha}",
    }


def pull_json(state: GitHubState, pull: PullRequest) -> JSON:
    """A ``pull-request`` (open, mergeable, with counts derived from the fake's state)."""
    links = _pull_links(state, pull)
    head_repo = pull.head_repo_full_name or state.full_name
    requested = getattr(state, "requested", {}).get(pull.number, {})
    return {
        "url": links["self"],
        "id": 1_000_000 + pull.number,
        "node_id": f"PR_kwDO{pull.number}",
        "html_url": links["html"],
        "diff_url": f"{links['html']}.diff",
        "patch_url": f"{links['html']}.patch",
        "issue_url": links["issue"],
        "commits_url": links["commits"],
        "review_comments_url": links["review_comments"],
        "review_comment_url": links["review_comment"],
        "comments_url": links["comments"],
        "statuses_url": links["statuses"],
        "number": pull.number,
        "state": "open",
        "locked": False,
        "title": pull.title,
        "user": user_json(pull.user_login),
        "body": pull.body,
        "labels": [_label(n) for n in getattr(state, "labels", {}).get(pull.number, [])],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": pull.created_at,
        "updated_at": FIXED_TIME,
        "closed_at": None,
        "merged_at": None,
        "merge_commit_sha": None,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [user_json(u) for u in requested.get("users", [])],
        "requested_teams": [_team(state.owner, t) for t in requested.get("teams", [])],
        "head": _branch_json(state, head_repo, pull.head_ref, pull.head_sha),
        "base": _branch_json(state, state.full_name, pull.base_ref, pull.base_sha),
        "_links": {rel: {"href": href} for rel, href in links.items()},
        "author_association": state.author_association(pull.user_login),
        "auto_merge": None,
        "draft": pull.draft,
        "merged": False,
        "mergeable": True,
        "rebaseable": True,
        "mergeable_state": "clean",
        "merged_by": None,
        "maintainer_can_modify": False,
        "comments": len(state.issue_comments_of(pull.number)),
        "review_comments": len(state.review_comments_of(pull.number)),
        "commits": len(pull.commits),
        "changed_files": len(pull.files),
        "additions": sum(f.additions for f in pull.files),
        "deletions": sum(f.deletions for f in pull.files),
    }


def _label(name: str) -> JSON:
    from .github_process import label_json

    return label_json(name)


def _team(org: str, slug: str) -> JSON:
    from .github_process_setup import team_json

    return team_json(org, slug)


def diff_entry_json(state: GitHubState, pull: PullRequest, f: DiffFile) -> JSON:
    """A ``diff-entry`` of ``GET /pulls/{n}/files``; binary files have no ``patch``."""
    name, sha = quote(f.filename), pull.head_sha
    entry: dict[str, JSON] = {
        "sha": hashlib.sha1(f"{sha}:{f.filename}".encode()).hexdigest(),
        "filename": f.filename,
        "status": f.status,
        "additions": f.additions,
        "deletions": f.deletions,
        "changes": f.additions + f.deletions,
        "blob_url": f"{WEB_ROOT}/{state.full_name}/blob/{sha}/{name}",
        "raw_url": f"{WEB_ROOT}/{state.full_name}/raw/{sha}/{name}",
        "contents_url": repo_api(state.full_name, f"/contents/{name}?ref={sha}"),
    }
    # GitHub omits the patch of a binary file, and of one too large to show (its line
    # counts stay).
    if f.patch and not f.binary and f.filename not in state.patch_omitted:
        entry["patch"] = "\n".join(f.patch)
    if f.status in ("renamed", "copied"):
        entry["previous_filename"] = f.old_path
    return entry


def review_json(
    state: GitHubState, pull: PullRequest, body: dict[str, Any], token: TokenInfo
) -> dict[str, JSON]:
    """A new ``pull-request-review``; ``submitted_at`` is absent while PENDING."""
    review_id, now = state.new_id(), state.now()
    html = f"{WEB_ROOT}/{state.full_name}/pull/{pull.number}#pullrequestreview-{review_id}"
    pull_url = repo_api(state.full_name, f"/pulls/{pull.number}")
    review: dict[str, JSON] = {
        "id": review_id,
        "node_id": f"PRR_kwDO{review_id}",
        "user": user_json(token.login, token.user_type),
        "body": body.get("body") or "",
        "state": REVIEW_STATES[body.get("event")],
        "html_url": html,
        "pull_request_url": pull_url,
        "author_association": state.author_association(token.login),
        "_links": {"html": {"href": html}, "pull_request": {"href": pull_url}},
        "commit_id": body.get("commit_id", pull.head_sha),
    }
    if review["state"] != "PENDING":
        review["submitted_at"] = now
    return review


def review_comment_json(
    state: GitHubState, review: dict[str, JSON], comment: dict[str, Any], anchor: Anchor
) -> dict[str, JSON]:
    """A new ``pull-request-review-comment`` of ``review`` placed at ``anchor``."""
    comment_id, now = state.new_id(), state.now()
    url = repo_api(state.full_name, f"/pulls/comments/{comment_id}")
    pull_url = review["pull_request_url"]
    number = pull_url.rsplit("/", 1)[-1]
    html = f"{WEB_ROOT}/{state.full_name}/pull/{number}#discussion_r{comment_id}"
    return {
        "url": url,
        "pull_request_review_id": review["id"],
        "id": comment_id,
        "node_id": f"PRRC_kwDO{comment_id}",
        "diff_hunk": anchor.file.diff_hunk(anchor.end),
        "path": anchor.file.filename,
        "position": anchor.end.position,
        "original_position": anchor.end.position,
        "commit_id": review["commit_id"],
        "original_commit_id": review["commit_id"],
        "user": review["user"],
        "body": comment["body"],
        "created_at": now,
        "updated_at": now,
        "html_url": html,
        "pull_request_url": pull_url,
        "author_association": review["author_association"],
        "_links": {
            "self": {"href": url},
            "html": {"href": html},
            "pull_request": {"href": pull_url},
        },
        "start_line": anchor.start_line,
        "original_start_line": anchor.start_line,
        "start_side": anchor.start_side,
        "line": anchor.line,
        "original_line": anchor.line,
        "side": anchor.side,
        "subject_type": "line",
    }


def issue_comment_json(
    state: GitHubState, pull: PullRequest, body: str, token: TokenInfo
) -> dict[str, JSON]:
    """A new ``issue-comment`` on pull request ``pull`` (a PR is an issue too)."""
    comment_id, now = state.new_id(), state.now()
    return {
        "url": repo_api(state.full_name, f"/issues/comments/{comment_id}"),
        "html_url": f"{WEB_ROOT}/{state.full_name}/pull/{pull.number}#issuecomment-{comment_id}",
        "issue_url": repo_api(state.full_name, f"/issues/{pull.number}"),
        "id": comment_id,
        "node_id": f"IC_kwDO{comment_id}",
        "user": user_json(token.login, token.user_type),
        "created_at": now,
        "updated_at": now,
        "body": body,
        "author_association": state.author_association(token.login),
        "performed_via_github_app": None,
    }


def content_file_json(state: GitHubState, path: str, ref: str, text: str) -> JSON:
    """A ``content-file``: base64 content wrapped at 60 columns, git blob ``sha``."""
    data = text.encode()
    encoded = base64.b64encode(data).decode()
    sha = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    url = repo_api(state.full_name, f"/contents/{quote(path)}?ref={quote(ref)}")
    git_url = repo_api(state.full_name, f"/git/blobs/{sha}")
    html = f"{WEB_ROOT}/{state.full_name}/blob/{ref}/{quote(path)}"
    raw = f"https://raw.githubusercontent.com/{state.full_name}/{ref}/{quote(path)}"
    return {
        "type": "file",
        "encoding": "base64",
        "size": len(data),
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "content": "".join(encoded[i : i + 60] + "\n" for i in range(0, len(encoded), 60)),
        "sha": sha,
        "url": url,
        "git_url": git_url,
        "html_url": html,
        "download_url": raw,
        "_links": {"self": url, "git": git_url, "html": html},
    }


def permission_json(login: str, role: str) -> JSON:
    """A ``repository-collaborator-permission`` for ``login`` holding ``role``."""
    level = PERMISSION_LEVELS.get(role, role)
    flags = {
        "admin": level == "admin",
        "maintain": role in ("admin", "maintain"),
        "push": level in ("admin", "write"),
        "triage": level in ("admin", "write") or role == "triage",
        "pull": level != "none",
    }
    user_type = "Bot" if login.endswith("[bot]") else "User"
    user = {**user_json(login, user_type), "permissions": flags, "role_name": role}
    return {"permission": level, "role_name": role, "user": user}


def authenticated_user_json(login: str) -> JSON:
    """``GET /user`` for a personal token: a ``private-user``."""
    counts = (
        "followers",
        "following",
        "public_gists",
        "public_repos",
        "collaborators",
        "disk_usage",
        "owned_private_repos",
        "private_gists",
        "total_private_repos",
    )
    return {
        **user_json(login),
        **dict.fromkeys(counts, 0),
        **dict.fromkeys(("bio", "blog", "company", "email", "hireable", "location"), None),
        "name": login,
        "created_at": "2011-01-25T18:44:36Z",
        "updated_at": FIXED_TIME,
        "two_factor_authentication": True,
        "user_view_type": "private",
    }


def commit_json(state: GitHubState, sha: str, message: str) -> JSON:
    """A commit as `GET /pulls/{n}/commits` lists it (the fields PyGithub reads)."""
    person = {"name": "The Octocat", "email": "octocat@github.com", "date": "2011-04-14T16:00:49Z"}
    url = repo_api(state.full_name, f"/commits/{sha}")
    return {
        "url": url,
        "sha": sha,
        "node_id": "C_" + sha[:12],
        "html_url": f"https://github.com/{state.full_name}/commit/{sha}",
        "comments_url": url + "/comments",
        "commit": {
            "url": repo_api(state.full_name, f"/git/commits/{sha}"),
            "author": person,
            "committer": person,
            "message": message,
            "comment_count": 0,
            "tree": {"sha": "0" * 40, "url": repo_api(state.full_name, "/git/trees/" + "0" * 40)},
        },
        "author": None,
        "committer": None,
        "parents": [],
    }


def compare_commit_json(sha: str, message: str, committer: str) -> JSON:
    """A commit as `GET /compare` lists it. GitHub's own commits (`web-flow`) carry its
    committer identity, `GitHub <noreply@github.com>`; anyone else's their own."""
    if committer == "web-flow":
        person = {"name": "GitHub", "email": "noreply@github.com"}
    else:
        person = {"name": committer, "email": f"{committer}@example.com"}
    when = {**person, "date": "2024-06-01T12:00:00Z"}
    return {
        "sha": sha,
        "commit": {"message": message, "author": when, "committer": when},
        "author": None,
        "committer": user_json(committer),
    }
