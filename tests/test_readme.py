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
