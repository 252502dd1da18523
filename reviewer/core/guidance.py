"""What the maintainers tell the reviewer, gathered from the BASE commit so a pull request
cannot change its own rules, in this order (later parts are more specific):

1. the built-in instructions and the review profiles (`profile` input + config `profiles`);
2. the `rules` input;
3. the rules file (`rules-file`, default `.github/reviewer.md`);
4. the config file's `rules` (`config-file`, default `.github/reviewer.yml`);
5. the context files (`context-files`), for reference;
6. per chunk, the config file's `paths` instructions for the files in it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from reviewer.core.prompt import profile_instructions
from reviewer.core.tokens import TokenCounter

if TYPE_CHECKING:  # the settings need this module's defaults at start-up, not YAML parsing
    from reviewer.core.config import RepoConfig

log = logging.getLogger(__name__)


class BaseReader(Protocol):
    """Files of the repository at the base commit (the GitHub API, or git locally)."""

    def read(self, path: str) -> str | None: ...
    def paths(self) -> list[str]: ...


DEFAULT_RULES_FILE = ".github/reviewer.md"
DEFAULT_CONFIG_FILE = ".github/reviewer.yml"


@dataclass(frozen=True, slots=True)
class GuidanceSources:
    """Where the guidance comes from: the inputs (or flags) that name it."""

    rules: str = ""
    rules_file: str = DEFAULT_RULES_FILE
    config_file: str = DEFAULT_CONFIG_FILE
    context_files: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ("general",)


@dataclass(frozen=True, slots=True)
class Guidance:
    rules: str  # parts 1 to 5, for the system prompt
    config: RepoConfig  # part 6 and the config's excludes and severity overrides
    gitattributes: str
    notes: tuple[str, ...] = ()  # things the user should know (missing files, caps)


def load_guidance(
    sources: GuidanceSources, base: BaseReader, count_tokens: TokenCounter
) -> Guidance:
    from reviewer.core.config import RepoConfig, parse_config
    from reviewer.core.context import context_block, matching

    notes: list[str] = []
    rules_file = base.read(sources.rules_file)
    if rules_file is None and sources.rules_file != DEFAULT_RULES_FILE:
        notes.append(f"`rules-file` {sources.rules_file} was not found on the base branch.")
    config_text = base.read(sources.config_file)
    if config_text is None and sources.config_file != DEFAULT_CONFIG_FILE:
        notes.append(f"`config-file` {sources.config_file} was not found on the base branch.")
    config = parse_config(config_text, sources.config_file) if config_text else RepoConfig()
    context = ""
    if sources.context_files:
        wanted = matching(base.paths(), sources.context_files)
        if not wanted:
            notes.append("`context-files` matched no file on the base branch.")
        files = [(path, text) for path in wanted if (text := base.read(path)) is not None]
        context, left_out = context_block(files, count_tokens)
        if left_out:
            notes.append(f"Context files over the token cap were left out: {', '.join(left_out)}.")
    rules = merge_rules(
        profile_instructions((*sources.profiles, *config.profiles)),
        sources.rules,
        rules_file,
        config.rules,
        context,
    )
    return Guidance(rules, config, base.read(".gitattributes") or "", tuple(notes))


def merge_rules(*parts: str | None) -> str:
    """Parts in their documented order, blank ones dropped."""
    return "\n\n".join(part.strip() for part in parts if part and part.strip())
