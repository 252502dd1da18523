"""Run the review on every case of bench/quality/data and score it.

    python -m bench.quality.run                      # scripted model (CI): plumbing and reach
    python -m bench.quality.run --base-url URL --model NAME --api-key KEY   # a real model
    python -m bench.quality.run --set context-lines=3 --set related-context-tokens=0 ...

`--set NAME=VALUE` changes one review option (an action input name) from its default.
Prints one line per case and the totals; `--json FILE` writes them all.

Scoring (docs/performance.md, "Review quality"): a finding matches a known issue when it
names the issue's file and its line range overlaps the issue's lines widened by
MATCH_SLACK lines on each side. Recall: known issues matched by a finding. Precision:
findings (delivered, inline or in the summary; not the ones verification rejected) that
match a known issue. Reach: lines of known issues that some request showed as a numbered
line of that file, and code the issues need from other files that some request carried
whole (a related-code snippet covering its lines).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gzip
import inspect
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.quality.prompts import Shown, shown_in
from bench.quality.scripted import ScriptedModel, served

DATA = Path(__file__).resolve().parent / "data"
MATCH_SLACK = 2


def load_cases(only: list[str] | None = None) -> list[dict[str, Any]]:
    cases = [json.loads(gzip.decompress(p.read_bytes())) for p in sorted(DATA.glob("*.json.gz"))]
    return [c for c in cases if not only or c["id"] in only]


@dataclass
class CaseResult:
    id: str
    prompt_tokens: int = 0  # of every message, counted with tiktoken (o200k_base)
    review_prompt_tokens: int = 0  # of the review requests alone
    verify_prompt_tokens: int = 0
    requests: int = 0
    lines: int = 0
    lines_reached: int = 0
    issues: int = 0
    issues_fully_reached: int = 0
    needs: int = 0
    needs_reached: int = 0
    findings: int = 0
    findings_matching: int = 0
    issues_found: int = 0
    rejected: int = 0
    context_used: list[str] = field(default_factory=list)


def matches(finding: Any, issue: dict[str, Any]) -> bool:
    if finding.path != issue["path"] or finding.line is None:
        return False
    start = finding.start_line or finding.line
    return start <= issue["end"] + MATCH_SLACK and finding.line >= issue["start"] - MATCH_SLACK


def new_lines(case: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Added lines of the case's diff: path → new number → text."""
    from reviewer.core.diff import LineKind, parse_diff

    out: dict[str, dict[int, str]] = {}
    for file in parse_diff(case["diff"]):
        for _, line in file.lines():
            if line.kind is LineKind.ADDED and line.new_no is not None:
                out.setdefault(file.path, {})[line.new_no] = line.text
    return out


def run_case(
    case: dict[str, Any], endpoint: dict[str, str], settings: dict[str, str]
) -> tuple[CaseResult, list[dict[str, Any]]]:
    """Review one case through the engine; return the result and the request bodies."""
    from reviewer.app import engine
    from reviewer.app.settings import build_settings
    from reviewer.model.chunk_reviewer import ChunkReviewer, make_client
    from reviewer.model.tokenizer import make_token_counter

    raw = {"api-key": endpoint["api_key"], "base-url": endpoint["base_url"],
           "model": endpoint["model"], **settings}  # fmt: skip
    config = build_settings(raw)
    count, _ = make_token_counter("gpt-4o")
    client = make_client(api_key=config.api_key, base_url=config.base_url, api_version=None,
                         timeout_s=300)  # fmt: skip
    reviewer = ChunkReviewer(client, model=config.model, rules="")
    options, extra = _engine_arguments(case, config, client, reviewer)
    outcome = engine.review_diff(case["diff"], options, reviewer, count, **extra)
    result = CaseResult(case["id"])
    result.context_used = [str(c) for c in getattr(outcome, "context_used", ())]
    result.rejected = len(getattr(outcome, "rejected", ()))
    shown = Shown()
    recorded = endpoint_requests(endpoint)
    for body in recorded:
        text = "\n".join(m["content"] for m in body["messages"])
        tokens = count(text)
        result.prompt_tokens += tokens
        if _is_verification(body):
            result.verify_prompt_tokens += tokens
        else:
            result.review_prompt_tokens += tokens
            shown.merge(shown_in(text))
        result.requests += 1
    score(case, outcome.findings, shown, result)
    return result, recorded


def _is_verification(body: dict[str, Any]) -> bool:
    return "VERIFY" in body["messages"][0]["content"][:400].upper()


def _engine_arguments(
    case: dict[str, Any], config: Any, client: Any, reviewer: Any
) -> tuple[Any, dict[str, Any]]:
    """The engine's options and keyword arguments for this case, as far as this version of
    the engine knows them (the same script measures the engine before issue 13)."""
    from reviewer.app import components, engine
    from reviewer.core.guidance import Guidance

    guidance = Guidance(rules="", config=_repo_config(), gitattributes="")
    options = components.review_options(config, guidance)
    base = case["base_files"]
    extra: dict[str, Any] = {}
    params = inspect.signature(engine.review_diff).parameters
    if "context" in params:
        from reviewer.core.review_context import Intent, MemoryRepository, ReviewContext

        extra["context"] = ReviewContext(
            intent=Intent(case["title"], case["description"], tuple(case["commits"])),
            repository=MemoryRepository(base),
        )
    if "verifier" in params and getattr(options, "verify", False):
        extra["verifier"] = components.make_verifier(config, reviewer)
    return options, extra


def _repo_config() -> Any:
    from reviewer.core.config import RepoConfig

    return RepoConfig()


def score(case: dict[str, Any], findings: list[Any], shown: Shown, result: CaseResult) -> None:
    added = new_lines(case)
    for issue in case["issues"]:
        numbers = range(issue["start"], issue["end"] + 1)
        real = [n for n in numbers if n in added.get(issue["path"], {})] or list(numbers)
        reached = [n for n in real if shown.has_line(issue["path"], n)]
        result.lines += len(real)
        result.lines_reached += len(reached)
        needs_reached = sum(shown.has_span(n["path"], n["start"], n["end"]) for n in issue["needs"])
        result.needs += len(issue["needs"])
        result.needs_reached += needs_reached
        result.issues += 1
        result.issues_fully_reached += len(reached) == len(real) and needs_reached == len(
            issue["needs"]
        )
        result.issues_found += any(matches(f, issue) for f in findings)
    result.findings += len(findings)
    result.findings_matching += sum(any(matches(f, i) for i in case["issues"]) for f in findings)


_REQUESTS: dict[str, list[dict[str, Any]]] = {}


def endpoint_requests(endpoint: dict[str, str]) -> list[dict[str, Any]]:
    """Request bodies sent to a scripted endpoint since the last call (a real endpoint
    keeps none: its requests are rebuilt from the recording client, see `recording`)."""
    bodies = _REQUESTS.get(endpoint["base_url"], [])
    taken = list(bodies)
    bodies.clear()
    return taken


def totals(results: list[CaseResult]) -> dict[str, float]:
    def share(a: int, b: int) -> float:
        return round(100.0 * a / b, 1) if b else 100.0

    s = {f.name: sum(getattr(r, f.name) for r in results) for f in dataclasses.fields(CaseResult)
         if f.type in ("int", int)}  # fmt: skip
    return {
        "cases": len(results),
        "prompt_tokens": s["prompt_tokens"],
        "prompt_tokens_per_pr": round(s["prompt_tokens"] / max(len(results), 1)),
        "verify_prompt_tokens": s["verify_prompt_tokens"],
        "requests": s["requests"],
        "reach_lines_pct": share(s["lines_reached"], s["lines"]),
        "reach_needs_pct": share(s["needs_reached"], s["needs"]),
        "issues_fully_reached_pct": share(s["issues_fully_reached"], s["issues"]),
        "recall_pct": share(s["issues_found"], s["issues"]),
        "precision_pct": share(s["findings_matching"], s["findings"]),
        "findings": s["findings"],
        "rejected": s["rejected"],
    }


@contextlib.contextmanager
def endpoint_for(args: argparse.Namespace, model: ScriptedModel) -> Iterator[dict[str, str]]:
    if args.base_url:
        from bench.quality.scripted import recording_proxy

        with recording_proxy(args.base_url, _REQUESTS) as url:
            yield {"base_url": url, "model": args.model, "api_key": args.api_key}
        return
    with served(model, _REQUESTS) as url:
        yield {"base_url": url, "model": "scripted", "api_key": "sk-scripted"}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="")
    parser.add_argument("--model", default="gpt-4.1-mini")
    parser.add_argument("--api-key", default="")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    settings = dict(item.split("=", 1) for item in args.set)
    results = []
    scripted = ScriptedModel(load_cases())
    with endpoint_for(args, scripted) as endpoint:
        for case in load_cases(args.only):
            scripted.current = case
            result, _ = run_case(case, endpoint, settings)
            results.append(result)
            if not args.quiet:
                print(
                    f"{result.id:32} tokens {result.prompt_tokens:7} lines "
                    f"{result.lines_reached}/{result.lines} needs {result.needs_reached}/"
                    f"{result.needs} found {result.issues_found}/{result.issues} findings "
                    f"{result.findings_matching}/{result.findings} rejected {result.rejected}",
                    file=sys.stderr,
                )
    summary = {"settings": settings, "totals": totals(results),
               "cases": [dataclasses.asdict(r) for r in results]}  # fmt: skip
    print(json.dumps(summary["totals"], indent=1))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1) + "\n")
    return summary


if __name__ == "__main__":
    main()
