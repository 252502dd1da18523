"""Which parts of a line are secrets (detect-secrets' detectors and the shapes it lacks),
and the cheap prefilter that decides which lines are scanned at all."""

from __future__ import annotations

from itertools import permutations

import pytest
from detect_secrets.plugins.keyword import DENYLIST
from secret_samples import SAMPLES, Sample

from reviewer.core.secret_detectors import secret_spans
from reviewer.core.secret_prefilter import WORDS, suspect_lines
from reviewer.core.secrets_mask import mask_secrets


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_every_secret_shape_is_found_and_masked(sample: Sample) -> None:
    assert suspect_lines([sample.line]) == [0]  # the prefilter lets it through
    spans = secret_spans(sample.path, sample.line)
    assert spans, sample.line
    masked, count = mask_secrets(sample.line, sample.path)
    assert sample.secret not in masked, masked
    assert count == len(spans) >= 1
    assert "[REDACTED" in masked


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_a_secret_among_ordinary_lines_is_found_on_its_own_line(sample: Sample) -> None:
    lines = ["import os", "", "def handler(event):", sample.line, "    return event", "# end"]
    assert 3 in suspect_lines(lines)
    masked, _ = mask_secrets("\n".join(lines), sample.path)
    after = masked.split("\n")
    assert len(after) == len(lines)
    assert sample.secret not in after[3]
    assert [a for i, a in enumerate(after) if i != 3] == [b for i, b in enumerate(lines) if i != 3]


def test_what_is_left_of_a_masked_line_is_the_code_around_the_secret() -> None:
    (sample,) = [s for s in SAMPLES if s.name == "aws secret, Python call"]
    masked, _ = mask_secrets(sample.line, sample.path)
    assert masked.startswith('boto3.client("s3", aws_secret_access_key="[REDACTED')
    assert masked.endswith('")')
    (sample,) = [s for s in SAMPLES if s.name == "aws secret, credentials file"]
    assert mask_secrets(sample.line, sample.path)[0] == (
        "aws_secret_access_key = [REDACTED:aws-secret-access-key]"
    )


ORDINARY = [
    ("app.py", "password = get_password()"),
    ("app.py", 'token = request.headers["Authorization"]'),
    ("app.py", "def test_secrets_in_the_diff_are_masked_before_they_reach_the_model():"),
    ("app.py", "KEY_LENGTH = 40"),
    ("app.py", "model = 'sk-learn'"),
    ("app.py", "for key, value in sorted(settings.items(), key=lambda item: item[0]):"),
    ("app.py", 'password = os.environ["DB_PASSWORD"]'),
    ("app.py", 'secret = "${DEPLOY_SECRET}"'),
    ("app.py", 'API_KEY = "<your api key>"'),
    ("app.py", "    assert response.status_code == 401, 'wrong password'"),
    ("README.md", "========================================"),
    ("README.md", "See https://docs.github.com/en/rest/pulls/reviews for the endpoint."),
    ("src/main.go", "	client := github.NewClient(httpClient).WithAuthToken(token)"),
    ("deploy.yml", "      api-key: ${{ secrets.OPENAI_API_KEY }}"),
    ("models.py", 'user_id = "8d3e7c1a9b2f4e6d"'),
    ("app.py", 'PUBLIC_KEY_PATH = "/etc/reviewer/public_key.pem"'),
]


@pytest.mark.parametrize(("path", "line"), ORDINARY)
def test_ordinary_code_is_not_masked(path: str, line: str) -> None:
    assert mask_secrets(line, path) == (line, 0)


def test_every_keyword_of_the_keyword_detector_passes_the_prefilter() -> None:
    # The prefilter looks for WORDS; each keyword detect-secrets keys on must contain one,
    # or a newer detect-secrets could find secrets the prefilter never lets it see.
    for keyword in DENYLIST:
        spelled = keyword.replace("_?", "_")
        assert any(word in spelled for word in WORDS), keyword


def test_lines_shaped_like_the_benchmark_diff_are_not_suspects() -> None:
    # bench/bench_diff.py measures the fast path: its synthetic code (bench/synthetic.py,
    # these shapes and words) skips the detectors.
    words = ["user", "request", "response", "config", "handler", "session", "token", "retry"]
    lines = []
    for a, b, c in permutations(words, 3):
        lines += [
            f"    {a}_{b} = {c}.get('{a}', 999)",
            f"        if {a} is not None and {b}.{c}({a}):",
            f"    return {a}_{b}({c}, timeout=60)",
            f"for {a} in {b}.{c}_items():",
            f"    # {a} the {b} before {c}",
        ]
    assert suspect_lines(lines) == []


def test_the_prefilter_picks_exactly_the_lines_that_may_hold_a_secret() -> None:
    lines = [
        "total = compute_the_running_total_of(values)",  # long, but a name
        "func TestRootNoCommandHelp(t *testing.T) {",  # camelCase
        "path = 'src/reviewer/core/chunk_plan_helpers'",  # a path
        "x = 'Q2xhc3NpY2FsIGVuY29kaW5n9'",  # 26 token characters, letters and digits
        "db_password = 'x'",  # a keyword
        "see https://example.com",  # a URL may carry credentials
        "-----END EC PRIVATE KEY-----",
        "",
    ]
    assert suspect_lines(lines) == [3, 4, 5, 6]


def test_lines_with_other_scripts_keep_their_offsets() -> None:
    # Non-ASCII characters must not shift which line a hit is attributed to.
    lines = ["Größe = 'ünïcödé' * 40", "naïve = True", f'TOKEN = "{SAMPLES[10].secret}"']
    assert suspect_lines(lines) == [2]
