"""The benchmark's endpoints: a scripted model for CI, and a recording proxy in front of a
real one. Both keep every request body, so reach and tokens are read from what was sent.

The scripted model knows the case under review. It reports each known issue whose lines
(and the code from other files it needs) were in the prompt, and one false positive on an
added line that holds no known issue; as a verifier it confirms a finding on a known issue
and rejects the others. Its recall is therefore reach, and its precision says only that
the pipeline carries findings and verdicts through: neither is a model's quality.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bench.quality.prompts import shown_in

_LOCATION = re.compile(r"^Location: (.+) lines? (\d+)(?:-(\d+))?$", re.MULTILINE)


def _completion(content: str, prompt_tokens: int = 0) -> dict[str, Any]:
    return {
        "id": "chatcmpl-scripted", "object": "chat.completion", "created": int(time.time()),
        "model": "scripted",
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": content, "refusal": None}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": 10,
                  "total_tokens": prompt_tokens + 10},
    }  # fmt: skip


@dataclass
class ScriptedModel:
    cases: list[dict[str, Any]]
    current: dict[str, Any] = field(default_factory=dict)

    def case_for(self, prompt: str) -> dict[str, Any]:
        if self.current:
            return self.current
        shown = shown_in(prompt)
        for case in self.cases:
            if any(issue["path"] in shown.lines for issue in case["issues"]):
                paths = {issue["path"] for issue in case["issues"]}
                if paths <= set(shown.lines) | paths:
                    return case
        return {"issues": []}

    def answer(self, body: dict[str, Any]) -> str:
        prompt = "\n".join(m["content"] for m in body["messages"])
        if "VERIFY" in body["messages"][0]["content"][:400].upper():
            return self.verdict(prompt)
        fmt = body.get("response_format") or {}
        schema = json.dumps(fmt.get("json_schema", {}).get("schema", {})) if fmt else prompt
        return self.review(prompt, walkthrough="walkthrough" in schema)

    def review(self, prompt: str, *, walkthrough: bool) -> str:
        shown = shown_in(prompt)
        case = self.case_for(prompt)
        findings = []
        for issue in case["issues"]:
            lines = shown.lines.get(issue["path"], {})
            numbers = [n for n in range(issue["start"], issue["end"] + 1) if n in lines]
            needs = all(shown.has_span(n["path"], n["start"], n["end"]) for n in issue["needs"])
            if numbers and len(numbers) == issue["end"] - issue["start"] + 1 and needs:
                findings.append(self._finding(issue["path"], numbers[-1], lines[numbers[-1]],
                                              "Known issue", "critical"))  # fmt: skip
        taken = {(i["path"], n) for i in case["issues"]
                 for n in range(i["start"] - 3, i["end"] + 4)}  # fmt: skip
        for path, numbered in shown.lines.items():
            spare = [n for n in sorted(numbered) if (path, n) not in taken and numbered[n].strip()]
            if spare:
                findings.append(self._finding(path, spare[0], numbered[spare[0]], "Guess",
                                              "warning"))  # fmt: skip
                break
        if not walkthrough:
            return json.dumps({"findings": findings})
        notes = [{"path": p, "summary": "Changes this file."} for p in shown.lines]
        return json.dumps({"walkthrough": notes, "findings": findings})

    @staticmethod
    def _finding(path: str, line: int, quote: str, title: str, severity: str) -> dict[str, Any]:
        return {"path": path, "line": line, "start_line": None, "side": "RIGHT",
                "severity": severity, "category": "bug", "title": title,
                "body": "Scripted.", "quote": quote.strip(), "suggestion": None}  # fmt: skip

    def verdict(self, prompt: str) -> str:
        match = _LOCATION.search(prompt)
        confirmed = False
        if match:
            path, start = match.group(1), int(match.group(2))
            end = int(match.group(3) or start)
            for case in self.cases:
                for issue in case["issues"]:
                    if issue["path"] == path and start <= issue["end"] and end >= issue["start"]:
                        confirmed = True
        verdict = "confirm" if confirmed else "reject"
        return json.dumps({"verdict": verdict, "reason": f"Scripted {verdict}."})


@contextlib.contextmanager
def served(model: ScriptedModel, store: dict[str, list[dict[str, Any]]]) -> Iterator[str]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    url = server.url_for("/v1")
    store[url] = []

    def handle(request: Request) -> Response:
        body = request.get_json(force=True)
        store[url].append(body)
        content = model.answer(body)
        return Response(json.dumps(_completion(content)), content_type="application/json")

    server.expect_request(re.compile(r".*/chat/completions$"), method="POST").respond_with_handler(
        handle
    )
    try:
        yield url
    finally:
        server.clear()
        server.stop()


@contextlib.contextmanager
def recording_proxy(target: str, store: dict[str, list[dict[str, Any]]]) -> Iterator[str]:
    """A loopback proxy that keeps each request body and forwards it to `target`."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    url = server.url_for("/v1")
    store[url] = []
    client = requests.Session()

    def handle(request: Request) -> Response:
        body = request.get_json(force=True)
        store[url].append(body)
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() in ("authorization", "api-key", "content-type")}  # fmt: skip
        answer = client.post(
            target.rstrip("/") + "/chat/completions", json=body, headers=headers, timeout=600
        )
        return Response(
            answer.content,
            status=answer.status_code,
            content_type=answer.headers.get("content-type", "application/json"),
        )

    server.expect_request(re.compile(r".*/chat/completions$"), method="POST").respond_with_handler(
        handle
    )
    try:
        yield url
    finally:
        client.close()
        server.clear()
        server.stop()
