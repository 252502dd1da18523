"""The pull request a run is about, read from the workflow's event payload."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer.errors import ConfigError

PR_EVENTS = ("pull_request", "pull_request_target")
REVIEWED_ACTIONS = ("opened", "synchronize", "reopened", "ready_for_review")
REVIEW_COMMAND = "/review"
DISMISS_COMMAND = "/dismiss"
# Events after which the verdict is worked out again (a maintainer may have dismissed a
# finding): a review of the same head reuses the recorded one, sending nothing to the model.
DISMISSAL_EVENTS = ("pull_request_review_comment",)
DISMISSAL = "dismissal"  # the action of a PullRequestRef started by one of them
REQUESTED = "requested"  # the action of one started by `/review` or a manual dispatch
WRITE_PERMISSIONS = ("admin", "maintain", "write")


@dataclass(frozen=True, slots=True)
class PullRequestRef:
    number: int
    head_sha: str  # what we review: the PR's head, not GITHUB_SHA (the merge commit)
    base_sha: str
    base_ref: str
    head_repo: str
    base_repo: str
    draft: bool
    action: str
    changed_files: int | None = None  # as GitHub counts them (its files list stops at 3,000)
    title: str = ""  # written by the PR's author: untrusted
    body: str = ""

    @property
    def is_fork(self) -> bool:
        return self.head_repo != self.base_repo


@dataclass(frozen=True, slots=True)
class PullRequestNumber:
    """A PR named by number only (`/review` comment, manual dispatch): the rest comes from
    the API. `requested_by` must have write access when set."""

    number: int
    requested_by: str | None = None
    action: str = REQUESTED  # REQUESTED reviews afresh; DISMISSAL reuses a review of the head


@dataclass(frozen=True, slots=True)
class Skip:
    """This event is not one we review; the reason is printed as a notice."""

    reason: str


def load_event(path: str | None) -> dict[str, Any]:
    if not path:
        raise ConfigError(
            "GITHUB_EVENT_PATH is not set, so there is no event to read.",
            hint="Run the action from a workflow, or use `python -m reviewer review` locally.",
        )
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"Cannot read the event file {path}: {error.strerror}.") from None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise ConfigError(f"The event file {path} is not valid JSON: {error}.") from None
    if not isinstance(data, dict):
        raise ConfigError(f"The event file {path} does not hold a JSON object.")
    return data


Target = PullRequestRef | PullRequestNumber | Skip


def target_from_event(
    event_name: str,
    payload: Mapping[str, Any],
    *,
    pr_number_input: str = "",
    review_drafts: bool = False,
) -> Target:
    """What this run reviews, from the event; other events are skipped with a reason."""
    if event_name in PR_EVENTS:
        return pull_request_from_event(event_name, payload, review_drafts=review_drafts)
    if event_name == "issue_comment":
        return _review_command(payload)
    if event_name in DISMISSAL_EVENTS:
        return _dismissal_event(event_name, payload)
    if event_name == "workflow_dispatch":
        raw = pr_number_input or dispatch_pr_number(payload)
        # isascii: "²" is a digit to str.isdigit and no number to int().
        if not (raw.strip().isascii() and raw.strip().isdigit()) or int(raw) < 1:
            raise ConfigError(
                "workflow_dispatch needs the number of the pull request to review.",
                hint="Add a `pr-number` input to the workflow and pass it: "
                "`pr-number: ${{ inputs.pr-number }}`.",
            )
        return PullRequestNumber(int(raw))
    return Skip(
        f"Event {event_name!r} is not a pull request event or a `/review` command; nothing to do."
    )


def obj(value: object) -> Mapping[str, Any]:
    """`value` if it is a JSON object, else an empty one: payload fields are not trusted to
    have the shape GitHub documents."""
    return value if isinstance(value, Mapping) else {}


def dispatch_pr_number(payload: Mapping[str, Any]) -> str:
    """The `pr-number` (or `pr_number`) a `workflow_dispatch` run was given, or ""."""
    inputs = payload.get("inputs")
    if inputs is None:
        return ""
    if not isinstance(inputs, Mapping):
        raise ConfigError(
            f"The workflow_dispatch event's `inputs` is a {type(inputs).__name__}, not an "
            "object as GitHub sends it.",
            hint="Run the workflow from GitHub (Actions → Run workflow), or fix the event file.",
        )
    return str(inputs.get("pr-number") or inputs.get("pr_number") or "").strip()


@dataclass(frozen=True, slots=True)
class MergeGroup:
    head_ref: str  # refs/heads/gh-readonly-queue/<base>/pr-<N>-<sha>
    base_sha: str
    head_sha: str


_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def merge_group_of(payload: Mapping[str, Any]) -> MergeGroup:
    """The `merge_group` object of a `merge_group` event; a ConfigError if it lacks what
    GitHub always sends (the queue branch and the commits the group spans)."""
    group = payload.get("merge_group")
    if not isinstance(group, Mapping):
        raise ConfigError(
            "The merge_group event has no `merge_group` object.",
            hint="Run this step on `merge_group` events as GitHub sends them.",
        )
    shas = {}
    for key in ("base_sha", "head_sha"):
        value = group.get(key)
        if not isinstance(value, str) or not _SHA.fullmatch(value):
            raise ConfigError(
                f"The merge_group event's `{key}` is {value!r}, not a commit SHA.",
                hint="Run this step on `merge_group` events as GitHub sends them.",
            )
        shas[key] = value
    head_ref = group.get("head_ref")
    return MergeGroup(
        head_ref if isinstance(head_ref, str) else "", shas["base_sha"], shas["head_sha"]
    )


def _review_command(payload: Mapping[str, Any]) -> PullRequestNumber | Skip:
    issue = obj(payload.get("issue"))
    comment = obj(payload.get("comment"))
    body = str(comment.get("body") or "").strip()
    dismiss = body.lower().startswith(DISMISS_COMMAND)
    if payload.get("action") != "created" or not (body.startswith(REVIEW_COMMAND) or dismiss):
        return Skip("The comment is not a `/review` or `/dismiss` command.")
    if not issue.get("pull_request"):
        return Skip("The command was written on an issue, not a pull request.")
    number = issue.get("number")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ConfigError("The issue_comment event payload has no issue number.")
    if dismiss:  # who may dismiss is checked when the dismissal is read
        return PullRequestNumber(number, action=DISMISSAL)
    login = str(obj(comment.get("user")).get("login") or "")
    return PullRequestNumber(number, requested_by=login)


def _dismissal_event(event_name: str, payload: Mapping[str, Any]) -> PullRequestRef | Skip:
    """A `/dismiss` reply in a review thread: work the verdict out again."""
    action = str(payload.get("action", ""))
    if event_name == "pull_request_review_comment":
        body = str(obj(payload.get("comment")).get("body") or "").strip().lower()
        if action not in ("created", "edited", "deleted") or DISMISS_COMMAND not in body:
            return Skip("The review comment is no `/dismiss` command.")
    pr = payload.get("pull_request")
    if not isinstance(pr, Mapping):
        raise ConfigError(f"The {event_name} event payload has no `pull_request` object.")
    return pull_request_ref(pr, DISMISSAL)


def pull_request_from_event(
    event_name: str, payload: Mapping[str, Any], *, review_drafts: bool = False
) -> PullRequestRef | Skip:
    if event_name not in PR_EVENTS:
        return Skip(f"Event {event_name!r} is not a pull request event; nothing to review.")
    action = str(payload.get("action", ""))
    if action not in REVIEWED_ACTIONS:
        return Skip(f"Pull request action {action!r} does not need a review.")
    pr = payload.get("pull_request")
    if not isinstance(pr, Mapping):
        raise ConfigError("The pull_request event payload has no `pull_request` object.")
    ref = pull_request_ref(pr, action)
    if ref.draft and not review_drafts:
        return Skip(
            f"Pull request #{ref.number} is a draft; it will be reviewed when ready "
            "(or set `review-drafts: true`)."
        )
    return ref


def _whole_number(value: object, field: str, *, minimum: int) -> int:
    """GitHub sends these as JSON integers; 1.5, 1e999, "7" or true are a damaged event."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"`{field}` is {type(value).__name__}, not an integer")
    if value < minimum:
        raise ValueError(f"`{field}` is {value}, less than {minimum}")
    return value


def pull_request_ref(pr: Mapping[str, Any], action: str = "") -> PullRequestRef:
    """From a pull request object, as in events and in `GET /pulls/{number}`."""
    try:
        ref = PullRequestRef(
            number=_whole_number(pr["number"], "number", minimum=1),
            head_sha=str(pr["head"]["sha"]),
            base_sha=str(pr["base"]["sha"]),
            base_ref=str(pr["base"]["ref"]),
            head_repo=str((pr["head"].get("repo") or {}).get("full_name", "")),
            base_repo=str(pr["base"]["repo"]["full_name"]),
            draft=bool(pr.get("draft", False)),
            action=action,
            changed_files=(
                _whole_number(pr["changed_files"], "changed_files", minimum=0)
                if pr.get("changed_files") is not None
                else None
            ),
            title=str(pr.get("title") or ""),
            body=str(pr.get("body") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ConfigError(
            f"The pull request data lacks a field or has one of the wrong type: {error}.",
            hint="Check that the workflow's event is one the README lists.",
        ) from None
    return ref
