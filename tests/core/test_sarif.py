"""SARIF 2.1.0 output, checked against the SARIF schema (tests/fixtures/README.md says where
it comes from) with the validator its own `$schema` names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sarif_schema import assert_valid, validator

from reviewer import __version__
from reviewer.app.report_files import write_sarif
from reviewer.core.anchoring import AnchoredFinding, Placement
from reviewer.core.diff import Side
from reviewer.core.findings import Category, Finding
from reviewer.core.sarif import FINGERPRINT_KEY, RULE_CATEGORIES, sarif_log
from reviewer.core.severity import Severity


def anchored(
    path: str = "src/app.py",
    line: int | None = 12,
    *,
    placement: Placement = Placement.INLINE,
    side: Side = Side.RIGHT,
    start_line: int | None = None,
    severity: Severity = Severity.WARNING,
    category: Category = Category.BUG,
    title: str = "Problem",
    suggestion: str | None = None,
) -> AnchoredFinding:
    finding = Finding(
        path=path,
        line=line or 1,
        start_line=start_line,
        side=side,
        severity=severity,
        category=category,
        title=title,
        body="Why it matters.\n\nHow to fix it.",
        quote="x = 1",
        suggestion=suggestion,
    )
    code = ("x = 1",) if placement is Placement.INLINE else ()
    return AnchoredFinding(finding, placement, path, line, side, start_line, code_lines=code)


INLINE = anchored(severity=Severity.CRITICAL, category=Category.SECURITY, start_line=10)
FILE_LEVEL = anchored("src/app.py", None, placement=Placement.FILE)
OUTSIDE = anchored("docs/my notes#1.md", None, placement=Placement.OUTSIDE)
LEFT = anchored("src/old.py", 7, side=Side.LEFT, severity=Severity.SUGGESTION)
ALL = [LEFT, OUTSIDE, FILE_LEVEL, INLINE]


def results_by_path(log: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r
        for r in log["runs"][0]["results"]
    }


def test_log_validates_and_has_one_rule_per_category() -> None:
    log = sarif_log(ALL, tool_version="1.2.3", repo_root_uri="file:///work/repo")
    assert_valid(log)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("reviewer", "1.2.3")
    assert [rule["id"] for rule in driver["rules"]] == [f"reviewer/{c}" for c in RULE_CATEGORIES]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///work/repo/"}}
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_levels_messages_fingerprints_and_properties() -> None:
    log = sarif_log(
        [*ALL, anchored("a.py", 3, suggestion="y = 2")], tool_version="0", repo_root_uri=None
    )
    assert "originalUriBaseIds" not in log["runs"][0]
    results = results_by_path(log)  # src/app.py: the later of the two, the inline one
    inline = results["src/app.py"]
    assert (inline["ruleId"], inline["level"]) == ("reviewer/security", "error")
    assert results["src/old.py"]["level"] == "note"
    assert results["a.py"]["level"] == "warning"
    assert results["a.py"]["message"]["text"] == (
        "Problem\n\nWhy it matters.\n\nHow to fix it.\n\nSuggested change:\ny = 2"
    )
    for finding, result in ((INLINE, inline), (LEFT, results["src/old.py"])):
        assert result["partialFingerprints"] == {FINGERPRINT_KEY: finding.fingerprint}
    assert results["src/old.py"]["properties"] == {
        "category": "bug",
        "severity": "suggestion",
        "placement": "inline",
        "side": "LEFT",
    }


def test_locations_by_placement() -> None:
    results = sarif_log(ALL, tool_version="0")["runs"][0]["results"]
    locations = [r["locations"][0]["physicalLocation"] for r in results]
    # Sorted by path, then line: deterministic whatever the input order.
    assert locations == [
        {"artifactLocation": {"uri": "docs/my%20notes%231.md", "uriBaseId": "%SRCROOT%"}},
        {"artifactLocation": {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"}},
        {
            "artifactLocation": {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 10, "endLine": 12},
        },
        # A deleted line is not in the new file: the file only, the old line in the text.
        {"artifactLocation": {"uri": "src/old.py", "uriBaseId": "%SRCROOT%"}},
    ]
    assert "line 7 of the base version" in results[3]["message"]["text"]


def test_output_is_deterministic_and_written(tmp_path: Path) -> None:
    first = sarif_log(ALL, tool_version="0")
    assert first == sarif_log(list(reversed(ALL)), tool_version="0")
    target = tmp_path / "out" / "reviewer.sarif"
    write_sarif(str(target), ALL)
    assert json.loads(target.read_text(encoding="utf-8")) == sarif_log(
        ALL, tool_version=__version__
    )


def test_empty_log_is_valid() -> None:
    log = sarif_log([], tool_version="0")
    assert_valid(log)
    assert log["runs"][0]["results"] == []


@pytest.mark.parametrize("path", ["./x.py", "/abs/x.py", "C:/x.py", "dir\\x.py", "ü.py"])
def test_odd_model_paths_stay_relative_uris(path: str) -> None:
    log = sarif_log([anchored(path, None, placement=Placement.OUTSIDE)], tool_version="0")
    assert_valid(log)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert not uri["uri"].startswith(("/", "./")) and ":" not in uri["uri"]


def test_schema_rejects_a_broken_log() -> None:
    """The fixture really constrains results (not a permissive stand-in)."""
    log = sarif_log([INLINE], tool_version="0")
    log["runs"][0]["results"][0]["level"] = "critical"
    assert list(validator().iter_errors(log))
