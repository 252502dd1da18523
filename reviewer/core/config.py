"""The repository's review configuration, `.github/reviewer.yml`, read from the base branch.

rules: |                      # added to the prompt after the rules file
  Prefer explicit error types.
profiles: [security]          # added to the `profile` input
exclude:                      # more files to skip (gitignore-style globs)
  - "migrations/**"
paths:                        # per glob: instructions and severity overrides
  "src/payments/**":
    instructions: Amounts are integer cents; flag any float arithmetic.
    min-severity: warning     # don't post suggestions for these files
  "tests/**":
    max-severity: warning     # findings in tests never fail the check as critical
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pathspec

from reviewer.core.markdown import bounded
from reviewer.core.prompt import PROFILES
from reviewer.core.severity import Severity
from reviewer.errors import ConfigError

if TYPE_CHECKING:
    import jsonschema

_SEVERITY = {"enum": [s.value for s in Severity]}
_CONFIG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "rules": {"type": "string", "description": "Review rules for the whole repository."},
        "profiles": {
            "type": "array",
            "items": {"enum": sorted(PROFILES)},
            "description": "Review profiles, added to the `profile` input.",
        },
        "exclude": {
            "type": "array",
            "items": {"type": "string"},
            "description": "More globs of files to skip.",
        },
        "whole-deletions": {
            "type": "boolean",
            "description": "Show deletion-only hunks whole, not as their ends and a count.",
        },
        "paths": {
            "type": "object",
            "description": "Per glob: instructions and severity overrides.",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "instructions": {"type": "string"},
                    "min-severity": _SEVERITY,
                    "max-severity": _SEVERITY,
                    "whole-deletions": {"type": "boolean"},
                },
            },
        },
    },
}


def config_schema() -> dict[str, Any]:
    """The config file's JSON schema (a fresh copy: callers may not change the original)."""
    return copy.deepcopy(_CONFIG_SCHEMA)


@dataclass(frozen=True, slots=True)
class PathRule:
    pattern: str
    instructions: str = ""
    min_severity: Severity | None = None
    max_severity: Severity | None = None
    whole_deletions: bool = False

    def matches(self, path: str) -> bool:
        return pathspec.GitIgnoreSpec.from_lines([self.pattern]).match_file(path)


@dataclass(frozen=True, slots=True)
class RepoConfig:
    rules: str = ""
    profiles: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    paths: tuple[PathRule, ...] = ()
    whole_deletions: bool = False

    def wants_whole_deletions(self, path: str) -> bool:
        return self.whole_deletions or any(r.whole_deletions for r in self.rules_for(path))

    def rules_for(self, path: str) -> list[PathRule]:
        return [rule for rule in self.paths if rule.matches(path)]

    def min_severity_for(self, path: str, default: Severity) -> Severity:
        """The posting threshold for `path`: the last matching rule that sets one wins."""
        found = [r.min_severity for r in self.rules_for(path) if r.min_severity]
        return found[-1] if found else default

    def instructions_for(self, paths: Sequence[str]) -> str:
        """The path-scoped instructions that apply to any of `paths`, once each."""
        picked = dict.fromkeys(
            f"For files matching `{rule.pattern}`: {rule.instructions.strip()}"
            for path in paths
            for rule in self.rules_for(path)
            if rule.instructions.strip()
        )
        return "\n".join(picked)


MAX_CONFIG_CHARS = 256_000


def parse_config(text: str, source: str) -> RepoConfig:
    """Parse and validate the config file; a bad one is a ConfigError naming the field."""
    # Loaded here, for the repositories that have a config file (0.05 s of CPU).
    import jsonschema
    import yaml

    if len(text) > MAX_CONFIG_CHARS:
        raise ConfigError(
            f"{source} is {len(text):,} characters; at most {MAX_CONFIG_CHARS:,} are read.",
            hint=f"Keep {source} short: long instructions belong in the rules file.",
        )
    try:
        # An alias re-uses a node; nested ones multiply it (a few hundred bytes became
        # gigabytes once validated and quoted): a config file has no need of them.
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, yaml.SafeLoader)):
            raise ConfigError(
                f"{source} uses a YAML alias (`*name`), which is not accepted.",
                hint=f"Write the value out in {source} instead of referring to an anchor.",
            )
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(
            f"{source} is not valid YAML: {error}", hint=f"Fix the YAML syntax of {source}."
        ) from None
    if data is None:
        return RepoConfig()
    validator = jsonschema.Draft202012Validator(config_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        # Every problem at once, one line each (over a cap, the count of the rest): fixing a
        # file one error per run is slow.
        # jsonschema quotes the offending value whole in its message: bounded.
        lines = [
            f"{source}: {_field(e)}: {bounded(e.message, 300)}." for e in errors[:MAX_LISTED_ERRORS]
        ]
        if len(errors) > MAX_LISTED_ERRORS:
            lines.append(f"{source}: and {len(errors) - MAX_LISTED_ERRORS} more problem(s).")
        raise ConfigError(
            "\n".join(lines),
            hint=f"See the configuration reference in the README ({len(errors)} problem(s)).",
        )
    paths = tuple(
        PathRule(
            pattern=pattern,
            instructions=str(rule.get("instructions", "")),
            min_severity=_severity(rule.get("min-severity")),
            max_severity=_severity(rule.get("max-severity")),
            whole_deletions=rule.get("whole-deletions") is True,
        )
        for pattern, rule in (data.get("paths") or {}).items()
    )
    return RepoConfig(
        rules=str(data.get("rules", "")),
        profiles=tuple(data.get("profiles") or ()),
        exclude=tuple(data.get("exclude") or ()),
        paths=paths,
        whole_deletions=data.get("whole-deletions") is True,
    )


MAX_LISTED_ERRORS = 20


def _field(error: jsonschema.ValidationError) -> str:
    return " → ".join(str(part) for part in error.absolute_path) or "(top level)"


def _severity(value: str | None) -> Severity | None:
    return Severity(value) if value else None
