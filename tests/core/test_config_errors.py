"""A bad config file is reported whole: every schema problem, one line each; a config file
named but absent is reported, not silently ignored."""

from __future__ import annotations

import pytest

from reviewer.core.config import MAX_LISTED_ERRORS, parse_config
from reviewer.core.guidance import GuidanceSources, load_guidance
from reviewer.errors import ConfigError

SOURCE = ".github/reviewer.yml"


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, SOURCE)
    assert raised.value.exit_code == 2
    return raised.value.message.splitlines()


def test_every_schema_problem_is_listed() -> None:
    text = """\
rules: 5
profiles: [security, sloppy]
paths:
  "src/**":
    max-severity: 5
    colour: red
"""
    lines = problems(text)
    assert lines == [
        f"{SOURCE}: paths → src/**: Additional properties are not allowed "
        "('colour' was unexpected).",
        f"{SOURCE}: paths → src/** → max-severity: 5 is not one of "
        "['suggestion', 'warning', 'critical'].",
        f"{SOURCE}: profiles → 1: 'sloppy' is not one of "
        "['general', 'performance', 'resilience', 'security'].",
        f"{SOURCE}: rules: 5 is not of type 'string'.",
    ]


def test_a_long_list_of_problems_is_capped_with_a_count() -> None:
    entries = "\n".join(f"  'p{i}/**': {{max-severity: {i}}}" for i in range(30))
    lines = problems("paths:\n" + entries + "\n")
    assert len(lines) == MAX_LISTED_ERRORS + 1
    assert lines[-1] == f"{SOURCE}: and {30 - MAX_LISTED_ERRORS} more problem(s)."


class Files:
    def __init__(self, files: dict[str, str]) -> None:
        self.files = files

    def read(self, path: str) -> str | None:
        return self.files.get(path)

    def paths(self) -> list[str]:
        return list(self.files)


def test_a_named_config_file_that_is_absent_is_reported() -> None:
    def notes(sources: GuidanceSources) -> tuple[str, ...]:
        return load_guidance(sources, Files({}), lambda text: len(text)).notes

    assert notes(GuidanceSources()) == ()  # the default path may be absent
    assert notes(GuidanceSources(config_file="ci/review.yml")) == (
        "`config-file` ci/review.yml was not found on the base branch.",
    )


def test_yaml_aliases_and_huge_files_are_refused_before_they_grow() -> None:
    """Nested aliases: 315 bytes once expanded to 7.6 MB of error message (and, one level
    deeper, gigabytes of memory)."""
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 6):
        refs = ", ".join([f"*{chr(96 + n)}"] * 9)
        levels.append(f"{chr(97 + n)}: &{chr(97 + n)} [{refs}]")
    bomb = "\n".join(levels) + "\nrules: *f\n"
    with pytest.raises(ConfigError) as raised:
        parse_config(bomb, ".github/reviewer.yml")
    assert "alias" in str(raised.value) and len(str(raised.value)) < 500
    with pytest.raises(ConfigError, match="characters"):
        parse_config("# " + "x" * 300_000 + "\n", ".github/reviewer.yml")


def test_a_wrong_value_is_quoted_bounded() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config("exclude: " + "z" * 50_000 + "\n", ".github/reviewer.yml")
    assert len(str(raised.value)) < 2_000
