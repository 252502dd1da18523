"""The review-process inputs: defaults, validation with a message naming the input, and
`review: false` needing no model key."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reviewer.app.settings import build_settings
from reviewer.errors import ConfigError


def test_defaults_follow_the_documentation() -> None:
    process = build_settings({"api-key": "k"}).process
    assert (process.review, process.assign_reviewers, process.max_open_reviews) == (True, 0, 5)
    assert (process.familiarity_decay, process.min_familiarity) == (0.05, 0.5)
    policy = process.sla_policy()
    assert policy.review_sla == timedelta(hours=24) and policy.escalation_sla == timedelta(hours=12)
    assert policy.tiers == () and process.sla_label == "review-overdue"


def test_tiers_one_per_line_users_and_teams() -> None:
    process = build_settings(
        {"api-key": "k", "escalation": "@alice, bob\n\n my-org/leads ,carol \n"}
    ).process
    assert process.escalation == (("alice", "bob"), ("my-org/leads", "carol"))


def test_review_false_needs_no_model_key_but_review_does() -> None:
    assert build_settings({"review": "false", "assign-reviewers": "2"}).process.review is False
    with pytest.raises(ConfigError, match="No API key"):
        build_settings({"assign-reviewers": "2"})
    assert build_settings({}, model=False).api_key == ""  # the SLA scan and the gate


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("assign-reviewers", "two", "must be a number"),
        ("assign-reviewers", "1.5", "whole number"),
        ("assign-reviewers", "16", "from 0 to 15"),
        ("familiarity-decay", "-1", "from 0 to 10"),
        ("review-sla", "0", "from 0.25"),
        ("review", "maybe", "true or false"),
        ("escalation", "alice\nnot a user!", "line 2"),
        ("sla-label", "x" * 51, "50 characters"),
    ],
)
def test_bad_values_name_the_input(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        build_settings({"api-key": "k", name: value})
    assert name in str(raised.value)
