"""The README's reference tables are checked against action.yml and the config schema, so
the documentation cannot drift from the interface."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from reviewer.core.config import config_schema

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def table_after(heading: str) -> list[list[str]]:
    section = README.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def test_inputs_table_matches_action_yml() -> None:
    inputs = yaml.safe_load((ROOT / "action.yml").read_text())["inputs"]
    rows = {re.sub(r"`", "", row[0]): row[1] for row in table_after("## Inputs")}
    assert set(rows) == set(inputs)
    for name, spec in inputs.items():
        default = str(spec.get("default", ""))
        if default and not default.startswith("${{"):
            assert f"`{default}`" == rows[name], name


def test_outputs_table_matches_action_yml() -> None:
    outputs = yaml.safe_load((ROOT / "action.yml").read_text())["outputs"]
    rows = {re.sub(r"`", "", row[0]) for row in table_after("## Outputs")}
    assert rows == set(outputs)


def test_config_table_matches_the_schema() -> None:
    rows = {re.sub(r"`", "", row[0]) for row in table_after("## Configuration file")}
    schema = config_schema()
    assert rows == set(schema["properties"])
    per_path = schema["properties"]["paths"]["additionalProperties"]["properties"]
    documented = table_after("## Configuration file")
    paths_row = next(row for row in documented if row[0] == "`paths`")
    for key in per_path:
        assert f"`{key}`" in paths_row[2], key


def fenced_blocks() -> list[tuple[str, str]]:
    """(language, text) of each fenced block, in order."""
    return re.findall(r"^```(\w*)\n(.*?)^```", README, re.MULTILINE | re.DOTALL)


def test_the_newcomer_commands_come_first_and_stay_true() -> None:
    (lang1, review), (lang2, test) = fenced_blocks()[:2]
    assert (lang1, lang2) == ("sh", "sh")
    assert review.strip() == "OPENAI_API_KEY=sk-... scripts/dev review --base main"
    assert test.strip() == "scripts/dev test"
    # `scripts/dev review ARGS` is `python -m reviewer review ARGS`, and these ARGS parse.
    dev = (ROOT / "scripts" / "dev").read_text(encoding="utf-8")
    assert 'review) setup; exec "$venv/bin/python" -m reviewer review "$@"' in dev
    assert 'test) setup; exec "$venv/bin/python" -m pytest' in dev
    from reviewer.cli import build_parser

    args = build_parser().parse_args(review.split("scripts/dev ", 1)[1].split())
    assert (args.command, args.base) == ("review", "main")
    intro = README.split("## Start here", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"run the tests \((?:about )?\d+(?:\u2013\d+)? s on a 2-core machine", intro)
