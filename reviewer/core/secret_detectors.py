"""Where the secrets in one line of a file are: detect-secrets' detectors, and a few shapes
it lacks.

This module is the one place that touches detect-secrets (Yelp, Apache-2.0). Only each
detector's `analyze_string` is called: a pure function of the string. `analyze_line` and
the scanning API are never used, because they read detect-secrets' process-wide settings
and may *verify* a candidate by sending it to the service it belongs to (AWS, Slack,
Stripe…), which is exactly the leak masking exists to prevent. The detectors' heuristic
filters are plain functions too; the allowlist filter (`# pragma: allowlist secret`) is
not applied, since the diff's author would control it.

Only lines that secret_prefilter.py picks out are scanned, and each detector only when the
line holds one of its fixed parts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from detect_secrets.filters import heuristic
from detect_secrets.plugins.artifactory import ArtifactoryDetector
from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.cloudant import CloudantDetector
from detect_secrets.plugins.discord import DiscordBotTokenDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.high_entropy_strings import (
    Base64HighEntropyString,
    HexHighEntropyString,
    HighEntropyStringsPlugin,
)
from detect_secrets.plugins.ibm_cloud_iam import IbmCloudIamDetector
from detect_secrets.plugins.ibm_cos_hmac import IbmCosHmacDetector
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.keyword import (
    CONFIG_DENYLIST_REGEX_TO_GROUP,
    DENYLIST,
    QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
    REGEX_BY_FILETYPE,
    KeywordDetector,
)
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.openai import OpenAIDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.softlayer import SoftlayerDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector
from detect_secrets.plugins.telegram_token import TelegramBotTokenDetector
from detect_secrets.plugins.twilio import TwilioKeyDetector
from detect_secrets.util.filetype import determine_file_type

from reviewer.core.secret_prefilter import suspect_lines


class Span(NamedTuple):
    """Characters `start:end` of a line are a secret of this kind (e.g. `github-token`)."""

    start: int
    end: int
    kind: str


def _kind(detector: BasePlugin) -> str:
    """`GitHub Token` → `github-token`: detect-secrets' own name for what it found."""
    return re.sub(r"[^a-z0-9]+", "-", str(detector.secret_type).lower()).strip("-")


# Detectors of one service's key format: few false positives, always applied. Each runs
# only on a line holding one of its fixed parts (lower-cased), as gitleaks' rule keywords
# do: some of these expressions cost 20 µs a line, and most lines hold none of the parts.
# (Left out: IPPublicDetector, as an address is not a secret, and PrivateKeyDetector,
# whose BEGIN lines secrets_mask.py masks together with the key's body.)
_FORMATS: tuple[tuple[RegexBasedDetector, tuple[str, ...]], ...] = (
    (AWSKeyDetector(), ("akia", "asia", "abia", "acca", "a3t", "aws")),
    (ArtifactoryDetector(), ("akc", "ap")),
    (AzureStorageKeyDetector(), ("accountkey=",)),
    (BasicAuthDetector(), ("://",)),
    (CloudantDetector(), ("cl",)),
    (DiscordBotTokenDetector(), (".",)),
    (GitHubTokenDetector(), ("gh",)),
    (GitLabTokenDetector(), ("gl", "gr1348941")),
    (IbmCloudIamDetector(), ("key", "pwd", "pass", "token")),
    (IbmCosHmacDetector(), ("secret",)),
    (JwtTokenDetector(), ("eyj",)),
    (MailchimpDetector(), ("-us",)),
    (NpmDetector(), ("_authtoken",)),
    (OpenAIDetector(), ("t3blbkfj",)),
    (PypiTokenDetector(), ("pypi-",)),
    (SendGridDetector(), ("sg.",)),
    (SlackDetector(), ("xox", "hooks.slack.com")),
    (SoftlayerDetector(), ("sl", "softlayer")),
    (SquareOAuthDetector(), ("sq0csp-",)),
    (StripeDetector(), ("k_live_",)),
    (TelegramBotTokenDetector(), (":",)),
    (TwilioKeyDetector(), ("ac", "sk")),
)
# Random-looking quoted strings, at detect-secrets' default limits (4.5 and 3.0 bits).
_ENTROPY: tuple[tuple[HighEntropyStringsPlugin, str], ...] = tuple(
    (detector, _kind(detector)) for detector in (Base64HighEntropyString(), HexHighEntropyString())
)
_KEYWORD = KeywordDetector()
_KEYWORD_KIND = _kind(_KEYWORD)
# Its keywords alone (`api_?key`, `password`…): its own expressions cost some 60 µs a line.
_KEYWORD_NAMES = re.compile("|".join(DENYLIST))
# A value that calls or indexes something (detect-secrets' indirect-reference shape).
_REFERENCE = re.compile(r"[\w.-]+[\[(].*[\])]")

# Shapes detect-secrets 1.5 does not know: newer OpenAI and Anthropic keys (its OpenAI
# detector needs the legacy `T3BlbkFJ` infix), Google API keys, and fine-grained GitHub
# tokens (and classic ones past 36 characters); each with its fixed parts, as above.
_EXTRA: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    ("anthropic-key", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}"), ("sk-ant-",)),
    ("openai-key", re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"), ("sk-",)),
    ("google-api-key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}"), ("aiza",)),
    (
        "github-token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
        ("gh",),
    ),
)
_FORMAT_RULES = tuple((detector, _kind(detector), parts) for detector, parts in _FORMATS)
_PARTS = frozenset(
    part for _, parts in (*_FORMATS, *((p, q) for _, p, q in _EXTRA)) for part in parts
)
# An AWS secret access key written without quotes, as in ~/.aws/credentials, an env file or
# YAML (detect-secrets wants it quoted): 40 characters on a line that says aws or secret.
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])")

# The password of a URL's user info (`postgres://admin:pw@db/prod`), up to the last `@`
# before the host: detect-secrets' basic-auth pattern stops at `!*#$&` and misses it.
_URL_PASSWORD = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]*:([^\s/]+)@[^\s/@]+")

# Files whose values are written without quotes (`NAME=value`), read like detect-secrets'
# config files so that its keyword detector sees them.
_UNQUOTED_NAMES = frozenset({".env", "credentials", ".npmrc", ".pypirc", ".netrc", "Dockerfile"})
_UNQUOTED_SUFFIXES = (".env", ".envrc", ".sh", ".bash", ".zsh")


def secret_spans(path: str, line: str) -> list[Span]:
    """Every secret in `line` of the file at `path`; overlapping finds merged."""
    return spans_in_suspect_line(path, line) if suspect_lines([line]) else []


def spans_in_suspect_line(path: str, line: str) -> list[Span]:
    """secret_spans, for a line secret_prefilter.suspect_lines has already picked out."""
    lowered = line.lower()
    present = {part for part in _PARTS if part in lowered}
    found: list[Span] = []
    if present:
        for detector, kind, parts in _FORMAT_RULES:
            if not present.isdisjoint(parts):
                found += _located(line, detector.analyze_string(line), kind)
        for kind, pattern, parts in _EXTRA:
            if not present.isdisjoint(parts):
                found += [Span(m.start(), m.end(), kind) for m in pattern.finditer(line)]
    if "://" in line:
        found += [Span(m.start(1), m.end(1), "url-password") for m in _URL_PASSWORD.finditer(line)]
    if "aws" in lowered or "secret" in lowered:
        kind = "aws-secret-access-key"
        found += [Span(m.start(), m.end(), kind) for m in _AWS_SECRET.finditer(line)]
    if not heuristic.is_lock_file(path):
        found += _noisy(path, line, _KEYWORD_NAMES.search(lowered) is not None)
    return _merged(_widened(line, found)) if found else []


def _noisy(path: str, line: str, words: bool) -> list[Span]:
    """The entropy and keyword detectors, with detect-secrets' own false-positive filters."""
    found: list[Span] = []
    for detector, kind in _ENTROPY:
        values = [
            value
            for value in detector.analyze_string(line)
            if detector.calculate_shannon_entropy(value) > detector.entropy_limit
        ]
        found += _located(line, _plausible(line, values, detector), kind)
    if words:
        values = [
            value
            for value in _KEYWORD.analyze_string(line, _keyword_rules(path))
            # `password: get_password()`: a reference, not the secret. (detect-secrets tests
            # the whole line, which would let `connect(password="hunter2")` through.)
            if not _REFERENCE.fullmatch(value)
        ]
        found += _located(line, _plausible(line, values, _KEYWORD), _KEYWORD_KIND)
    return found


def _plausible(line: str, values: list[str], detector: BasePlugin) -> list[str]:
    return [
        value
        for value in values
        if not (
            heuristic.is_templated_secret(value)
            or heuristic.is_prefixed_with_dollar_sign(value)
            or heuristic.is_sequential_string(value)
            or heuristic.is_potential_uuid(value)
            or heuristic.is_not_alphanumeric_string(value)
            or heuristic.is_likely_id_string(value, line, detector)
        )
    ]


def _keyword_rules(path: str) -> dict[re.Pattern[str], int]:
    name = path.rsplit("/", 1)[-1]
    if name in _UNQUOTED_NAMES or name.startswith(".env.") or name.endswith(_UNQUOTED_SUFFIXES):
        return CONFIG_DENYLIST_REGEX_TO_GROUP
    return REGEX_BY_FILETYPE.get(determine_file_type(path), QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP)


def _located(line: str, values: Iterable[str], kind: str) -> list[Span]:
    """Where each reported value occurs in the line (detectors report values, not places)."""
    spans = []
    for value in values:
        start = line.find(value) if value else -1
        while start >= 0:
            spans.append(Span(start, start + len(value), kind))
            start = line.find(value, start + len(value))
    return spans


_TOKEN_CHAR = re.compile(r"[A-Za-z0-9+/_-]")
_EDGE = " \t\"'`=:"


def _widened(line: str, spans: list[Span]) -> list[Span]:
    """Each span trimmed of the quotes or `=` a detector matched around it, then grown to
    the whole token: a detector that matches a fixed length (36 characters of a GitHub
    token, say) must not leave the token's tail in the clear."""
    grown = []
    for start, end, kind in spans:
        while start < end and line[start] in _EDGE:
            start += 1
        while end > start and line[end - 1] in _EDGE:
            end -= 1
        while start > 0 and _TOKEN_CHAR.match(line, start - 1):
            start -= 1
        while end < len(line) and _TOKEN_CHAR.match(line, end):
            end += 1
        if end > start:
            grown.append(Span(start, end, kind))
    return grown


def _merged(spans: list[Span]) -> list[Span]:
    """Sorted, overlaps joined; the joined span keeps the kind of its first (widest) part."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end), last.kind)
        else:
            merged.append(span)
    return merged
